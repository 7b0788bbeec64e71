package mrisr.kernels;

import static mrisr.kernels.VectorMath.S;
import static mrisr.kernels.VectorMath.SI;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import mrisr.kernels.reference.PoolReference;
import mrisr.kernels.reference.SlidingWindow;

/**
 * Vector API average and max pooling over 1 to 3 spatial axes, forward and backward: the fast twins
 * of {@link PoolReference}, same arguments, same semantics (PyTorch's; see the twin for the window,
 * padding and divisor conventions). Everything runs the twin under {@code -Dmrisr.kernels=scalar}.
 *
 * <p><b>Forward</b>, one output row {@code (plane, od, oh)} at a time, parallel over rows: the depth
 * and height taps that fall inside the input are known per row, so the only bounds left are along W.
 * Outputs whose whole W window is inside the input (the interior) run a vector of outputs at a time,
 * taps in the twin's row-major window order: contiguous loads for stride 1, loads through a constant
 * index map {@code {0, s, 2s, …}} otherwise; the last vector of a row is moved back to end at the
 * interior's end (it recomputes a few outputs with the same result, so no scalar tail). The few
 * border outputs, and interiors narrower than a vector, run the scalar loop. Max pooling
 * keeps the twin's rule per lane ({@code v > max || isNaN(v)} replaces, so ties go to the first tap
 * and a NaN wins), hence its values and argmax are the twin's exactly.
 *
 * <p><b>Average backward</b> gathers per input row: {@code q = gy / divisor} once, then each input row
 * sums the {@code q} rows of the output rows whose windows contain it, shifted by each W tap
 * (whole-vector adds for stride 1). <b>Max backward</b> recomputes the argmax with the forward's
 * vector code (parallel over output rows), then adds each output gradient to its argmax one plane
 * per task, in output order, like the twin: bit-identical to it.
 *
 * <p>Sums run in float (the twin accumulates in double), tested in {@code PoolTest} with
 * {@code u = 2⁻²⁴}: average forward within {@code (K + 1)·u·avg|x|}, average backward within
 * {@code (T + 2)·u·Σ|gy|/divisor}, {@code K} the kernel volume and {@code T} the most windows covering
 * one input. Each output element is written by one task with a fixed order of terms, so results do
 * not depend on the thread count.
 *
 * <pre>{@code
 * SlidingWindow win = SlidingWindow.of(in, kernel, out, stride, padding, dilation);
 * Pool.maxForward(planes, win, x, 0, y, 0);
 * }</pre>
 */
public final class Pool {
    private static final int L = S.length();

    private Pool() {}

    // ------------------------------------------------------------------ geometry

    /**
     * One axis of the window: for each output {@code o} the taps {@code k ∈ [kLo[o], kHi[o])} that fall
     * inside the input (they are contiguous), the divisor factor of average pooling, and the interior
     * {@code [interiorLo, interiorHi)} of outputs with every tap inside.
     */
    private record Axis(int in, int out, int kernel, int stride, int padding, int dilation, int[] kLo, int[] kHi,
            int[] divisor, int interiorLo, int interiorHi) {
        static Axis of(int in, int out, int kernel, int stride, int padding, int dilation, boolean countIncludePad) {
            int[] kLo = new int[out], kHi = new int[out], divisor = new int[out];
            int lo = -1, hi = -1;
            for (int o = 0; o < out; o++) {
                int start = o * stride - padding;
                int k0 = 0;
                while (k0 < kernel && start + k0 * dilation < 0) k0++;
                int k1 = k0;
                while (k1 < kernel && start + k1 * dilation < in) k1++;
                kLo[o] = k0;
                kHi[o] = k1;
                // the twin's divisor: the window clipped to [−padding, in + padding), or its in-bounds part
                divisor[o] = countIncludePad ? Math.min(start + kernel, in + padding) - start : k1 - k0;
                if (k0 == 0 && k1 == kernel) {
                    if (lo < 0) lo = o;
                    hi = o + 1;
                }
            }
            return lo < 0 ? new Axis(in, out, kernel, stride, padding, dilation, kLo, kHi, divisor, 0, 0)
                    : new Axis(in, out, kernel, stride, padding, dilation, kLo, kHi, divisor, lo, hi);
        }

        /** Input index of tap {@code k} of output {@code o}. */
        int at(int o, int k) {
            return o * stride - padding + k * dilation;
        }

        /** Whether two different outputs can share an input (windows overlap). */
        boolean overlaps() {
            return stride < (kernel - 1) * dilation + 1;
        }

        /**
         * For each input {@code i}, the outputs {@code [first[i], end[i])} whose in-bounds taps contain
         * it (dilation 1 only; windows are ordered by start and end, so the range is contiguous).
         */
        int[][] covering() {
            int[] first = new int[in], end = new int[in];
            for (int i = 0, o0 = 0; i < in; i++) {
                while (o0 < out && (kLo[o0] == kHi[o0] || at(o0, kHi[o0] - 1) < i)) o0++;
                int o1 = o0;
                while (o1 < out && kLo[o1] < kHi[o1] && at(o1, kLo[o1]) <= i) o1++;
                first[i] = o0;
                end[i] = Math.max(o0, o1);
            }
            return new int[][] {first, end};
        }
    }

    /** The three axes of a window plus the W index map of stride-s vector loads. */
    private record Geometry(Axis d, Axis h, Axis w, int[] lanes) {
        static Geometry of(SlidingWindow win, boolean countIncludePad) {
            Axis d = Axis.of(win.inDepth, win.outDepth, win.kernelDepth, win.strideDepth, win.paddingDepth,
                    win.dilationDepth, countIncludePad);
            Axis h = Axis.of(win.inHeight, win.outHeight, win.kernelHeight, win.strideHeight, win.paddingHeight,
                    win.dilationHeight, countIncludePad);
            Axis w = Axis.of(win.inWidth, win.outWidth, win.kernelWidth, win.strideWidth, win.paddingWidth,
                    win.dilationWidth, countIncludePad);
            int[] lanes = new int[L];
            for (int i = 0; i < L; i++) lanes[i] = i * w.stride;
            return new Geometry(d, h, w, lanes);
        }

        int inVolume() {
            return d.in * h.in * w.in;
        }

        int outVolume() {
            return d.out * h.out * w.out;
        }
    }

    /** {@code L} floats of {@code x} from {@code off} with stride {@code lanes[1]} (contiguous for stride 1). */
    private static FloatVector load(float[] x, int off, int stride, int[] lanes) {
        return stride == 1 ? FloatVector.fromArray(S, x, off) : FloatVector.fromArray(S, x, off, lanes, 0);
    }

    // ------------------------------------------------------------------ max pooling

    /**
     * Max pooling, parallel over output rows {@code (plane, od, oh)}.
     *
     * @param x input planes, read from {@code xOff} (not modified)
     * @param y output planes, written from {@code yOff} (modified)
     */
    public static void maxForward(int planes, SlidingWindow win, float[] x, int xOff, float[] y, int yOff) {
        if (KernelInfo.scalarForced()) {
            PoolReference.maxForward(planes, win, x, xOff, y, yOff);
            return;
        }
        Geometry g = Geometry.of(win, false);
        int outD = g.d.out, outH = g.h.out, outW = g.w.out;
        int inVolume = g.inVolume();
        int rows = Math.multiplyExact(planes, outD * outH);
        Parallel.forRange(rows, Parallel.grain(rows, (long) outW * win.kernelVolume() + outW), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int oh = r % outH, t = r / outH;
                int od = t % outD, plane = t / outD;
                maxRow(g, x, xOff + plane * inVolume, od, oh, y, yOff + r * outW, null, 0);
            }
        });
    }

    /**
     * The gradient of {@link #maxForward}: each output's gradient is added to its window's argmax
     * (bit-identical to the twin).
     *
     * @param x  the forward input (not modified)
     * @param gy output gradient planes (not modified)
     * @param gx input gradient planes, written from {@code gxOff} (modified)
     */
    public static void maxBackward(int planes, SlidingWindow win, float[] x, int xOff, float[] gy, int gyOff,
            float[] gx, int gxOff) {
        if (KernelInfo.scalarForced()) {
            PoolReference.maxBackward(planes, win, x, xOff, gy, gyOff, gx, gxOff);
            return;
        }
        Geometry g = Geometry.of(win, false);
        int outD = g.d.out, outH = g.h.out, outW = g.w.out;
        int inVolume = g.inVolume(), outVolume = g.outVolume();
        int rows = Math.multiplyExact(planes, outD * outH);
        int[] argmax = new int[Math.multiplyExact(planes, outVolume)];
        Parallel.forRange(rows, Parallel.grain(rows, (long) outW * win.kernelVolume() + outW), (lo, hi) -> {
            float[] values = new float[outW];
            for (int r = lo; r < hi; r++) {
                int oh = r % outH, t = r / outH;
                int od = t % outD, plane = t / outD;
                maxRow(g, x, xOff + plane * inVolume, od, oh, values, 0, argmax, r * outW);
            }
        });
        // windows may overlap: one task per plane adds in output order, like the twin
        Parallel.forRange(planes, Parallel.grain(planes, (long) inVolume + outVolume), (lo, hi) -> {
            for (int plane = lo; plane < hi; plane++) {
                int gxPlane = gxOff + plane * inVolume, gyPlane = gyOff + plane * outVolume;
                int argPlane = plane * outVolume;
                Arrays.fill(gx, gxPlane, gxPlane + inVolume, 0f);
                for (int o = 0; o < outVolume; o++) {
                    int at = argmax[argPlane + o];
                    if (at >= 0) gx[gxPlane + at] += gy[gyPlane + o];
                }
            }
        });
    }

    /**
     * One output row of max pooling: the values into {@code y[yRow…]} and, when {@code argmax} is not
     * null, the in-plane index of each maximum (−1 for an empty window) into {@code argmax[argRow…]}.
     */
    private static void maxRow(Geometry g, float[] x, int xPlane, int od, int oh, float[] y, int yRow, int[] argmax,
            int argRow) {
        Axis ad = g.d, ah = g.h, aw = g.w;
        int kd0 = ad.kLo[od], kd1 = ad.kHi[od], kh0 = ah.kLo[oh], kh1 = ah.kHi[oh];
        int outW = aw.out;
        if (kd0 >= kd1 || kh0 >= kh1) { // no tap inside the input: −∞ and no gradient
            Arrays.fill(y, yRow, yRow + outW, Float.NEGATIVE_INFINITY);
            if (argmax != null) Arrays.fill(argmax, argRow, argRow + outW, -1);
            return;
        }
        int o = 0;
        if (aw.interiorHi - aw.interiorLo >= L) {
            for (; o < aw.interiorLo; o++) maxScalar(g, x, xPlane, od, oh, o, y, yRow, argmax, argRow);
            IntVector lanes = IntVector.fromArray(SI, g.lanes, 0);
            for (; o < aw.interiorHi; o += L) {
                int start = Math.min(o, aw.interiorHi - L); // the last vector overlaps its neighbour: same values
                if (argmax == null) maxVector(g, x, xPlane, od, oh, start, y, yRow);
                else maxVector(g, x, xPlane, od, oh, start, lanes, y, yRow, argmax, argRow);
            }
            o = aw.interiorHi;
        }
        for (; o < outW; o++) maxScalar(g, x, xPlane, od, oh, o, y, yRow, argmax, argRow);
    }

    /**
     * {@code L} interior outputs from {@code o}, values only: the twin's rule per lane (a larger value or
     * any NaN replaces the running maximum; the first tap compares with itself).
     */
    private static void maxVector(Geometry g, float[] x, int xPlane, int od, int oh, int o, float[] y, int yRow) {
        Axis ad = g.d, ah = g.h, aw = g.w;
        int kd0 = ad.kLo[od], kd1 = ad.kHi[od], kh0 = ah.kLo[oh], kh1 = ah.kHi[oh];
        int inH = ah.in, inW = aw.in, stride = aw.stride, dilation = aw.dilation, kW = aw.kernel;
        int column = xPlane + aw.at(o, 0);
        FloatVector max = load(x, column + (ad.at(od, kd0) * inH + ah.at(oh, kh0)) * inW, stride, g.lanes);
        for (int kd = kd0; kd < kd1; kd++) {
            int id = ad.at(od, kd);
            for (int kh = kh0; kh < kh1; kh++) {
                int row = column + (id * inH + ah.at(oh, kh)) * inW;
                for (int kw = 0; kw < kW; kw++) {
                    FloatVector v = load(x, row + kw * dilation, stride, g.lanes);
                    max = max.blend(v, v.compare(VectorOperators.GT, max).or(v.compare(VectorOperators.NE, v)));
                }
            }
        }
        max.intoArray(y, yRow + o);
    }

    /** {@link #maxVector} that also tracks the in-plane index of each lane's maximum. */
    private static void maxVector(Geometry g, float[] x, int xPlane, int od, int oh, int o, IntVector lanes,
            float[] y, int yRow, int[] argmax, int argRow) {
        Axis ad = g.d, ah = g.h, aw = g.w;
        int kd0 = ad.kLo[od], kd1 = ad.kHi[od], kh0 = ah.kLo[oh], kh1 = ah.kHi[oh];
        int inH = ah.in, inW = aw.in, stride = aw.stride, dilation = aw.dilation, kW = aw.kernel;
        int column = aw.at(o, 0);
        int first = (ad.at(od, kd0) * inH + ah.at(oh, kh0)) * inW + column;
        FloatVector max = load(x, xPlane + first, stride, g.lanes);
        IntVector arg = lanes.add(first);
        for (int kd = kd0; kd < kd1; kd++) {
            int id = ad.at(od, kd);
            for (int kh = kh0; kh < kh1; kh++) {
                int row = (id * inH + ah.at(oh, kh)) * inW + column;
                for (int kw = 0; kw < kW; kw++) {
                    int at = row + kw * dilation;
                    FloatVector v = load(x, xPlane + at, stride, g.lanes);
                    VectorMask<Float> take = v.compare(VectorOperators.GT, max).or(v.compare(VectorOperators.NE, v));
                    max = max.blend(v, take);
                    arg = arg.blend(lanes.add(at), take.cast(SI));
                }
            }
        }
        max.intoArray(y, yRow + o);
        arg.intoArray(argmax, argRow + o);
    }

    /** One output of max pooling, the twin's loop restricted to the in-bounds taps. */
    private static void maxScalar(Geometry g, float[] x, int xPlane, int od, int oh, int ow, float[] y, int yRow,
            int[] argmax, int argRow) {
        Axis ad = g.d, ah = g.h, aw = g.w;
        int best = -1;
        float max = Float.NEGATIVE_INFINITY;
        for (int kd = ad.kLo[od]; kd < ad.kHi[od]; kd++) {
            int id = ad.at(od, kd);
            for (int kh = ah.kLo[oh]; kh < ah.kHi[oh]; kh++) {
                int row = (id * ah.in + ah.at(oh, kh)) * aw.in;
                for (int kw = aw.kLo[ow]; kw < aw.kHi[ow]; kw++) {
                    int at = row + aw.at(ow, kw);
                    float v = x[xPlane + at];
                    if (best < 0 || v > max || Float.isNaN(v)) {
                        best = at;
                        max = v;
                    }
                }
            }
        }
        y[yRow + ow] = max;
        if (argmax != null) argmax[argRow + ow] = best;
    }

    // ------------------------------------------------------------------ average pooling

    /**
     * Average pooling, parallel over output rows {@code (plane, od, oh)}.
     *
     * @param win             geometry (dilation must be 1)
     * @param countIncludePad divide by the full window size including padding (PyTorch's default)
     * @param x               input planes, read from {@code xOff} (not modified)
     * @param y               output planes, written from {@code yOff} (modified)
     */
    public static void avgForward(int planes, SlidingWindow win, boolean countIncludePad, float[] x, int xOff,
            float[] y, int yOff) {
        if (KernelInfo.scalarForced()) {
            PoolReference.avgForward(planes, win, countIncludePad, x, xOff, y, yOff);
            return;
        }
        requireNoDilation(win);
        Geometry g = Geometry.of(win, countIncludePad);
        int outD = g.d.out, outH = g.h.out, outW = g.w.out;
        int inVolume = g.inVolume();
        int rows = Math.multiplyExact(planes, outD * outH);
        Parallel.forRange(rows, Parallel.grain(rows, (long) outW * win.kernelVolume() + outW), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int oh = r % outH, t = r / outH;
                int od = t % outD, plane = t / outD;
                avgRow(g, x, xOff + plane * inVolume, od, oh, y, yOff + r * outW);
            }
        });
    }

    private static void avgRow(Geometry g, float[] x, int xPlane, int od, int oh, float[] y, int yRow) {
        Axis ad = g.d, ah = g.h, aw = g.w;
        int kd0 = ad.kLo[od], kd1 = ad.kHi[od], kh0 = ah.kLo[oh], kh1 = ah.kHi[oh];
        long divisorDH = (long) ad.divisor[od] * ah.divisor[oh];
        int inH = ah.in, inW = aw.in, stride = aw.stride, kW = aw.kernel;
        boolean empty = kd0 >= kd1 || kh0 >= kh1;
        int o = 0;
        if (!empty && aw.interiorHi - aw.interiorLo >= L) {
            for (; o < aw.interiorLo; o++) avgScalar(g, x, xPlane, od, oh, o, divisorDH, y, yRow);
            // every interior output has the same divisor: kernel width in either convention
            FloatVector divisor = FloatVector.broadcast(S, (float) (divisorDH * aw.divisor[aw.interiorLo]));
            for (; o < aw.interiorHi; o += L) {
                int start = Math.min(o, aw.interiorHi - L); // the last vector overlaps its neighbour: same values
                int column = xPlane + aw.at(start, 0);
                FloatVector sum = FloatVector.zero(S);
                for (int kd = kd0; kd < kd1; kd++) {
                    int id = ad.at(od, kd);
                    for (int kh = kh0; kh < kh1; kh++) {
                        int row = column + (id * inH + ah.at(oh, kh)) * inW;
                        for (int kw = 0; kw < kW; kw++) sum = sum.add(load(x, row + kw, stride, g.lanes));
                    }
                }
                sum.div(divisor).intoArray(y, yRow + start);
            }
            o = aw.interiorHi;
        }
        for (; o < aw.out; o++) avgScalar(g, x, xPlane, od, oh, o, divisorDH, y, yRow);
    }

    /** One output of average pooling, the twin's sum in float. */
    private static void avgScalar(Geometry g, float[] x, int xPlane, int od, int oh, int ow, long divisorDH,
            float[] y, int yRow) {
        Axis ad = g.d, ah = g.h, aw = g.w;
        float sum = 0f;
        for (int kd = ad.kLo[od]; kd < ad.kHi[od]; kd++) {
            int id = ad.at(od, kd);
            for (int kh = ah.kLo[oh]; kh < ah.kHi[oh]; kh++) {
                int row = xPlane + (id * ah.in + ah.at(oh, kh)) * aw.in;
                for (int kw = aw.kLo[ow]; kw < aw.kHi[ow]; kw++) sum += x[row + aw.at(ow, kw)];
            }
        }
        long divisor = divisorDH * aw.divisor[ow];
        y[yRow + ow] = divisor == 0 ? 0f : sum / divisor;
    }

    /**
     * The adjoint of {@link #avgForward}: {@code gx[i] = Σ gy[o] / divisor(o)} over the windows
     * {@code o} containing {@code i}, gathered per input row (parallel over input rows).
     *
     * @param gy output gradient planes (not modified)
     * @param gx input gradient planes, written from {@code gxOff} (modified)
     */
    public static void avgBackward(int planes, SlidingWindow win, boolean countIncludePad, float[] gy, int gyOff,
            float[] gx, int gxOff) {
        if (KernelInfo.scalarForced()) {
            PoolReference.avgBackward(planes, win, countIncludePad, gy, gyOff, gx, gxOff);
            return;
        }
        requireNoDilation(win);
        Geometry g = Geometry.of(win, countIncludePad);
        Axis ad = g.d, ah = g.h, aw = g.w;
        int inD = ad.in, inH = ah.in, inW = aw.in, outD = ad.out, outH = ah.out, outW = aw.out;
        int outVolume = g.outVolume(), inVolume = g.inVolume();
        // q = gy / divisor, the value each output spreads over its window
        float[] q = new float[Math.multiplyExact(planes, outVolume)];
        int outRows = planes * outD * outH;
        Parallel.forRange(outRows, Parallel.grain(outRows, outW), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int oh = r % outH, od = r / outH % outD;
                long divisorDH = (long) ad.divisor[od] * ah.divisor[oh];
                for (int ow = 0, o = r * outW; ow < outW; ow++, o++) {
                    long divisor = divisorDH * aw.divisor[ow];
                    q[o] = divisor == 0 ? 0f : gy[gyOff + o] / divisor;
                }
            }
        });
        int[][] coverD = ad.covering(), coverH = ah.covering();
        // the outputs [owLo[kw], owHi[kw]) whose tap kw is inside the input
        int[] owLo = new int[aw.kernel], owHi = new int[aw.kernel];
        for (int kw = 0; kw < aw.kernel; kw++) {
            int o0 = 0;
            while (o0 < outW && aw.at(o0, kw) < 0) o0++;
            int o1 = o0;
            while (o1 < outW && aw.at(o1, kw) < inW) o1++;
            owLo[kw] = o0;
            owHi[kw] = o1;
        }
        int rows = Math.multiplyExact(planes, inD * inH);
        long cost = (long) outW * win.kernelVolume() + inW;
        Parallel.forRange(rows, Parallel.grain(rows, cost), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int ih = r % inH, t = r / inH;
                int id = t % inD, plane = t / inD;
                int gxRow = gxOff + r * inW;
                Arrays.fill(gx, gxRow, gxRow + inW, 0f);
                for (int od = coverD[0][id]; od < coverD[1][id]; od++) {
                    for (int oh = coverH[0][ih]; oh < coverH[1][ih]; oh++) {
                        int qRow = (plane * outD + od) * outH * outW + oh * outW;
                        for (int kw = 0; kw < aw.kernel; kw++) {
                            if (owLo[kw] < owHi[kw]) {
                                spread(q, qRow, owLo[kw], owHi[kw], gx, gxRow + aw.at(owLo[kw], kw), aw.stride);
                            }
                        }
                    }
                }
            }
        });
    }

    /** {@code gx[at + (o − lo)·stride] += q[qRow + o]} for {@code o ∈ [lo, hi)}, whole vectors for stride 1. */
    private static void spread(float[] q, int qRow, int lo, int hi, float[] gx, int at, int stride) {
        int n = hi - lo, src = qRow + lo;
        if (stride == 1) {
            int i = 0;
            for (int end = S.loopBound(n); i < end; i += L) {
                FloatVector.fromArray(S, gx, at + i).add(FloatVector.fromArray(S, q, src + i)).intoArray(gx, at + i);
            }
            for (; i < n; i++) gx[at + i] += q[src + i];
        } else {
            for (int i = 0; i < n; i++, at += stride) gx[at] += q[src + i];
        }
    }

    private static void requireNoDilation(SlidingWindow win) {
        if (win.dilationDepth != 1 || win.dilationHeight != 1 || win.dilationWidth != 1) {
            throw new IllegalArgumentException("average pooling has no dilation, got " + win.dilationDepth + ", "
                    + win.dilationHeight + ", " + win.dilationWidth);
        }
    }
}
