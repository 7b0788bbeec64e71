package mrisr.kernels;

import static mrisr.kernels.VectorMath.S;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import mrisr.kernels.reference.InterpolateReference;
import mrisr.kernels.reference.InterpolateReference.AxisTaps;

/**
 * Vector API separable interpolation (nearest, linear and cubic taps), forward and adjoint: the fast
 * twins of {@link InterpolateReference#forward} and {@link InterpolateReference#backward}, same
 * arguments and tables. Everything runs the twin under {@code -Dmrisr.kernels=scalar}.
 *
 * <p>Tables with at most two taps per axis and an output at least one vector wide take the fused
 * path below; the others (cubic, narrow outputs) take the <b>separable</b> path: one pass per axis
 * that is not the identity, W then H then D (the twin's nesting order), each into a buffer:
 * along W by vector gathers through the W table, along H and D as weighted sums of whole rows or
 * slices with contiguous FMAs. Its adjoint runs the transposed passes in reverse order (D, H, W),
 * each a gather over the inverted table (for each input index, the outputs that read it, in output
 * order), so no element is written twice and the result does not depend on the thread count.
 *
 * <p><b>Forward</b>, one task per output slice {@code (plane, od)}: each input row of the (one or two)
 * depth slices it reads is interpolated along W into a row of the output width (vector gathers through
 * the W table), then every output row is a weighted sum of one to four of those rows,
 * {@code y[oh] = Σ_a Σ_b wD_a·wH_b·U_a[iH_b]}, with whole-vector FMAs along W.
 *
 * <p><b>Adjoint</b>, one task per input slice {@code (plane, id)}: for each input row the output
 * gradient rows that read it are summed with their weights along W
 * ({@code G = Σ_(od, oh) wD·wH·gy[od, oh]}, the D and H tables inverted into per-input lists in
 * output order), then W is inverted the same way: {@code gx[iw] = Σ_t wW_t·G[ow_t]} over the output
 * positions that read {@code iw}, gathered. Every element of {@code gx} is written by one task with
 * a fixed order of terms, so results do not depend on the thread count.
 *
 * <p>Error vs the twin (which nests the sums in double), tested in {@code InterpolateTest} with
 * {@code u = 2⁻²⁴}: within {@code 8·u·Σ|w·x|} over the terms of each element (forward; {@code 16·u}
 * on the separable path) and {@code (T + 8)·u·Σ|w·g|} (adjoint, {@code T} the most terms any input
 * receives along one axis; on the separable path the twin's own float sums of up to
 * {@code T_D·T_H·T_W} terms dominate); nearest interpolation is exact.
 *
 * <pre>{@code
 * Interpolate.forward(planes, d, h, w, x, y);   // tables from InterpolateReference.axis(...)
 * }</pre>
 */
public final class Interpolate {
    private static final int L = S.length();

    private Interpolate() {}

    /** Whether the fast path covers these tables (at most two taps per axis, output at least one vector wide). */
    static boolean covered(AxisTaps d, AxisTaps h, AxisTaps w) {
        return d.taps() <= 2 && h.taps() <= 2 && w.taps() <= 2 && w.outSize() >= L;
    }

    /**
     * Interpolates {@code planes} contiguous planes {@code x[p, iD, iH, iW]} into {@code y[p, oD, oH, oW]}.
     *
     * @param y written
     */
    public static void forward(int planes, AxisTaps d, AxisTaps h, AxisTaps w, float[] x, float[] y) {
        if (KernelInfo.scalarForced()) {
            InterpolateReference.forward(planes, d, h, w, x, y);
            return;
        }
        if (!covered(d, h, w)) {
            separableForward(planes, d, h, w, x, y);
            return;
        }
        int iD = d.inSize(), iH = h.inSize(), iW = w.inSize();
        int oD = d.outSize(), oH = h.outSize(), oW = w.outSize();
        int td = d.taps(), th = h.taps(), tw = w.taps();
        int[][] wIndex = tapColumns(w.index(), oW, tw);
        float[][] wWeight = tapColumns(w.weight(), oW, tw);
        int slices = Math.multiplyExact(planes, oD);
        long cost = (long) oH * oW * td * th + (long) td * iH * oW * tw;
        Parallel.forRange(slices, Parallel.grain(slices, cost), (lo, hi) -> {
            float[][] rows = new float[td][iH * oW];
            for (int sl = lo; sl < hi; sl++) {
                int p = sl / oD, od = sl % oD;
                for (int a = 0; a < td; a++) {
                    int src = (p * iD + d.index()[od * td + a]) * iH * iW;
                    for (int ih = 0; ih < iH; ih++) {
                        alongW(x, src + ih * iW, wIndex, wWeight, rows[a], ih * oW, oW);
                    }
                }
                int out = sl * oH * oW;
                for (int oh = 0; oh < oH; oh++, out += oW) {
                    combineRow(d, h, od, oh, rows, oW, y, out);
                }
            }
        });
    }

    /**
     * The adjoint of {@link #forward}: {@code gx[p] = Aᵀ gy[p]} for every plane.
     *
     * @param gx written (overwritten)
     */
    public static void backward(int planes, AxisTaps d, AxisTaps h, AxisTaps w, float[] gy, float[] gx) {
        if (KernelInfo.scalarForced()) {
            InterpolateReference.backward(planes, d, h, w, gy, gx);
            return;
        }
        if (!covered(d, h, w)) {
            separableBackward(planes, d, h, w, gy, gx);
            return;
        }
        int iD = d.inSize(), iH = h.inSize(), iW = w.inSize();
        int oD = d.outSize(), oH = h.outSize(), oW = w.outSize();
        Inverse dInv = Inverse.of(d), hInv = Inverse.of(h), wInv = Inverse.of(w);
        int[][] wIndex = tapColumns(wInv.padded, iW, wInv.maxTerms);
        float[][] wWeight = tapColumns(wInv.paddedWeight, iW, wInv.maxTerms);
        int slices = Math.multiplyExact(planes, iD);
        long cost = (long) iH * oW * 4 + (long) iH * iW * wInv.maxTerms;
        Parallel.forRange(slices, Parallel.grain(slices, cost), (lo, hi) -> {
            float[] g = new float[oW];
            for (int sl = lo; sl < hi; sl++) {
                int p = sl / iD, id = sl % iD;
                for (int ih = 0; ih < iH; ih++) {
                    Arrays.fill(g, 0f);
                    for (int s = dInv.start[id]; s < dInv.start[id + 1]; s++) {
                        int od = dInv.output[s];
                        float wd = dInv.weight[s];
                        for (int t = hInv.start[ih]; t < hInv.start[ih + 1]; t++) {
                            int src = ((p * oD + od) * oH + hInv.output[t]) * oW;
                            accumulate(gy, src, wd * hInv.weight[t], g, oW);
                        }
                    }
                    alongW(g, 0, wIndex, wWeight, gx, (sl * iH + ih) * iW, iW);
                }
            }
        });
    }

    // ------------------------------------------------------------------ separable path

    /** The forward as one pass per non-identity axis, W, H, D; the last pass writes {@code y}. */
    static void separableForward(int planes, AxisTaps d, AxisTaps h, AxisTaps w, float[] x, float[] y) {
        int iD = d.inSize(), iH = h.inSize(), iW = w.inSize();
        int oH = h.outSize(), oW = w.outSize();
        boolean alongD = !isIdentity(d), alongH = !isIdentity(h), alongW = !isIdentity(w);
        float[] current = x;
        if (alongW) {
            int rows = Math.multiplyExact(planes, Math.multiplyExact(iD, iH));
            float[] out = alongH || alongD ? new float[Math.multiplyExact(rows, oW)] : y;
            rowsAlongW(current, rows, iW, tapColumns(w.index(), oW, w.taps()), tapColumns(w.weight(), oW, w.taps()),
                    out, oW);
            current = out;
        }
        if (alongH) {
            int outer = Math.multiplyExact(planes, iD);
            float[] out = alongD ? new float[Math.multiplyExact(Math.multiplyExact(outer, oH), oW)] : y;
            alongMiddle(current, outer, oW, Table.forward(h), out);
            current = out;
        }
        if (alongD) {
            alongMiddle(current, planes, Math.multiplyExact(oH, oW), Table.forward(d), y);
            current = y;
        }
        if (current == x) System.arraycopy(x, 0, y, 0, Math.multiplyExact(planes, Math.multiplyExact(iD, iH * iW)));
    }

    /** The adjoint as the transposed passes in reverse order, D, H, W; the last pass writes {@code gx}. */
    static void separableBackward(int planes, AxisTaps d, AxisTaps h, AxisTaps w, float[] gy, float[] gx) {
        int iD = d.inSize(), iH = h.inSize(), iW = w.inSize();
        int oH = h.outSize(), oW = w.outSize();
        boolean alongD = !isIdentity(d), alongH = !isIdentity(h), alongW = !isIdentity(w);
        float[] current = gy;
        if (alongD) {
            float[] out = alongH || alongW ? new float[Math.multiplyExact(Math.multiplyExact(planes, iD), oH * oW)]
                    : gx;
            alongMiddle(current, planes, Math.multiplyExact(oH, oW), Table.adjoint(d), out);
            current = out;
        }
        if (alongH) {
            int outer = Math.multiplyExact(planes, iD);
            float[] out = alongW ? new float[Math.multiplyExact(Math.multiplyExact(outer, iH), oW)] : gx;
            alongMiddle(current, outer, oW, Table.adjoint(h), out);
            current = out;
        }
        if (alongW) {
            Inverse inv = Inverse.of(w);
            int rows = Math.multiplyExact(planes, Math.multiplyExact(iD, iH));
            rowsAlongW(current, rows, oW, tapColumns(inv.padded, iW, inv.maxTerms),
                    tapColumns(inv.paddedWeight, iW, inv.maxTerms), gx, iW);
            current = gx;
        }
        if (current == gy) System.arraycopy(gy, 0, gx, 0, Math.multiplyExact(planes, Math.multiplyExact(iD, iH * iW)));
    }

    /** Whether an axis leaves the data unchanged (one tap of weight 1 reading the same index): its pass is skipped. */
    private static boolean isIdentity(AxisTaps a) {
        if (a.taps() != 1 || a.inSize() != a.outSize()) return false;
        for (int o = 0; o < a.outSize(); o++) {
            if (a.index()[o] != o || a.weight()[o] != 1f) return false;
        }
        return true;
    }

    /** {@code rows} rows of length {@code n} interpolated along W to length {@code m}, parallel over rows. */
    private static void rowsAlongW(float[] src, int rows, int n, int[][] index, float[][] weight, float[] out, int m) {
        Parallel.forRange(rows, Parallel.grain(rows, (long) m * index.length), (lo, hi) -> {
            for (int r = lo; r < hi; r++) alongW(src, r * n, index, weight, out, r * m, m);
        });
    }

    /**
     * A middle-axis table in compressed rows: output {@code o} of the pass sums the terms
     * {@code [start[o], start[o+1])}, each an input index and a weight, in that order.
     */
    private record Table(int in, int out, int[] start, int[] index, float[] weight) {
        /** The forward table of an axis: output o reads its taps. */
        static Table forward(AxisTaps a) {
            int out = a.outSize(), taps = a.taps();
            int[] start = new int[out + 1];
            for (int o = 0; o <= out; o++) start[o] = o * taps;
            return new Table(a.inSize(), out, start, a.index(), a.weight());
        }

        /** The transposed table: "output" i of the pass is input i of the axis, summing the outputs that read it. */
        static Table adjoint(AxisTaps a) {
            Inverse inv = Inverse.of(a);
            return new Table(a.outSize(), a.inSize(), inv.start, inv.output, inv.weight);
        }
    }

    /**
     * {@code dst[q, o, :] = Σ_s weight[s]·src[q, index[s], :]} over the terms {@code s} of output {@code o},
     * for {@code src [outer, t.in, inner]} and {@code dst [outer, t.out, inner]}: whole rows (or
     * slices) with contiguous FMAs, parallel over output rows {@code (q, o)}.
     */
    private static void alongMiddle(float[] src, int outer, int inner, Table t, float[] dst) {
        int in = t.in, out = t.out;
        int rows = Math.multiplyExact(outer, out);
        int maxTerms = 0;
        for (int o = 0; o < out; o++) maxTerms = Math.max(maxTerms, t.start[o + 1] - t.start[o]);
        int terms = Math.max(1, maxTerms);
        Parallel.forRange(rows, Parallel.grain(rows, (long) inner * terms), (lo, hi) -> {
            int[] offsets = new int[terms];
            float[] weights = new float[terms];
            for (int r = lo; r < hi; r++) {
                int q = r / out, o = r % out;
                int n = t.start[o + 1] - t.start[o];
                for (int s = 0; s < n; s++) {
                    offsets[s] = (q * in + t.index[t.start[o] + s]) * inner;
                    weights[s] = t.weight[t.start[o] + s];
                }
                weightedRows(src, offsets, weights, n, dst, r * inner, inner);
            }
        });
    }

    /** {@code dst[at + i] = Σ_s weights[s]·src[offsets[s] + i]} for {@code i < len} (0 without terms). */
    private static void weightedRows(float[] src, int[] offsets, float[] weights, int n, float[] dst, int at, int len) {
        if (n == 0) {
            Arrays.fill(dst, at, at + len, 0f);
            return;
        }
        int i = 0;
        if (n == 4) { // cubic: the common case, unrolled
            int o0 = offsets[0], o1 = offsets[1], o2 = offsets[2], o3 = offsets[3];
            float w0 = weights[0];
            FloatVector w1 = FloatVector.broadcast(S, weights[1]), w2 = FloatVector.broadcast(S, weights[2]),
                    w3 = FloatVector.broadcast(S, weights[3]);
            for (int end = S.loopBound(len); i < end; i += L) {
                FloatVector v = FloatVector.fromArray(S, src, o0 + i).mul(w0);
                v = FloatVector.fromArray(S, src, o1 + i).fma(w1, v);
                v = FloatVector.fromArray(S, src, o2 + i).fma(w2, v);
                FloatVector.fromArray(S, src, o3 + i).fma(w3, v).intoArray(dst, at + i);
            }
        } else {
            for (int end = S.loopBound(len); i < end; i += L) {
                FloatVector v = FloatVector.fromArray(S, src, offsets[0] + i).mul(weights[0]);
                for (int s = 1; s < n; s++) {
                    v = FloatVector.fromArray(S, src, offsets[s] + i).fma(FloatVector.broadcast(S, weights[s]), v);
                }
                v.intoArray(dst, at + i);
            }
        }
        for (; i < len; i++) {
            float v = src[offsets[0] + i] * weights[0];
            for (int s = 1; s < n; s++) v = Math.fma(src[offsets[s] + i], weights[s], v);
            dst[at + i] = v;
        }
    }

    // ------------------------------------------------------------------ tables

    /** Splits an interleaved {@code [n][taps]} table into {@code taps} columns of length {@code n}. */
    private static int[][] tapColumns(int[] table, int n, int taps) {
        int[][] c = new int[taps][n];
        for (int o = 0; o < n; o++) for (int t = 0; t < taps; t++) c[t][o] = table[o * taps + t];
        return c;
    }

    private static float[][] tapColumns(float[] table, int n, int taps) {
        float[][] c = new float[taps][n];
        for (int o = 0; o < n; o++) for (int t = 0; t < taps; t++) c[t][o] = table[o * taps + t];
        return c;
    }

    /**
     * One axis inverted: for each input index, the output indices that read it and their weights,
     * in output order ({@code start} delimits each input's run), plus the same padded to
     * {@code maxTerms} per input (weight 0, index 0) for gathering.
     */
    private record Inverse(int[] start, int[] output, float[] weight, int maxTerms, int[] padded,
            float[] paddedWeight) {
        static Inverse of(AxisTaps a) {
            int in = a.inSize(), taps = a.taps(), terms = a.outSize() * taps;
            int[] start = new int[in + 1];
            for (int k = 0; k < terms; k++) start[a.index()[k] + 1]++;
            int max = 0;
            for (int i = 0; i < in; i++) {
                max = Math.max(max, start[i + 1]);
                start[i + 1] += start[i];
            }
            int[] output = new int[terms];
            float[] weight = new float[terms];
            int[] fill = Arrays.copyOf(start, in);
            for (int k = 0; k < terms; k++) { // k runs in output order, so each run is in output order
                int i = a.index()[k];
                output[fill[i]] = k / taps;
                weight[fill[i]++] = a.weight()[k];
            }
            int[] padded = new int[in * Math.max(max, 1)];
            float[] paddedWeight = new float[padded.length];
            for (int i = 0; i < in; i++) {
                for (int s = start[i]; s < start[i + 1]; s++) {
                    padded[i * max + s - start[i]] = output[s];
                    paddedWeight[i * max + s - start[i]] = weight[s];
                }
            }
            return new Inverse(start, output, weight, Math.max(max, 1), padded, paddedWeight);
        }
    }

    // ------------------------------------------------------------------ micro-kernels

    /**
     * One row along W: {@code out[o] = Σ_t weight[t][o]·src[off + index[t][o]]} for {@code o < n},
     * whole vectors by gathers, the tail one by one.
     */
    private static void alongW(float[] src, int off, int[][] index, float[][] weight, float[] out, int outOff,
            int n) {
        int taps = index.length;
        int o = 0;
        if (taps == 1) {
            int[] i0 = index[0];
            float[] w0 = weight[0];
            for (int end = S.loopBound(n); o < end; o += L) {
                FloatVector.fromArray(S, src, off, i0, o).mul(FloatVector.fromArray(S, w0, o)).intoArray(out, outOff + o);
            }
        } else if (taps == 2) {
            int[] i0 = index[0], i1 = index[1];
            float[] w0 = weight[0], w1 = weight[1];
            for (int end = S.loopBound(n); o < end; o += L) {
                FloatVector v = FloatVector.fromArray(S, src, off, i0, o).mul(FloatVector.fromArray(S, w0, o));
                FloatVector.fromArray(S, src, off, i1, o).fma(FloatVector.fromArray(S, w1, o), v).intoArray(out, outOff + o);
            }
        } else {
            for (int end = S.loopBound(n); o < end; o += L) {
                FloatVector v = FloatVector.zero(S);
                for (int t = 0; t < taps; t++) {
                    v = FloatVector.fromArray(S, src, off, index[t], o).fma(FloatVector.fromArray(S, weight[t], o), v);
                }
                v.intoArray(out, outOff + o);
            }
        }
        for (; o < n; o++) {
            float v = 0f;
            for (int t = 0; t < taps; t++) v = Math.fma(src[off + index[t][o]], weight[t][o], v);
            out[outOff + o] = v;
        }
    }

    /** Output row {@code (od, oh)}: the weighted sum of the W-interpolated input rows it reads. */
    private static void combineRow(AxisTaps d, AxisTaps h, int od, int oh, float[][] rows, int n, float[] y,
            int out) {
        int td = d.taps(), th = h.taps();
        if (td * th == 1) {
            float w = d.weight()[od] * h.weight()[oh];
            scaleInto(rows[0], h.index()[oh] * n, w, y, out, n);
            return;
        }
        // up to four (row, weight) terms, in the twin's nesting order (a outer, b inner)
        float[] r0 = rows[0], r1 = rows[td - 1];
        int o00 = h.index()[oh * th] * n, o01 = h.index()[oh * th + th - 1] * n;
        float wd0 = d.weight()[od * td], wd1 = td == 2 ? d.weight()[od * td + 1] : 0f;
        float wh0 = h.weight()[oh * th], wh1 = th == 2 ? h.weight()[oh * th + 1] : 0f;
        if (td == 1) {
            sum2(r0, o00, wd0 * wh0, r0, o01, wd0 * wh1, y, out, n);
        } else if (th == 1) {
            sum2(r0, o00, wd0 * wh0, r1, o00, wd1 * wh0, y, out, n);
        } else {
            sum4(r0, o00, wd0 * wh0, r0, o01, wd0 * wh1, r1, o00, wd1 * wh0, r1, o01, wd1 * wh1, y, out, n);
        }
    }

    private static void scaleInto(float[] a, int ao, float w, float[] y, int out, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) FloatVector.fromArray(S, a, ao + i).mul(w).intoArray(y, out + i);
        for (; i < n; i++) y[out + i] = a[ao + i] * w;
    }

    private static void sum2(float[] a, int ao, float wa, float[] b, int bo, float wb, float[] y, int out, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, a, ao + i).mul(wa);
            FloatVector.fromArray(S, b, bo + i).fma(FloatVector.broadcast(S, wb), v).intoArray(y, out + i);
        }
        for (; i < n; i++) y[out + i] = Math.fma(b[bo + i], wb, a[ao + i] * wa);
    }

    private static void sum4(float[] a, int ao, float wa, float[] b, int bo, float wb, float[] c, int co, float wc,
            float[] e, int eo, float we, float[] y, int out, int n) {
        FloatVector vb = FloatVector.broadcast(S, wb), vc = FloatVector.broadcast(S, wc), ve = FloatVector.broadcast(S, we);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, a, ao + i).mul(wa);
            v = FloatVector.fromArray(S, b, bo + i).fma(vb, v);
            v = FloatVector.fromArray(S, c, co + i).fma(vc, v);
            FloatVector.fromArray(S, e, eo + i).fma(ve, v).intoArray(y, out + i);
        }
        for (; i < n; i++) {
            float v = a[ao + i] * wa;
            v = Math.fma(b[bo + i], wb, v);
            v = Math.fma(c[co + i], wc, v);
            y[out + i] = Math.fma(e[eo + i], we, v);
        }
    }

    /** {@code g += w·src[off, off + n)}. */
    private static void accumulate(float[] src, int off, float w, float[] g, int n) {
        FloatVector wv = FloatVector.broadcast(S, w);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, src, off + i).fma(wv, FloatVector.fromArray(S, g, i)).intoArray(g, i);
        }
        for (; i < n; i++) g[i] = Math.fma(src[off + i], w, g[i]);
    }
}
