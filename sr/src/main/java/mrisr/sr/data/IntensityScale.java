package mrisr.sr.data;

import java.util.Arrays;

/**
 * The intensity normalisation of the networks: volumes are divided by a robust scale of the
 * low-resolution input — its {@value #PERCENTILE}th percentile (nearest rank) — before the network
 * and multiplied back after, so one model serves scanners and sequences with different intensity
 * units. The percentile rather than the maximum keeps a few bright or noisy voxels from setting the
 * scale. When the percentile is not positive, the largest absolute value is used, and 1 for an
 * all-zero volume.
 *
 * <pre>{@code
 * double s = IntensityScale.of(lr.data().toArray());   // e.g. 0.93 for a phantom in [0, 1]
 * }</pre>
 */
public final class IntensityScale {
    /** The percentile that sets the scale. */
    public static final double PERCENTILE = 99.5;
    /** How the model metadata names this normalisation. */
    public static final String NAME = "lr-p99.5";

    private IntensityScale() {}

    /**
     * The scale of {@code values} (not modified): the {@value #PERCENTILE}th percentile by nearest
     * rank, {@code sorted[⌈p/100·n⌉ − 1]}.
     */
    public static double of(float[] values) {
        if (values.length == 0) return 1;
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(PERCENTILE / 100 * sorted.length) - 1;
        double p = sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
        if (p > 0 && Double.isFinite(p)) return p;
        double max = 0;
        for (float v : values) if (Float.isFinite(v)) max = Math.max(max, Math.abs(v));
        return max > 0 ? max : 1;
    }
}
