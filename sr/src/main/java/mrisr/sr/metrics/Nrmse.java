package mrisr.sr.metrics;

import mrisr.sr.volume.Volume;

/**
 * Normalised root-mean-square error with scikit-image's default {@code normalization='euclidean'}:
 * {@code NRMSE = sqrt(mean (ref − test)²) / sqrt(mean ref²)} (means over the mask's voxels when a
 * mask is given), in double precision. 0 for identical images; scale-free.
 *
 * <pre>{@code
 * double e = Nrmse.compute(hr, sr, null);
 * }</pre>
 */
public final class Nrmse {
    private Nrmse() {}

    /**
     * NRMSE on a row-major grid.
     *
     * @param ref  reference values (not modified); must not be all zero inside the mask
     * @param test test values (not modified)
     * @param mask voxels to include, or {@code null} for all
     */
    public static double compute(float[] ref, float[] test, int[] shape, boolean[] mask) {
        Inputs.checkPair(ref, test, shape, mask);
        return nrmse(ref, test, mask);
    }

    /** NRMSE of two volumes; mask voxels {@code > 0} are included ({@code null} for all). */
    public static double compute(Volume ref, Volume test, Volume mask) {
        Inputs.Pair p = Inputs.pair(ref, test, mask);
        return nrmse(p.ref(), p.test(), p.mask());
    }

    private static double nrmse(float[] ref, float[] test, boolean[] mask) {
        double mse = Psnr.mse(ref, test, mask);
        double energy = SeparableFilter.sum(ref.length, (from, to) -> {
            double s = 0;
            for (int i = from; i < to; i++) {
                if (mask != null && !mask[i]) continue;
                s += (double) ref[i] * ref[i];
            }
            return s;
        }) / Psnr.count(mask, ref.length);
        if (energy == 0) throw new MetricException("NRMSE: the reference is zero everywhere in the evaluated region, the error cannot be normalised");
        return Math.sqrt(mse) / Math.sqrt(energy);
    }
}
