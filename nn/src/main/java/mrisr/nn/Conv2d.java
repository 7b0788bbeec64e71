package mrisr.nn;

import mrisr.engine.Rng;

/**
 * 2-D convolution layer: input {@code [N, C_in, H, W]}, weight {@code [C_out, C_in/groups, k…]}, output
 * {@code [N, C_out, H', W']} with {@code out = ⌊(in + 2·padding − dilation·(k − 1) − 1)/stride⌋ + 1}
 * (see {@link mrisr.engine.Conv#conv2d}). Zero padding unless a {@link ConvNd.PaddingMode} says otherwise. PyTorch's defaults: stride 1, padding 0,
 * dilation 1, groups 1, bias on; PyTorch's default initialisation (see {@link ConvNd}).
 *
 * <pre>{@code
 * Conv2d conv = new Conv2d(1, 16, 3, 1, 1, new Rng(0));   // 3^2 kernel, "same" padding
 * }</pre>
 */
public final class Conv2d extends ConvNd {
    /** Stride 1, no padding. */
    public Conv2d(int inChannels, int outChannels, int kernelSize, Rng rng) {
        this(inChannels, outChannels, kernelSize, 1, 0, rng);
    }

    /** The same kernel size, stride and padding on every axis; dilation 1, one group, with bias. */
    public Conv2d(int inChannels, int outChannels, int kernelSize, int stride, int padding, Rng rng) {
        this(inChannels, outChannels, same(2, kernelSize), same(2, stride), same(2, padding), same(2, 1), 1, true, rng);
    }

    /**
     * @param kernelSize 2 values ≥ 1
     * @param stride     2 values ≥ 1
     * @param padding    2 values ≥ 0 (zeros on both sides)
     * @param dilation   2 values ≥ 1
     * @param groups     ≥ 1, dividing both channel counts
     * @param bias       whether to add a learned per-channel bias
     * @param rng        draws the default initialisation
     */
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation,
            int groups, boolean bias, Rng rng) {
        this(inChannels, outChannels, kernelSize, stride, padding, dilation, groups, bias, PaddingMode.ZEROS, rng);
    }

    /** As {@link #Conv2d(int, int, int[], int[], int[], int[], int, boolean, Rng)}, padding by {@code paddingMode}. */
    public Conv2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding, int[] dilation,
            int groups, boolean bias, PaddingMode paddingMode, Rng rng) {
        super(2, false, inChannels, outChannels, kernelSize, stride, padding, dilation, same(2, 0), groups, bias,
                paddingMode, rng);
    }
}
