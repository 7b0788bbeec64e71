package mrisr.sr.metrics;

import java.util.Arrays;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Gaussian-weighted local moments of an image pair, the five fields SSIM, MS-SSIM and VIF are built
 * from, produced one slice along axis 0 at a time:
 * <pre>
 *   ux = G∗x,  uy = G∗y,  xx = G∗x²,  yy = G∗y²,  xy = G∗(x·y)
 * </pre>
 * with {@code G} the separable correlation with one symmetric kernel along every axis (scipy's
 * {@code gaussian_filter}, 'reflect' boundary). The second moments are raw: callers form
 * {@code σx² = xx − ux²} and so on.
 *
 * <p>A few output slices at a time take one fused pass along axis 0 over the {@code 2r + 1} input
 * slices around each — the five fields at once, the products formed on the fly, in column blocks so
 * that the input rows neighbouring outputs share come from cache — then the passes along the other
 * axes on slice-sized buffers. Nothing of the size of the grid is allocated, and every field value
 * comes out bit-identical to
 * {@link SeparableFilter#correlateInPlace} applied to {@code x}, {@code y}, {@code x·x}, {@code y·y},
 * {@code x·y} (same operations, same order). Slices are spread over threads in a fixed split; the
 * consumer sees each slice exactly once, so per-slice results are independent of the thread count.
 */
final class LocalMoments {
    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    /** Columns per block of the axis-0 pass: five accumulators of 512 doubles = 20 KiB, in L1. */
    private static final int BLOCK = SeparableFilter.BLOCK;
    /** Taps accumulated in registers between loads and stores of the accumulators. */
    private static final int TAP_GROUP = 4;

    private LocalMoments() {}

    /** The five fields of one slice; arrays of the slice's size, reused for the next slice. */
    static final class Slice {
        final double[] ux, uy, xx, yy, xy;
        private final double[][] fields;

        private Slice(int size) {
            ux = new double[size];
            uy = new double[size];
            xx = new double[size];
            yy = new double[size];
            xy = new double[size];
            fields = new double[][] {ux, uy, xx, yy, xy};
        }
    }

    /** Receives the moments of each slice, concurrently for different slices. */
    @FunctionalInterface
    interface Consumer {
        /**
         * @param i      slice index along axis 0
         * @param offset {@code i · size}: the flat index of the slice's first voxel in the grid
         * @param s      the slice's moments, valid only during the call
         */
        void accept(int i, int offset, Slice s);
    }

    /**
     * Computes the moments of slices {@code [from, to)} along axis 0 and hands each to {@code consumer}.
     *
     * @param x     first image, row-major over {@code shape} (not modified)
     * @param y     second image, same shape (not modified)
     * @param shape grid shape, at least one axis
     * @param w     symmetric kernel of odd length, used along every axis
     */
    static void forEachSlice(Grid x, Grid y, int[] shape, double[] w, int from, int to, Consumer consumer) {
        int n0 = shape[0];
        int[] sliceShape = SeparableFilter.sliceShape(shape);
        int size = SeparableFilter.numel(sliceShape);
        double[][] kernels = new double[sliceShape.length][];
        Arrays.fill(kernels, w);
        int perPass = SeparableFilter.slicesPerPass(to - from);
        int tile = SeparableFilter.tileLength(perPass, 1, w.length / 2);
        SeparableFilter.forEachSlice(to - from, () -> new Buffers(perPass, size, tile), (b, lo, hi) -> {
            for (int c0 = lo; c0 < hi; c0 += perPass) {
                int count = Math.min(perPass, hi - c0);
                axis0(x, y, n0, size, from + c0, count, w, b);
                for (int c = 0; c < count; c++) {
                    Slice s = b.slices[c];
                    for (double[] field : s.fields) SeparableFilter.correlateInPlace(field, b.scratch, sliceShape, kernels);
                    int i = from + c0 + c;
                    consumer.accept(i, i * size, s);
                }
            }
        });
    }

    /** The slices one pass fills, the second buffer of the in-slice passes, and the input tiles of the axis-0 pass. */
    private record Buffers(Slice[] slices, double[] scratch, double[] tileX, double[] tileY) {
        Buffers(int count, int size, int tile) {
            this(new Slice[count], new double[size], new double[tile], new double[tile]);
            for (int c = 0; c < count; c++) slices[c] = new Slice(size);
        }
    }

    /**
     * The five fields of output slices {@code first .. first + count − 1} correlated along axis 0
     * only; per field the same arithmetic as {@link SeparableFilter#correlateAxis0Slices} on the
     * product image. The work runs in column blocks: the input rows the slices need are copied for
     * one block into the tiles (widened to double), then every output of the block is formed from
     * there, the five accumulators in L1 and the taps taken {@value #TAP_GROUP} at a time with the
     * accumulators in registers (Vector API lanes, scalar tail).
     */
    private static void axis0(Grid x, Grid y, int n0, int size, int first, int count, double[] w, Buffers b) {
        int r = w.length / 2;
        int lo = Math.max(0, first - r), hi = Math.min(n0 - 1, first + count - 1 + r);
        int[][] plus = new int[count][r + 1], minus = new int[count][r + 1];
        for (int c = 0; c < count; c++) {
            for (int t = 1; t <= r; t++) {
                plus[c][t] = (SeparableFilter.reflect(first + c + t, n0) - lo) * BLOCK;
                minus[c][t] = (SeparableFilter.reflect(first + c - t, n0) - lo) * BLOCK;
            }
        }
        for (int q0 = 0; q0 < size; q0 += BLOCK) {
            int len = Math.min(BLOCK, size - q0);
            for (int row = lo; row <= hi; row++) {
                x.copy(row * size + q0, b.tileX, (row - lo) * BLOCK, len);
                y.copy(row * size + q0, b.tileY, (row - lo) * BLOCK, len);
            }
            for (int c = 0; c < count; c++) block(b.tileX, b.tileY, (first + c - lo) * BLOCK, plus[c], minus[c], len, w, b.slices[c], q0);
        }
    }

    /**
     * {@code len} columns of one output slice of {@link #axis0} from the tiles: tile row offsets
     * {@code centre}, {@code plus[t]}, {@code minus[t]}; results go to columns {@code q0 …} of the slice.
     */
    private static void block(double[] x, double[] y, int centre, int[] plus, int[] minus, int len, double[] w, Slice s, int q0) {
        int r = w.length / 2;
        double wc = w[r];
        double[] ux = s.ux, uy = s.uy, xx = s.xx, yy = s.yy, xy = s.xy;
        int vectorEnd = len / LANES * LANES;
        for (int k = 0; k < vectorEnd; k += LANES) {
            DoubleVector a = DoubleVector.fromArray(SPECIES, x, centre + k), b = DoubleVector.fromArray(SPECIES, y, centre + k);
            int q = q0 + k;
            a.mul(wc).intoArray(ux, q);
            b.mul(wc).intoArray(uy, q);
            a.mul(a).mul(wc).intoArray(xx, q);
            b.mul(b).mul(wc).intoArray(yy, q);
            a.mul(b).mul(wc).intoArray(xy, q);
        }
        for (int t0 = 1; t0 <= r; t0 += TAP_GROUP) {
            int t1 = Math.min(r, t0 + TAP_GROUP - 1);
            for (int k = 0; k < vectorEnd; k += LANES) {
                int q = q0 + k;
                DoubleVector sx = DoubleVector.fromArray(SPECIES, ux, q), sy = DoubleVector.fromArray(SPECIES, uy, q);
                DoubleVector sxx = DoubleVector.fromArray(SPECIES, xx, q), syy = DoubleVector.fromArray(SPECIES, yy, q);
                DoubleVector sxy = DoubleVector.fromArray(SPECIES, xy, q);
                for (int t = t0; t <= t1; t++) {
                    int p = plus[t] + k, m = minus[t] + k;
                    DoubleVector ap = DoubleVector.fromArray(SPECIES, x, p), am = DoubleVector.fromArray(SPECIES, x, m);
                    DoubleVector bp = DoubleVector.fromArray(SPECIES, y, p), bm = DoubleVector.fromArray(SPECIES, y, m);
                    double wt = w[r + t];
                    sx = sx.add(ap.add(am).mul(wt));
                    sy = sy.add(bp.add(bm).mul(wt));
                    sxx = sxx.add(ap.mul(ap).add(am.mul(am)).mul(wt));
                    syy = syy.add(bp.mul(bp).add(bm.mul(bm)).mul(wt));
                    sxy = sxy.add(ap.mul(bp).add(am.mul(bm)).mul(wt));
                }
                sx.intoArray(ux, q);
                sy.intoArray(uy, q);
                sxx.intoArray(xx, q);
                syy.intoArray(yy, q);
                sxy.intoArray(xy, q);
            }
        }
        for (int k = vectorEnd; k < len; k++) {
            double a = x[centre + k], b = y[centre + k];
            double sx = wc * a, sy = wc * b, sxx = wc * (a * a), syy = wc * (b * b), sxy = wc * (a * b);
            for (int t = 1; t <= r; t++) {
                double ap = x[plus[t] + k], am = x[minus[t] + k], bp = y[plus[t] + k], bm = y[minus[t] + k];
                double wt = w[r + t];
                sx += wt * (ap + am);
                sy += wt * (bp + bm);
                sxx += wt * (ap * ap + am * am);
                syy += wt * (bp * bp + bm * bm);
                sxy += wt * (ap * bp + am * bm);
            }
            int q = q0 + k;
            ux[q] = sx;
            uy[q] = sy;
            xx[q] = sxx;
            yy[q] = syy;
            xy[q] = sxy;
        }
    }
}
