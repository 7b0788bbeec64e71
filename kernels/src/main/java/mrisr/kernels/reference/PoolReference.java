package mrisr.kernels.reference;

import java.util.Arrays;
import mrisr.kernels.Parallel;

/**
 * Scalar reference kernels for average and max pooling over 1 to 3 spatial axes, with PyTorch's
 * semantics, on contiguous arrays of {@code planes} independent channel planes ({@code N·C}).
 *
 * <p>Average pooling (no dilation): along each axis the window of output {@code o} is
 * {@code [o·stride − padding, min(o·stride − padding + kernel, in + padding))}; the sum over its
 * in-bounds part is divided by the window's full size when {@code countIncludePad}, else by the
 * number of in-bounds elements (a window with no in-bounds element gives 0).
 *
 * <p>Max pooling: the maximum over the in-bounds taps {@code o·stride − padding + k·dilation}
 * (padding acts as −∞). Ties go to the first tap in row-major window order and a NaN wins over
 * any number, like PyTorch's CPU kernel; the backward pass sends each output's gradient to that
 * tap only. A window without in-bounds taps gives −∞ and no gradient.
 *
 * <p>Sums accumulate in double; each output element is written by one task in a fixed order, so
 * results are bit-identical for any thread count.
 *
 * <pre>{@code
 * SlidingWindow win = SlidingWindow.of(new int[] {8, 8}, new int[] {2, 2}, new int[] {4, 4},
 *         new int[] {2, 2}, new int[] {0, 0}, new int[] {1, 1});
 * PoolReference.maxForward(planes, win, x, 0, y, 0);
 * }</pre>
 */
public final class PoolReference {
    private PoolReference() {}

    /** Per-axis window bounds of average pooling: clipped start/end and divisor factor per output position. */
    private record AxisWindows(int[] start, int[] end, int[] divisor) {
        static AxisWindows of(int in, int out, int kernel, int stride, int padding, boolean countIncludePad) {
            int[] start = new int[out], end = new int[out], divisor = new int[out];
            for (int o = 0; o < out; o++) {
                int s = o * stride - padding;
                int e = Math.min(s + kernel, in + padding);
                int full = e - s;
                s = Math.max(s, 0);
                e = Math.min(e, in);
                start[o] = s;
                end[o] = Math.max(e, s);
                divisor[o] = countIncludePad ? full : end[o] - s;
            }
            return new AxisWindows(start, end, divisor);
        }
    }

    /**
     * Average pooling, parallel over output rows {@code (plane, od, oh)}.
     *
     * @param planes          number of independent channel planes ({@code N·C})
     * @param win             geometry (dilation must be 1)
     * @param countIncludePad divide by the full window size including padding (PyTorch's default)
     * @param x               input planes, read from {@code xOff} (not modified)
     * @param y               output planes, written from {@code yOff} (modified)
     */
    public static void avgForward(int planes, SlidingWindow win, boolean countIncludePad, float[] x, int xOff,
            float[] y, int yOff) {
        int inH = win.inHeight, inW = win.inWidth;
        int outD = win.outDepth, outH = win.outHeight, outW = win.outWidth;
        AxisWindows wd = AxisWindows.of(win.inDepth, outD, win.kernelDepth, win.strideDepth, win.paddingDepth, countIncludePad);
        AxisWindows wh = AxisWindows.of(inH, outH, win.kernelHeight, win.strideHeight, win.paddingHeight, countIncludePad);
        AxisWindows ww = AxisWindows.of(inW, outW, win.kernelWidth, win.strideWidth, win.paddingWidth, countIncludePad);
        int inVolume = win.inVolume();
        int rows = planes * outD * outH;
        Parallel.forRange(rows, Parallel.grain(rows, (long) outW * win.kernelVolume() + outW), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int oh = r % outH, t = r / outH;
                int od = t % outD, plane = t / outD;
                int xPlane = xOff + plane * inVolume;
                int yRow = yOff + r * outW;
                for (int ow = 0; ow < outW; ow++) {
                    long divisor = (long) wd.divisor[od] * wh.divisor[oh] * ww.divisor[ow];
                    double s = 0;
                    for (int id = wd.start[od]; id < wd.end[od]; id++) {
                        for (int ih = wh.start[oh]; ih < wh.end[oh]; ih++) {
                            int xRow = xPlane + (id * inH + ih) * inW;
                            for (int iw = ww.start[ow]; iw < ww.end[ow]; iw++) s += x[xRow + iw];
                        }
                    }
                    y[yRow + ow] = divisor == 0 ? 0f : (float) (s / divisor);
                }
            }
        });
    }

    /**
     * The adjoint of {@link #avgForward}: {@code gx[i] = Σ gy[o] / divisor(o)} over the windows
     * {@code o} containing {@code i}, gathered per input element (parallel over input rows).
     *
     * @param gy output gradient planes (not modified)
     * @param gx input gradient planes, written from {@code gxOff} (modified)
     */
    public static void avgBackward(int planes, SlidingWindow win, boolean countIncludePad, float[] gy, int gyOff,
            float[] gx, int gxOff) {
        int inD = win.inDepth, inH = win.inHeight, inW = win.inWidth;
        int outH = win.outHeight, outW = win.outWidth;
        AxisWindows wd = AxisWindows.of(inD, win.outDepth, win.kernelDepth, win.strideDepth, win.paddingDepth, countIncludePad);
        AxisWindows wh = AxisWindows.of(inH, outH, win.kernelHeight, win.strideHeight, win.paddingHeight, countIncludePad);
        AxisWindows ww = AxisWindows.of(inW, outW, win.kernelWidth, win.strideWidth, win.paddingWidth, countIncludePad);
        int[][] rd = covering(wd, inD), rh = covering(wh, inH), rw = covering(ww, inW);
        int outVolume = win.outVolume();
        int rows = planes * inD * inH;
        Parallel.forRange(rows, Parallel.grain(rows, (long) inW * win.kernelVolume() + inW), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int ih = r % inH, t = r / inH;
                int id = t % inD, plane = t / inD;
                int gyPlane = gyOff + plane * outVolume;
                int gxRow = gxOff + r * inW;
                for (int iw = 0; iw < inW; iw++) {
                    double s = 0;
                    for (int od = rd[0][id]; od < rd[1][id]; od++) {
                        for (int oh = rh[0][ih]; oh < rh[1][ih]; oh++) {
                            int gyRow = gyPlane + (od * outH + oh) * outW;
                            long dh = (long) wd.divisor[od] * wh.divisor[oh];
                            for (int ow = rw[0][iw]; ow < rw[1][iw]; ow++) {
                                s += gy[gyRow + ow] / (double) (dh * ww.divisor[ow]);
                            }
                        }
                    }
                    gx[gxRow + iw] = (float) s;
                }
            }
        });
    }

    /**
     * For each input position, the range {@code [first, end)} of output positions whose clipped
     * window contains it (windows are ordered by start and end, so the range is contiguous).
     */
    private static int[][] covering(AxisWindows w, int in) {
        int out = w.start.length;
        int[] first = new int[in], end = new int[in];
        for (int i = 0, o0 = 0; i < in; i++) {
            while (o0 < out && w.end[o0] <= i) o0++;
            int o1 = o0;
            while (o1 < out && w.start[o1] <= i) o1++;
            first[i] = o0;
            end[i] = Math.max(o0, o1);
        }
        return new int[][] {first, end};
    }

    /**
     * Max pooling, parallel over output rows {@code (plane, od, oh)}.
     *
     * @param x input planes, read from {@code xOff} (not modified)
     * @param y output planes, written from {@code yOff} (modified)
     */
    public static void maxForward(int planes, SlidingWindow win, float[] x, int xOff, float[] y, int yOff) {
        int outD = win.outDepth, outH = win.outHeight, outW = win.outWidth;
        int inVolume = win.inVolume();
        int rows = planes * outD * outH;
        Parallel.forRange(rows, Parallel.grain(rows, (long) outW * win.kernelVolume() + outW), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int oh = r % outH, t = r / outH;
                int od = t % outD, plane = t / outD;
                int xPlane = xOff + plane * inVolume;
                int yRow = yOff + r * outW;
                for (int ow = 0; ow < outW; ow++) {
                    int at = argmax(win, x, xPlane, od, oh, ow);
                    y[yRow + ow] = at < 0 ? Float.NEGATIVE_INFINITY : x[xPlane + at];
                }
            }
        });
    }

    /**
     * The gradient of {@link #maxForward}: each output's gradient is added to its window's argmax.
     * Windows overlap, so the work is split by plane: each plane's gradient is accumulated (in float,
     * like PyTorch) by one task in output order.
     *
     * @param x  the forward input (not modified)
     * @param gy output gradient planes (not modified)
     * @param gx input gradient planes, written from {@code gxOff} (modified)
     */
    public static void maxBackward(int planes, SlidingWindow win, float[] x, int xOff, float[] gy, int gyOff,
            float[] gx, int gxOff) {
        int outD = win.outDepth, outH = win.outHeight, outW = win.outWidth;
        int inVolume = win.inVolume(), outVolume = win.outVolume();
        long planeCost = (long) outVolume * win.kernelVolume() + inVolume;
        Parallel.forRange(planes, Parallel.grain(planes, planeCost), (lo, hi) -> {
            for (int plane = lo; plane < hi; plane++) {
                int xPlane = xOff + plane * inVolume;
                int gyPlane = gyOff + plane * outVolume;
                int gxPlane = gxOff + plane * inVolume;
                Arrays.fill(gx, gxPlane, gxPlane + inVolume, 0f);
                for (int od = 0, o = 0; od < outD; od++) {
                    for (int oh = 0; oh < outH; oh++) {
                        for (int ow = 0; ow < outW; ow++, o++) {
                            int at = argmax(win, x, xPlane, od, oh, ow);
                            if (at >= 0) gx[gxPlane + at] += gy[gyPlane + o];
                        }
                    }
                }
            }
        });
    }

    /** The in-plane index of the window's maximum (first on ties, NaN wins), or −1 for an empty window. */
    private static int argmax(SlidingWindow win, float[] x, int xPlane, int od, int oh, int ow) {
        int inD = win.inDepth, inH = win.inHeight, inW = win.inWidth;
        int best = -1;
        float max = Float.NEGATIVE_INFINITY;
        for (int kd = 0; kd < win.kernelDepth; kd++) {
            int id = od * win.strideDepth - win.paddingDepth + kd * win.dilationDepth;
            if (id < 0 || id >= inD) continue;
            for (int kh = 0; kh < win.kernelHeight; kh++) {
                int ih = oh * win.strideHeight - win.paddingHeight + kh * win.dilationHeight;
                if (ih < 0 || ih >= inH) continue;
                int row = (id * inH + ih) * inW;
                for (int kw = 0; kw < win.kernelWidth; kw++) {
                    int iw = ow * win.strideWidth - win.paddingWidth + kw * win.dilationWidth;
                    if (iw < 0 || iw >= inW) continue;
                    float v = x[xPlane + row + iw];
                    if (best < 0 || v > max || Float.isNaN(v)) {
                        best = row + iw;
                        max = v;
                    }
                }
            }
        }
        return best;
    }
}
