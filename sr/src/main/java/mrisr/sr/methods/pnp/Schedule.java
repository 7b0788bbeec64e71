package mrisr.sr.methods.pnp;

import java.util.Locale;

/**
 * The denoiser-strength and penalty schedule of a plug-and-play iteration (DPIR's rule: σ decreases
 * geometrically, μ grows as {@code 1/σ²}).
 *
 * <pre>
 *   σ_end = max(endPerNoise·σ̂, endMin)          σ̂: the noise level estimated from the input
 *   σ_1   = max(start, σ_end)
 *   σ_k   = σ_1·(σ_end/σ_1)^((k − 1)/(K − 1)),   k = 1 … K        (σ_k = σ_end when K = 1)
 *   μ_k   = λ·γ·(σ_end/σ_k)²                      γ = ‖H𝟙‖²/‖𝟙‖², the scale of HᵀH
 * </pre>
 *
 * <p>σ values are fractions of the input's intensity range (the methods normalise it to
 * {@code [−1, 1]}); μ is measured against γ, so λ keeps its meaning across factors and profiles:
 * λ = 1 weighs the denoiser's estimate like the data at the end. Early iterations with large σ and
 * small μ let the data fill in the structure; late ones with σ near the noise level refine it.
 * {@link Red} uses only {@code σ_end} and λ.
 *
 * <pre>{@code
 * Schedule s = new Schedule(12, 0.1, 1.0, 0.005, 1.0);
 * double sigma = s.sigma(3, 0.01);   // σ of iteration 3 of 12 for an input with σ̂ = 0.01
 * }</pre>
 *
 * @param iterations  K ≥ 1
 * @param start       σ of the first iteration (finite, &gt; 0)
 * @param endPerNoise σ_end as a multiple of the estimated noise level (finite, ≥ 0)
 * @param endMin      the smallest σ_end, for clean inputs (finite, &gt; 0)
 * @param lambda      λ: the final penalty weight relative to γ (finite, &gt; 0)
 */
public record Schedule(int iterations, double start, double endPerNoise, double endMin, double lambda) {

    /** Validates the parameters. */
    public Schedule {
        Checks.atLeast("PnP schedule", "iterations", iterations, 1);
        Checks.positive("PnP schedule", "start sigma", start);
        if (!(endPerNoise >= 0) || Double.isInfinite(endPerNoise)) {
            throw new IllegalArgumentException("PnP schedule: end sigma per noise level is " + endPerNoise + ", must be finite and >= 0");
        }
        Checks.positive("PnP schedule", "smallest end sigma", endMin);
        Checks.positive("PnP schedule", "lambda", lambda);
    }

    /** This schedule with {@code k} iterations. */
    public Schedule withIterations(int k) {
        return new Schedule(k, start, endPerNoise, endMin, lambda);
    }

    /** This schedule with another λ. */
    public Schedule withLambda(double newLambda) {
        return new Schedule(iterations, start, endPerNoise, endMin, newLambda);
    }

    /** {@code σ_end} for an input whose estimated noise level is {@code noise}. */
    public double end(double noise) {
        return Math.max(endPerNoise * noise, endMin);
    }

    /** {@code σ_k} for iteration {@code k} (1 … K) and estimated noise level {@code noise}. */
    public double sigma(int k, double noise) {
        double end = end(noise), first = Math.max(start, end);
        if (iterations == 1) return end;
        return first * Math.pow(end / first, (k - 1) / (double) (iterations - 1));
    }

    /** {@code μ_k} for iteration {@code k}, estimated noise level {@code noise} and gain γ. */
    public double mu(int k, double noise, double gain) {
        double ratio = end(noise) / sigma(k, noise);
        return lambda * gain * ratio * ratio;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%d iterations, sigma %.3g -> max(%.3g x noise, %.3g), lambda %.3g",
                iterations, start, endPerNoise, endMin, lambda);
    }
}
