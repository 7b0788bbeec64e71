package mrisr.nn.loss;

import java.util.Objects;
import mrisr.engine.Ops;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;

/**
 * Differentiable histogram matching, survey Eq. 15: {@code L = δ(Hist(x), Hist(x̂))} with soft
 * binning. For {@code B} bins of width {@code w = (max − min)/B} with centres {@code c_b}, each value
 * {@code v} contributes to bin {@code b} with the smooth box
 * <pre>
 *   k_b(v) = σ((v − c_b + w/2)/τ) − σ((v − c_b − w/2)/τ),        τ = w·softness
 * </pre>
 * which tends to the hard indicator of the bin as {@code softness → 0}. The normalised histogram of
 * each sample (dimension 0) is {@code h_b = Σ_v k_b(v) / n}; {@code δ} is the squared ℓ₂ distance
 * {@code Σ_b (h_b − ĥ_b)²} or the ℓ₁ distance, averaged over the batch. Values outside
 * {@code [min, max]} fall (softly) out of every bin. Memory: {@code N·n·B} floats for the soft
 * assignments.
 */
public final class HistogramLoss implements Loss {
    /** The distance δ between histograms. */
    public enum Distance { L1, SQUARED_L2 }

    private final int bins;
    private final double min, max, softness;
    private final Distance distance;

    /**
     * @param bins     number of bins, ≥ 1
     * @param min      lower edge of the first bin
     * @param max      upper edge of the last bin, &gt; min
     * @param softness sigmoid temperature relative to the bin width, &gt; 0 (e.g. 0.1–0.5)
     */
    public HistogramLoss(int bins, double min, double max, double softness, Distance distance) {
        if (bins < 1) throw new IllegalArgumentException("HistogramLoss: bins must be >= 1, got " + bins);
        if (!(max > min)) throw new IllegalArgumentException("HistogramLoss: max " + max + " must exceed min " + min);
        if (!(softness > 0)) throw new IllegalArgumentException("HistogramLoss: softness must be > 0, got " + softness);
        this.bins = bins;
        this.min = min;
        this.max = max;
        this.softness = softness;
        this.distance = Objects.requireNonNull(distance, "distance");
    }

    /** 64 bins over [0, 1], softness 0.25, squared ℓ₂. */
    public HistogramLoss() {
        this(64, 0, 1, 0.25, Distance.SQUARED_L2);
    }

    /**
     * The soft histograms of each sample: {@code [N, …] → [N, bins]}, each row summing to (at most) 1.
     *
     * @param x at least 1-d (not modified)
     */
    public Tensor histogram(Tensor x) {
        if (x.dim() < 1 || x.size(0) < 1 || x.numel() == 0) {
            throw new ShapeException("HistogramLoss", "needs a non-empty batch [N, …]");
        }
        int n = x.size(0), perSample = x.numel() / n;
        double width = (max - min) / bins, tau = width * softness;
        float[] lower = new float[bins], upper = new float[bins];
        for (int b = 0; b < bins; b++) {
            lower[b] = (float) (min + b * width);
            upper[b] = (float) (min + (b + 1) * width);
        }
        Tensor lo = Tensor.wrap(x.backend().upload(lower, "histogram edges"), new int[] {1, 1, bins});
        Tensor hi = Tensor.wrap(x.backend().upload(upper, "histogram edges"), new int[] {1, 1, bins});
        Tensor v = x.reshape(n, perSample, 1);
        Tensor k = Ops.sigmoid(v.sub(lo).mul(1 / tau)).sub(Ops.sigmoid(v.sub(hi).mul(1 / tau)));
        return k.sum(new int[] {1}, false).mul(1.0 / perSample);
    }

    @Override
    public Tensor compute(Tensor prediction, Tensor target) {
        Losses.sameShape("HistogramLoss", prediction, target);
        Tensor d = histogram(prediction).sub(histogram(target));
        Tensor perBin = distance == Distance.L1 ? d.abs() : d.mul(d);
        return perBin.sum(new int[] {1}, false).mean();
    }
}
