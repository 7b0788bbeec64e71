package mrisr.nn.loss;

import java.util.Objects;
import mrisr.engine.Tensor;

/** Mean squared error (ℓ₂ loss), survey Eq. 7: {@code L = (1/n)·Σ (x̂ − x)²} (with {@link Reduction#MEAN}, the default). */
public final class MseLoss implements Loss {
    private final Reduction reduction;

    public MseLoss() {
        this(Reduction.MEAN);
    }

    public MseLoss(Reduction reduction) {
        this.reduction = Objects.requireNonNull(reduction, "reduction");
    }

    @Override
    public Tensor compute(Tensor prediction, Tensor target) {
        Losses.sameShape("MseLoss", prediction, target);
        Tensor d = prediction.sub(target);
        return Losses.reduce(d.mul(d), reduction);
    }
}
