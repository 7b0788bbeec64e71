package mrisr.nn;

import mrisr.engine.Rng;

/**
 * 3-D transposed convolution layer (the adjoint of {@link Conv3d} in its input, a learned upsampler):
 * input {@code [N, C_in, D, H, W]}, weight {@code [C_in, C_out/groups, k…]}, output {@code [N, C_out, D', H', W']} with
 * {@code out = (in − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1}
 * (see {@link mrisr.engine.Conv#convTranspose3d}). PyTorch's defaults: stride 1, padding 0, output
 * padding 0, groups 1, bias on, dilation 1; PyTorch's default initialisation (see {@link ConvNd}).
 *
 * <pre>{@code
 * ConvTranspose3d up = new ConvTranspose3d(16, 8, 2, 2, 0, 0, new Rng(0));   // ×2 upsampling
 * }</pre>
 */
public final class ConvTranspose3d extends ConvNd {
    /** The same kernel size, stride, padding and output padding on every axis; one group, bias, dilation 1. */
    public ConvTranspose3d(int inChannels, int outChannels, int kernelSize, int stride, int padding,
            int outputPadding, Rng rng) {
        this(inChannels, outChannels, same(3, kernelSize), same(3, stride), same(3, padding), same(3, outputPadding), 1,
                true, same(3, 1), rng);
    }

    /**
     * @param kernelSize    3 values ≥ 1
     * @param stride        3 values ≥ 1
     * @param padding       3 values ≥ 0, removed from both sides of the full output
     * @param outputPadding 3 values ≥ 0, each smaller than the stride or the dilation
     * @param groups        ≥ 1, dividing both channel counts
     * @param bias          whether to add a learned per-channel bias
     * @param dilation      3 values ≥ 1
     * @param rng           draws the default initialisation
     */
    public ConvTranspose3d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding,
            int[] outputPadding, int groups, boolean bias, int[] dilation, Rng rng) {
        super(3, true, inChannels, outChannels, kernelSize, stride, padding, dilation, outputPadding, groups, bias,
                PaddingMode.ZEROS, rng);
    }
}
