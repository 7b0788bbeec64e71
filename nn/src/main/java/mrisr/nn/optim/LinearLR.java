package mrisr.nn.optim;

/**
 * Linear warm-up (or decay) of the rate's factor from {@code startFactor} to {@code endFactor} over
 * {@code totalIters} epochs, then constant: PyTorch's {@code LinearLR},
 * {@code lr(t) = base·(s + (e − s)·min(t, T)/T)} (defaults s = 1/3, e = 1, T = 5).
 *
 * @param startFactor factor at epoch 0, in (0, 1]
 * @param endFactor   factor from epoch {@code totalIters} on, in [0, 1]
 * @param totalIters  epochs of the ramp, ≥ 1
 */
public record LinearLR(double startFactor, double endFactor, int totalIters) implements LrSchedule {
    public LinearLR {
        if (!(startFactor > 0 && startFactor <= 1)) {
            throw new IllegalArgumentException("LinearLR: start factor must be in (0, 1], got " + startFactor);
        }
        if (!(endFactor >= 0 && endFactor <= 1)) {
            throw new IllegalArgumentException("LinearLR: end factor must be in [0, 1], got " + endFactor);
        }
        if (totalIters < 1) throw new IllegalArgumentException("LinearLR: total iterations must be >= 1, got " + totalIters);
    }

    @Override
    public double lr(double base, int t) {
        return base * (startFactor + (endFactor - startFactor) * Math.min(t, totalIters) / totalIters);
    }
}
