package mrisr.engine;

import java.util.Arrays;
import java.util.Objects;
import mrisr.kernels.BinaryFn;

/**
 * Softmax, normalisation layers and dropout, with PyTorch semantics and defaults.
 *
 * <ul>
 *   <li>{@link #softmax}: {@code y_j = exp(x_j − m) / Σ_k exp(x_k − m)}, {@code m = max_k x_k}, so
 *       inputs like 1000 do not overflow; {@link #logSoftmax}: {@code y_j = x_j − m − log Σ_k exp(x_k − m)}.
 *       Backward is analytic: {@code y·(g − Σ g·y)} and {@code g − softmax·Σ g}.
 *   <li>{@link #layerNorm}: over the trailing dimensions {@code normalizedShape},
 *       {@code y = (x − μ)/√(σ² + eps)·w + b} with the biased (population) variance, eps 1e-5.
 *   <li>{@link #groupNorm}: {@code x [N, C, …]}, channels split into {@code G} consecutive groups;
 *       each (sample, group) is standardised over its channels and positions, then
 *       {@code y = x̂·w_c + b_c} per channel.
 *   <li>{@link #dropout}: inverted dropout, {@code y = x·m/(1 − p)} with {@code m ~ Bernoulli(1 − p)}
 *       drawn from an explicit {@link Rng}.
 * </ul>
 *
 * <p>Means and variances are computed in double and saved for the analytic backward; weight and
 * bias gradients are reduced in a fixed order, so every result is bit-identical for any thread
 * count.
 *
 * <pre>{@code
 * Tensor p = Norm.softmax(logits, -1);
 * Tensor h = Norm.groupNorm(features, 8, gamma, beta);          // features [N, 32, D, H, W]
 * Tensor d = Norm.dropout(h, 0.1, training, rng);
 * }</pre>
 */
public final class Norm {
    /** PyTorch's default {@code eps} for layer and group norm. */
    public static final double DEFAULT_EPS = 1e-5;

    private Norm() {}

    // ------------------------------------------------------------------ softmax

    /**
     * Softmax along {@code dim}: each slice along {@code dim} becomes non-negative and sums to 1.
     *
     * @param x   not modified; a 0-d tensor is treated as one element
     * @param dim in {@code [-rank, rank)}
     */
    public static Tensor softmax(Tensor x, int dim) {
        return softmax("softmax", x, dim, false);
    }

    /**
     * {@code log(softmax(x))} along {@code dim}, computed directly (stable where the softmax
     * underflows).
     *
     * @param x   not modified; a 0-d tensor is treated as one element
     * @param dim in {@code [-rank, rank)}
     */
    public static Tensor logSoftmax(Tensor x, int dim) {
        return softmax("log_softmax", x, dim, true);
    }

    private static Tensor softmax(String op, Tensor x, int dim, boolean log) {
        if (x.dim() == 0) {
            Shape.dim(op, dim, 1);
            return softmax(op, x.reshape(1), 0, log).reshape();
        }
        int d = Shape.dim(op, dim, x.dim());
        NormBackend backend = x.backend().norm();
        Tensor y = backend.softmax(x, d, log);
        return Autograd.record(op, y, g -> new Tensor[] {backend.softmaxBackward(y, g, d, log)}, x);
    }

    // ------------------------------------------------------------------ layer norm

    /** {@link #layerNorm(Tensor, int[], Tensor, Tensor, double)} with eps 1e-5. */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias) {
        return layerNorm(x, normalizedShape, weight, bias, DEFAULT_EPS);
    }

    /**
     * Layer normalisation over the trailing dimensions {@code normalizedShape}: per position of the
     * leading dimensions, {@code y = (x − μ)/√(σ² + eps)·w + b}, {@code σ²} the biased variance.
     *
     * @param x               not modified; its shape must end with {@code normalizedShape}
     * @param normalizedShape one or more trailing dimensions of {@code x}
     * @param weight          shape {@code normalizedShape}, or null for 1 (not modified)
     * @param bias            shape {@code normalizedShape}, or null for 0 (not modified)
     * @param eps             added to the variance, ≥ 0 (PyTorch default 1e-5)
     */
    public static Tensor layerNorm(Tensor x, int[] normalizedShape, Tensor weight, Tensor bias, double eps) {
        int[] shape = x.shape();
        int k = normalizedShape.length;
        boolean matches = k >= 1 && k <= shape.length;
        for (int i = 0; matches && i < k; i++) matches = shape[shape.length - k + i] == normalizedShape[i];
        if (!matches) {
            throw new ShapeException("layer_norm", "input " + Shape.format(shape) + " does not end with normalized shape "
                    + Shape.format(normalizedShape));
        }
        checkAffine("layer_norm", "weight", weight, normalizedShape, x);
        checkAffine("layer_norm", "bias", bias, normalizedShape, x);
        checkEps("layer_norm", eps);
        NormBackend backend = x.backend().norm();
        Tensor[] r = backend.layerNorm(x, k, weight, bias, eps);
        Tensor mean = r[1], rstd = r[2];
        return Autograd.record("layer_norm", r[0], g -> {
            Tensor[] gs = backend.layerNormBackward(g, x, mean, rstd, k, weight, x.requiresGrad(),
                    weight != null && weight.requiresGrad(), bias != null && bias.requiresGrad());
            return new Tensor[] {gs[0], reshaped(gs[1], weight), reshaped(gs[2], bias)};
        }, x, weight, bias);
    }

    // ------------------------------------------------------------------ group norm

    /** {@link #groupNorm(Tensor, int, Tensor, Tensor, double)} with eps 1e-5. */
    public static Tensor groupNorm(Tensor x, int numGroups, Tensor weight, Tensor bias) {
        return groupNorm(x, numGroups, weight, bias, DEFAULT_EPS);
    }

    /**
     * Group normalisation of {@code x [N, C, …]}: the {@code C} channels form {@code numGroups}
     * consecutive groups of {@code C/numGroups}; each sample's group is standardised over its
     * channels and all positions with the biased variance, then {@code y = x̂·w_c + b_c}. One group
     * is layer norm over {@code [C, …]} with per-channel affine; {@code C} groups is instance norm.
     *
     * @param x         at least 2-d, not modified
     * @param numGroups ≥ 1 and dividing {@code C}
     * @param weight    {@code [C]}, or null for 1 (not modified)
     * @param bias      {@code [C]}, or null for 0 (not modified)
     * @param eps       added to the variance, ≥ 0 (PyTorch default 1e-5)
     */
    public static Tensor groupNorm(Tensor x, int numGroups, Tensor weight, Tensor bias, double eps) {
        int[] shape = x.shape();
        if (shape.length < 2) {
            throw new ShapeException("group_norm", "input " + Shape.format(shape) + " needs at least 2 dimensions [N, C, …]");
        }
        int c = shape[1];
        if (numGroups < 1 || c % numGroups != 0) {
            throw new ShapeException("group_norm", "input " + Shape.format(shape) + " has " + c
                    + " channels, which cannot be split into " + numGroups + " groups");
        }
        checkAffine("group_norm", "weight", weight, new int[] {c}, x);
        checkAffine("group_norm", "bias", bias, new int[] {c}, x);
        checkEps("group_norm", eps);
        NormBackend backend = x.backend().norm();
        Tensor[] r = backend.groupNorm(x, numGroups, weight, bias, eps);
        Tensor mean = r[1], rstd = r[2];
        return Autograd.record("group_norm", r[0], g -> {
            Tensor[] gs = backend.groupNormBackward(g, x, mean, rstd, numGroups, weight, x.requiresGrad(),
                    weight != null && weight.requiresGrad(), bias != null && bias.requiresGrad());
            return new Tensor[] {gs[0], gs[1], gs[2]};
        }, x, weight, bias);
    }

    private static void checkAffine(String op, String name, Tensor t, int[] expected, Tensor x) {
        if (t == null) return;
        if (!Arrays.equals(t.shape(), expected)) {
            throw new ShapeException(op, name + " of shape " + Shape.format(t.shape()) + " does not match "
                    + Shape.format(expected) + " for input " + Shape.format(x.shape()));
        }
        x.checkSameDevice(op, t);
    }

    private static void checkEps(String op, double eps) {
        if (!(eps >= 0) || Double.isInfinite(eps)) throw new ShapeException(op, "eps must be finite and >= 0, got " + eps);
    }

    private static Tensor reshaped(Tensor flat, Tensor like) {
        return flat == null ? null : flat.reshape(like.shape());
    }

    // ------------------------------------------------------------------ dropout

    /**
     * Inverted dropout: while training, each element is kept with probability {@code 1 − p} and
     * scaled by {@code 1/(1 − p)}, else set to 0, so the expected value is unchanged. The mask is
     * drawn from {@code rng} in row-major order (one {@link Rng#nextFloat()} per element, kept when
     * it is ≥ {@code p}), so a seed fixes the mask for every thread count. Returns {@code x} itself,
     * drawing nothing, when {@code !training} or {@code p == 0}; returns zeros, drawing nothing, when
     * {@code p == 1}. Backward multiplies by the same mask.
     *
     * @param x        not modified
     * @param p        drop probability in {@code [0, 1]}
     * @param training false makes this the identity
     * @param rng      the random source (advanced by {@code x.numel()} draws); may be null when
     *                 nothing is drawn
     */
    public static Tensor dropout(Tensor x, double p, boolean training, Rng rng) {
        if (!(p >= 0 && p <= 1)) throw new ShapeException("dropout", "probability must be in [0, 1], got " + p);
        if (!training || p == 0) return x;
        int[] shape = x.shape();
        if (p == 1) {
            Tensor zeros = Tensor.fullLike(x, 0f);
            return Autograd.record("dropout", zeros, g -> new Tensor[] {Tensor.fullLike(g, 0f)}, x);
        }
        Objects.requireNonNull(rng, "dropout: rng");
        float scale = (float) (1 / (1 - p));
        float[] m = new float[x.numel()];
        for (int i = 0; i < m.length; i++) m[i] = rng.nextFloat() >= p ? scale : 0f;
        Tensor mask = Tensor.wrap(x.backend().upload(m, "dropout mask " + Shape.format(shape)), shape);
        Tensor y = x.backend().binary(BinaryFn.MUL, x, mask);
        return Autograd.record("dropout", y, g -> new Tensor[] {Ops.mul(g, mask)}, x);
    }
}
