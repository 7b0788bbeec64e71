package mrisr.nn.optim;

/**
 * Cosine annealing from the base rate to {@code etaMin} over {@code tMax} epochs, PyTorch's closed form
 * {@code lr(t) = η_min + (base − η_min)·(1 + cos(π·t/T_max))/2} (SGDR without restarts; past
 * {@code T_max} the cosine continues, rising again, exactly as PyTorch's recursive form does).
 *
 * @param tMax   half-period in epochs, ≥ 1
 * @param etaMin the minimum rate (PyTorch's default 0)
 */
public record CosineAnnealingLR(int tMax, double etaMin) implements LrSchedule {
    public CosineAnnealingLR {
        if (tMax < 1) throw new IllegalArgumentException("CosineAnnealingLR: T_max must be >= 1, got " + tMax);
    }

    @Override
    public double lr(double base, int t) {
        return etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * t / tMax)) / 2;
    }
}
