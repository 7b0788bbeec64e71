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
 * The LoG is formed one slice along axis 0 at a time (the Gaussian and its second derivative along
 * axis 0, then the in-slice passes of each term on slice buffers), in parallel over slices; only
 * the squared norms are kept, so no LoG image of the grid's size is allocated.
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
        Inputs.checkMemory(2, ref.length, "HFEN images for shape " + Arrays.toString(shape));
        return hfen(Inputs.toDouble(ref), Inputs.toDouble(test), shape, mask);
    }

    /** HFEN of images already in double precision ({@code ref}, {@code test} not modified). */
    static double hfen(double[] ref, double[] test, int[] shape, boolean[] mask) {
        int n = ref.length;
        Inputs.checkMemory(1, n, "HFEN difference image for shape " + Arrays.toString(shape));
        double[] diff = new double[n];
        for (int i = 0; i < n; i++) diff[i] = test[i] - ref[i];
        double num = squaredNormOfLog(diff, shape, mask);
        double den = squaredNormOfLog(ref, shape, mask);
        if (den == 0) throw new MetricException("HFEN: the reference has no high-frequency content (LoG is zero) in the evaluated region");
        return Math.sqrt(num / den);
    }

    /**
     * {@code Σ LoG(x)²} over the mask (all voxels for {@code null}), where LoG is
     * scipy.ndimage.gaussian_laplace(x, σ = 1.5) = {@code Σ_a ∂²_a G ∗ x}: term {@code a} applies the
     * second-derivative kernel along axis {@code a} and the Gaussian along the others, axes in order,
     * and the terms are added in axis order.
     */
    static double squaredNormOfLog(double[] x, int[] shape, boolean[] mask) {
        int r = SeparableFilter.radius(SIGMA, TRUNCATE);
        double[] g0 = SeparableFilter.gaussianKernel(SIGMA, r, 0);
        double[] g2 = SeparableFilter.gaussianKernel(SIGMA, r, 2);
        int n0 = shape[0], d = shape.length;
        int[] sliceShape = SeparableFilter.sliceShape(shape);
        int size = SeparableFilter.numel(sliceShape);
        double[][][] inSlice = new double[d][d - 1][]; // term a: kernels of the in-slice axes (grid axes 1..d-1)
        for (int a = 0; a < d; a++) {
            for (int b = 1; b < d; b++) inSlice[a][b - 1] = b == a ? g2 : g0;
        }
        double[] partial = new double[n0];
        double[][] axis0Kernels = {g0, g2};
        SeparableFilter.forEachSlice(n0, (lo, hi) -> {
            int chunk = Math.min(SeparableFilter.SLICES_PER_PASS, hi - lo);
            double[][][] axis0 = new double[2][chunk][size]; // {G, G''} along axis 0, per slice of the chunk
            double[] log = new double[size], term = new double[size], scratch = new double[size];
            for (int c0 = lo; c0 < hi; c0 += chunk) {
                int count = Math.min(chunk, hi - c0);
                SeparableFilter.correlateAxis0Slices(x, n0, size, c0, 1, count, axis0Kernels, axis0);
                for (int c = 0; c < count; c++) {
                    SeparableFilter.correlate(axis0[1][c], log, scratch, sliceShape, inSlice[0]);
                    for (int a = 1; a < d; a++) {
                        SeparableFilter.correlate(axis0[0][c], term, scratch, sliceShape, inSlice[a]);
                        for (int q = 0; q < size; q++) log[q] += term[q];
                    }
                    int offset = (c0 + c) * size;
                    double s = 0;
                    for (int q = 0; q < size; q++) if (mask == null || mask[offset + q]) s += log[q] * log[q];
                    partial[c0 + c] = s;
                }
            }
        });
        return SeparableFilter.sumInOrder(partial);
    }
}
