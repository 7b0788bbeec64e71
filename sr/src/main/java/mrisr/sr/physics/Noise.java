package mrisr.sr.physics;

import mrisr.engine.Rng;
import mrisr.engine.Tensor;

/**
 * The noise {@code n} of the degradation model, drawn from an explicit {@link Rng}.
 *
 * <ul>
 *   <li>Gaussian: {@code y = x + σ·g}, {@code g ~ N(0, 1)} per voxel (the high-SNR model of Eq. 3).</li>
 *   <li>Rician: {@code y = sqrt((x + σ·g₁)² + (σ·g₂)²)}, the magnitude of a complex image with
 *       Gaussian noise in both channels. On a zero background its mean is {@code σ√(π/2)}.</li>
 * </ul>
 * Noise levels are usually given relative to the intensity range of the clean image
 * ({@link #absoluteSigma}: {@code σ = fraction · (max − min)}, e.g. 0.01 = 1 %). Values are drawn
 * in row-major voxel order ({@code g₁, g₂} interleaved per voxel for Rician), so a seed fixes the
 * result on every machine.
 *
 * <pre>{@code
 * double sigma = Noise.absoluteSigma(clean, 0.02);
 * Tensor noisy = Noise.rician(clean, sigma, new Rng(7));
 * }</pre>
 */
public final class Noise {
    private Noise() {}

    /**
     * {@code fraction · (max − min)} of {@code clean} (not modified).
     *
     * @param fraction noise level relative to the intensity range (≥ 0)
     */
    public static double absoluteSigma(Tensor clean, double fraction) {
        if (!(fraction >= 0) || Double.isInfinite(fraction)) {
            throw new PhysicsException("noise: sigma is " + fraction + " of the intensity range, must be finite and >= 0");
        }
        float[] v = clean.toArray();
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (float f : v) {
            if (f < lo) lo = f;
            if (f > hi) hi = f;
        }
        return v.length == 0 ? 0 : fraction * (hi - lo);
    }

    /**
     * {@code clean + σ·N(0, 1)}.
     *
     * @param clean noise-free values (not modified)
     * @param sigma absolute standard deviation (≥ 0)
     * @param rng   source of the Gaussian draws (advanced)
     */
    public static Tensor gaussian(Tensor clean, double sigma, Rng rng) {
        checkSigma(sigma);
        float[] v = clean.toArray();
        for (int i = 0; i < v.length; i++) v[i] = (float) (v[i] + sigma * rng.nextGaussian());
        return Tensor.fromArray(v, clean.shape());
    }

    /**
     * {@code sqrt((clean + σ·g₁)² + (σ·g₂)²)}.
     *
     * @param clean noise-free magnitudes (not modified)
     * @param sigma absolute standard deviation of each complex channel (≥ 0)
     * @param rng   source of the Gaussian draws (advanced)
     */
    public static Tensor rician(Tensor clean, double sigma, Rng rng) {
        checkSigma(sigma);
        float[] v = clean.toArray();
        for (int i = 0; i < v.length; i++) {
            double re = v[i] + sigma * rng.nextGaussian(), im = sigma * rng.nextGaussian();
            v[i] = (float) Math.hypot(re, im);
        }
        return Tensor.fromArray(v, clean.shape());
    }

    private static void checkSigma(double sigma) {
        if (!(sigma >= 0) || Double.isInfinite(sigma)) throw new PhysicsException("noise: sigma is " + sigma + ", must be finite and >= 0");
    }
}
