package mrisr.sr.metrics;

import java.util.Arrays;
import mrisr.sr.volume.Volume;

/**
 * High-frequency error norm (Ravishankar and Bresler 2011):
 * {@code HFEN = ‖LoG(test) − LoG(ref)‖₂ / ‖LoG(ref)‖₂}, where {@code LoG} is the Laplacian of a
 * Gaussian with σ = 1.5 voxels. 0 for identical images; lower is better.
 *
 * <p>{@code LoG} is exactly {@code scipy.ndimage.gaussian_laplace(x, sigma=1.5)}: the sum over axes
 * {@code a} of the separable filter that applies the second derivative of the sampled Gaussian
 * along {@code a} and the Gaussian along the other axes (truncated at 4σ: radius 6, 13 taps;
 * 'reflect' boundary). The original paper used MATLAB's 15×15 {@code fspecial('log', 15, 1.5)} kernel
 * in 2-D, whose zero-sum correction gives slightly different values; this separable form extends
 * unchanged to 3-D. The LoG is linear, so the numerator is computed as {@code ‖LoG(test − ref)‖₂}.
 * With a mask, both norms run over the mask's voxels (the filtering still sees the whole image).
 *
 * <pre>{@code
 * double h = Hfen.compute(hr, sr, null);
 * }</pre>
 */
public final class Hfen {
    /** Gaussian standard deviation of the LoG, voxels. */
    public static final double SIGMA = 1.5;
    /** scipy's default truncation (4σ). */
    static final double TRUNCATE = 4.0;

    private Hfen() {}

    /**
     * HFEN on a row-major grid.
     *
     * @param ref  reference values (not modified); its LoG must not vanish in the evaluated region
     * @param test test values (not modified)
     * @param mask voxels to include in the norms, or {@code null}
     */
    public static double compute(float[] ref, float[] test, int[] shape, boolean[] mask) {
        int[] s = Inputs.checkPair(ref, test, shape, mask);
        return hfen(ref, test, s, mask);
    }

    /** HFEN of two volumes; mask voxels {@code > 0} are included ({@code null} for all). */
    public static double compute(Volume ref, Volume test, Volume mask) {
        Inputs.Pair p = Inputs.pair(ref, test, mask);
        return hfen(p.ref(), p.test(), p.shape(), p.mask());
    }

    private static double hfen(float[] ref, float[] test, int[] shape, boolean[] mask) {
        int n = ref.length;
        Inputs.checkMemory(5, n, "HFEN work arrays for shape " + Arrays.toString(shape));
        double[] diff = new double[n];
        for (int i = 0; i < n; i++) diff[i] = (double) test[i] - ref[i];
        double num = squaredNorm(laplacianOfGaussian(diff, shape), mask);
        double den = squaredNorm(laplacianOfGaussian(Inputs.toDouble(ref), shape), mask);
        if (den == 0) throw new MetricException("HFEN: the reference has no high-frequency content (LoG is zero) in the evaluated region");
        return Math.sqrt(num / den);
    }

    /** scipy.ndimage.gaussian_laplace(x, σ = 1.5): Σ_a ∂²_a G ∗ x. Returns a new array. */
    static double[] laplacianOfGaussian(double[] x, int[] shape) {
        int r = SeparableFilter.radius(SIGMA, TRUNCATE);
        double[] g0 = SeparableFilter.gaussianKernel(SIGMA, r, 0);
        double[] g2 = SeparableFilter.gaussianKernel(SIGMA, r, 2);
        int n = x.length;
        double[] out = new double[n], term = new double[n], scratch = new double[n];
        for (int axis = 0; axis < shape.length; axis++) {
            double[][] k = new double[shape.length][];
            for (int a = 0; a < shape.length; a++) k[a] = a == axis ? g2 : g0;
            SeparableFilter.correlate(x, axis == 0 ? out : term, scratch, shape, k);
            if (axis > 0) for (int i = 0; i < n; i++) out[i] += term[i];
        }
        return out;
    }

    private static double squaredNorm(double[] v, boolean[] mask) {
        return SeparableFilter.sum(v.length, (from, to) -> {
            double s = 0;
            for (int i = from; i < to; i++) if (mask == null || mask[i]) s += v[i] * v[i];
            return s;
        });
    }
}
