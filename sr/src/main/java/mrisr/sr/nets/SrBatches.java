package mrisr.sr.nets;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.train.Batch;
import mrisr.nn.train.BatchSource;
import mrisr.sr.data.PatchSampler;

/**
 * Training batches for a super-resolution network from a {@link PatchSampler}: {@code N} samples
 * per step, the input being the low-resolution patches (sub-pixel) or their B-spline
 * interpolations (pre-upsampling), the target the residual {@code hr − U(y)} the network predicts.
 * Shapes {@code [N, 1, p…]} → {@code [N, 1, p·f…]} (sub-pixel) or {@code [N, 1, p·f…]} both (pre).
 *
 * <p>{@link #direct} batches are for networks that take the low-resolution data and return the
 * estimate itself (the physics-based {@code unfolded} and {@code deq} networks): input {@code y}
 * {@code [N, 1, p…]}, target {@code hr} {@code [N, 1, p·f…]}.
 *
 * <pre>{@code
 * BatchSource source = new SrBatches(sampler, Upsampling.SUBPIXEL, 4);
 * Batch b = source.batch(0, new Rng(1));
 * BatchSource physics = SrBatches.direct(sampler, 4);
 * }</pre>
 */
public final class SrBatches implements BatchSource {
    private final PatchSampler sampler;
    private final Upsampling upsampling; // null: direct batches
    private final int batchSize;

    /**
     * Residual batches for a network that upsamples as {@code upsampling} says.
     *
     * @param batchSize samples per batch (≥ 1)
     */
    public SrBatches(PatchSampler sampler, Upsampling upsampling, int batchSize) {
        this(sampler, Objects.requireNonNull(upsampling, "upsampling"), batchSize, false);
    }

    private SrBatches(PatchSampler sampler, Upsampling upsampling, int batchSize, boolean direct) {
        if (batchSize < 1) throw new ModelException("--batch " + batchSize + " must be >= 1");
        this.sampler = sampler;
        this.upsampling = direct ? null : upsampling;
        this.batchSize = batchSize;
    }

    /**
     * Batches pairing the low-resolution patches with the high-resolution truth.
     *
     * @param batchSize samples per batch (≥ 1)
     */
    public static SrBatches direct(PatchSampler sampler, int batchSize) {
        return new SrBatches(sampler, null, batchSize, true);
    }

    @Override
    public Batch batch(long step, Rng rng) {
        List<PatchSampler.Sample> samples = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) samples.add(sampler.sample(rng));
        return upsampling == null ? direct(samples) : of(samples, upsampling);
    }

    /** The batch of given samples: low-resolution input, high-resolution target. */
    static Batch direct(List<PatchSampler.Sample> samples) {
        List<float[]> inputs = new ArrayList<>(), targets = new ArrayList<>();
        for (PatchSampler.Sample s : samples) {
            inputs.add(s.lr());
            targets.add(s.hr());
        }
        PatchSampler.Sample first = samples.getFirst();
        return new Batch(PatchSampler.stack(inputs, first.lrShape(), 3), PatchSampler.stack(targets, first.hrShape(), 3));
    }

    /** The batch of given samples (input per {@code upsampling}, residual target). */
    static Batch of(List<PatchSampler.Sample> samples, Upsampling upsampling) {
        List<float[]> inputs = new ArrayList<>(), targets = new ArrayList<>();
        for (PatchSampler.Sample s : samples) {
            inputs.add(upsampling == Upsampling.SUBPIXEL ? s.lr() : s.upsampled());
            float[] r = new float[s.hr().length];
            for (int i = 0; i < r.length; i++) r[i] = s.hr()[i] - s.upsampled()[i];
            targets.add(r);
        }
        PatchSampler.Sample first = samples.getFirst();
        Tensor input = PatchSampler.stack(inputs, upsampling == Upsampling.SUBPIXEL ? first.lrShape() : first.hrShape(), 3);
        return new Batch(input, PatchSampler.stack(targets, first.hrShape(), 3));
    }
}
