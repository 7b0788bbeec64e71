package mrisr.sr.metrics;

import java.util.Arrays;
import mrisr.sr.volume.Volume;

/**
 * Multi-scale structural similarity (Wang, Simoncelli and Bovik 2003) in 2-D or 3-D, built on
 * {@link Ssim}'s definition (Gaussian window σ = 1.5 truncated at radius 5, K1 = 0.01, K2 = 0.03,
 * mean over the interior at least 5 voxels from every border).
 *
 * <pre>
 *   MS-SSIM = SSIM_M^{w_M} · Π_{j=1..M−1} CS_j^{w_j}
 * </pre>
 * where at scale {@code j} the images are 2× average-pooled {@code j − 1} times (each coarse voxel is
 * the mean of its 2^d children; an odd trailing voxel is dropped, as with PyTorch's
 * {@code avg_pool(kernel 2, stride 2)}), {@code CS_j} is the interior mean of the contrast–structure
 * term {@code (2σxy + C2)/(σx² + σy² + C2)} and {@code SSIM_M} the full SSIM at the coarsest scale.
 * The data range, and so C1 and C2, is the same at every scale. Negative {@code CS_j} or
 * {@code SSIM_M} are clamped to 0 before the power (as pytorch-msssim does), so the result lies in
 * {@code [0, 1]}. Default weights are Wang et al.'s {@code [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]}
 * (M = 5). A mask is carried to coarser scales by average pooling and keeping coarse voxels at least
 * half covered.
 *
 * <p>Every axis longer than 1 must hold the window at the coarsest scale:
 * {@code n ≥ 11·2^(M−1)}, i.e. 176 voxels for five scales. scikit-image has no MS-SSIM; the
 * committed fixtures compare with a NumPy/SciPy implementation of this definition whose first scale
 * is checked against scikit-image's SSIM.
 *
 * <pre>{@code
 * double ms = MsSsim.compute(hr, sr, null);                 // 5 scales, R = max − min of hr
 * double ms3 = MsSsim.compute(ref, test, shape, null, 1.0, new double[] {0.2, 0.3, 0.5});
 * }</pre>
 */
public final class MsSsim {
    private static final double[] WANG_WEIGHTS = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};

    private MsSsim() {}

    /** Wang et al.'s five scale weights (a copy). */
    public static double[] defaultWeights() {
        return WANG_WEIGHTS.clone();
    }

    /** The shortest axis (other than length-1 axes) that {@code scales} scales allow: {@code 11·2^(scales−1)}. */
    public static int minimumSize(int scales) {
        if (scales < 1 || scales > 20) throw new MetricException("MS-SSIM: number of scales must be in 1..20, got " + scales);
        return Ssim.WINDOW << (scales - 1);
    }

    /**
     * MS-SSIM with the given per-scale weights (one scale per weight, finest first).
     *
     * @param ref       reference values (not modified)
     * @param test      test values (not modified)
     * @param mask      voxels to include, or {@code null}
     * @param dataRange R &gt; 0
     * @param weights   non-negative exponents, finest scale first
     */
    public static double compute(float[] ref, float[] test, int[] shape, boolean[] mask, double dataRange, double[] weights) {
        int[] s = Inputs.checkPair(ref, test, shape, mask);
        Inputs.checkDataRange(dataRange);
        return msssim(ref, test, s, mask, dataRange, weights);
    }

    /** MS-SSIM with Wang et al.'s five weights. */
    public static double compute(float[] ref, float[] test, int[] shape, boolean[] mask, double dataRange) {
        return compute(ref, test, shape, mask, dataRange, WANG_WEIGHTS);
    }

    /**
     * MS-SSIM of two volumes with the given weights (one scale per weight, finest first).
     *
     * @param dataRange R &gt; 0, or {@code NaN} for the reference's {@code max − min}
     */
    public static double compute(Volume ref, Volume test, Volume mask, double dataRange, double[] weights) {
        Inputs.Pair p = Inputs.pair(ref, test, mask);
        return msssim(p.ref(), p.test(), p.shape(), p.mask(), Inputs.rangeOrDefault(dataRange, p.ref()), weights);
    }

    /**
     * MS-SSIM of two volumes with Wang et al.'s five weights.
     *
     * @param mask      voxels {@code > 0} are included; {@code null} for all
     * @param dataRange R &gt; 0, or {@code NaN} for the reference's {@code max − min}
     */
    public static double compute(Volume ref, Volume test, Volume mask, double dataRange) {
        Inputs.Pair p = Inputs.pair(ref, test, mask);
        return msssim(p.ref(), p.test(), p.shape(), p.mask(), Inputs.rangeOrDefault(dataRange, p.ref()), WANG_WEIGHTS);
    }

    /** MS-SSIM of two volumes, data range from the reference. */
    public static double compute(Volume ref, Volume test, Volume mask) {
        return compute(ref, test, mask, Double.NaN);
    }

    /**
     * The most scales (at most 5) a grid allows: the largest {@code M} with every axis longer than 1
     * at least {@code 11·2^(M−1)} voxels; 0 when even one scale does not fit.
     */
    public static int maxScales(int[] shape) {
        int m = 0;
        while (m < WANG_WEIGHTS.length && fits(shape, m + 1)) m++;
        return m;
    }

    /**
     * Wang et al.'s first {@code scales} weights, rescaled to sum to 1: the usual fallback for images
     * too small for five scales (a 160-voxel axis allows four).
     */
    public static double[] truncatedWeights(int scales) {
        if (scales < 1 || scales > WANG_WEIGHTS.length) throw new MetricException("MS-SSIM: scales must be in 1..5, got " + scales);
        double sum = 0;
        for (int j = 0; j < scales; j++) sum += WANG_WEIGHTS[j];
        double[] w = new double[scales];
        for (int j = 0; j < scales; j++) w[j] = WANG_WEIGHTS[j] / sum;
        return w;
    }

    /** Whether a grid of this shape is large enough for {@code scales} scales. */
    public static boolean fits(int[] shape, int scales) {
        int min = minimumSize(scales);
        for (int v : Inputs.squeeze(shape)) if (v < min) return false;
        return true;
    }

    private static double msssim(float[] ref, float[] test, int[] shape, boolean[] mask, double range, double[] weights) {
        return msssim(Grid.of(ref), Grid.of(test), shape, mask, range, weights, null);
    }

    /**
     * MS-SSIM of two images.
     *
     * @param x          reference
     * @param y          test
     * @param firstScale {@code {mean SSIM, mean cs}} of the finest scale when already computed by
     *                   {@link Ssim#meanSsimAndCs} with the same mask and range, else {@code null}
     */
    static double msssim(Grid x, Grid y, int[] shape, boolean[] mask, double range, double[] weights, double[] firstScale) {
        if (weights == null || weights.length == 0) throw new MetricException("MS-SSIM: need at least one scale weight");
        for (double w : weights) {
            if (!(w >= 0) || !Double.isFinite(w)) throw new MetricException("MS-SSIM: scale weights must be finite and >= 0, got " + Arrays.toString(weights));
        }
        int scales = weights.length;
        int[] sq = Inputs.squeeze(shape);
        if (!fits(sq, scales)) {
            throw new MetricException("MS-SSIM: image shape " + Arrays.toString(shape) + " is too small for " + scales
                    + " scales, every axis needs at least " + minimumSize(scales) + " voxels");
        }
        double c1 = Ssim.c1(range), c2 = Ssim.c2(range);
        boolean[] m = mask;
        int[] s = sq;
        double result = 1;
        for (int j = 0; j < scales; j++) {
            if (j > 0) {
                Inputs.checkMemory(2, SeparableFilter.numel(SeparableFilter.pooledShape(s)), "MS-SSIM scale " + (j + 1));
                x = Grid.of(SeparableFilter.averagePool2(x, s));
                y = Grid.of(SeparableFilter.averagePool2(y, s));
                if (m != null) m = poolMask(m, s);
                s = SeparableFilter.pooledShape(s);
            }
            double[] sc = j == 0 && firstScale != null ? firstScale : Ssim.meanSsimAndCs(x, y, s, m, c1, c2);
            double term = j == scales - 1 ? sc[0] : sc[1];
            result *= Math.pow(Math.max(term, 0), weights[j]);
        }
        return result;
    }

    private static boolean[] poolMask(boolean[] mask, int[] shape) {
        double[] d = new double[mask.length];
        for (int i = 0; i < d.length; i++) d[i] = mask[i] ? 1 : 0;
        double[] pooled = SeparableFilter.averagePool2(Grid.of(d), shape);
        boolean[] out = new boolean[pooled.length];
        for (int i = 0; i < out.length; i++) out[i] = pooled[i] >= 0.5;
        return out;
    }
}
