package mrisr.nn.optim;

/**
 * A learning-rate schedule in closed form: the rate at epoch (scheduler step) {@code t ≥ 0} for a
 * group whose initial rate is {@code base}. Implementations: {@link StepLR}, {@link CosineAnnealingLR},
 * {@link LinearLR}; {@link #then} chains them like PyTorch's {@code SequentialLR}. An
 * {@link LrScheduler} applies a schedule to an optimiser.
 *
 * <pre>{@code
 * LrSchedule warmupCosine = new LinearLR(0.1, 1.0, 5).then(5, new CosineAnnealingLR(95, 1e-6));
 * }</pre>
 */
@FunctionalInterface
public interface LrSchedule {
    /** The learning rate at epoch {@code t ≥ 0} for initial rate {@code base}. */
    double lr(double base, int t);

    /**
     * This schedule for epochs {@code t < milestone}, then {@code next} restarted at the milestone
     * ({@code next.lr(base, t − milestone)}), as PyTorch's {@code SequentialLR}.
     */
    default LrSchedule then(int milestone, LrSchedule next) {
        if (milestone < 1) throw new IllegalArgumentException("milestone must be >= 1, got " + milestone);
        LrSchedule first = this;
        return (base, t) -> t < milestone ? first.lr(base, t) : next.lr(base, t - milestone);
    }
}
