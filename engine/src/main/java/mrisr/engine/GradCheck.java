package mrisr.engine;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;

/**
 * Compares an op's backward rule with central finite differences.
 *
 * <p>For a random projection {@code R} (seeded), the scalar {@code L(x) = Σ f(x)·R} is differentiated
 * analytically (one {@code backward}) and numerically, {@code (L(x+ε) − L(x−ε)) / 2ε} per input
 * element, with {@code L} summed in double. Values are float32, so the defaults are
 * {@code ε = 1e-2}, {@code atol = 1e-3}, {@code rtol = 1e-2}; pick inputs away from kinks (relu at 0,
 * ties in max) where one-sided derivatives differ.
 *
 * <pre>{@code
 * GradCheck.check("tanh", xs -> xs[0].tanh(), Tensor.randn(new Rng(1), 3, 4));
 * }</pre>
 */
public final class GradCheck {
    private GradCheck() {}

    /** Tolerances and which inputs to differentiate. */
    public record Options(double eps, double atol, double rtol, boolean[] differentiable) {
        public static Options defaults() {
            return new Options(1e-2, 1e-3, 1e-2, null);
        }

        public Options withEps(double e) {
            return new Options(e, atol, rtol, differentiable);
        }

        public Options withTolerance(double a, double r) {
            return new Options(eps, a, r, differentiable);
        }

        /** Differentiate only the inputs flagged true (others are indices, masks, conditions). */
        public Options only(boolean... which) {
            return new Options(eps, atol, rtol, which.clone());
        }

        boolean differentiates(int i) {
            return differentiable == null || (i < differentiable.length && differentiable[i]);
        }
    }

    /** Checks with default options; throws {@link AssertionError} naming the worst element. */
    public static void check(String label, Function<Tensor[], Tensor> fn, Tensor... inputs) {
        check(label, fn, Options.defaults(), inputs);
    }

    /** Checks {@code fn} at {@code inputs} (not modified); throws {@link AssertionError} on mismatch. */
    public static void check(String label, Function<Tensor[], Tensor> fn, Options opt, Tensor... inputs) {
        float[][] values = new float[inputs.length][];
        int[][] shapes = new int[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            values[i] = inputs[i].toArray();
            shapes[i] = inputs[i].shape();
        }
        Tensor[] leaves = leaves(values, shapes, opt, -1, 0, 0);
        Tensor out = fn.apply(leaves);
        float[] outValues = out.toArray();
        for (float v : outValues) {
            if (!Float.isFinite(v)) throw new AssertionError(label + ": forward produced a non-finite value");
        }
        Rng rng = new Rng(0x5EED);
        float[] r = new float[outValues.length];
        for (int i = 0; i < r.length; i++) r[i] = (float) rng.nextGaussian();
        Tensor projection = Tensor.fromArray(r, out.shape());
        boolean any = false;
        for (Tensor t : leaves) any |= t.requiresGrad();
        if (!any) throw new AssertionError(label + ": no differentiable input");
        if (!out.requiresGrad()) throw new AssertionError(label + ": output does not require grad: the op recorded no graph");
        out.backward(projection, false);

        for (int i = 0; i < inputs.length; i++) {
            if (!opt.differentiates(i)) continue;
            Tensor gradTensor = leaves[i].grad();
            float[] analytic = gradTensor == null ? new float[values[i].length] : gradTensor.toArray();
            for (int j = 0; j < values[i].length; j++) {
                double plus = projected(fn, values, shapes, opt, i, j, opt.eps(), r);
                double minus = projected(fn, values, shapes, opt, i, j, -opt.eps(), r);
                double numeric = (plus - minus) / (2 * opt.eps());
                double a = analytic[j];
                double tol = opt.atol() + opt.rtol() * Math.max(Math.abs(a), Math.abs(numeric));
                if (!(Math.abs(a - numeric) <= tol)) {
                    throw new AssertionError(String.format(Locale.ROOT,
                            "%s: gradient of input %d %s at flat index %d: analytic %.6g, numeric %.6g (tolerance %.3g)",
                            label, i, Shape.format(shapes[i]), j, a, numeric, tol));
                }
            }
        }
    }

    private static double projected(Function<Tensor[], Tensor> fn, float[][] values, int[][] shapes, Options opt,
            int input, int element, double delta, float[] r) {
        try (var g = Grad.off()) {
            float[] y = fn.apply(leaves(values, shapes, opt, input, element, delta)).toArray();
            double s = 0;
            for (int k = 0; k < y.length; k++) s += (double) y[k] * r[k];
            return s;
        }
    }

    private static Tensor[] leaves(float[][] values, int[][] shapes, Options opt, int input, int element, double delta) {
        Tensor[] t = new Tensor[values.length];
        for (int i = 0; i < values.length; i++) {
            float[] v = values[i];
            if (i == input) {
                v = Arrays.copyOf(v, v.length);
                v[element] = (float) (v[element] + delta);
            }
            t[i] = Tensor.fromArray(v, shapes[i]).requiresGrad(opt.differentiates(i) && input < 0);
        }
        return t;
    }
}
