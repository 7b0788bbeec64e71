package mrisr.engine;

/**
 * Pooling kernels of a {@link Backend} over 1 to 3 spatial axes, with PyTorch's semantics (see
 * {@link Pool}). Methods follow the conventions stated on {@link Backend}; tensor arguments must be
 * contiguous {@code [N, C, spatial…]} and are not modified, and the arguments have been validated
 * by {@link Pool}. Spatial arguments have one entry per spatial axis, outermost first.
 */
public interface PoolBackend {
    /**
     * Average pooling.
     *
     * @param outputSize      spatial sizes of the result (they encode the ceil mode)
     * @param countIncludePad divide by the window size including padding
     * @return {@code [N, C, outputSize…]}
     */
    Tensor avgPool(Tensor x, int[] outputSize, int[] kernel, int[] stride, int[] padding, boolean countIncludePad);

    /**
     * The adjoint of {@link #avgPool}: spreads each output gradient evenly (by the same divisor) over
     * its window.
     *
     * @param gradOutput {@code [N, C, out…]}
     * @param inputSize  spatial sizes of the pooled input
     * @return {@code [N, C, inputSize…]}
     */
    Tensor avgPoolBackward(Tensor gradOutput, int[] inputSize, int[] kernel, int[] stride, int[] padding,
            boolean countIncludePad);

    /**
     * Max pooling over dilated windows; padding acts as −∞.
     *
     * @return {@code [N, C, outputSize…]}
     */
    Tensor maxPool(Tensor x, int[] outputSize, int[] kernel, int[] stride, int[] padding, int[] dilation);

    /**
     * The gradient of {@link #maxPool}: each output's gradient goes to its window's maximum in
     * {@code x} (the first in window order on ties).
     *
     * @param x          the pooled input {@code [N, C, in…]}
     * @param gradOutput {@code [N, C, out…]}
     * @return {@code [N, C, in…]}
     */
    Tensor maxPoolBackward(Tensor x, Tensor gradOutput, int[] kernel, int[] stride, int[] padding, int[] dilation);
}
