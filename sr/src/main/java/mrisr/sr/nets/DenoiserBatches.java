package mrisr.sr.nets;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.train.Batch;
import mrisr.nn.train.BatchSource;
import mrisr.sr.data.CleanPatchSampler;
import mrisr.sr.data.PatchSampler;

/**
 * Training batches for a denoiser that takes its noise level as a second input channel
 * ({@link DnCnn}): for each of {@code N} clean patches {@code x} from a {@link CleanPatchSampler},
 * <pre>
 *   σ ~ U(0, σ_max],   n ~ N(0, 1) per voxel
 *   input  = [x + σ·n, σ·𝟙]      [N, 2, p…]
 *   target = x                    [N, 1, p…]
 * </pre>
 * in the sampler's units (each volume divided by its largest magnitude, as the plug-and-play
 * methods normalise), so σ is a fraction of that scale. All randomness (patch, augmentation, σ,
 * noise) comes from the step's generator, in that order per sample.
 *
 * <pre>{@code
 * BatchSource source = new DenoiserBatches(new CleanPatchSampler(volumes, new int[] {32, 32, 32}, true), 0.1, 4);
 * Batch b = source.batch(0, new Rng(1));      // b.input() [4, 2, 32, 32, 32], b.target() [4, 1, 32, 32, 32]
 * }</pre>
 */
public final class DenoiserBatches implements BatchSource {
    private final CleanPatchSampler sampler;
    private final double sigmaMax;
    private final int batchSize;

    /**
     * @param sigmaMax  the largest noise level σ_max (finite, &gt; 0)
     * @param batchSize patches per batch (≥ 1)
     */
    public DenoiserBatches(CleanPatchSampler sampler, double sigmaMax, int batchSize) {
        if (!(sigmaMax > 0) || Double.isInfinite(sigmaMax)) throw new ModelException("--sigma-max " + sigmaMax + " must be a finite number > 0");
        if (batchSize < 1) throw new ModelException("--batch " + batchSize + " must be >= 1");
        this.sampler = sampler;
        this.sigmaMax = sigmaMax;
        this.batchSize = batchSize;
    }

    @Override
    public Batch batch(long step, Rng rng) {
        List<float[]> clean = new ArrayList<>(batchSize), noisy = new ArrayList<>(batchSize);
        List<Double> sigmas = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            float[] x = sampler.sample(rng);
            double sigma = sigmaMax * (1 - rng.nextDouble()); // (0, σ_max]
            clean.add(x);
            noisy.add(addNoise(x, sigma, rng));
            sigmas.add(sigma);
        }
        return new Batch(input(noisy, sigmas, sampler.patch()), PatchSampler.stack(clean, sampler.patch(), 3));
    }

    /** {@code x + σ·n} with {@code n} standard normal from {@code rng} (x not modified). */
    static float[] addNoise(float[] x, double sigma, Rng rng) {
        float[] v = new float[x.length];
        for (int i = 0; i < x.length; i++) v[i] = (float) (x[i] + sigma * rng.nextGaussian());
        return v;
    }

    /** {@code [N, 2, p…]}: each noisy patch followed by its constant σ map. */
    static Tensor input(List<float[]> noisy, List<Double> sigmas, int[] patch) {
        int per = patch[0] * patch[1] * patch[2];
        float[] all = new float[Math.multiplyExact(2 * noisy.size(), per)];
        for (int i = 0; i < noisy.size(); i++) {
            System.arraycopy(noisy.get(i), 0, all, 2 * i * per, per);
            Arrays.fill(all, (2 * i + 1) * per, (2 * i + 2) * per, sigmas.get(i).floatValue());
        }
        return Tensor.fromArray(all, noisy.size(), DnCnn.INPUT_CHANNELS, patch[0], patch[1], patch[2]);
    }
}
