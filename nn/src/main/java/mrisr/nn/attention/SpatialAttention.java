package mrisr.nn.attention;

import java.util.Arrays;
import mrisr.engine.Index;
import mrisr.engine.Ops;
import mrisr.engine.Rng;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.nn.Conv2d;
import mrisr.nn.Conv3d;
import mrisr.nn.ConvNd;
import mrisr.nn.Cost;
import mrisr.nn.Module;

/**
 * CBAM's spatial attention (Woo et al., Eq. 3): every position of {@code x [N, C, S…]} is rescaled
 * by a weight in (0, 1) computed from the channel statistics at and around it,
 * <pre>
 *   y = x · σ(conv_k([mean_c(x); max_c(x)]))
 * </pre>
 * where the mean and max run over channels, are stacked in that order as 2 channels, and
 * {@code conv_k} is a {@code k×k} (or {@code k×k×k}) convolution {@code 2 → 1} with "same" zero
 * padding {@code k/2} and no bias. Child: {@code conv}. The paper's channel order is used; the
 * authors' code stacks the max first, so its weights load with their two input channels swapped.
 * Works on 2-D maps or 3-D volumes (chosen at construction). PyTorch's default convolution initialisation. The gradient of the channel max
 * goes to the maximal channel (shared evenly between exact ties). MACs: the convolution
 * ({@code 2·k^r} per position) plus {@code numel(x)} for the rescaling.
 *
 * <pre>{@code
 * SpatialAttention sa = new SpatialAttention(2, 7, new Rng(0));   // CBAM: k = 7
 * Tensor y = sa.forward(features);                               // [N, C, H, W]
 * }</pre>
 */
public final class SpatialAttention extends Module {
    private final int spatialDims, kernelSize;
    private final ConvNd conv;

    /**
     * @param spatialDims 2 for {@code [N, C, H, W]}, 3 for {@code [N, C, D, H, W]}
     * @param kernelSize  odd {@code k ≥ 1} (CBAM uses 7)
     * @param rng         draws the default initialisation
     */
    public SpatialAttention(int spatialDims, int kernelSize, Rng rng) {
        ChannelAttention.checkSpatialDims("SpatialAttention", spatialDims);
        if (kernelSize < 1 || kernelSize % 2 == 0) {
            throw new IllegalArgumentException("SpatialAttention: kernel size must be odd and >= 1, got " + kernelSize);
        }
        this.spatialDims = spatialDims;
        this.kernelSize = kernelSize;
        int[] k = same(spatialDims, kernelSize), one = same(spatialDims, 1), pad = same(spatialDims, kernelSize / 2);
        this.conv = registerModule("conv", spatialDims == 2
                ? new Conv2d(2, 1, k, one, pad, one, 1, false, rng)
                : new Conv3d(2, 1, k, one, pad, one, 1, false, rng));
    }

    private static int[] same(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }

    /**
     * The per-position weights {@code σ(conv([mean; max]))} for {@code x}.
     *
     * @param x {@code [N, C, S…]} (not modified)
     * @return {@code [N, 1, S…]} in (0, 1)
     */
    public Tensor weights(Tensor x) {
        check(x.shape());
        int[] channel = {1};
        Tensor pooled = Index.cat(new Tensor[] {x.mean(channel, true), Ops.amax(x, channel, true)}, 1);
        return conv.forward(pooled).sigmoid();
    }

    /** {@code x · weights(x)}, broadcast over channels; {@code x [N, C, S…]} is not modified. */
    @Override
    public Tensor forward(Tensor x) {
        return x.mul(weights(x));
    }

    public int kernelSize() {
        return kernelSize;
    }

    @Override
    public Cost cost(int... in) {
        check(in);
        int[] pooled = in.clone();
        pooled[1] = 2;
        return new Cost(in, Math.addExact(conv.cost(pooled).macs(), Shape.numelLong(in)));
    }

    private void check(int[] in) {
        if (in.length != spatialDims + 2 || in[1] < 1) {
            throw new ShapeException("SpatialAttention", "input " + Shape.format(in) + " must be " + (spatialDims + 2)
                    + "-d [N, C, spatial…] with C >= 1");
        }
    }

    @Override
    protected String extraRepr() {
        return "kernel_size=" + kernelSize + ", dims=" + spatialDims;
    }
}
