package mrisr.sr.metrics;

import java.util.Arrays;
import mrisr.sr.volume.Volume;

/**
 * Pixel-domain visual information fidelity, VIFp (Sheikh and Bovik 2006), over four scales, as in
 * the widely used {@code vifp_mscale} reference implementation (SciPy port of the LIVE MATLAB code),
 * extended unchanged to 3-D.
 *
 * <p>Both images are first scaled by {@code 255/R} (R the data range), because the model's noise
 * variance σ_n² = 2 is calibrated for 8-bit intensities (piq's {@code vif_p} does the same). For
 * scales {@code s = 1..4}, with {@code N = 2^(5−s) + 1} and {@code σ = N/5} (3.4, 1.8, 1.0, 0.6
 * voxels): for {@code s > 1} both images are Gaussian-filtered with σ and decimated by 2 along every
 * axis ({@code x[::2, …]}); then with {@code G} the Gaussian filter of that σ (scipy's
 * {@code gaussian_filter}: truncate 4σ, 'reflect' boundary)
 * <pre>
 *   μ1 = G∗r, μ2 = G∗d, σ1² = max(G∗r² − μ1², 0), σ2² = max(G∗d² − μ2², 0), σ12 = G∗rd − μ1μ2
 *   g = σ12/(σ1² + ε),  sv² = σ2² − g·σ12            (ε = 1e−10)
 *   where σ1² &lt; ε: g = 0, sv² = σ2², σ1² = 0;  where σ2² &lt; ε: g = 0, sv² = 0;
 *   where g &lt; 0: sv² = σ2², g = 0;  sv² = max(sv², ε)
 *   num += Σ log10(1 + g²σ1²/(sv² + σ_n²)),  den += Σ log10(1 + σ1²/σ_n²)
 * </pre>
 * and {@code VIF = num/den}: 1 for identical images, below 1 for degraded ones (above 1 for
 * contrast-enhanced ones). With a mask, the sums run over the mask's voxels, the mask being
 * decimated with the images. Filtering is separable, in double precision, one slice along axis 0 at
 * a time and parallel over slices ({@link LocalMoments}); the pre-filter of a coarser scale is
 * computed only on the slices the decimation keeps.
 *
 * <pre>{@code
 * double v = Vif.compute(hr, sr, null);            // R = max − min of hr
 * }</pre>
 */
public final class Vif {
    /** Noise variance of the HVS model, for 8-bit intensities. */
    public static final double SIGMA_NSQ = 2.0;
    private static final double EPS = 1e-10;
    private static final int SCALES = 4;
    private static final double TRUNCATE = 4.0;

    private Vif() {}

    /**
     * VIFp on a row-major grid.
     *
     * @param ref       reference values (not modified)
     * @param test      test (distorted) values (not modified)
     * @param mask      voxels to include in the sums, or {@code null}
     * @param dataRange R &gt; 0: intensities are scaled by 255/R
     */
    public static double compute(float[] ref, float[] test, int[] shape, boolean[] mask, double dataRange) {
        int[] s = Inputs.checkPair(ref, test, shape, mask);
        Inputs.checkDataRange(dataRange);
        return vif(ref, test, s, mask, dataRange);
    }

    /**
     * VIFp of two volumes.
     *
     * @param mask      voxels {@code > 0} are included; {@code null} for all
     * @param dataRange R &gt; 0, or {@code NaN} for the reference's {@code max − min}
     */
    public static double compute(Volume ref, Volume test, Volume mask, double dataRange) {
        Inputs.Pair p = Inputs.pair(ref, test, mask);
        return vif(p.ref(), p.test(), p.shape(), p.mask(), Inputs.rangeOrDefault(dataRange, p.ref()));
    }

    /** VIFp of two volumes, data range from the reference. */
    public static double compute(Volume ref, Volume test, Volume mask) {
        return compute(ref, test, mask, Double.NaN);
    }

    private static double vif(float[] ref, float[] test, int[] shape, boolean[] mask, double range) {
        return vif(Grid.of(ref), Grid.of(test), shape, mask, range);
    }

    /** VIFp of two images. */
    static double vif(Grid ref, Grid test, int[] shape, boolean[] mask, double range) {
        double scale = 255.0 / range;
        Grid r = ref, d = test;
        int[] s = shape.clone();
        boolean[] m = mask;
        double num = 0, den = 0;
        for (int scaleIndex = 1; scaleIndex <= SCALES; scaleIndex++) {
            int taps = (1 << (SCALES - scaleIndex + 1)) + 1;
            double sd = taps / 5.0;
            double[] w = SeparableFilter.gaussianKernel(sd, SeparableFilter.radius(sd, TRUNCATE), 0);
            if (scaleIndex > 1) {
                r = Grid.of(filterAndDecimate(r, s, w));
                d = Grid.of(filterAndDecimate(d, s, w));
                if (m != null) m = SeparableFilter.decimate2(m, s);
                s = SeparableFilter.decimatedShape(s);
            }
            double[] sums = scaleSums(r, d, s, m, w, scale);
            num += sums[0];
            den += sums[1];
        }
        if (den == 0) throw new MetricException("VIF: the reference has no local variance in the evaluated region");
        return num / den;
    }

    /**
     * {@code decimate2(G ∗ x)}: the Gaussian filter computed only on the even slices along axis 0,
     * then kept at even positions within each slice.
     */
    private static double[] filterAndDecimate(Grid x, int[] shape, double[] w) {
        int n0 = shape[0];
        int[] sliceShape = SeparableFilter.sliceShape(shape);
        int size = SeparableFilter.numel(sliceShape);
        int[] outShape = SeparableFilter.decimatedShape(shape);
        int outSize = SeparableFilter.numel(SeparableFilter.sliceShape(outShape));
        double[][] kernels = new double[sliceShape.length][];
        Arrays.fill(kernels, w);
        double[][] axis0Kernels = {w};
        Inputs.checkMemory(1, SeparableFilter.numel(outShape), "VIF scale of shape " + Arrays.toString(outShape));
        double[] out = new double[SeparableFilter.numel(outShape)];
        int perPass = SeparableFilter.slicesPerPass(outShape[0]);
        int tile = SeparableFilter.tileLength(perPass, 2, w.length / 2);
        SeparableFilter.forEachSlice(outShape[0], () -> new Buffers(new double[1][perPass][size], new double[size], new double[tile]), (b, lo, hi) -> {
            for (int c0 = lo; c0 < hi; c0 += perPass) {
                int count = Math.min(perPass, hi - c0);
                SeparableFilter.correlateAxis0Slices(x, n0, size, 2 * c0, 2, count, axis0Kernels, b.slices, b.tile);
                for (int c = 0; c < count; c++) {
                    double[] slice = b.slices[0][c];
                    SeparableFilter.correlateInPlace(slice, b.scratch, sliceShape, kernels);
                    System.arraycopy(SeparableFilter.decimate2(slice, sliceShape), 0, out, (c0 + c) * outSize, outSize);
                }
            }
        });
        return out;
    }

    /** Per task of {@link #filterAndDecimate}: the slices of one axis-0 pass ({@code [1][count][size]}), a second buffer, the input tile. */
    private record Buffers(double[][][] slices, double[] scratch, double[] tile) {}

    /**
     * {@code {Σ log10(1 + g²σ1²/(sv² + σn²)), Σ log10(1 + σ1²/σn²)}} at one scale, for images that
     * still have to be multiplied by {@code scale} = 255/R: the local moments are scaled instead
     * ({@code s·μ}, {@code s²·E[xy]}), which equals filtering scaled images up to rounding. Each sum
     * of logarithms is taken as the logarithm of a running product ({@link Log10Sum}), one logarithm
     * per few thousand voxels instead of one per voxel.
     */
    private static double[] scaleSums(Grid r, Grid d, int[] shape, boolean[] mask, double[] w, double scale) {
        double[] num = new double[shape[0]], den = new double[shape[0]];
        double scale2 = scale * scale;
        LocalMoments.forEachSlice(r, d, shape, w, 0, shape[0], (i, offset, m) -> {
            Log10Sum information = new Log10Sum(), reference = new Log10Sum();
            for (int q = 0; q < m.ux.length; q++) {
                if (mask != null && !mask[offset + q]) continue;
                double mu1 = scale * m.ux[q], e11 = scale2 * m.xx[q];
                information.add(1 + information(mu1, scale * m.uy[q], e11, scale2 * m.yy[q], scale2 * m.xy[q]));
                double sigma1Sq = Math.max(e11 - mu1 * mu1, 0);
                if (sigma1Sq < EPS) sigma1Sq = 0;
                reference.add(1 + sigma1Sq / SIGMA_NSQ);
            }
            num[i] = information.total();
            den[i] = reference.total();
        });
        return new double[] {SeparableFilter.sumInOrder(num), SeparableFilter.sumInOrder(den)};
    }

    /**
     * {@code Σ log10(v)} over factors {@code v ≥ 1} as {@code log10} of their running product, which
     * is folded into the sum before it could overflow (and factors above {@code 1e50} are logged
     * directly). Each product step rounds once, so the result agrees with summing the logarithms to
     * about {@code 1e−16} relative per factor.
     */
    static final class Log10Sum {
        private double product = 1, sum;

        void add(double v) {
            if (v > 1e50) {
                sum += Math.log10(v);
                return;
            }
            product *= v;
            if (product > 1e250) {
                sum += Math.log10(product);
                product = 1;
            }
        }

        double total() {
            return sum + Math.log10(product);
        }
    }

    /** {@code g²σ1²/(sv² + σn²)} at one voxel, with the reference code's guards in its order. */
    private static double information(double mu1, double mu2, double e11, double e22, double e12) {
        double sigma1Sq = Math.max(e11 - mu1 * mu1, 0);
        double sigma2Sq = Math.max(e22 - mu2 * mu2, 0);
        double sigma12 = e12 - mu1 * mu2;
        double g = sigma12 / (sigma1Sq + EPS);
        double svSq = sigma2Sq - g * sigma12;
        if (sigma1Sq < EPS) {
            g = 0;
            svSq = sigma2Sq;
            sigma1Sq = 0;
        }
        if (sigma2Sq < EPS) {
            g = 0;
            svSq = 0;
        }
        if (g < 0) {
            svSq = sigma2Sq;
            g = 0;
        }
        if (svSq <= EPS) svSq = EPS;
        return g * g * sigma1Sq / (svSq + SIGMA_NSQ);
    }
}
