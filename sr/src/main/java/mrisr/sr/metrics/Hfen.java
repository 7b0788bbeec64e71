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
 * unchanged to 3-D. With a mask, both norms run over the mask's voxels (the filtering still sees
 * the whole image). Both LoGs are formed one slice along axis 0 at a time (the Gaussian and its
 * second derivative along axis 0, then the in-slice passes of each term on slice buffers), in
 * parallel over slices; only the two squared norms are kept, so no image of the grid's size is
 * allocated. The numerator uses {@code LoG(test) − LoG(ref)} per voxel, which equals
 * {@code LoG(test − ref)} up to rounding, and the per-axis terms are regrouped (see
 * {@code laplacian}), also exact up to rounding.
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
        return hfen(Grid.of(ref), Grid.of(test), s, mask);
    }

    /** HFEN of two volumes; mask voxels {@code > 0} are included ({@code null} for all). */
    public static double compute(Volume ref, Volume test, Volume mask) {
        Inputs.Pair p = Inputs.pair(ref, test, mask);
        return hfen(Grid.of(p.ref()), Grid.of(p.test()), p.shape(), p.mask());
    }

    /** HFEN of two images. */
    static double hfen(Grid ref, Grid test, int[] shape, boolean[] mask) {
        double[] norms = squaredNorms(ref, test, shape, mask);
        if (norms[1] == 0) throw new MetricException("HFEN: the reference has no high-frequency content (LoG is zero) in the evaluated region");
        return Math.sqrt(norms[0] / norms[1]);
    }

    /**
     * {@code {Σ (LoG(test) − LoG(ref))², Σ LoG(ref)²}} over the mask (all voxels for {@code null}),
     * where LoG is scipy.ndimage.gaussian_laplace(x, σ = 1.5) = {@code Σ_a ∂²_a G ∗ x}: term
     * {@code a} applies the second-derivative kernel along axis {@code a} and the Gaussian along the
     * others, axes in order, and the terms are added in axis order.
     */
    static double[] squaredNorms(Grid ref, Grid test, int[] shape, boolean[] mask) {
        int r = SeparableFilter.radius(SIGMA, TRUNCATE);
        double[] g0 = SeparableFilter.gaussianKernel(SIGMA, r, 0);
        double[] g2 = SeparableFilter.gaussianKernel(SIGMA, r, 2);
        int n0 = shape[0];
        int[] sliceShape = SeparableFilter.sliceShape(shape);
        int size = SeparableFilter.numel(sliceShape);
        double[] diffSums = new double[n0], refSums = new double[n0];
        int perPass = SeparableFilter.slicesPerPass(n0);
        int tile = SeparableFilter.tileLength(perPass, 1, r);
        SeparableFilter.forEachSlice(n0, () -> new Buffers(perPass, size, tile), (b, lo, hi) -> {
            double[][] axis0Kernels = {g0, g2};
            for (int c0 = lo; c0 < hi; c0 += perPass) {
                int count = Math.min(perPass, hi - c0);
                SeparableFilter.correlateAxis0Slices(ref, n0, size, c0, 1, count, axis0Kernels, b.ref, b.tile);
                SeparableFilter.correlateAxis0Slices(test, n0, size, c0, 1, count, axis0Kernels, b.test, b.tile);
                for (int c = 0; c < count; c++) {
                    double[] logRef = laplacian(b.ref[0][c], b.ref[1][c], sliceShape, g0, g2, b.work[0], b.work[1]);
                    double[] logTest = laplacian(b.test[0][c], b.test[1][c], sliceShape, g0, g2, b.work[2], b.work[3]);
                    int offset = (c0 + c) * size;
                    double diff = 0, reference = 0;
                    for (int q = 0; q < size; q++) {
                        if (mask != null && !mask[offset + q]) continue;
                        double v = logTest[q] - logRef[q];
                        diff += v * v;
                        reference += logRef[q] * logRef[q];
                    }
                    diffSums[c0 + c] = diff;
                    refSums[c0 + c] = reference;
                }
            }
        });
        return new double[] {SeparableFilter.sumInOrder(diffSums), SeparableFilter.sumInOrder(refSums)};
    }

    /**
     * The LoG of one slice from its axis-0 passes {@code smooth = G ∗₀ x} and {@code second = G'' ∗₀ x}
     * (both overwritten), built up axis by axis: with {@code S} the image smoothed along the axes
     * done so far and {@code L} the LoG over those axes, each further axis {@code a} gives
     * {@code L ← G_a ∗ L + G''_a ∗ S} and {@code S ← G_a ∗ S} — the sum of scipy's per-axis terms,
     * regrouped so that a 3-D slice needs five passes instead of six.
     *
     * @return the array holding the LoG: one of {@code smooth}, {@code second}, {@code t1}, {@code t2}
     */
    private static double[] laplacian(double[] smooth, double[] second, int[] sliceShape, double[] g0, double[] g2, double[] t1, double[] t2) {
        double[] s = smooth, l = second, a = t1, b = t2;
        int last = sliceShape.length - 1;
        for (int axis = 0; axis <= last; axis++) {
            SeparableFilter.correlateAxis(l, a, sliceShape, axis, g0);
            SeparableFilter.correlateAxis(s, b, sliceShape, axis, g2);
            for (int q = 0; q < a.length; q++) a[q] += b[q];
            double[] previous = l;
            l = a; // L ← G_a L + G''_a S
            a = previous;
            if (axis < last) {
                SeparableFilter.correlateAxis(s, b, sliceShape, axis, g0);
                double[] smoothed = b;
                b = s; // S ← G_a S
                s = smoothed;
            }
        }
        return l;
    }

    /** Per task: the axis-0 passes {G, G''} of each image for the slices of one pass, four slice work buffers, the input tile. */
    private record Buffers(double[][][] ref, double[][][] test, double[][] work, double[] tile) {
        Buffers(int count, int size, int tile) {
            this(new double[2][count][size], new double[2][count][size], new double[4][size], new double[tile]);
        }
    }
}
