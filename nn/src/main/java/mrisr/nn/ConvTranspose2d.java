package mrisr.nn;

import mrisr.engine.Rng;

/**
 * 2-D transposed convolution layer (the adjoint of {@link Conv2d} in its input, a learned upsampler):
 * input {@code [N, C_in, H, W]}, weight {@code [C_in, C_out/groups, k…]}, output {@code [N, C_out, H', W']} with
 * {@code out = (in − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1}
 * (see {@link mrisr.engine.Conv#convTranspose2d}). PyTorch's defaults: stride 1, padding 0, output
 * padding 0, groups 1, bias on, dilation 1; PyTorch's default initialisation (see {@link ConvNd}).
 *
 * <pre>{@code
 * ConvTranspose2d up = new ConvTranspose2d(16, 8, 2, 2, 0, 0, new Rng(0));   // ×2 upsampling
 * }</pre>
 */
public final class ConvTranspose2d extends ConvNd {
    /** The same kernel size, stride, padding and output padding on every axis; one group, bias, dilation 1. */
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, int stride, int padding,
            int outputPadding, Rng rng) {
        this(inChannels, outChannels, same(2, kernelSize), same(2, stride), same(2, padding), same(2, outputPadding), 1,
                true, same(2, 1), rng);
    }

    /**
     * @param kernelSize    2 values ≥ 1
     * @param stride        2 values ≥ 1
     * @param padding       2 values ≥ 0, removed from both sides of the full output
     * @param outputPadding 2 values ≥ 0, each smaller than the stride or the dilation
     * @param groups        ≥ 1, dividing both channel counts
     * @param bias          whether to add a learned per-channel bias
     * @param dilation      2 values ≥ 1
     * @param rng           draws the default initialisation
     */
    public ConvTranspose2d(int inChannels, int outChannels, int[] kernelSize, int[] stride, int[] padding,
            int[] outputPadding, int groups, boolean bias, int[] dilation, Rng rng) {
        super(2, true, inChannels, outChannels, kernelSize, stride, padding, dilation, outputPadding, groups, bias,
                PaddingMode.ZEROS, rng);
    }
}
