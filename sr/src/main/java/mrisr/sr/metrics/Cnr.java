package mrisr.sr.metrics;

/**
 * Contrast-to-noise ratio between two regions of one image:
 * {@code CNR = |mean(ROI) − mean(background)| / std(background)}, with the population standard
 * deviation (divisor {@code n}), in double precision. A noiseless background gives {@code +∞} (or
 * {@code NaN} when the means are also equal).
 *
 * <p>For a tissue label map (for example {@link mrisr.sr.data.Phantoms.Brain#labels()}), the regions
 * are usually two labels: {@code Cnr.compute(image, labels, 3, 2)} is the white-versus-grey-matter CNR
 * with grey matter as the "background" whose spread measures the noise.
 *
 * <pre>{@code
 * double c = Cnr.compute(image, roiMask, backgroundMask);
 * double wmGm = Cnr.compute(image, labels, Tissue.WHITE_MATTER.code(), Tissue.GREY_MATTER.code());
 * }</pre>
 */
public final class Cnr {
    private Cnr() {}

    /**
     * CNR between two voxel sets of {@code image}.
     *
     * @param image      values (not modified); must be finite
     * @param roi        voxels of the region of interest (at least one)
     * @param background voxels of the background (at least one)
     */
    public static double compute(float[] image, boolean[] roi, boolean[] background) {
        if (roi.length != image.length || background.length != image.length) {
            throw new MetricException("CNR: image has " + image.length + " voxels but the regions have " + roi.length + " and " + background.length);
        }
        Inputs.checkFinite(image, new int[] {image.length}, "CNR");
        double[] r = meanAndStd(image, roi, "region of interest");
        double[] b = meanAndStd(image, background, "background");
        return Math.abs(r[0] - b[0]) / b[1];
    }

    /**
     * CNR between two labels of a label map (values compared after rounding to the nearest integer).
     *
     * @param labels label per voxel, same length as {@code image}
     */
    public static double compute(float[] image, float[] labels, int roiLabel, int backgroundLabel) {
        if (labels.length != image.length) throw new MetricException("CNR: image has " + image.length + " voxels, label map has " + labels.length);
        boolean[] roi = new boolean[labels.length], bg = new boolean[labels.length];
        for (int i = 0; i < labels.length; i++) {
            long l = Math.round(labels[i]);
            roi[i] = l == roiLabel;
            bg[i] = l == backgroundLabel;
        }
        if (!any(roi)) throw new MetricException("CNR: label " + roiLabel + " (region of interest) occurs nowhere in the label map");
        if (!any(bg)) throw new MetricException("CNR: label " + backgroundLabel + " (background) occurs nowhere in the label map");
        return compute(image, roi, bg);
    }

    private static boolean any(boolean[] b) {
        for (boolean v : b) if (v) return true;
        return false;
    }

    private static double[] meanAndStd(float[] image, boolean[] sel, String name) {
        long n = 0;
        double sum = 0;
        for (int i = 0; i < image.length; i++) {
            if (sel[i]) {
                n++;
                sum += image[i];
            }
        }
        if (n == 0) throw new MetricException("CNR: the " + name + " is empty");
        double mean = sum / n;
        double sq = 0;
        for (int i = 0; i < image.length; i++) {
            if (sel[i]) {
                double dv = image[i] - mean;
                sq += dv * dv;
            }
        }
        return new double[] {mean, Math.sqrt(sq / n)};
    }
}
