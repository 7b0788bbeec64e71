package mrisr.nn;

import mrisr.engine.Norm;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;

/**
 * Group normalisation of {@code [N, C, …]}: the channels form {@code numGroups} consecutive groups,
 * each standardised per sample over its channels and positions, then scaled and shifted per channel
 * (see {@link Norm#groupNorm}). Independent of the batch size, so it behaves the same in training
 * and evaluation — the usual choice for small-batch 3-D MRI networks. Parameters {@code weight}
 * (ones) and {@code bias} (zeros) of shape {@code [C]} when affine. PyTorch's defaults: ε = 1e-5,
 * affine. MACs: one per element when affine.
 *
 * <pre>{@code
 * GroupNorm norm = new GroupNorm(8, 32);     // features [N, 32, D, H, W]
 * }</pre>
 */
public final class GroupNorm extends Module {
    private final int numGroups, numChannels;
    private final double eps;
    private final Parameter weight, bias;

    /** ε = 1e-5, affine. */
    public GroupNorm(int numGroups, int numChannels) {
        this(numGroups, numChannels, Norm.DEFAULT_EPS, true);
    }

    /**
     * @param numGroups   ≥ 1, dividing {@code numChannels}
     * @param numChannels {@code C}
     * @param eps         added to the variance, ≥ 0
     * @param affine      learn per-channel {@code weight} and {@code bias}
     */
    public GroupNorm(int numGroups, int numChannels, double eps, boolean affine) {
        if (numGroups < 1 || numChannels < 1 || numChannels % numGroups != 0) {
            throw new IllegalArgumentException("GroupNorm: " + numChannels + " channels cannot be split into " + numGroups + " groups");
        }
        this.numGroups = numGroups;
        this.numChannels = numChannels;
        this.eps = eps;
        this.weight = affine ? registerParameter("weight", Tensor.ones(numChannels)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.zeros(numChannels)) : null;
    }

    /** The scale, or null when not affine. */
    public Parameter weight() {
        return weight;
    }

    /** The shift, or null when not affine. */
    public Parameter bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x) {
        check(x.shape());
        return Norm.groupNorm(x, numGroups, weight == null ? null : weight.data(), bias == null ? null : bias.data(), eps);
    }

    @Override
    public Cost cost(int... in) {
        check(in);
        return new Cost(in, weight == null ? 0 : Shape.numelLong(in));
    }

    private void check(int[] in) {
        if (in.length < 2 || in[1] != numChannels) {
            throw new ShapeException("GroupNorm", "input " + Shape.format(in) + " must be [N, " + numChannels + ", …]");
        }
    }

    @Override
    protected String extraRepr() {
        return numGroups + ", " + numChannels + ", eps=" + eps + ", affine=" + (weight != null);
    }
}
