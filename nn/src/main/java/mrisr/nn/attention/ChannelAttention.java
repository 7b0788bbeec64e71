package mrisr.nn.attention;

import java.util.Objects;
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
import mrisr.nn.ReLU;
import mrisr.nn.Sequential;

/**
 * Squeeze-and-excitation channel attention (Hu et al.; RCAN's {@code CALayer}): each channel of
 * {@code x [N, C, S…]} is rescaled by a weight in (0, 1) computed from global channel statistics,
 * <pre>
 *   y = x · σ(W₂ · relu(W₁ · avg(x) + b₁) + b₂)                     (pooling AVERAGE)
 *   y = x · σ(f(avg(x)) + f(max(x))),  f(z) = W₂ · relu(W₁ · z + b₁) + b₂   (AVERAGE_AND_MAX, CBAM's channel gate)
 * </pre>
 * where {@code avg} and {@code max} pool over all spatial positions, {@code W₁} is a 1×1 convolution
 * {@code C → C/r} and {@code W₂} one {@code C/r → C}, both with bias. The children are named as
 * in RCAN ({@code conv_du.0}, {@code conv_du.2}), so RCAN checkpoints load directly (CBAM's code
 * names its equivalent linear layers {@code mlp.1}, {@code mlp.3}; their {@code [C/r, C]} weights are
 * these {@code [C/r, C, 1, 1]} ones reshaped).
 * Works on 2-D maps {@code [N, C, H, W]} or 3-D volumes {@code [N, C, D, H, W]} (chosen at
 * construction). PyTorch's default convolution initialisation. MACs: the two 1×1 convolutions per
 * pooled vector ({@code 2·N·C·C/r}, twice that with max pooling), plus {@code numel(x)} for the
 * rescaling.
 *
 * <pre>{@code
 * ChannelAttention ca = new ChannelAttention(3, 64, 16, new Rng(0));   // RCAN: reduction 16
 * Tensor y = ca.forward(features);                                     // [N, 64, D, H, W]
 * }</pre>
 */
public final class ChannelAttention extends Module {
    /** Which global statistics feed the excitation MLP. */
    public enum Pooling {
        /** Global average pooling only (SE, RCAN). */
        AVERAGE,
        /** Average and max pooling through the shared MLP, summed before the sigmoid (CBAM). */
        AVERAGE_AND_MAX
    }

    private final int spatialDims, channels, reduction;
    private final Pooling pooling;
    private final Sequential convDu;

    /** SE / RCAN channel attention with average pooling. */
    public ChannelAttention(int spatialDims, int channels, int reduction, Rng rng) {
        this(spatialDims, channels, reduction, Pooling.AVERAGE, rng);
    }

    /**
     * @param spatialDims 2 for {@code [N, C, H, W]}, 3 for {@code [N, C, D, H, W]}
     * @param channels    {@code C ≥ 1}
     * @param reduction   {@code r ≥ 1} dividing {@code C}; the hidden width is {@code C/r}
     * @param pooling     the pooled statistics
     * @param rng         draws the default initialisation
     */
    public ChannelAttention(int spatialDims, int channels, int reduction, Pooling pooling, Rng rng) {
        checkSpatialDims("ChannelAttention", spatialDims);
        if (channels < 1 || reduction < 1 || channels % reduction != 0) {
            throw new IllegalArgumentException("ChannelAttention: reduction " + reduction + " must be >= 1 and divide "
                    + channels + " channels");
        }
        this.spatialDims = spatialDims;
        this.channels = channels;
        this.reduction = reduction;
        this.pooling = Objects.requireNonNull(pooling, "pooling");
        int hidden = channels / reduction;
        this.convDu = registerModule("conv_du", new Sequential(
                pointwise(spatialDims, channels, hidden, rng), new ReLU(), pointwise(spatialDims, hidden, channels, rng)));
    }

    private static ConvNd pointwise(int spatialDims, int in, int out, Rng rng) {
        return spatialDims == 2 ? new Conv2d(in, out, 1, rng) : new Conv3d(in, out, 1, rng);
    }

    static void checkSpatialDims(String layer, int spatialDims) {
        if (spatialDims != 2 && spatialDims != 3) {
            throw new IllegalArgumentException(layer + ": spatial dimensions must be 2 or 3, got " + spatialDims);
        }
    }

    /**
     * The per-channel weights {@code σ(…)} for {@code x}.
     *
     * @param x {@code [N, C, S…]} (not modified)
     * @return {@code [N, C, 1…]} in (0, 1)
     */
    public Tensor weights(Tensor x) {
        check(x.shape());
        int[] spatial = spatialAxes(spatialDims);
        Tensor logits = convDu.forward(x.mean(spatial, true));
        if (pooling == Pooling.AVERAGE_AND_MAX) logits = logits.add(convDu.forward(Ops.amax(x, spatial, true)));
        return logits.sigmoid();
    }

    /** {@code x · weights(x)}, broadcast over positions; {@code x [N, C, S…]} is not modified. */
    @Override
    public Tensor forward(Tensor x) {
        return x.mul(weights(x));
    }

    static int[] spatialAxes(int spatialDims) {
        int[] axes = new int[spatialDims];
        for (int i = 0; i < spatialDims; i++) axes[i] = 2 + i;
        return axes;
    }

    public int channels() {
        return channels;
    }

    public int reduction() {
        return reduction;
    }

    public Pooling pooling() {
        return pooling;
    }

    @Override
    public Cost cost(int... in) {
        check(in);
        long pooled = (long) in[0] * channels * (channels / reduction) * 2;
        long branches = pooling == Pooling.AVERAGE_AND_MAX ? 2 : 1;
        return new Cost(in, Math.addExact(Math.multiplyExact(branches, pooled), Shape.numelLong(in)));
    }

    private void check(int[] in) {
        if (in.length != spatialDims + 2 || in[1] != channels) {
            throw new ShapeException("ChannelAttention", "input " + Shape.format(in) + " must be " + (spatialDims + 2) + "-d [N, "
                    + channels + ", spatial…]");
        }
    }

    @Override
    protected String extraRepr() {
        return "channels=" + channels + ", reduction=" + reduction + ", pooling=" + pooling + ", dims=" + spatialDims;
    }
}
