package mrisr.nn.loss;

import java.util.Objects;
import mrisr.engine.Tensor;

/**
 * Mean absolute error, survey Eq. 6: {@code L = (1/n)·Σ |x̂ − x|} (with {@link Reduction#MEAN}, the
 * default). The subgradient at {@code x̂ = x} is 0.
 */
public final class L1Loss implements Loss {
    private final Reduction reduction;

    public L1Loss() {
        this(Reduction.MEAN);
    }

    public L1Loss(Reduction reduction) {
        this.reduction = Objects.requireNonNull(reduction, "reduction");
    }

    @Override
    public Tensor compute(Tensor prediction, Tensor target) {
        Losses.sameShape("L1Loss", prediction, target);
        return Losses.reduce(prediction.sub(target).abs(), reduction);
    }
}
