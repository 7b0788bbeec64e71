package mrisr.nn.loss;

import mrisr.engine.Tensor;

/**
 * Isotropic total variation, survey Eq. 13, stabilised with ε so that it is differentiable where the
 * image is flat: {@code TV(x̂) = (1/n)·Σ_v √(Σ_a (∇_a x̂)_v² + ε²)} over all voxels {@code v} of
 * {@code [N, C, H, W]} or {@code [N, C, D, H, W]} (n = number of voxels × N × C), with forward
 * differences {@code (∇_a x̂)_v = x̂_{v+e_a} − x̂_v} and a zero difference past the last slice along
 * each axis (Neumann boundary). A regulariser of the prediction alone; its minimum is ε, reached on
 * constant images. Default ε = 1e-3 (relative to intensities around 1).
 *
 * <pre>{@code
 * Tensor loss = l1.compute(sr, hr).add(new TotalVariationLoss(1e-3).compute(sr).mul(1e-4));
 * }</pre>
 */
public final class TotalVariationLoss {
    private final double eps;

    public TotalVariationLoss() {
        this(1e-3);
    }

    /** @param eps stabiliser ε &gt; 0 */
    public TotalVariationLoss(double eps) {
        if (!(eps > 0)) throw new IllegalArgumentException("TotalVariationLoss: eps must be > 0, got " + eps);
        this.eps = eps;
    }

    /**
     * @param x {@code [N, C, H, W]} or {@code [N, C, D, H, W]} (not modified)
     * @return the mean ε-stabilised gradient magnitude, a 0-d tensor
     */
    public Tensor compute(Tensor x) {
        int spatial = Losses.spatialDims("TotalVariationLoss", x);
        Tensor squared = null;
        for (int a = 0; a < spatial; a++) {
            Tensor d = Gradients.forwardDifference(x, 2 + a);
            if (d == null) continue;
            squared = squared == null ? d.mul(d) : squared.add(d.mul(d));
        }
        if (squared == null) return x.mul(0).sum().add(eps); // one voxel per image: every difference is 0
        return squared.add(eps * eps).sqrt().mean();
    }
}
