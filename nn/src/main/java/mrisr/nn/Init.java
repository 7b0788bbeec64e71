package mrisr.nn;

import java.util.Locale;
import mrisr.engine.Grad;
import mrisr.engine.Rng;
import mrisr.engine.ShapeException;
import mrisr.engine.Shape;
import mrisr.engine.Tensor;

/**
 * Weight initialisation with PyTorch's {@code torch.nn.init} conventions, drawing from an explicit
 * {@link Rng} (values in row-major order) and writing in place outside autograd.
 *
 * <p>Fans: for a weight of shape {@code [a, b, k…]}, {@code fanIn = b·Πk} and {@code fanOut = a·Πk}
 * (so for a transposed convolution, whose weight is {@code [C_in, C_out/groups, k…]}, PyTorch's — and
 * our — "fan in" is {@code C_out/groups·Πk}). Gains ({@link #gain}): linear, conv and sigmoid 1, tanh
 * 5/3, relu √2, leaky_relu √(2/(1+a²)), selu 3/4.
 * <ul>
 *   <li>Kaiming (He) uniform: {@code U(−b, b)}, {@code b = gain·√(3/fan)}; normal: {@code N(0, (gain/√fan)²)},
 *       {@code fan} = fanIn or fanOut ({@link FanMode}).</li>
 *   <li>Xavier (Glorot) uniform: {@code b = gain·√(6/(fanIn+fanOut))}; normal: {@code std = gain·√(2/(fanIn+fanOut))}.</li>
 * </ul>
 *
 * <pre>{@code
 * Rng rng = new Rng(7);
 * Init.kaimingNormal(conv.weight(), rng, 0, Init.FanMode.FAN_OUT, "relu");
 * Init.zeros(conv.bias());
 * }</pre>
 */
public final class Init {
    private Init() {}

    /** Which fan scales a Kaiming initialisation: fan-in preserves forward variance, fan-out backward. */
    public enum FanMode { FAN_IN, FAN_OUT }

    /**
     * PyTorch's {@code calculate_gain}.
     *
     * @param nonlinearity one of linear, conv1d, conv2d, conv3d, conv_transpose1d/2d/3d, sigmoid, tanh,
     *                     relu, leaky_relu, selu
     * @param param        the negative slope for leaky_relu (PyTorch's default 0.01 when NaN); ignored otherwise
     */
    public static double gain(String nonlinearity, double param) {
        return switch (nonlinearity.toLowerCase(Locale.ROOT)) {
            case "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
                 "sigmoid" -> 1.0;
            case "tanh" -> 5.0 / 3.0;
            case "relu" -> Math.sqrt(2.0);
            case "leaky_relu" -> {
                double slope = Double.isNaN(param) ? 0.01 : param;
                yield Math.sqrt(2.0 / (1 + slope * slope));
            }
            case "selu" -> 3.0 / 4.0;
            default -> throw new IllegalArgumentException("unknown nonlinearity '" + nonlinearity
                    + "' (expected linear, conv*, sigmoid, tanh, relu, leaky_relu or selu)");
        };
    }

    /** {@code fanIn = shape[1]·Πshape[2:]} for a weight of at least 2 dimensions. */
    public static long fanIn(int[] shape) {
        return fans("fanIn", shape)[0];
    }

    /** {@code fanOut = shape[0]·Πshape[2:]} for a weight of at least 2 dimensions. */
    public static long fanOut(int[] shape) {
        return fans("fanOut", shape)[1];
    }

    private static long[] fans(String op, int[] shape) {
        if (shape.length < 2) {
            throw new ShapeException(op, "fan in and fan out need a tensor of at least 2 dimensions, got " + Shape.format(shape));
        }
        long receptive = 1;
        for (int d = 2; d < shape.length; d++) receptive *= shape[d];
        return new long[] {shape[1] * receptive, shape[0] * receptive};
    }

    // ------------------------------------------------------------------ Kaiming

    /**
     * Kaiming uniform: {@code U(−b, b)} with {@code b = gain(nonlinearity, a)·√(3/fan)}.
     * PyTorch's defaults are {@code a = 0}, fan-in, {@code "leaky_relu"}.
     *
     * @param w   weight of at least 2 dimensions (modified)
     * @param a   negative slope of the rectifier that follows (leaky_relu only)
     */
    public static void kaimingUniform(Tensor w, Rng rng, double a, FanMode mode, String nonlinearity) {
        double std = gain(nonlinearity, a) / Math.sqrt(fan("kaimingUniform", w.shape(), mode));
        double bound = Math.sqrt(3.0) * std;
        uniform(w, rng, -bound, bound);
    }

    /** Kaiming uniform on a parameter (see {@link #kaimingUniform(Tensor, Rng, double, FanMode, String)}). */
    public static void kaimingUniform(Parameter w, Rng rng, double a, FanMode mode, String nonlinearity) {
        kaimingUniform(w.data(), rng, a, mode, nonlinearity);
    }

    /**
     * Kaiming normal: {@code N(0, std²)} with {@code std = gain(nonlinearity, a)/√fan}.
     *
     * @param w weight of at least 2 dimensions (modified)
     */
    public static void kaimingNormal(Tensor w, Rng rng, double a, FanMode mode, String nonlinearity) {
        double std = gain(nonlinearity, a) / Math.sqrt(fan("kaimingNormal", w.shape(), mode));
        normal(w, rng, 0, std);
    }

    /** Kaiming normal on a parameter. */
    public static void kaimingNormal(Parameter w, Rng rng, double a, FanMode mode, String nonlinearity) {
        kaimingNormal(w.data(), rng, a, mode, nonlinearity);
    }

    private static long fan(String op, int[] shape, FanMode mode) {
        long f = mode == FanMode.FAN_IN ? fans(op, shape)[0] : fans(op, shape)[1];
        if (f == 0) throw new ShapeException(op, "zero fan for shape " + Shape.format(shape));
        return f;
    }

    // ------------------------------------------------------------------ Xavier

    /**
     * Xavier (Glorot) uniform: {@code U(−b, b)} with {@code b = gain·√(6/(fanIn+fanOut))}.
     *
     * @param w weight of at least 2 dimensions (modified)
     */
    public static void xavierUniform(Tensor w, Rng rng, double gain) {
        long[] f = fans("xavierUniform", w.shape());
        double bound = gain * Math.sqrt(6.0 / (f[0] + f[1]));
        uniform(w, rng, -bound, bound);
    }

    public static void xavierUniform(Parameter w, Rng rng, double gain) {
        xavierUniform(w.data(), rng, gain);
    }

    /**
     * Xavier (Glorot) normal: {@code N(0, std²)} with {@code std = gain·√(2/(fanIn+fanOut))}.
     *
     * @param w weight of at least 2 dimensions (modified)
     */
    public static void xavierNormal(Tensor w, Rng rng, double gain) {
        long[] f = fans("xavierNormal", w.shape());
        normal(w, rng, 0, gain * Math.sqrt(2.0 / (f[0] + f[1])));
    }

    public static void xavierNormal(Parameter w, Rng rng, double gain) {
        xavierNormal(w.data(), rng, gain);
    }

    // ------------------------------------------------------------------ basic fills

    /**
     * Fills with {@code lo + (hi − lo)·u}, {@code u} uniform in [0, 1) drawn in row-major order.
     *
     * @param t tensor (modified)
     */
    public static void uniform(Tensor t, Rng rng, double lo, double hi) {
        if (!(lo <= hi)) throw new IllegalArgumentException("uniform: lo " + lo + " > hi " + hi);
        float[] v = new float[t.numel()];
        for (int i = 0; i < v.length; i++) v[i] = (float) (lo + (hi - lo) * rng.nextDouble());
        fill(t, v);
    }

    public static void uniform(Parameter p, Rng rng, double lo, double hi) {
        uniform(p.data(), rng, lo, hi);
    }

    /**
     * Fills with {@code mean + std·z}, {@code z} standard normal drawn in row-major order.
     *
     * @param t tensor (modified)
     */
    public static void normal(Tensor t, Rng rng, double mean, double std) {
        if (!(std >= 0)) throw new IllegalArgumentException("normal: std must be >= 0, got " + std);
        float[] v = new float[t.numel()];
        for (int i = 0; i < v.length; i++) v[i] = (float) (mean + std * rng.nextGaussian());
        fill(t, v);
    }

    public static void normal(Parameter p, Rng rng, double mean, double std) {
        normal(p.data(), rng, mean, std);
    }

    /** Fills with {@code value} (modified). */
    public static void constant(Tensor t, double value) {
        try (var _ = Grad.off()) {
            t.copyFrom_(Tensor.fullLike(t, (float) value));
        }
    }

    public static void constant(Parameter p, double value) {
        constant(p.data(), value);
    }

    public static void zeros(Parameter p) {
        constant(p.data(), 0);
    }

    public static void ones(Parameter p) {
        constant(p.data(), 1);
    }

    private static void fill(Tensor t, float[] values) {
        try (var _ = Grad.off()) {
            t.copyFrom_(Tensor.wrap(t.backend().upload(values, "init " + Shape.format(t.shape())), t.shape()));
        }
    }
}
