package mrisr.sr.nets;

import java.util.ArrayList;
import java.util.List;
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
 * <pre>{@code
 * BatchSource source = new SrBatches(sampler, Upsampling.SUBPIXEL, 4);
 * Batch b = source.batch(0, new Rng(1));
 * }</pre>
 */
public final class SrBatches implements BatchSource {
    private final PatchSampler sampler;
    private final Upsampling upsampling;
    private final int batchSize;

    /**
     * @param batchSize samples per batch (≥ 1)
     */
    public SrBatches(PatchSampler sampler, Upsampling upsampling, int batchSize) {
        if (batchSize < 1) throw new ModelException("--batch " + batchSize + " must be >= 1");
        this.sampler = sampler;
        this.upsampling = upsampling;
        this.batchSize = batchSize;
    }

    @Override
    public Batch batch(long step, Rng rng) {
        List<PatchSampler.Sample> samples = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) samples.add(sampler.sample(rng));
        return of(samples, upsampling);
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
