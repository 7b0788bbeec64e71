package mrisr.kernels.reference;

import java.util.Arrays;
import mrisr.kernels.Parallel;

/**
 * Scalar reference kernels for grouped, strided, padded, dilated convolution over 1 to 3 spatial
 * axes (PyTorch's cross-correlation convention), on contiguous row-major arrays.
 *
 * <p>Layouts: input {@code x[N, C, D, H, W]}, weight {@code w[O, C/groups, kD, kH, kW]}, output
 * {@code y[N, O, oD, oH, oW]}; lower ranks use the embedding of {@link SlidingWindow}. Channel
 * {@code o} of group {@code g = o / (O/groups)} sees input channels {@code g·C/groups …}:
 * <pre>
 *   y[n,o,p] = bias[o] + Σ_{c<C/groups} Σ_k w[o,c,k] · x[n, g·C/groups + c, p·stride − padding + k·dilation]
 * </pre>
 * with zero padding. The three kernels are the forward map, its adjoint in {@code x}
 * ({@link #backwardData}, which is also the transposed convolution) and its adjoint in {@code w}
 * ({@link #backwardWeight}); the bias gradient is a plain sum of the output gradient.
 *
 * <p>Sums accumulate in double, which makes these the accuracy oracle for fast twins. Each output
 * element is written by one task, adding its terms in a fixed order, and chunks have a fixed size,
 * so results are bit-identical for any thread count.
 *
 * <pre>{@code
 * SlidingWindow win = SlidingWindow.of(new int[] {8, 8}, new int[] {3, 3}, new int[] {8, 8},
 *         new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1});
 * ConvReference.forward(1, 2, 4, 1, win, x, 0, w, 0, bias, 0, y, 0);
 * }</pre>
 */
public final class ConvReference {
    private ConvReference() {}

    /**
     * Forward convolution {@code y = conv(x, w) + bias}, parallel over output rows {@code (n, o, od, oh)}.
     *
     * @param batch       N
     * @param inChannels  C (divisible by {@code groups})
     * @param outChannels O (divisible by {@code groups})
     * @param groups      channel groups (≥ 1)
     * @param win         spatial geometry: input {@code x}'s and output {@code y}'s sizes
     * @param x           input, read from {@code xOff} (not modified)
     * @param w           weight {@code [O, C/groups, k…]}, read from {@code wOff} (not modified)
     * @param bias        per-output-channel bias read from {@code biasOff}, or null for none (not modified)
     * @param y           output, written from {@code yOff} (modified)
     */
    public static void forward(int batch, int inChannels, int outChannels, int groups, SlidingWindow win,
            float[] x, int xOff, float[] w, int wOff, float[] bias, int biasOff, float[] y, int yOff) {
        int cPerGroup = inChannels / groups, oPerGroup = outChannels / groups;
        int inD = win.inDepth, inH = win.inHeight, inW = win.inWidth;
        int kD = win.kernelDepth, kH = win.kernelHeight, kW = win.kernelWidth;
        int outD = win.outDepth, outH = win.outHeight, outW = win.outWidth;
        int sD = win.strideDepth, sH = win.strideHeight, sW = win.strideWidth;
        int pD = win.paddingDepth, pH = win.paddingHeight, pW = win.paddingWidth;
        int dD = win.dilationDepth, dH = win.dilationHeight, dW = win.dilationWidth;
        int inVolume = win.inVolume(), kVolume = win.kernelVolume();
        int rows = batch * outChannels * outD * outH;
        long rowCost = (long) outW * cPerGroup * kVolume + outW;
        Parallel.forRange(rows, Parallel.grain(rows, rowCost), (lo, hi) -> {
            double[] acc = new double[outW];
            for (int r = lo; r < hi; r++) {
                int oh = r % outH, t = r / outH;
                int od = t % outD;
                t /= outD;
                int o = t % outChannels, n = t / outChannels;
                int g = o / oPerGroup;
                Arrays.fill(acc, bias == null ? 0.0 : bias[biasOff + o]);
                for (int c = 0; c < cPerGroup; c++) {
                    int xPlane = xOff + (n * inChannels + g * cPerGroup + c) * inVolume;
                    int wTaps = wOff + (o * cPerGroup + c) * kVolume;
                    for (int kd = 0; kd < kD; kd++) {
                        int id = od * sD - pD + kd * dD;
                        if (id < 0 || id >= inD) continue;
                        for (int kh = 0; kh < kH; kh++) {
                            int ih = oh * sH - pH + kh * dH;
                            if (ih < 0 || ih >= inH) continue;
                            int xRow = xPlane + (id * inH + ih) * inW;
                            int wRow = wTaps + (kd * kH + kh) * kW;
                            for (int kw = 0; kw < kW; kw++) {
                                int shift = kw * dW - pW;
                                int first = SlidingWindow.firstOutput(shift, sW);
                                int end = SlidingWindow.endOutput(inW, outW, shift, sW);
                                double wv = w[wRow + kw];
                                for (int ow = first, ix = xRow + first * sW + shift; ow < end; ow++, ix += sW) {
                                    acc[ow] += wv * x[ix];
                                }
                            }
                        }
                    }
                }
                int yRow = yOff + r * outW;
                for (int ow = 0; ow < outW; ow++) y[yRow + ow] = (float) acc[ow];
            }
        });
    }

    /**
     * The adjoint of {@link #forward} in {@code x}, plus an optional bias: from {@code gy[N, O, out…]}
     * computes {@code gx[N, C, in…] = bias[c] + Σ_{o, k} w[o, c, k] · gy[n, o, p]} over every output
     * position {@code p} whose window tap {@code k} lands on the input position. This is the gradient
     * of a convolution with respect to its input and, read the other way round, the transposed
     * convolution (whose input is {@code gy} and whose weight is {@code [C_in, C_out/groups, k…]} =
     * {@code [O, C/groups, k…]} here). Parallel over input rows {@code (n, c, id, ih)}.
     *
     * @param batch       N
     * @param inChannels  C, the channels of {@code gx}
     * @param outChannels O, the channels of {@code gy}
     * @param groups      channel groups
     * @param win         spatial geometry: {@code gx}'s sizes are its input, {@code gy}'s its output
     * @param gy          output-side values, read from {@code gyOff} (not modified)
     * @param w           weight {@code [O, C/groups, k…]} (not modified)
     * @param bias        per-{@code gx}-channel bias ({@code C} values), or null (not modified)
     * @param gx          input-side result, written from {@code gxOff} (modified)
     */
    public static void backwardData(int batch, int inChannels, int outChannels, int groups, SlidingWindow win,
            float[] gy, int gyOff, float[] w, int wOff, float[] bias, int biasOff, float[] gx, int gxOff) {
        int cPerGroup = inChannels / groups, oPerGroup = outChannels / groups;
        int inD = win.inDepth, inH = win.inHeight, inW = win.inWidth;
        int kD = win.kernelDepth, kH = win.kernelHeight, kW = win.kernelWidth;
        int outD = win.outDepth, outH = win.outHeight, outW = win.outWidth;
        int sD = win.strideDepth, sH = win.strideHeight, sW = win.strideWidth;
        int pD = win.paddingDepth, pH = win.paddingHeight, pW = win.paddingWidth;
        int dD = win.dilationDepth, dH = win.dilationHeight, dW = win.dilationWidth;
        int outVolume = win.outVolume(), kVolume = win.kernelVolume();
        int rows = batch * inChannels * inD * inH;
        long rowCost = (long) Math.max(inW, outW) * oPerGroup * kVolume / ((long) sD * sH) + inW;
        Parallel.forRange(rows, Parallel.grain(rows, rowCost), (lo, hi) -> {
            double[] acc = new double[inW];
            for (int r = lo; r < hi; r++) {
                int ih = r % inH, t = r / inH;
                int id = t % inD;
                t /= inD;
                int c = t % inChannels, n = t / inChannels;
                int g = c / cPerGroup, cInGroup = c % cPerGroup;
                Arrays.fill(acc, bias == null ? 0.0 : bias[biasOff + c]);
                for (int oi = 0; oi < oPerGroup; oi++) {
                    int o = g * oPerGroup + oi;
                    int gyPlane = gyOff + (n * outChannels + o) * outVolume;
                    int wTaps = wOff + (o * cPerGroup + cInGroup) * kVolume;
                    for (int kd = 0; kd < kD; kd++) {
                        int od = outputOf(id, kd, sD, pD, dD, outD);
                        if (od < 0) continue;
                        for (int kh = 0; kh < kH; kh++) {
                            int oh = outputOf(ih, kh, sH, pH, dH, outH);
                            if (oh < 0) continue;
                            int gyRow = gyPlane + (od * outH + oh) * outW;
                            int wRow = wTaps + (kd * kH + kh) * kW;
                            for (int kw = 0; kw < kW; kw++) {
                                int shift = kw * dW - pW;
                                int first = SlidingWindow.firstOutput(shift, sW);
                                int end = SlidingWindow.endOutput(inW, outW, shift, sW);
                                double wv = w[wRow + kw];
                                for (int ow = first, ix = first * sW + shift; ow < end; ow++, ix += sW) {
                                    acc[ix] += wv * gy[gyRow + ow];
                                }
                            }
                        }
                    }
                }
                int gxRow = gxOff + r * inW;
                for (int iw = 0; iw < inW; iw++) gx[gxRow + iw] = (float) acc[iw];
            }
        });
    }

    /**
     * The output position whose tap {@code k} reads input position {@code i}
     * ({@code i = o·stride − padding + k·dilation}), or −1 when there is none.
     */
    private static int outputOf(int i, int k, int stride, int padding, int dilation, int out) {
        int s = i + padding - k * dilation;
        if (s < 0 || s % stride != 0) return -1;
        int o = s / stride;
        return o < out ? o : -1;
    }

    /**
     * The adjoint of {@link #forward} in {@code w}: {@code gw[o, c, k] = Σ_{n, p} gy[n, o, p] ·
     * x[n, g·C/groups + c, p·stride − padding + k·dilation]}. Parallel over {@code (o, c)} pairs; each
     * weight element is summed by one task over {@code (n, p)} in row-major order.
     *
     * @param batch       N
     * @param inChannels  C, the channels of {@code x}
     * @param outChannels O, the channels of {@code gy}
     * @param groups      channel groups
     * @param win         spatial geometry: {@code x}'s sizes are its input, {@code gy}'s its output
     * @param x           forward input {@code [N, C, in…]} (not modified)
     * @param gy          output gradient {@code [N, O, out…]} (not modified)
     * @param gw          weight gradient {@code [O, C/groups, k…]}, written from {@code gwOff} (modified)
     */
    public static void backwardWeight(int batch, int inChannels, int outChannels, int groups, SlidingWindow win,
            float[] x, int xOff, float[] gy, int gyOff, float[] gw, int gwOff) {
        int cPerGroup = inChannels / groups, oPerGroup = outChannels / groups;
        int inD = win.inDepth, inH = win.inHeight, inW = win.inWidth;
        int kD = win.kernelDepth, kH = win.kernelHeight, kW = win.kernelWidth;
        int outD = win.outDepth, outH = win.outHeight, outW = win.outWidth;
        int sD = win.strideDepth, sH = win.strideHeight, sW = win.strideWidth;
        int pD = win.paddingDepth, pH = win.paddingHeight, pW = win.paddingWidth;
        int dD = win.dilationDepth, dH = win.dilationHeight, dW = win.dilationWidth;
        int inVolume = win.inVolume(), outVolume = win.outVolume(), kVolume = win.kernelVolume();
        int pairs = outChannels * cPerGroup;
        long pairCost = (long) batch * outVolume * kVolume + kVolume;
        Parallel.forRange(pairs, Parallel.grain(pairs, pairCost), (lo, hi) -> {
            double[] acc = new double[kVolume];
            for (int pair = lo; pair < hi; pair++) {
                int o = pair / cPerGroup, c = pair % cPerGroup;
                int g = o / oPerGroup;
                Arrays.fill(acc, 0.0);
                for (int n = 0; n < batch; n++) {
                    int xPlane = xOff + (n * inChannels + g * cPerGroup + c) * inVolume;
                    int gyPlane = gyOff + (n * outChannels + o) * outVolume;
                    for (int od = 0; od < outD; od++) {
                        for (int oh = 0; oh < outH; oh++) {
                            int gyRow = gyPlane + (od * outH + oh) * outW;
                            for (int kd = 0; kd < kD; kd++) {
                                int id = od * sD - pD + kd * dD;
                                if (id < 0 || id >= inD) continue;
                                for (int kh = 0; kh < kH; kh++) {
                                    int ih = oh * sH - pH + kh * dH;
                                    if (ih < 0 || ih >= inH) continue;
                                    int xRow = xPlane + (id * inH + ih) * inW;
                                    int tap = (kd * kH + kh) * kW;
                                    for (int kw = 0; kw < kW; kw++) {
                                        int shift = kw * dW - pW;
                                        int first = SlidingWindow.firstOutput(shift, sW);
                                        int end = SlidingWindow.endOutput(inW, outW, shift, sW);
                                        double s = 0;
                                        for (int ow = first, ix = xRow + first * sW + shift; ow < end; ow++, ix += sW) {
                                            s += (double) gy[gyRow + ow] * x[ix];
                                        }
                                        acc[tap + kw] += s;
                                    }
                                }
                            }
                        }
                    }
                }
                int gwTaps = gwOff + pair * kVolume;
                for (int k = 0; k < kVolume; k++) gw[gwTaps + k] = (float) acc[k];
            }
        });
    }
}
