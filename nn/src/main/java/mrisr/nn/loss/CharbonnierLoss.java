package mrisr.nn.loss;

import java.util.Objects;
import mrisr.engine.Tensor;

/**
 * Charbonnier loss, the differentiable ℓ₁ of LapSRN (survey Eq. 8, ref. [228]):
 * {@code L = (1/n)·Σ √((x̂ − x)² + ε²)}, applied per voxel as in the cited work (the survey writes
 * the penalty around the aggregated ℓ₁ term; per voxel is what LapSRN and its successors train
 * with). Smooth at 0, ≈ |x̂ − x| away from it. Default ε = 1e-3.
 */
public final class CharbonnierLoss implements Loss {
    private final double eps;
    private final Reduction reduction;

    /** ε = 1e-3, mean. */
    public CharbonnierLoss() {
        this(1e-3, Reduction.MEAN);
    }

    /** Mean reduction. */
    public CharbonnierLoss(double eps) {
        this(eps, Reduction.MEAN);
    }

    /** @param eps smoothing constant ε &gt; 0 */
    public CharbonnierLoss(double eps, Reduction reduction) {
        if (!(eps > 0)) throw new IllegalArgumentException("CharbonnierLoss: eps must be > 0, got " + eps);
        this.eps = eps;
        this.reduction = Objects.requireNonNull(reduction, "reduction");
    }

    @Override
    public Tensor compute(Tensor prediction, Tensor target) {
        Losses.sameShape("CharbonnierLoss", prediction, target);
        Tensor d = prediction.sub(target);
        return Losses.reduce(d.mul(d).add(eps * eps).sqrt(), reduction);
    }
}
