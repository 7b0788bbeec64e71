package mrisr.kernels.reference;

import java.util.Arrays;

/**
 * The geometry of a window sliding over a 3-D grid (depth, height, width), shared by the
 * convolution and pooling kernels.
 *
 * <p>Along each axis, output position {@code o} reads the input positions
 * {@code o·stride − padding + k·dilation} for {@code k ∈ [0, kernel)}; positions outside
 * {@code [0, in)} are padding. Output sizes are given, not derived, so that one geometry serves a
 * forward pass and its adjoint (a transposed convolution's output size depends on its output
 * padding). Lower ranks are embedded by prepending axes of size 1 (a 2-D window has depth 1, kernel
 * depth 1, stride 1, padding 0, dilation 1), so one kernel family serves 1-D, 2-D and 3-D.
 *
 * <pre>{@code
 * // 3×3 kernel, stride 2, padding 1 over a 7×6 image: output 4×3
 * SlidingWindow win = SlidingWindow.of(new int[] {7, 6}, new int[] {3, 3}, new int[] {4, 3},
 *         new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1});
 * }</pre>
 */
public final class SlidingWindow {
    public final int inDepth, inHeight, inWidth;
    public final int kernelDepth, kernelHeight, kernelWidth;
    public final int outDepth, outHeight, outWidth;
    public final int strideDepth, strideHeight, strideWidth;
    public final int paddingDepth, paddingHeight, paddingWidth;
    public final int dilationDepth, dilationHeight, dilationWidth;

    private SlidingWindow(int[] in, int[] kernel, int[] out, int[] stride, int[] padding, int[] dilation) {
        inDepth = in[0];
        inHeight = in[1];
        inWidth = in[2];
        kernelDepth = kernel[0];
        kernelHeight = kernel[1];
        kernelWidth = kernel[2];
        outDepth = out[0];
        outHeight = out[1];
        outWidth = out[2];
        strideDepth = stride[0];
        strideHeight = stride[1];
        strideWidth = stride[2];
        paddingDepth = padding[0];
        paddingHeight = padding[1];
        paddingWidth = padding[2];
        dilationDepth = dilation[0];
        dilationHeight = dilation[1];
        dilationWidth = dilation[2];
    }

    /**
     * A window over 1 to 3 spatial axes (all arrays the same length, outermost axis first).
     *
     * @param in       input sizes (≥ 0)
     * @param kernel   kernel sizes (≥ 1)
     * @param out      output sizes (≥ 0)
     * @param stride   strides (≥ 1)
     * @param padding  implicit padding on both sides (≥ 0)
     * @param dilation kernel dilations (≥ 1)
     * @throws IllegalArgumentException on a length mismatch or an out-of-range value
     */
    public static SlidingWindow of(int[] in, int[] kernel, int[] out, int[] stride, int[] padding, int[] dilation) {
        int rank = in.length;
        if (rank < 1 || rank > 3 || kernel.length != rank || out.length != rank || stride.length != rank
                || padding.length != rank || dilation.length != rank) {
            throw new IllegalArgumentException("sliding window needs 1 to 3 axes in every argument, got in "
                    + Arrays.toString(in) + " kernel " + Arrays.toString(kernel) + " out " + Arrays.toString(out)
                    + " stride " + Arrays.toString(stride) + " padding " + Arrays.toString(padding)
                    + " dilation " + Arrays.toString(dilation));
        }
        requireAtLeast("input size", in, 0);
        requireAtLeast("kernel size", kernel, 1);
        requireAtLeast("output size", out, 0);
        requireAtLeast("stride", stride, 1);
        requireAtLeast("padding", padding, 0);
        requireAtLeast("dilation", dilation, 1);
        return new SlidingWindow(embed(in, 1), embed(kernel, 1), embed(out, 1), embed(stride, 1), embed(padding, 0),
                embed(dilation, 1));
    }

    private static void requireAtLeast(String what, int[] values, int min) {
        for (int v : values) {
            if (v < min) throw new IllegalArgumentException(what + " " + Arrays.toString(values) + " must be >= " + min);
        }
    }

    private static int[] embed(int[] values, int fill) {
        int[] e = new int[3];
        int lead = 3 - values.length;
        for (int a = 0; a < 3; a++) e[a] = a < lead ? fill : values[a - lead];
        return e;
    }

    /** Input elements per channel plane ({@code inDepth·inHeight·inWidth}). */
    public int inVolume() {
        return inDepth * inHeight * inWidth;
    }

    /** Output elements per channel plane. */
    public int outVolume() {
        return outDepth * outHeight * outWidth;
    }

    /** Kernel taps ({@code kernelDepth·kernelHeight·kernelWidth}). */
    public int kernelVolume() {
        return kernelDepth * kernelHeight * kernelWidth;
    }

    /**
     * The first output position {@code o ≥ 0} whose tap {@code o·stride + shift} is ≥ 0, where
     * {@code shift = k·dilation − padding} for one kernel tap {@code k}.
     */
    static int firstOutput(int shift, int stride) {
        return shift >= 0 ? 0 : Math.ceilDiv(-shift, stride);
    }

    /**
     * One past the last output position {@code o < out} whose tap {@code o·stride + shift} is below
     * {@code in}; may be ≤ {@link #firstOutput} when no position fits.
     */
    static int endOutput(int in, int out, int shift, int stride) {
        return Math.min(out, Math.floorDiv(in - 1 - shift, stride) + 1);
    }
}
