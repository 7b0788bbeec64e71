package mrisr.nn.optim;

/**
 * Drives an {@link Optimizer}'s learning rates with an {@link LrSchedule}: on construction every
 * group's rate is set to {@code schedule.lr(initialLr, 0)}, and each {@link #step()} advances the
 * epoch and sets {@code schedule.lr(initialLr, epoch)} (PyTorch's usage: call it after
 * {@code optimizer.step()}, once per epoch or iteration as the schedule is meant).
 *
 * <pre>{@code
 * var scheduler = new LrScheduler(opt, new CosineAnnealingLR(epochs, 0));
 * for (int e = 0; e < epochs; e++) { trainOneEpoch(); scheduler.step(); }
 * }</pre>
 */
public final class LrScheduler {
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private int epoch;

    /** Starts at epoch 0. */
    public LrScheduler(Optimizer optimizer, LrSchedule schedule) {
        this(optimizer, schedule, 0);
    }

    /**
     * Starts at {@code epoch} (for resuming), applying that epoch's rate.
     *
     * @param optimizer its groups' rates are modified
     */
    public LrScheduler(Optimizer optimizer, LrSchedule schedule, int epoch) {
        if (epoch < 0) throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.epoch = epoch;
        apply();
    }

    /** Advances one epoch and updates the optimiser's rates. */
    public void step() {
        epoch++;
        apply();
    }

    /** The number of steps taken (PyTorch's {@code last_epoch}). */
    public int epoch() {
        return epoch;
    }

    /** The rate of the first group. */
    public double lr() {
        return optimizer.lr();
    }

    private void apply() {
        for (ParamGroup g : optimizer.paramGroups()) g.setLr(schedule.lr(g.initialLr(), epoch));
    }
}
