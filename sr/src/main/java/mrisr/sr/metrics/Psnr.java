package mrisr.sr.metrics;

import mrisr.sr.volume.Volume;

/**
 * Peak signal-to-noise ratio in decibels,
 * {@code PSNR = 10·log10(R² / MSE)}, {@code MSE = mean over voxels (ref − test)²} (over the mask's
 * voxels when a mask is given), computed in double precision. Equal to scikit-image's
 * {@code peak_signal_noise_ratio(ref, test, data_range=R)}; identical images give {@code +∞}.
 *
 * <p>The data range {@code R} is given explicitly or, by default, taken as {@code max − min} of the
 * whole reference (the MONAI/fastMRI convention; scikit-image requires it explicitly for
 * floating-point images, and the committed fixtures pass the same value to it).
 *
 * <pre>{@code
 * double db = Psnr.compute(hr, sr, null);        // Volumes, range from hr
 * double db2 = Psnr.compute(ref, test, new int[] {64, 64}, null, 1.0);
 * }</pre>
 */
public final class Psnr {
    private Psnr() {}

    /**
     * PSNR of {@code test} against {@code ref} on a row-major grid.
     *
     * @param ref       reference values (not modified)
     * @param test      test values (not modified)
     * @param shape     grid shape, any number of axes
     * @param mask      voxels to include, or {@code null} for all
     * @param dataRange R &gt; 0
     */
    public static double compute(float[] ref, float[] test, int[] shape, boolean[] mask, double dataRange) {
        Inputs.checkPair(ref, test, shape, mask);
        Inputs.checkDataRange(dataRange);
        return fromMse(mse(ref, test, mask), dataRange);
    }

    /** PSNR with the data range taken from the reference ({@code max − min}). */
    public static double compute(float[] ref, float[] test, int[] shape, boolean[] mask) {
        Inputs.checkPair(ref, test, shape, mask);
        return fromMse(mse(ref, test, mask), Inputs.rangeOrDefault(Double.NaN, ref));
    }

    /**
     * PSNR of two volumes of the same shape.
     *
     * @param mask      voxels {@code > 0} are included; {@code null} for all
     * @param dataRange R &gt; 0, or {@code NaN} for the reference's {@code max − min}
     */
    public static double compute(Volume ref, Volume test, Volume mask, double dataRange) {
        Inputs.Pair p = Inputs.pair(ref, test, mask);
        return fromMse(mse(p.ref(), p.test(), p.mask()), Inputs.rangeOrDefault(dataRange, p.ref()));
    }

    /** PSNR of two volumes with the data range taken from the reference. */
    public static double compute(Volume ref, Volume test, Volume mask) {
        return compute(ref, test, mask, Double.NaN);
    }

    static double fromMse(double mse, double range) {
        return 10 * Math.log10(range * range / mse);
    }

    /** Mean squared difference over the mask (all voxels when {@code null}). */
    static double mse(float[] ref, float[] test, boolean[] mask) {
        double sq = SeparableFilter.sum(ref.length, (from, to) -> {
            double s = 0;
            for (int i = from; i < to; i++) {
                if (mask != null && !mask[i]) continue;
                double d = (double) ref[i] - test[i];
                s += d * d;
            }
            return s;
        });
        return sq / count(mask, ref.length);
    }

    static long count(boolean[] mask, int n) {
        if (mask == null) return n;
        long c = 0;
        for (boolean b : mask) if (b) c++;
        return c;
    }
}
