package mrisr.sr.nets;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import mrisr.engine.Rng;
import mrisr.nn.Module;
import mrisr.nn.train.Batch;
import mrisr.nn.train.Validation;
import mrisr.sr.data.PatchSampler;

/**
 * PSNR on a fixed set of held-out patches: {@code count} samples drawn once from a validation
 * sampler (its own seed, no augmentation), scored as
 * {@code PSNR = 10·log10(R² / MSE)} over all their voxels, {@code x̂ = U(y) + R_θ(·)} against the
 * truth, where {@code R} is the validation volume's intensity range (as {@code mrisr eval} takes it
 * from the reference), everything in the sampler's normalised units. {@link #baselinePsnr()} scores
 * {@code U(y)} alone — the B-spline interpolation the network must beat. {@link #direct} validations
 * score networks whose output is the estimate itself, {@code x̂ = net(y)} (see {@link SrBatches#direct}).
 *
 * <pre>{@code
 * SrValidation v = new SrValidation(validationSampler, Upsampling.SUBPIXEL, 16, 4, 99);
 * double gain = v.evaluate(net) - v.baselinePsnr();
 * SrValidation physics = SrValidation.direct(validationSampler, 16, 4, 99);
 * }</pre>
 */
public final class SrValidation implements Validation {
    /** Name of the metric in logs. */
    public static final String METRIC = "val_psnr";

    private final List<Batch> batches = new ArrayList<>();
    private final List<float[]> upsampled = new ArrayList<>(), truth = new ArrayList<>();
    private final double range, baseline;
    private final boolean residual;

    /**
     * A validation of a network that predicts the residual over {@code U(y)}.
     *
     * @param sampler    draws from the validation volume(s) (volume 0 sets the range); use one built
     *                   without augmentation
     * @param upsampling what the network takes as input (see {@link SrBatches})
     * @param count      number of patches (≥ 1)
     * @param chunk      patches per forward pass (≥ 1)
     * @param seed       seed of the draw
     */
    public SrValidation(PatchSampler sampler, Upsampling upsampling, int count, int chunk, long seed) {
        this(sampler, Objects.requireNonNull(upsampling, "upsampling"), count, chunk, seed, true);
    }

    /**
     * A validation of a network that maps the low-resolution patches to the estimate itself; the
     * parameters are the constructor's.
     */
    public static SrValidation direct(PatchSampler sampler, int count, int chunk, long seed) {
        return new SrValidation(sampler, null, count, chunk, seed, false);
    }

    private SrValidation(PatchSampler sampler, Upsampling upsampling, int count, int chunk, long seed, boolean residual) {
        this.residual = residual;
        if (count < 1 || chunk < 1) throw new IllegalArgumentException("count " + count + " and chunk " + chunk + " must be >= 1");
        Rng rng = new Rng(seed);
        List<PatchSampler.Sample> pending = new ArrayList<>();
        double se = 0;
        long n = 0;
        for (int i = 0; i < count; i++) {
            PatchSampler.Sample s = sampler.sample(0, rng);
            upsampled.add(s.upsampled());
            truth.add(s.hr());
            for (int k = 0; k < s.hr().length; k++) {
                double d = (double) s.upsampled()[k] - s.hr()[k];
                se += d * d;
            }
            n += s.hr().length;
            pending.add(s);
            if (pending.size() == chunk || i == count - 1) {
                batches.add(residual ? SrBatches.of(pending, upsampling) : SrBatches.direct(pending));
                pending.clear();
            }
        }
        range = sampler.normalisedRange(0);
        baseline = psnr(se / n);
    }

    private double psnr(double mse) {
        return 10 * Math.log10(range * range / mse);
    }

    /** PSNR of the B-spline interpolation alone on the same patches. */
    public double baselinePsnr() {
        return baseline;
    }

    @Override
    public String metric() {
        return METRIC;
    }

    /** {@inheritDoc} Runs the network on every patch; call with gradients off and the model in eval mode. */
    @Override
    public double evaluate(Module model) {
        double se = 0;
        long n = 0;
        int p = 0;
        for (Batch b : batches) {
            float[] output = model.forward(b.input()).toArray();
            int per = truth.get(p).length;
            int inBatch = output.length / per;
            for (int i = 0; i < inBatch; i++, p++) {
                float[] up = upsampled.get(p), hr = truth.get(p);
                for (int k = 0; k < per; k++) {
                    double d = (residual ? (double) up[k] + output[i * per + k] : output[i * per + k]) - hr[k];
                    se += d * d;
                }
                n += per;
            }
        }
        return psnr(se / n);
    }
}
