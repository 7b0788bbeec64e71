package mrisr.engine;

import java.util.Arrays;

/**
 * Differentiable 2-D and 3-D convolution and transposed convolution with PyTorch's semantics.
 *
 * <p>Convolution (cross-correlation, zero padding), for input {@code x[N, C, in…]}, weight
 * {@code w[O, C/groups, k…]} and optional bias {@code b[O]}:
 * <pre>
 *   y[n,o,p] = b[o] + Σ_{c < C/groups} Σ_k w[o,c,k] · x[n, g·C/groups + c, p·stride − padding + k·dilation]
 *   out = ⌊(in + 2·padding − dilation·(k − 1) − 1) / stride⌋ + 1        (per spatial axis)
 * </pre>
 * where {@code g = o / (O/groups)} is the group of output channel {@code o}. The transposed
 * convolution is the adjoint of that map in {@code x} (the gradient of a convolution with respect to
 * its input), with weight {@code [C_in, C_out/groups, k…]}, plus a bias over its output channels:
 * <pre>
 *   out = (in − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1
 * </pre>
 * Defaults as in PyTorch: stride 1, padding 0, dilation 1, groups 1, output padding 0. Inputs must be
 * batched ({@code [N, C, H, W]} for 2-D, {@code [N, C, D, H, W]} for 3-D); per-axis arguments take one
 * value per spatial axis, outermost first, and the {@code int} overloads use one value for all axes.
 * Backward gives the gradients of input, weight and bias. Inputs are never modified.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(rng, 1, 2, 16, 16, 16);
 * Tensor w = Tensor.randn(rng, 8, 2, 3, 3, 3).requiresGrad(true);
 * Tensor y = Conv.conv3d(x, w, null, 1, 1);                 // [1, 8, 16, 16, 16]
 * Tensor up = Conv.convTranspose3d(y, Tensor.randn(rng, 8, 4, 2, 2, 2), null, 2, 0, 0); // [1, 4, 32, 32, 32]
 * }</pre>
 */
public final class Conv {
    private Conv() {}

    // ------------------------------------------------------------------ conv2d

    /**
     * 2-D convolution.
     *
     * @param x        input {@code [N, C, H, W]} (not modified)
     * @param weight   {@code [O, C/groups, kH, kW]} (not modified)
     * @param bias     {@code [O]} or null (not modified)
     * @param stride   2 values, each ≥ 1
     * @param padding  2 values, each ≥ 0 (zeros on both sides)
     * @param dilation 2 values, each ≥ 1
     * @param groups   ≥ 1, dividing {@code C} and {@code O}
     * @return {@code [N, O, oH, oW]}
     * @throws ShapeException naming the op and the shapes when the arguments do not fit
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
            int groups) {
        return convolution("conv2d", 2, x, weight, bias, stride, padding, dilation, groups);
    }

    /** 2-D convolution with the same stride, padding and dilation on both axes. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int dilation,
            int groups) {
        return conv2d(x, weight, bias, same(2, stride), same(2, padding), same(2, dilation), groups);
    }

    /** 2-D convolution with dilation 1 and one group. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
        return conv2d(x, weight, bias, stride, padding, 1, 1);
    }

    /** 2-D convolution with stride 1, no padding, dilation 1, one group. */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias) {
        return conv2d(x, weight, bias, 1, 0, 1, 1);
    }

    // ------------------------------------------------------------------ conv3d

    /**
     * 3-D convolution.
     *
     * @param x        input {@code [N, C, D, H, W]} (not modified)
     * @param weight   {@code [O, C/groups, kD, kH, kW]} (not modified)
     * @param bias     {@code [O]} or null (not modified)
     * @param stride   3 values, each ≥ 1
     * @param padding  3 values, each ≥ 0 (zeros on both sides)
     * @param dilation 3 values, each ≥ 1
     * @param groups   ≥ 1, dividing {@code C} and {@code O}
     * @return {@code [N, O, oD, oH, oW]}
     * @throws ShapeException naming the op and the shapes when the arguments do not fit
     */
    public static Tensor conv3d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation,
            int groups) {
        return convolution("conv3d", 3, x, weight, bias, stride, padding, dilation, groups);
    }

    /** 3-D convolution with the same stride, padding and dilation on all axes. */
    public static Tensor conv3d(Tensor x, Tensor weight, Tensor bias, int stride, int padding, int dilation,
            int groups) {
        return conv3d(x, weight, bias, same(3, stride), same(3, padding), same(3, dilation), groups);
    }

    /** 3-D convolution with dilation 1 and one group. */
    public static Tensor conv3d(Tensor x, Tensor weight, Tensor bias, int stride, int padding) {
        return conv3d(x, weight, bias, stride, padding, 1, 1);
    }

    /** 3-D convolution with stride 1, no padding, dilation 1, one group. */
    public static Tensor conv3d(Tensor x, Tensor weight, Tensor bias) {
        return conv3d(x, weight, bias, 1, 0, 1, 1);
    }

    // ------------------------------------------------------------------ transposed

    /**
     * 2-D transposed convolution (PyTorch's argument order).
     *
     * @param x             input {@code [N, C_in, H, W]} (not modified)
     * @param weight        {@code [C_in, C_out/groups, kH, kW]} (not modified)
     * @param bias          {@code [C_out]} or null (not modified)
     * @param stride        2 values, each ≥ 1
     * @param padding       2 values, each ≥ 0: removed from both sides of the full output
     * @param outputPadding 2 values, each ≥ 0 and smaller than the stride or the dilation: extra size
     *                      added on the far side
     * @param groups        ≥ 1, dividing {@code C_in}
     * @param dilation      2 values, each ≥ 1
     * @return {@code [N, C_out, oH, oW]}
     * @throws ShapeException naming the op and the shapes when the arguments do not fit
     */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding,
            int[] outputPadding, int groups, int[] dilation) {
        return transposed("conv_transpose2d", 2, x, weight, bias, stride, padding, outputPadding, groups, dilation);
    }

    /** 2-D transposed convolution with the same per-axis values on both axes. */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding,
            int outputPadding, int groups, int dilation) {
        return convTranspose2d(x, weight, bias, same(2, stride), same(2, padding), same(2, outputPadding), groups,
                same(2, dilation));
    }

    /** 2-D transposed convolution with one group and dilation 1. */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias, int stride, int padding,
            int outputPadding) {
        return convTranspose2d(x, weight, bias, stride, padding, outputPadding, 1, 1);
    }

    /** 2-D transposed convolution with stride 1, no padding, one group, dilation 1. */
    public static Tensor convTranspose2d(Tensor x, Tensor weight, Tensor bias) {
        return convTranspose2d(x, weight, bias, 1, 0, 0, 1, 1);
    }

    /**
     * 3-D transposed convolution (PyTorch's argument order).
     *
     * @param x             input {@code [N, C_in, D, H, W]} (not modified)
     * @param weight        {@code [C_in, C_out/groups, kD, kH, kW]} (not modified)
     * @param bias          {@code [C_out]} or null (not modified)
     * @param stride        3 values, each ≥ 1
     * @param padding       3 values, each ≥ 0: removed from both sides of the full output
     * @param outputPadding 3 values, each ≥ 0 and smaller than the stride or the dilation
     * @param groups        ≥ 1, dividing {@code C_in}
     * @param dilation      3 values, each ≥ 1
     * @return {@code [N, C_out, oD, oH, oW]}
     * @throws ShapeException naming the op and the shapes when the arguments do not fit
     */
    public static Tensor convTranspose3d(Tensor x, Tensor weight, Tensor bias, int[] stride, int[] padding,
            int[] outputPadding, int groups, int[] dilation) {
        return transposed("conv_transpose3d", 3, x, weight, bias, stride, padding, outputPadding, groups, dilation);
    }

    /** 3-D transposed convolution with the same per-axis values on all axes. */
    public static Tensor convTranspose3d(Tensor x, Tensor weight, Tensor bias, int stride, int padding,
            int outputPadding, int groups, int dilation) {
        return convTranspose3d(x, weight, bias, same(3, stride), same(3, padding), same(3, outputPadding), groups,
                same(3, dilation));
    }

    /** 3-D transposed convolution with one group and dilation 1. */
    public static Tensor convTranspose3d(Tensor x, Tensor weight, Tensor bias, int stride, int padding,
            int outputPadding) {
        return convTranspose3d(x, weight, bias, stride, padding, outputPadding, 1, 1);
    }

    /** 3-D transposed convolution with stride 1, no padding, one group, dilation 1. */
    public static Tensor convTranspose3d(Tensor x, Tensor weight, Tensor bias) {
        return convTranspose3d(x, weight, bias, 1, 0, 0, 1, 1);
    }

    // ------------------------------------------------------------------ output sizes

    /**
     * A convolution's output size along one axis, {@code ⌊(in + 2·padding − dilation·(kernel − 1) − 1) /
     * stride⌋ + 1}; below 1 when the dilated kernel does not fit the padded input.
     */
    public static long outputSize(int in, int kernel, int stride, int padding, int dilation) {
        long span = (long) dilation * (kernel - 1) + 1;
        return Math.floorDiv(in + 2L * padding - span, stride) + 1;
    }

    /**
     * A transposed convolution's output size along one axis,
     * {@code (in − 1)·stride − 2·padding + dilation·(kernel − 1) + outputPadding + 1}.
     */
    public static long transposedOutputSize(int in, int kernel, int stride, int padding, int outputPadding,
            int dilation) {
        return (long) (in - 1) * stride - 2L * padding + (long) dilation * (kernel - 1) + outputPadding + 1;
    }

    // ------------------------------------------------------------------ implementation

    private static Tensor convolution(String op, int rank, Tensor x, Tensor weight, Tensor bias, int[] stride,
            int[] padding, int[] dilation, int groups) {
        checkRanks(op, rank, x, weight, bias, "[O,C/groups," + spatialNames(rank, "k") + "]");
        int[] s = perAxis(op, "stride", stride, rank, 1);
        int[] p = perAxis(op, "padding", padding, rank, 0);
        int[] d = perAxis(op, "dilation", dilation, rank, 1);
        int c = x.size(1), o = weight.size(0);
        checkGroups(op, groups, x, c);
        if (o % groups != 0) {
            throw new ShapeException(op, "weight " + Shape.format(weight.shape()) + " has " + o
                    + " output channels, not divisible by groups " + groups);
        }
        checkChannels(op, x, c, weight.size(1), groups);
        checkBias(op, bias, o);
        int[] in = spatial(x), kernel = spatial(weight), out = new int[rank];
        for (int a = 0; a < rank; a++) {
            long size = outputSize(in[a], kernel[a], s[a], p[a], d[a]);
            if (size < 1) {
                throw new ShapeException(op, "kernel " + Shape.format(kernel) + " with dilation " + Shape.format(d)
                        + " is larger than input " + Shape.format(x.shape()) + " padded by " + Shape.format(p));
            }
            out[a] = (int) size;
        }
        Tensor xc, wc, bc;
        try (var g = Grad.off()) {
            xc = x.contiguous();
            wc = weight.contiguous();
            bc = bias == null ? null : bias.contiguous();
        }
        ConvBackend backend = x.backend().conv();
        Tensor y = backend.convolution(xc, wc, bc, out, s, p, d, groups);
        if (!Autograd.needsGrad(x, weight, bias)) return y;
        return Autograd.record(op, y, g -> {
            Tensor gc = g.contiguous();
            return new Tensor[] {
                    x.requiresGrad() ? backend.convolutionTranspose(gc, wc, null, in, s, p, d, groups) : null,
                    weight.requiresGrad() ? backend.convolutionBackwardWeight(xc, gc, kernel, s, p, d, groups) : null,
                    bias != null && bias.requiresGrad() ? biasGradient(gc) : null};
        }, x, weight, bias);
    }

    private static Tensor transposed(String op, int rank, Tensor x, Tensor weight, Tensor bias, int[] stride,
            int[] padding, int[] outputPadding, int groups, int[] dilation) {
        checkRanks(op, rank, x, weight, bias, "[C_in,C_out/groups," + spatialNames(rank, "k") + "]");
        int[] s = perAxis(op, "stride", stride, rank, 1);
        int[] p = perAxis(op, "padding", padding, rank, 0);
        int[] outPad = perAxis(op, "output padding", outputPadding, rank, 0);
        int[] d = perAxis(op, "dilation", dilation, rank, 1);
        int cIn = x.size(1);
        checkGroups(op, groups, x, cIn);
        if (weight.size(0) != cIn) {
            throw new ShapeException(op, "input " + Shape.format(x.shape()) + " has " + cIn + " channels, weight "
                    + Shape.format(weight.shape()) + " expects " + weight.size(0));
        }
        int cOut = Math.multiplyExact(weight.size(1), groups);
        checkBias(op, bias, cOut);
        int[] in = spatial(x), kernel = spatial(weight), out = new int[rank];
        for (int a = 0; a < rank; a++) {
            if (outPad[a] >= Math.max(s[a], d[a])) {
                throw new ShapeException(op, "output padding " + Shape.format(outPad) + " must be smaller than the stride "
                        + Shape.format(s) + " or the dilation " + Shape.format(d) + " in every dimension");
            }
        }
        for (int a = 0; a < rank; a++) {
            long size = transposedOutputSize(in[a], kernel[a], s[a], p[a], outPad[a], d[a]);
            if (size < 1 || size > Integer.MAX_VALUE) {
                throw new ShapeException(op, "input " + Shape.format(x.shape()) + " with weight "
                        + Shape.format(weight.shape()) + ", stride " + Shape.format(s) + ", padding " + Shape.format(p)
                        + ", output padding " + Shape.format(outPad) + " and dilation " + Shape.format(d)
                        + " gives output size " + size + " in spatial dimension " + a + ", must be >= 1");
            }
            out[a] = (int) size;
        }
        Tensor xc, wc, bc;
        try (var g = Grad.off()) {
            xc = x.contiguous();
            wc = weight.contiguous();
            bc = bias == null ? null : bias.contiguous();
        }
        ConvBackend backend = x.backend().conv();
        Tensor y = backend.convolutionTranspose(xc, wc, bc, out, s, p, d, groups);
        if (!Autograd.needsGrad(x, weight, bias)) return y;
        return Autograd.record(op, y, g -> {
            Tensor gc = g.contiguous();
            // the adjoint of the transposed convolution is the convolution with the same weight
            return new Tensor[] {
                    x.requiresGrad() ? backend.convolution(gc, wc, null, in, s, p, d, groups) : null,
                    weight.requiresGrad() ? backend.convolutionBackwardWeight(gc, xc, kernel, s, p, d, groups) : null,
                    bias != null && bias.requiresGrad() ? biasGradient(gc) : null};
        }, x, weight, bias);
    }

    /** {@code Σ_{n, spatial} g[n, c, …]}: the gradient of a per-channel bias. */
    private static Tensor biasGradient(Tensor g) {
        int[] dims = new int[g.dim() - 1];
        dims[0] = 0;
        for (int k = 1; k < dims.length; k++) dims[k] = k + 1;
        return Ops.sum(g, dims, false);
    }

    private static void checkRanks(String op, int rank, Tensor x, Tensor weight, Tensor bias, String weightLayout) {
        if (x.dim() != rank + 2) {
            throw new ShapeException(op, "input " + Shape.format(x.shape()) + " must be " + (rank + 2) + "-d [N,C,"
                    + spatialNames(rank, "") + "]");
        }
        if (weight.dim() != rank + 2) {
            throw new ShapeException(op, "weight " + Shape.format(weight.shape()) + " must be " + (rank + 2) + "-d "
                    + weightLayout);
        }
        x.checkSameDevice(op, weight);
        if (bias != null) x.checkSameDevice(op, bias);
    }

    private static void checkGroups(String op, int groups, Tensor x, int channels) {
        if (groups < 1) throw new ShapeException(op, "groups must be >= 1, got " + groups);
        if (channels % groups != 0) {
            throw new ShapeException(op, "input " + Shape.format(x.shape()) + " has " + channels
                    + " channels, not divisible by groups " + groups);
        }
    }

    private static void checkChannels(String op, Tensor x, int channels, int perGroup, int groups) {
        long expected = (long) perGroup * groups;
        if (expected == channels) return;
        String detail = groups == 1 ? "" : " (" + perGroup + " per group × " + groups + " groups)";
        throw new ShapeException(op, "input " + Shape.format(x.shape()) + " has " + channels + " channels, weight expects "
                + expected + detail);
    }

    private static void checkBias(String op, Tensor bias, int channels) {
        if (bias != null && (bias.dim() != 1 || bias.size(0) != channels)) {
            throw new ShapeException(op, "bias " + Shape.format(bias.shape()) + " must be [" + channels
                    + "], one value per output channel");
        }
    }

    /** Validates a per-axis argument: {@code rank} values, each ≥ {@code min}; returns a copy. */
    static int[] perAxis(String op, String what, int[] values, int rank, int min) {
        if (values == null || values.length != rank) {
            throw new ShapeException(op, what + " " + (values == null ? "null" : Shape.format(values)) + " needs "
                    + rank + " values, one per spatial dimension");
        }
        for (int v : values) {
            if (v < min) throw new ShapeException(op, what + " " + Shape.format(values) + " must be >= " + min + " in every dimension");
        }
        return values.clone();
    }

    /** {@code rank} copies of {@code value}. */
    static int[] same(int rank, int value) {
        int[] a = new int[rank];
        Arrays.fill(a, value);
        return a;
    }

    /** The spatial sizes of an {@code [N, C, spatial…]} tensor. */
    static int[] spatial(Tensor t) {
        int[] s = t.shape();
        return Arrays.copyOfRange(s, 2, s.length);
    }

    /** {@code D,H,W} (or {@code kD,kH,kW} with a prefix) for the last {@code rank} axes. */
    static String spatialNames(int rank, String prefix) {
        String[] names = {"D", "H", "W"};
        StringBuilder b = new StringBuilder();
        for (int a = 3 - rank; a < 3; a++) {
            if (b.length() > 0) b.append(',');
            b.append(prefix).append(names[a]);
        }
        return b.toString();
    }
}
