package mrisr.sr.nets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import mrisr.engine.Rng;
import mrisr.nn.Module;
import mrisr.nn.train.Validation;
import mrisr.sr.data.CleanPatchSampler;

/**
 * Held-out PSNR of a denoiser with a noise-level input ({@link DnCnn}) at a few fixed noise levels:
 * {@code count} clean patches drawn once from volume 0 of a validation sampler (its own seed, no
 * augmentation), each made noisy once per level, {@code v = x + σ·n} (fixed noise), and scored as
 * {@code PSNR = 10·log10(R²/MSE)} over all voxels of a level, {@code R} being the validation volume's
 * normalised intensity range. The metric is the mean PSNR over the levels of the denoised patches
 * {@code D(v, σ)}; {@link #baselinePsnr()} is that of the noisy patches {@code v} themselves.
 *
 * <pre>{@code
 * DenoiserValidation v = new DenoiserValidation(sampler, new double[] {0.01, 0.03, 0.1}, 16, 4, 99);
 * double gain = v.evaluate(net) - v.baselinePsnr();
 * }</pre>
 */
public final class DenoiserValidation implements Validation {
    /** Name of the metric in logs. */
    public static final String METRIC = "val_psnr";

    private final double[] sigmas;
    private final int chunk;
    private final int[] patch;
    private final List<float[]> truth = new ArrayList<>();
    private final List<List<float[]>> noisy = new ArrayList<>();
    private final double range;
    private final double[] baselines;

    /**
     * @param sampler draws from the validation volume (volume 0 sets the range); use one built without augmentation
     * @param sigmas  the noise levels (each finite and &gt; 0; copied)
     * @param count   patches (≥ 1)
     * @param chunk   patches per forward pass (≥ 1)
     * @param seed    seed of the patches and their noise
     */
    public DenoiserValidation(CleanPatchSampler sampler, double[] sigmas, int count, int chunk, long seed) {
        if (count < 1 || chunk < 1) throw new IllegalArgumentException("count " + count + " and chunk " + chunk + " must be >= 1");
        if (sigmas.length == 0) throw new IllegalArgumentException("denoiser validation: no noise level");
        for (double s : sigmas) {
            if (!(s > 0) || Double.isInfinite(s)) throw new IllegalArgumentException("denoiser validation: sigma " + s + " must be finite and > 0");
        }
        this.sigmas = sigmas.clone();
        this.chunk = chunk;
        this.patch = sampler.patch();
        Rng rng = new Rng(seed);
        for (int i = 0; i < count; i++) truth.add(sampler.sample(0, rng));
        range = sampler.normalisedRange(0);
        baselines = new double[sigmas.length];
        for (int l = 0; l < sigmas.length; l++) {
            List<float[]> level = new ArrayList<>();
            for (float[] x : truth) level.add(DenoiserBatches.addNoise(x, sigmas[l], rng));
            noisy.add(level);
            baselines[l] = psnr(level);
        }
    }

    /** The noise levels. */
    public double[] sigmas() {
        return sigmas.clone();
    }

    /** Mean PSNR over the levels of the noisy patches themselves. */
    public double baselinePsnr() {
        return Arrays.stream(baselines).average().orElseThrow();
    }

    @Override
    public String metric() {
        return METRIC;
    }

    /** {@inheritDoc} The mean over the levels of {@link #psnrPerLevel}; call with gradients off and the model in eval mode. */
    @Override
    public double evaluate(Module model) {
        return Arrays.stream(psnrPerLevel(model)).average().orElseThrow();
    }

    /** The PSNR of the denoised patches at each level, in the order of {@link #sigmas()}. */
    public double[] psnrPerLevel(Module model) {
        double[] out = new double[sigmas.length];
        for (int l = 0; l < sigmas.length; l++) {
            List<float[]> level = noisy.get(l);
            List<float[]> denoised = new ArrayList<>();
            for (int i = 0; i < level.size(); i += chunk) {
                List<float[]> part = level.subList(i, Math.min(level.size(), i + chunk));
                List<Double> s = new ArrayList<>();
                for (int k = 0; k < part.size(); k++) s.add(sigmas[l]);
                float[] y = model.forward(DenoiserBatches.input(part, s, patch)).toArray();
                int per = y.length / part.size();
                for (int k = 0; k < part.size(); k++) denoised.add(Arrays.copyOfRange(y, k * per, (k + 1) * per));
            }
            out[l] = psnr(denoised);
        }
        return out;
    }

    /** One line: PSNR of the denoised and the noisy patches at each level, e.g. for a final report. */
    public String describe(Module model) {
        double[] psnr = psnrPerLevel(model);
        StringBuilder b = new StringBuilder();
        for (int l = 0; l < sigmas.length; l++) {
            if (l > 0) b.append(", ");
            b.append(String.format(Locale.ROOT, "sigma %.3g: %.2f dB (noisy %.2f dB)", sigmas[l], psnr[l], baselines[l]));
        }
        return b.toString();
    }

    private double psnr(List<float[]> estimates) {
        double se = 0;
        long n = 0;
        for (int i = 0; i < estimates.size(); i++) {
            float[] e = estimates.get(i), x = truth.get(i);
            for (int k = 0; k < x.length; k++) {
                double d = (double) e[k] - x[k];
                se += d * d;
            }
            n += x.length;
        }
        return 10 * Math.log10(range * range / (se / n));
    }
}
