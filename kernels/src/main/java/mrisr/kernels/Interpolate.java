package mrisr.kernels;

import static mrisr.kernels.VectorMath.S;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import mrisr.kernels.reference.InterpolateReference;
import mrisr.kernels.reference.InterpolateReference.AxisTaps;

/**
 * Vector API separable interpolation for nearest and (bi/tri)linear taps, forward and adjoint: the
 * fast twins of {@link InterpolateReference#forward} and {@link InterpolateReference#backward}, same
 * arguments and tables. Cubic taps (four per axis) and outputs narrower than a vector go to the twin,
 * as does everything under {@code -Dmrisr.kernels=scalar}.
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
 * {@code u = 2⁻²⁴}: within {@code 8·u·Σ|w·x|} over the terms of each element (forward) and
 * {@code (T + 8)·u·Σ|w·g|} (adjoint, {@code T} the most terms any input receives along one axis);
 * nearest interpolation is exact.
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
        if (KernelInfo.scalarForced() || !covered(d, h, w)) {
            InterpolateReference.forward(planes, d, h, w, x, y);
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
        if (KernelInfo.scalarForced() || !covered(d, h, w)) {
            InterpolateReference.backward(planes, d, h, w, gy, gx);
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
