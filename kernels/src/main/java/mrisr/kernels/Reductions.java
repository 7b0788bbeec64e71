package mrisr.kernels;

import static mrisr.kernels.VectorMath.S;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import mrisr.kernels.reference.Reduce;

/**
 * Vector API row reductions, the fast twins of {@link Reduce#sumRows} and {@link Reduce#maxRows},
 * plus the fixed-order float sums that the other kernels of this package share.
 *
 * <p><b>Summation order.</b> A run is cut into blocks of {@value #BLOCK} elements. Inside a block,
 * four float vector accumulators take consecutive vectors in turn, a leftover whole vector goes to
 * the first, the four are added as {@code (a0 + a1) + (a2 + a3)}, the lanes are added in lane order
 * and the scalar tail is added last; block sums are added in double. The order depends only on the
 * length, never on the thread count or the compiler ({@code reduceLanes(ADD)} is not used: its
 * order may vary between runs). The error of a block sum is at most
 * {@code (BLOCK/(4·lanes) + 2·lanes + 3)·2⁻²⁴·Σ|x|}, so {@link #sumRows} is within that bound plus
 * one float rounding of the twin's double sum.
 *
 * <p><b>Parallelism.</b> Rows are distributed over tasks; a row longer than {@value #SPLIT} is cut
 * into pieces of {@value #SPLIT} (a multiple of the block) whose double partials are added in
 * order, so a single long row (a whole-tensor sum) also uses every thread.
 *
 * <p>{@link #maxRows} propagates NaN like the twin; its result has the same value, but when the
 * maximum is a zero its sign may differ ({@code −0 == +0}).
 *
 * <pre>{@code
 * Reductions.sumRows(x, rows, len, out);
 * }</pre>
 */
public final class Reductions {
    /** Elements per block of float accumulation (a multiple of 4 × every vector length). */
    static final int BLOCK = 2048;
    /** Rows longer than this are split across tasks; a multiple of {@link #BLOCK}. */
    static final int SPLIT = 16 * BLOCK;
    private static final int L = S.length();

    private Reductions() {}

    /**
     * {@code out[r] = Σ_j x[r·len + j]} over contiguous {@code rows × len}.
     *
     * @param out written, {@code rows} values
     */
    public static void sumRows(float[] x, int rows, int len, float[] out) {
        if (KernelInfo.scalarForced()) {
            Reduce.sumRows(x, rows, len, out);
            return;
        }
        if (len <= SPLIT) {
            Parallel.forRange(rows, Parallel.grain(rows, len), (lo, hi) -> {
                for (int r = lo; r < hi; r++) out[r] = (float) sum(x, r * len, len);
            });
            return;
        }
        int pieces = (len + SPLIT - 1) / SPLIT;
        double[] partial = new double[Math.multiplyExact(rows, pieces)];
        Parallel.forRange(partial.length, 1, (lo, hi) -> {
            for (int u = lo; u < hi; u++) {
                int r = u / pieces, start = (u % pieces) * SPLIT;
                partial[u] = sum(x, r * len + start, Math.min(SPLIT, len - start));
            }
        });
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int p = 0; p < pieces; p++) s += partial[r * pieces + p];
            out[r] = (float) s;
        }
    }

    /**
     * {@code out[r] = max_j x[r·len + j]}; NaN propagates.
     *
     * @param out written, {@code rows} values
     */
    public static void maxRows(float[] x, int rows, int len, float[] out) {
        if (KernelInfo.scalarForced()) {
            Reduce.maxRows(x, rows, len, out);
            return;
        }
        Parallel.forRange(rows, Parallel.grain(rows, len), (lo, hi) -> {
            for (int r = lo; r < hi; r++) out[r] = max(x, r * len, len);
        });
    }

    /** Σ of {@code x[off, off+n)} in the documented block order. */
    static double sum(float[] x, int off, int n) {
        double total = 0;
        for (int b = 0; b < n; b += BLOCK) total += blockSum(x, off + b, Math.min(BLOCK, n - b));
        return total;
    }

    /** One block of {@link #sum}: {@code n ≤ BLOCK} elements in float, in the documented order. */
    static float blockSum(float[] x, int off, int n) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i + 4 * L <= n; i += 4 * L) {
            a0 = a0.add(FloatVector.fromArray(S, x, off + i));
            a1 = a1.add(FloatVector.fromArray(S, x, off + i + L));
            a2 = a2.add(FloatVector.fromArray(S, x, off + i + 2 * L));
            a3 = a3.add(FloatVector.fromArray(S, x, off + i + 3 * L));
        }
        for (; i + L <= n; i += L) a0 = a0.add(FloatVector.fromArray(S, x, off + i));
        float s = lanes(a0.add(a1).add(a2.add(a3)));
        for (; i < n; i++) s += x[off + i];
        return s;
    }

    /** Σ of {@code (x − centre)²} over {@code x[off, off+n)} in the block order of {@link #sum}. */
    static double sumSquaredDeviations(float[] x, int off, int n, float centre) {
        double total = 0;
        for (int b = 0; b < n; b += BLOCK) total += blockSquares(x, off + b, Math.min(BLOCK, n - b), centre);
        return total;
    }

    private static float blockSquares(float[] x, int off, int n, float centre) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        FloatVector c = FloatVector.broadcast(S, centre);
        int i = 0;
        for (; i + 4 * L <= n; i += 4 * L) {
            FloatVector d0 = FloatVector.fromArray(S, x, off + i).sub(c);
            FloatVector d1 = FloatVector.fromArray(S, x, off + i + L).sub(c);
            FloatVector d2 = FloatVector.fromArray(S, x, off + i + 2 * L).sub(c);
            FloatVector d3 = FloatVector.fromArray(S, x, off + i + 3 * L).sub(c);
            a0 = d0.fma(d0, a0);
            a1 = d1.fma(d1, a1);
            a2 = d2.fma(d2, a2);
            a3 = d3.fma(d3, a3);
        }
        for (; i + L <= n; i += L) {
            FloatVector d = FloatVector.fromArray(S, x, off + i).sub(c);
            a0 = d.fma(d, a0);
        }
        float s = lanes(a0.add(a1).add(a2.add(a3)));
        for (; i < n; i++) {
            float d = x[off + i] - centre;
            s = Math.fma(d, d, s);
        }
        return s;
    }

    /**
     * Σ of {@code a[ao + i]·b[bo + i]} over {@code i < n} in the block order of {@link #sum}
     * ({@code b == null} means 1, i.e. Σ a).
     */
    static double dot(float[] a, int ao, float[] b, int bo, int n) {
        double total = 0;
        for (int k = 0; k < n; k += BLOCK) {
            int len = Math.min(BLOCK, n - k);
            total += b == null ? blockSum(a, ao + k, len) : blockDot(a, ao + k, b, bo + k, len);
        }
        return total;
    }

    private static float blockDot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (; i + 4 * L <= n; i += 4 * L) {
            a0 = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), a0);
            a1 = FloatVector.fromArray(S, a, ao + i + L).fma(FloatVector.fromArray(S, b, bo + i + L), a1);
            a2 = FloatVector.fromArray(S, a, ao + i + 2 * L).fma(FloatVector.fromArray(S, b, bo + i + 2 * L), a2);
            a3 = FloatVector.fromArray(S, a, ao + i + 3 * L).fma(FloatVector.fromArray(S, b, bo + i + 3 * L), a3);
        }
        for (; i + L <= n; i += L) a0 = FloatVector.fromArray(S, a, ao + i).fma(FloatVector.fromArray(S, b, bo + i), a0);
        float s = lanes(a0.add(a1).add(a2.add(a3)));
        for (; i < n; i++) s = Math.fma(a[ao + i], b[bo + i], s);
        return s;
    }

    /**
     * Σ of {@code g[go + i]·w[wo + i]·(x[xo + i] − centre)} over {@code i < n} in the block order of
     * {@link #sum} ({@code w == null} means 1).
     */
    static double dotCentred(float[] g, int go, float[] w, int wo, float[] x, int xo, int n, float centre) {
        double total = 0;
        for (int k = 0; k < n; k += BLOCK) {
            total += blockDotCentred(g, go + k, w, wo + k, x, xo + k, Math.min(BLOCK, n - k), centre);
        }
        return total;
    }

    private static float blockDotCentred(float[] g, int go, float[] w, int wo, float[] x, int xo, int n,
            float centre) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0;
        FloatVector c = FloatVector.broadcast(S, centre);
        int i = 0;
        if (w == null) {
            for (; i + 2 * L <= n; i += 2 * L) {
                a0 = FloatVector.fromArray(S, x, xo + i).sub(c).fma(FloatVector.fromArray(S, g, go + i), a0);
                a1 = FloatVector.fromArray(S, x, xo + i + L).sub(c).fma(FloatVector.fromArray(S, g, go + i + L), a1);
            }
            for (; i + L <= n; i += L) a0 = FloatVector.fromArray(S, x, xo + i).sub(c).fma(FloatVector.fromArray(S, g, go + i), a0);
        } else {
            for (; i + 2 * L <= n; i += 2 * L) {
                FloatVector gw0 = FloatVector.fromArray(S, g, go + i).mul(FloatVector.fromArray(S, w, wo + i));
                FloatVector gw1 = FloatVector.fromArray(S, g, go + i + L).mul(FloatVector.fromArray(S, w, wo + i + L));
                a0 = FloatVector.fromArray(S, x, xo + i).sub(c).fma(gw0, a0);
                a1 = FloatVector.fromArray(S, x, xo + i + L).sub(c).fma(gw1, a1);
            }
            for (; i + L <= n; i += L) {
                FloatVector gw = FloatVector.fromArray(S, g, go + i).mul(FloatVector.fromArray(S, w, wo + i));
                a0 = FloatVector.fromArray(S, x, xo + i).sub(c).fma(gw, a0);
            }
        }
        float s = lanes(a0.add(a1));
        for (; i < n; i++) s = Math.fma(x[xo + i] - centre, w == null ? g[go + i] : g[go + i] * w[wo + i], s);
        return s;
    }

    /** The lanes of {@code v} added in lane order. */
    static float lanes(FloatVector v) {
        return lanes(v, new float[L]);
    }

    /** The lanes of {@code v} added in lane order, through the caller's {@code scratch} (≥ lanes long). */
    static float lanes(FloatVector v, float[] scratch) {
        v.intoArray(scratch, 0);
        float s = scratch[0];
        for (int i = 1; i < L; i++) s += scratch[i];
        return s;
    }

    private static float max(float[] x, int off, int n) {
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0;
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            m0 = m0.max(FloatVector.fromArray(S, x, off + i));
            m1 = m1.max(FloatVector.fromArray(S, x, off + i + L));
        }
        for (; i + L <= n; i += L) m0 = m0.max(FloatVector.fromArray(S, x, off + i));
        float m = m0.max(m1).reduceLanes(VectorOperators.MAX); // max is order-independent
        for (; i < n; i++) m = Math.max(m, x[off + i]);
        return m;
    }
}
