package mrisr.nn.optim;

/**
 * Decays the rate by {@code gamma} every {@code stepSize} epochs: {@code lr(t) = base·γ^⌊t/stepSize⌋}
 * (PyTorch's {@code StepLR}; default γ = 0.1).
 *
 * @param stepSize epochs between decays, ≥ 1
 * @param gamma    decay factor
 */
public record StepLR(int stepSize, double gamma) implements LrSchedule {
    public StepLR {
        if (stepSize < 1) throw new IllegalArgumentException("StepLR: step size must be >= 1, got " + stepSize);
    }

    @Override
    public double lr(double base, int t) {
        return base * Math.pow(gamma, Math.floorDiv(t, stepSize));
    }
}
