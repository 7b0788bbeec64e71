package mrisr.engine;

/**
 * Differentiable 2-D and 3-D average and max pooling with PyTorch's semantics, on batched inputs
 * {@code [N, C, H, W]} or {@code [N, C, D, H, W]}; each channel plane is pooled independently.
 *
 * <p>Along each spatial axis the window of output {@code o} starts at {@code o·stride − padding};
 * the output size is
 * <pre>
 *   out = ⌊(in + 2·padding − dilation·(kernel − 1) − 1 + (ceilMode ? stride − 1 : 0)) / stride⌋ + 1
 * </pre>
 * reduced by one in ceil mode when the last window would start past {@code in + padding − 1}
 * (PyTorch's rule: every window starts inside the input or its left padding). Padding is at most
 * half the (dilated) kernel.
 * <ul>
 * <li>Average: the sum over the window's in-bounds elements divided by the window size clipped to
 * {@code in + padding} when {@code countIncludePad} (PyTorch's default), else by the number of
 * in-bounds elements. The gradient spreads each output's gradient over its window by the same
 * divisor.
 * <li>Max: the maximum over the in-bounds taps {@code o·stride − padding + k·dilation}. The gradient
 * goes to the argmax only; ties go to the first tap in window order (row-major), and a NaN is
 * the maximum, like PyTorch's CPU kernels.
 * </ul>
 * Defaults as in PyTorch: stride = kernel, padding 0, dilation 1, ceil mode off, count_include_pad
 * on. Per-axis arguments take one value per spatial axis, outermost first; the {@code int} overloads
 * use one value for all axes. Inputs are never modified.
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(rng, 1, 4, 32, 32, 32);
 * Tensor half = Pool.avgPool3d(x, 2);        // [1, 4, 16, 16, 16]
 * Tensor peaks = Pool.maxPool3d(x, 3, 2, 1, 1); // [1, 4, 16, 16, 16]
 * }</pre>
 */
public final class Pool {
    private Pool() {}

    // ------------------------------------------------------------------ average

    /**
     * 2-D average pooling.
     *
     * @param x               input {@code [N, C, H, W]} (not modified)
     * @param kernel          window size, 2 values ≥ 1
     * @param stride          2 values ≥ 1 (PyTorch's default is the kernel size)
     * @param padding         implicit zero padding, 2 values in {@code [0, kernel/2]}
     * @param ceilMode        round the output size up instead of down
     * @param countIncludePad count padded elements in the divisor
     * @return {@code [N, C, oH, oW]}
     * @throws ShapeException naming the op and the shapes when the arguments do not fit
     */
    public static Tensor avgPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean ceilMode,
            boolean countIncludePad) {
        return average("avg_pool2d", 2, x, kernel, stride, padding, ceilMode, countIncludePad);
    }

    /** 2-D average pooling with a square window, floor mode, padding counted in the divisor. */
    public static Tensor avgPool2d(Tensor x, int kernel, int stride, int padding) {
        return avgPool2d(x, Conv.same(2, kernel), Conv.same(2, stride), Conv.same(2, padding), false, true);
    }

    /** 2-D average pooling over non-overlapping {@code kernel × kernel} windows. */
    public static Tensor avgPool2d(Tensor x, int kernel) {
        return avgPool2d(x, kernel, kernel, 0);
    }

    /**
     * 3-D average pooling.
     *
     * @param x               input {@code [N, C, D, H, W]} (not modified)
     * @param kernel          window size, 3 values ≥ 1
     * @param stride          3 values ≥ 1 (PyTorch's default is the kernel size)
     * @param padding         implicit zero padding, 3 values in {@code [0, kernel/2]}
     * @param ceilMode        round the output size up instead of down
     * @param countIncludePad count padded elements in the divisor
     * @return {@code [N, C, oD, oH, oW]}
     * @throws ShapeException naming the op and the shapes when the arguments do not fit
     */
    public static Tensor avgPool3d(Tensor x, int[] kernel, int[] stride, int[] padding, boolean ceilMode,
            boolean countIncludePad) {
        return average("avg_pool3d", 3, x, kernel, stride, padding, ceilMode, countIncludePad);
    }

    /** 3-D average pooling with a cubic window, floor mode, padding counted in the divisor. */
    public static Tensor avgPool3d(Tensor x, int kernel, int stride, int padding) {
        return avgPool3d(x, Conv.same(3, kernel), Conv.same(3, stride), Conv.same(3, padding), false, true);
    }

    /** 3-D average pooling over non-overlapping {@code kernel³} windows. */
    public static Tensor avgPool3d(Tensor x, int kernel) {
        return avgPool3d(x, kernel, kernel, 0);
    }

    // ------------------------------------------------------------------ max

    /**
     * 2-D max pooling.
     *
     * @param x        input {@code [N, C, H, W]} (not modified)
     * @param kernel   window size, 2 values ≥ 1
     * @param stride   2 values ≥ 1 (PyTorch's default is the kernel size)
     * @param padding  implicit −∞ padding, 2 values in {@code [0, dilated kernel/2]}
     * @param dilation spacing of the window taps, 2 values ≥ 1
     * @param ceilMode round the output size up instead of down
     * @return {@code [N, C, oH, oW]}
     * @throws ShapeException naming the op and the shapes when the arguments do not fit
     */
    public static Tensor maxPool2d(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation,
            boolean ceilMode) {
        return max("max_pool2d", 2, x, kernel, stride, padding, dilation, ceilMode);
    }

    /** 2-D max pooling with a square window, floor mode. */
    public static Tensor maxPool2d(Tensor x, int kernel, int stride, int padding, int dilation) {
        return maxPool2d(x, Conv.same(2, kernel), Conv.same(2, stride), Conv.same(2, padding), Conv.same(2, dilation),
                false);
    }

    /** 2-D max pooling over non-overlapping {@code kernel × kernel} windows. */
    public static Tensor maxPool2d(Tensor x, int kernel) {
        return maxPool2d(x, kernel, kernel, 0, 1);
    }

    /**
     * 3-D max pooling.
     *
     * @param x        input {@code [N, C, D, H, W]} (not modified)
     * @param kernel   window size, 3 values ≥ 1
     * @param stride   3 values ≥ 1 (PyTorch's default is the kernel size)
     * @param padding  implicit −∞ padding, 3 values in {@code [0, dilated kernel/2]}
     * @param dilation spacing of the window taps, 3 values ≥ 1
     * @param ceilMode round the output size up instead of down
     * @return {@code [N, C, oD, oH, oW]}
     * @throws ShapeException naming the op and the shapes when the arguments do not fit
     */
    public static Tensor maxPool3d(Tensor x, int[] kernel, int[] stride, int[] padding, int[] dilation,
            boolean ceilMode) {
        return max("max_pool3d", 3, x, kernel, stride, padding, dilation, ceilMode);
    }

    /** 3-D max pooling with a cubic window, floor mode. */
    public static Tensor maxPool3d(Tensor x, int kernel, int stride, int padding, int dilation) {
        return maxPool3d(x, Conv.same(3, kernel), Conv.same(3, stride), Conv.same(3, padding), Conv.same(3, dilation),
                false);
    }

    /** 3-D max pooling over non-overlapping {@code kernel³} windows. */
    public static Tensor maxPool3d(Tensor x, int kernel) {
        return maxPool3d(x, kernel, kernel, 0, 1);
    }

    // ------------------------------------------------------------------ output size

    /**
     * A pooling output size along one axis (PyTorch's {@code pooling_output_shape}); below 1 when
     * the window does not fit.
     */
    public static long outputSize(int in, int kernel, int stride, int padding, int dilation, boolean ceilMode) {
        long span = (long) dilation * (kernel - 1) + 1;
        long out = Math.floorDiv(in + 2L * padding - span + (ceilMode ? stride - 1 : 0), stride) + 1;
        if (ceilMode && (out - 1) * stride >= (long) in + padding) out--;
        return out;
    }

    // ------------------------------------------------------------------ implementation

    private static Tensor average(String op, int rank, Tensor x, int[] kernel, int[] stride, int[] padding,
            boolean ceilMode, boolean countIncludePad) {
        int[] k = Conv.perAxis(op, "kernel", kernel, rank, 1);
        int[] s = Conv.perAxis(op, "stride", stride, rank, 1);
        int[] p = Conv.perAxis(op, "padding", padding, rank, 0);
        int[] in = Conv.spatial(checkRank(op, rank, x));
        int[] out = outputSizes(op, x, in, k, s, p, Conv.same(rank, 1), ceilMode);
        Tensor xc;
        try (var g = Grad.off()) {
            xc = x.contiguous();
        }
        PoolBackend backend = x.backend().pool();
        Tensor y = backend.avgPool(xc, out, k, s, p, countIncludePad);
        if (!Autograd.needsGrad(x)) return y;
        return Autograd.record(op, y, g -> new Tensor[] {
                backend.avgPoolBackward(g.contiguous(), in, k, s, p, countIncludePad)}, x);
    }

    private static Tensor max(String op, int rank, Tensor x, int[] kernel, int[] stride, int[] padding,
            int[] dilation, boolean ceilMode) {
        int[] k = Conv.perAxis(op, "kernel", kernel, rank, 1);
        int[] s = Conv.perAxis(op, "stride", stride, rank, 1);
        int[] p = Conv.perAxis(op, "padding", padding, rank, 0);
        int[] d = Conv.perAxis(op, "dilation", dilation, rank, 1);
        int[] in = Conv.spatial(checkRank(op, rank, x));
        int[] out = outputSizes(op, x, in, k, s, p, d, ceilMode);
        Tensor xc;
        try (var g = Grad.off()) {
            xc = x.contiguous();
        }
        PoolBackend backend = x.backend().pool();
        Tensor y = backend.maxPool(xc, out, k, s, p, d);
        if (!Autograd.needsGrad(x)) return y;
        return Autograd.record(op, y, g -> new Tensor[] {backend.maxPoolBackward(xc, g.contiguous(), k, s, p, d)}, x);
    }

    private static Tensor checkRank(String op, int rank, Tensor x) {
        if (x.dim() != rank + 2) {
            throw new ShapeException(op, "input " + Shape.format(x.shape()) + " must be " + (rank + 2) + "-d [N,C,"
                    + Conv.spatialNames(rank, "") + "]");
        }
        return x;
    }

    private static int[] outputSizes(String op, Tensor x, int[] in, int[] k, int[] s, int[] p, int[] d,
            boolean ceilMode) {
        int rank = in.length;
        int[] out = new int[rank];
        for (int a = 0; a < rank; a++) {
            long span = (long) d[a] * (k[a] - 1) + 1;
            if (p[a] > span / 2) {
                throw new ShapeException(op, "padding " + Shape.format(p) + " must be at most half of the kernel "
                        + Shape.format(k) + (span == k[a] ? "" : " dilated by " + Shape.format(d)));
            }
            long size = outputSize(in[a], k[a], s[a], p[a], d[a], ceilMode);
            if (size < 1) {
                throw new ShapeException(op, "input " + Shape.format(x.shape()) + " is too small for kernel "
                        + Shape.format(k) + (span == k[a] ? "" : " dilated by " + Shape.format(d)) + " with padding "
                        + Shape.format(p));
            }
            out[a] = (int) size;
        }
        return out;
    }
}
