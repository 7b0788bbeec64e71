package mrisr.sr.metrics;

import java.util.Arrays;
import mrisr.sr.volume.Volume;

/**
 * Structural similarity (Wang et al. 2004) in 2-D or 3-D, defined to equal scikit-image's
 * {@code structural_similarity(ref, test, data_range=R, gaussian_weights=True, sigma=1.5,
 * use_sample_covariance=False)} on float64 data.
 *
 * <p>With {@code G} the separable Gaussian window (σ = 1.5 voxels, truncated at 3.5σ: radius 5,
 * 11 taps per axis, scipy's 'reflect' boundary), local statistics are
 * {@code μx = G∗x, μy = G∗y, σx² = G∗x² − μx², σy² = G∗y² − μy², σxy = G∗xy − μxμy}, and
 * <pre>
 *   SSIM(v) = (2μxμy + C1)(2σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2)),
 *   C1 = (0.01·R)²,  C2 = (0.03·R)²
 * </pre>
 * The reported SSIM is the mean of this map over voxels at least {@code pad = 5} voxels from every
 * border (scikit-image's {@code crop(S, pad)}), so the boundary extension never enters the mean. With
 * a mask, the mean runs over the voxels of that cropped region that the mask selects (scikit-image
 * has no mask; this is the natural extension and equals its cropped mean when the mask is all true).
 *
 * <p>Axes of length 1 are dropped first (a one-slice volume is a 2-D image); every remaining axis
 * must be at least 11 voxels long. Filtering is separable, in double precision, one slice at a time
 * ({@link LocalMoments}), parallel over slices; results do not depend on the thread count. Work
 * memory is a few dozen slice buffers per thread; the images are not copied.
 *
 * <pre>{@code
 * double s3d = Ssim.compute(hr, sr, null);                        // Volumes, R = max − min of hr
 * double s2d = Ssim.compute(ref, test, new int[] {37, 41}, null, 1.0);
 * }</pre>
 */
public final class Ssim {
    /** Gaussian window standard deviation, voxels. */
    public static final double SIGMA = 1.5;
    /** Window truncation in standard deviations (scikit-image's default). */
    public static final double TRUNCATE = 3.5;
    /** Luminance and contrast stabilisers relative to the data range. */
    public static final double K1 = 0.01, K2 = 0.03;
    /** Window radius {@code int(3.5·1.5 + 0.5) = 5}: the map's mean ignores this many voxels at each border. */
    public static final int PAD = SeparableFilter.radius(SIGMA, TRUNCATE);
    /** Window width, and the smallest allowed length of an axis: 11. */
    public static final int WINDOW = 2 * PAD + 1;

    private Ssim() {}

    /**
     * Mean SSIM on a row-major grid.
     *
     * @param ref       reference values (not modified)
     * @param test      test values (not modified)
     * @param shape     grid shape; after dropping length-1 axes every axis must be ≥ 11
     * @param mask      voxels to average over (within the cropped region), or {@code null} for all
     * @param dataRange R &gt; 0
     */
    public static double compute(float[] ref, float[] test, int[] shape, boolean[] mask, double dataRange) {
        int[] s = Inputs.checkPair(ref, test, shape, mask);
        Inputs.checkDataRange(dataRange);
        return mean(ref, test, s, mask, dataRange);
    }

    /** Mean SSIM with the data range taken from the reference ({@code max − min}). */
    public static double compute(float[] ref, float[] test, int[] shape, boolean[] mask) {
        int[] s = Inputs.checkPair(ref, test, shape, mask);
        return mean(ref, test, s, mask, Inputs.rangeOrDefault(Double.NaN, ref));
    }

    /**
     * Mean 3-D SSIM of two volumes.
     *
     * @param mask      voxels {@code > 0} are averaged over; {@code null} for all
     * @param dataRange R &gt; 0, or {@code NaN} for the reference's {@code max − min}
     */
    public static double compute(Volume ref, Volume test, Volume mask, double dataRange) {
        Inputs.Pair p = Inputs.pair(ref, test, mask);
        return mean(p.ref(), p.test(), p.shape(), p.mask(), Inputs.rangeOrDefault(dataRange, p.ref()));
    }

    /** Mean 3-D SSIM of two volumes with the data range taken from the reference. */
    public static double compute(Volume ref, Volume test, Volume mask) {
        return compute(ref, test, mask, Double.NaN);
    }

    /**
     * The full SSIM map, uncropped (scikit-image's second result with {@code full=True}).
     *
     * @return a new array, row-major over {@code shape}
     */
    public static double[] map(float[] ref, float[] test, int[] shape, double dataRange) {
        int[] s = Inputs.checkPair(ref, test, shape, null);
        Inputs.checkDataRange(dataRange);
        int[] sq = checkWindow(s, "SSIM");
        int n = ref.length;
        Inputs.checkMemory(1, n, "SSIM map for shape " + Arrays.toString(shape));
        double c1 = c1(dataRange), c2 = c2(dataRange);
        double[] out = new double[n];
        LocalMoments.forEachSlice(Grid.of(ref), Grid.of(test), sq, window(), 0, sq[0], (i, offset, m) -> {
            for (int q = 0; q < m.ux.length; q++) out[offset + q] = ssim(m, q, c1, c2);
        });
        return out;
    }

    private static double mean(float[] ref, float[] test, int[] shape, boolean[] mask, double range) {
        int[] sq = checkWindow(shape, "SSIM");
        return meanSsimAndCs(Grid.of(ref), Grid.of(test), sq, mask, c1(range), c2(range))[0];
    }

    static double c1(double range) {
        return (K1 * range) * (K1 * range);
    }

    static double c2(double range) {
        return (K2 * range) * (K2 * range);
    }

    /** The Gaussian window's 11 taps. */
    private static double[] window() {
        return SeparableFilter.gaussianKernel(SIGMA, PAD, 0);
    }

    /** Drops length-1 axes and checks that every remaining axis holds a whole window. */
    static int[] checkWindow(int[] shape, String metric) {
        int[] sq = Inputs.squeeze(shape);
        for (int v : sq) {
            if (v < WINDOW) {
                throw new MetricException(metric + ": image shape " + Arrays.toString(shape) + " has an axis of " + v
                        + " voxels, the " + WINDOW + "-voxel window needs at least " + WINDOW);
            }
        }
        return sq;
    }

    /**
     * Means of the SSIM map and of its contrast–structure part {@code (2σxy + C2)/(σx² + σy² + C2)}
     * over the interior (≥ {@link #PAD} voxels from every border) intersected with the mask.
     * Slices along axis 0 outside the interior are not computed at all.
     *
     * @param x     reference, row-major over {@code shape}
     * @param y     test
     * @param shape grid with every axis ≥ {@link #WINDOW}
     * @return {@code {mean SSIM, mean cs}}
     */
    static double[] meanSsimAndCs(Grid x, Grid y, int[] shape, boolean[] mask, double c1, double c2) {
        int n0 = shape[0];
        boolean[] inSlice = interior(SeparableFilter.sliceShape(shape), PAD);
        double[] ssimSums = new double[n0], csSums = new double[n0];
        long[] counts = new long[n0];
        int from = Math.min(PAD, n0), to = Math.max(from, n0 - PAD);
        LocalMoments.forEachSlice(x, y, shape, window(), from, to, (i, offset, m) -> {
            double ssim = 0, cs = 0;
            long count = 0;
            for (int q = 0; q < inSlice.length; q++) {
                if (!inSlice[q] || (mask != null && !mask[offset + q])) continue;
                ssim += ssim(m, q, c1, c2);
                cs += cs(m, q, c2);
                count++;
            }
            ssimSums[i] = ssim;
            csSums[i] = cs;
            counts[i] = count;
        });
        long count = 0;
        for (long c : counts) count += c;
        if (count == 0) {
            throw new MetricException("SSIM: the mask selects no voxel at least " + PAD + " voxels away from the border of "
                    + Arrays.toString(shape));
        }
        return new double[] {SeparableFilter.sumInOrder(ssimSums) / count, SeparableFilter.sumInOrder(csSums) / count};
    }

    /** Voxels at least {@code pad} from every border of a grid (one voxel for a grid with no axes). */
    static boolean[] interior(int[] shape, int pad) {
        int n = SeparableFilter.numel(shape);
        int d = shape.length;
        boolean[] out = new boolean[n];
        int[] idx = new int[d];
        for (int i = 0; i < n; i++) {
            boolean in = true;
            for (int a = 0; a < d && in; a++) in = idx[a] >= pad && idx[a] < shape[a] - pad;
            out[i] = in;
            for (int a = d - 1; a >= 0; a--) { // odometer over the row-major index
                if (++idx[a] < shape[a]) break;
                idx[a] = 0;
            }
        }
        return out;
    }

    /** The SSIM at voxel {@code q} of a slice of raw moments (variances formed here). */
    private static double ssim(LocalMoments.Slice m, int q, double c1, double c2) {
        double ux = m.ux[q], uy = m.uy[q];
        double vx = m.xx[q] - ux * ux, vy = m.yy[q] - uy * uy, vxy = m.xy[q] - ux * uy;
        double a1 = 2 * ux * uy + c1, a2 = 2 * vxy + c2;
        double b1 = ux * ux + uy * uy + c1, b2 = vx + vy + c2;
        return a1 * a2 / (b1 * b2);
    }

    /** The contrast–structure term at voxel {@code q} of a slice of raw moments. */
    private static double cs(LocalMoments.Slice m, int q, double c2) {
        double ux = m.ux[q], uy = m.uy[q];
        double vx = m.xx[q] - ux * ux, vy = m.yy[q] - uy * uy, vxy = m.xy[q] - ux * uy;
        return (2 * vxy + c2) / (vx + vy + c2);
    }
}
