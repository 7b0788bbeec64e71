package mrisr.kernels;

import static mrisr.kernels.VectorMath.S;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import mrisr.kernels.reference.NormReference;

/**
 * Vector API softmax and log-softmax along the middle axis of {@code [outer, n, inner]}, forward and
 * backward: the fast twins of {@link NormReference#softmax} and {@link NormReference#softmaxBackward},
 * same math ({@code y_j = e^(x_j − m)/Σ_k e^(x_k − m)}, {@code m = max_k x_k};
 * log-softmax {@code y_j = x_j − m − log Σ_k e^(x_k − m)}; backward
 * {@code gx = y·(g − Σ g·y)} and {@code gx = g − e^y·Σ g}).
 *
 * <p>Softmax along the last axis ({@code inner = 1}) vectorises along the row, with the sums in the
 * block order of {@link Reductions}. Along another axis the lanes are {@code inner} neighbours:
 * each lane runs over {@code n} in index order, in float within blocks of {@value #J_BLOCK} and in
 * double across blocks; the {@code inner mod lanes} leftover lines run the twin's scalar double
 * loop. Exponentials use {@link VectorMath#exp}.
 *
 * <p>Error vs the twin, per element with {@code u = 2⁻²⁴} and the sum bound
 * {@code D = BLOCK/(4·lanes) + 2·lanes + 3} of {@link Reductions} (tested in {@code SoftmaxTest}):
 * softmax {@code ≤ (|x_j − m| + D + 8)·u·|y_j|} (the shift {@code x_j − m} is rounded in float);
 * log-softmax, computed as {@code (x_j − m) − log Σ}, {@code ≤ (2·|x_j − m| + 2·|y_j| + D + 8)·u}. Every line is computed by one task, so
 * results do not depend on the thread count.
 *
 * <pre>{@code
 * Softmax.forward(x, rows, n, 1, false, y);   // softmax over the last axis of [rows, n]
 * }</pre>
 */
public final class Softmax {
    /** Indices along the softmax axis per float block when the axis is not the last. */
    static final int J_BLOCK = 256;
    private static final int L = S.length();

    private Softmax() {}

    /**
     * Softmax (or log-softmax when {@code log}) along the middle axis of {@code [outer, n, inner]}.
     *
     * @param y written, same layout as {@code x}
     */
    public static void forward(float[] x, int outer, int n, int inner, boolean log, float[] y) {
        if (KernelInfo.scalarForced()) {
            NormReference.softmax(x, outer, n, inner, log, y);
            return;
        }
        if (inner == 1) {
            Parallel.forRange(outer, Parallel.grain(outer, 3L * n), (lo, hi) -> {
                float[] scratch = log ? new float[Math.min(n, Reductions.BLOCK)] : null;
                for (int r = lo; r < hi; r++) row(x, r * n, n, log, y, scratch);
            });
            return;
        }
        int blocks = (inner + L - 1) / L;
        int units = Math.multiplyExact(outer, blocks);
        Parallel.forRange(units, Parallel.grain(units, 3L * n * L), (lo, hi) -> {
            double[] sums = new double[L];
            float[] lane = new float[L];
            for (int u = lo; u < hi; u++) {
                int o = u / blocks, i0 = (u % blocks) * L;
                int base = o * n * inner + i0;
                if (i0 + L <= inner) {
                    columns(x, base, n, inner, log, y, sums, lane);
                } else {
                    for (int i = i0; i < inner; i++) NormReference.softmaxLine(x, o * n * inner + i, n, inner, log, y);
                }
            }
        });
    }

    /**
     * Backward of {@link #forward} from its output {@code y} and upstream gradient {@code g}.
     *
     * @param gx written, same layout as {@code y}
     */
    public static void backward(float[] y, float[] g, int outer, int n, int inner, boolean log, float[] gx) {
        if (KernelInfo.scalarForced()) {
            NormReference.softmaxBackward(y, g, outer, n, inner, log, gx);
            return;
        }
        if (inner == 1) {
            Parallel.forRange(outer, Parallel.grain(outer, 2L * n), (lo, hi) -> {
                for (int r = lo; r < hi; r++) rowBackward(y, g, r * n, n, log, gx);
            });
            return;
        }
        int blocks = (inner + L - 1) / L;
        int units = Math.multiplyExact(outer, blocks);
        Parallel.forRange(units, Parallel.grain(units, 2L * n * L), (lo, hi) -> {
            double[] sums = new double[L];
            float[] lane = new float[L];
            for (int u = lo; u < hi; u++) {
                int o = u / blocks, i0 = (u % blocks) * L;
                int base = o * n * inner + i0;
                if (i0 + L <= inner) {
                    columnsBackward(y, g, base, n, inner, log, gx, sums, lane);
                } else {
                    for (int i = i0; i < inner; i++) {
                        NormReference.softmaxBackwardLine(y, g, o * n * inner + i, n, inner, log, gx);
                    }
                }
            }
        });
    }

    // ------------------------------------------------------------------ softmax along a row

    private static void row(float[] x, int base, int n, boolean log, float[] y, float[] scratch) {
        float max = max(x, base, n);
        if (log) {
            double sum = expShiftSum(x, base, n, max, null, scratch);
            shift(x, base, n, max, (float) Math.log(sum), y);
        } else {
            double sum = expShiftSum(x, base, n, max, y, null);
            scale(y, base, n, (float) (1 / sum));
        }
    }

    private static void rowBackward(float[] y, float[] g, int base, int n, boolean log, float[] gx) {
        if (log) {
            float s = (float) Reductions.sum(g, base, n);
            logSoftmaxGrad(y, g, base, n, s, gx);
        } else {
            float s = (float) Reductions.dot(g, base, y, base, n);
            softmaxGrad(y, g, base, n, s, gx);
        }
    }

    /** The maximum (NaN propagates, like the twin's {@code Math.max}). */
    private static float max(float[] x, int off, int n) {
        FloatVector m0 = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY), m1 = m0;
        int i = 0;
        for (; i + 2 * L <= n; i += 2 * L) {
            m0 = m0.max(FloatVector.fromArray(S, x, off + i));
            m1 = m1.max(FloatVector.fromArray(S, x, off + i + L));
        }
        for (; i + L <= n; i += L) m0 = m0.max(FloatVector.fromArray(S, x, off + i));
        float r = m0.max(m1).reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) r = Math.max(r, x[off + i]);
        return r;
    }

    /**
     * Σ e^(x − max), block by block: the exponentials go to {@code y} (or to {@code scratch} when
     * {@code y} is null), then the block is summed in the order of {@link Reductions#blockSum}. Two
     * small loops instead of one: a loop holding several inlined exponentials exceeds C2's inlining
     * budget and falls off the vector fast path.
     */
    private static double expShiftSum(float[] x, int off, int n, float max, float[] y, float[] scratch) {
        double total = 0;
        for (int k = 0; k < n; k += Reductions.BLOCK) {
            int len = Math.min(Reductions.BLOCK, n - k);
            float[] dst = y != null ? y : scratch;
            int dOff = y != null ? off + k : 0;
            expShift(x, off + k, len, max, dst, dOff);
            total += Reductions.blockSum(dst, dOff, len);
        }
        return total;
    }

    /** {@code out = e^(x − max)}. */
    private static void expShift(float[] x, int off, int n, float max, float[] out, int outOff) {
        FloatVector m = FloatVector.broadcast(S, max);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            VectorMath.exp(FloatVector.fromArray(S, x, off + i).sub(m)).intoArray(out, outOff + i);
        }
        for (; i < n; i++) out[outOff + i] = VectorMath.expScalar(x[off + i] - max);
    }

    /**
     * {@code y = (x − max) − logSum}: the shift is applied in two steps because {@code max + logSum}
     * rounded to float would cost up to half an ulp of {@code max} (3e-5 at 1000).
     */
    private static void shift(float[] x, int off, int n, float max, float logSum, float[] y) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, x, off + i).sub(max).sub(logSum).intoArray(y, off + i);
        }
        for (; i < n; i++) y[off + i] = (x[off + i] - max) - logSum;
    }

    /** {@code y *= s} in place. */
    private static void scale(float[] y, int off, int n, float s) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) FloatVector.fromArray(S, y, off + i).mul(s).intoArray(y, off + i);
        for (; i < n; i++) y[off + i] *= s;
    }

    /** {@code gx = y·(g − s)}. */
    private static void softmaxGrad(float[] y, float[] g, int off, int n, float s, float[] gx) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, g, off + i).sub(s).mul(FloatVector.fromArray(S, y, off + i)).intoArray(gx, off + i);
        }
        for (; i < n; i++) gx[off + i] = (g[off + i] - s) * y[off + i];
    }

    /** {@code gx = g − e^y·s}. */
    private static void logSoftmaxGrad(float[] y, float[] g, int off, int n, float s, float[] gx) {
        FloatVector sv = FloatVector.broadcast(S, -s);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            VectorMath.exp(FloatVector.fromArray(S, y, off + i)).fma(sv, FloatVector.fromArray(S, g, off + i))
                    .intoArray(gx, off + i);
        }
        for (; i < n; i++) gx[off + i] = Math.fma(VectorMath.expScalar(y[off + i]), -s, g[off + i]);
    }

    // ------------------------------------------------------------------ softmax across lines

    /**
     * {@code L} neighbouring lines at {@code base + lane}, each {@code n} long with stride
     * {@code inner}.
     */
    private static void columns(float[] x, int base, int n, int inner, boolean log, float[] y, double[] sums,
            float[] lane) {
        FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        for (int j = 0, p = base; j < n; j++, p += inner) m = m.max(FloatVector.fromArray(S, x, p));
        Arrays.fill(sums, 0);
        for (int j0 = 0; j0 < n; j0 += J_BLOCK) {
            int j1 = Math.min(n, j0 + J_BLOCK);
            expShiftColumns(x, base + j0 * inner, j1 - j0, inner, m, log ? null : y).intoArray(lane, 0);
            for (int t = 0; t < L; t++) sums[t] += lane[t];
        }
        for (int t = 0; t < L; t++) lane[t] = log ? (float) Math.log(sums[t]) : (float) (1 / sums[t]);
        FloatVector f = FloatVector.fromArray(S, lane, 0);
        for (int j = 0, p = base; j < n; j++, p += inner) {
            if (log) FloatVector.fromArray(S, x, p).sub(m).sub(f).intoArray(y, p);
            else FloatVector.fromArray(S, y, p).mul(f).intoArray(y, p);
        }
    }

    /** Σ_j e^(x − m) over {@code n} rows of lanes, storing the exponentials when {@code y} is not null. */
    private static FloatVector expShiftColumns(float[] x, int base, int n, int inner, FloatVector m, float[] y) {
        FloatVector acc = FloatVector.zero(S);
        for (int j = 0, p = base; j < n; j++, p += inner) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, x, p).sub(m));
            if (y != null) e.intoArray(y, p);
            acc = acc.add(e);
        }
        return acc;
    }

    private static void columnsBackward(float[] y, float[] g, int base, int n, int inner, boolean log, float[] gx,
            double[] sums, float[] lane) {
        Arrays.fill(sums, 0);
        for (int j0 = 0; j0 < n; j0 += J_BLOCK) {
            int j1 = Math.min(n, j0 + J_BLOCK);
            FloatVector acc = FloatVector.zero(S);
            for (int j = j0, p = base + j0 * inner; j < j1; j++, p += inner) {
                FloatVector gv = FloatVector.fromArray(S, g, p);
                acc = log ? acc.add(gv) : gv.fma(FloatVector.fromArray(S, y, p), acc);
            }
            acc.intoArray(lane, 0);
            for (int t = 0; t < L; t++) sums[t] += lane[t];
        }
        for (int t = 0; t < L; t++) lane[t] = (float) sums[t];
        FloatVector s = FloatVector.fromArray(S, lane, 0);
        for (int j = 0, p = base; j < n; j++, p += inner) {
            FloatVector gv = FloatVector.fromArray(S, g, p), yv = FloatVector.fromArray(S, y, p);
            if (log) VectorMath.exp(yv).fma(s.neg(), gv).intoArray(gx, p);
            else gv.sub(s).mul(yv).intoArray(gx, p);
        }
    }
}
