package mrisr.engine;

/**
 * Resample kernels of a {@link Backend}: separable interpolation and pixel shuffle. Methods follow
 * the conventions stated on {@link Backend}; the op-level semantics are documented on
 * {@link Resample}.
 */
public interface ResampleBackend {
    /**
     * Interpolates the spatial axes of a contiguous {@code x [N, C, in…]} (1 to 3 spatial axes) to
     * {@code [N, C, outSize…]} with PyTorch's coordinate rules.
     *
     * @param outSize      output size of each spatial axis (≥ 1)
     * @param alignCorners PyTorch's {@code align_corners} (false for {@link Resample.Mode#NEAREST})
     * @param scaleFactors per spatial axis, the scale factor the user gave, or NaN when the size was
     *                     given (PyTorch then maps coordinates with {@code 1/scaleFactor})
     */
    Tensor interpolate(Tensor x, int[] outSize, Resample.Mode mode, boolean alignCorners, double[] scaleFactors);

    /**
     * The adjoint of {@link #interpolate}: scatters a contiguous output gradient
     * {@code [N, C, outSize…]} back to {@code inputShape}, with the same arguments as the forward call.
     */
    Tensor interpolateBackward(Tensor gradOutput, int[] inputShape, Resample.Mode mode, boolean alignCorners,
            double[] scaleFactors);

    /**
     * Pixel shuffle of a contiguous {@code x [*, C·r^k, in…]} with {@code k = spatialDims} (2 or 3)
     * to {@code [*, C, in·r…]}; see {@link Resample#pixelShuffle3d} for the channel order.
     */
    Tensor pixelShuffle(Tensor x, int factor, int spatialDims);

    /** The inverse of {@link #pixelShuffle}: contiguous {@code [*, C, in·r…]} to {@code [*, C·r^k, in…]}. */
    Tensor pixelUnshuffle(Tensor x, int factor, int spatialDims);
}
