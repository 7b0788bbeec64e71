package mrisr.nn.loss;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.UnaryOperator;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;

/**
 * Physics-based data consistency, survey Eq. 14: {@code L = ‖y − H(x̂)‖²₂} for a forward (degradation)
 * operator {@code H} mapping a high-resolution estimate to the measurement space — any
 * differentiable tensor function, for example a blur-and-decimate model from {@code mrisr.sr.physics}.
 * With {@link Reduction#SUM} this is the plain squared norm; {@link Reduction#MEAN} (the default)
 * divides by the number of measured values, which keeps the scale independent of the volume size.
 *
 * <pre>{@code
 * Loss dc = new PhysicsLoss(x -> Pool.avgPool3d(x, 2));       // y = 2× block average of x
 * Tensor loss = dc.compute(sr, lowResMeasurement);
 * }</pre>
 */
public final class PhysicsLoss implements Loss {
    private final UnaryOperator<Tensor> forward;
    private final Reduction reduction;

    /** Mean over the measurement's values. */
    public PhysicsLoss(UnaryOperator<Tensor> forwardOperator) {
        this(forwardOperator, Reduction.MEAN);
    }

    /** @param reduction MEAN or SUM */
    public PhysicsLoss(UnaryOperator<Tensor> forwardOperator, Reduction reduction) {
        this.forward = Objects.requireNonNull(forwardOperator, "forwardOperator");
        if (reduction == Reduction.NONE) throw new IllegalArgumentException("PhysicsLoss: reduction must be MEAN or SUM");
        this.reduction = reduction;
    }

    /**
     * @param prediction the estimate x̂ in image space (not modified)
     * @param measurement the observation y, shaped like {@code H(x̂)} (not modified)
     */
    @Override
    public Tensor compute(Tensor prediction, Tensor measurement) {
        Tensor simulated = forward.apply(prediction);
        if (!Arrays.equals(simulated.shape(), measurement.shape())) {
            throw new ShapeException("PhysicsLoss", "forward operator maps prediction " + Shape.format(prediction.shape())
                    + " to " + Shape.format(simulated.shape()) + ", but the measurement is " + Shape.format(measurement.shape()));
        }
        Tensor r = measurement.sub(simulated);
        return Losses.reduce(r.mul(r), reduction);
    }
}
