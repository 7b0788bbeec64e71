package mrisr.kernels.reference;

import java.util.Arrays;
import mrisr.kernels.Parallel;

/**
 * Scalar kernels for separable interpolation of up to three spatial axes (PyTorch's
 * {@code F.interpolate} with modes nearest, (bi/tri)linear and (bi/tri)cubic).
 *
 * <p>Each axis is described by an {@link AxisTaps} table: output index {@code o} reads the input
 * indices {@code index[o·taps + t]} with weights {@code weight[o·taps + t]}, {@code t < taps}. An
 * output value of a plane is the nested weighted sum
 * {@code y[d,h,w] = Σ_a wD_a Σ_b wH_b Σ_c wW_c · x[iD_a, iH_b, iW_c]}, accumulated in double.
 * The backward pass applies the adjoint: each output gradient is scattered back with the product of
 * the same weights.
 *
 * <p>The tables reproduce PyTorch's CPU coordinate rules bit for bit, in float32 like PyTorch does
 * for float tensors:
 * <ul>
 *   <li>scale: with {@code alignCorners} {@code (in−1)/(out−1)} (0 when {@code out = 1}); otherwise
 *       {@code 1/scaleFactor} when a positive scale factor was given, else {@code in/out};
 *   <li>source coordinate: with {@code alignCorners} {@code scale·o}; otherwise
 *       {@code scale·(o + ½) − ½}, clamped below at 0 for nearest and linear (not for cubic);
 *   <li>nearest: {@code min(floor(o·scale), in−1)}, with PyTorch's exact shortcuts {@code o} when
 *       {@code out = in} and {@code o/2} when {@code out = 2·in};
 *   <li>linear: {@code i0 = min(floor(src), in−1)}, {@code i1 = min(i0+1, in−1)},
 *       {@code λ = clamp(src − i0, 0, 1)}, weights {@code (1−λ, λ)}; an axis whose output size
 *       equals its input size is copied;
 *   <li>cubic: Keys' kernel with {@code A = −0.75} on {@code t = src − floor(src)}, taps at
 *       {@code floor(src) − 1 … floor(src) + 2} clamped into {@code [0, in−1]}.
 * </ul>
 *
 * <pre>{@code
 * AxisTaps h = InterpolateReference.axis(Kind.LINEAR, 5, 9, false, Double.NaN);
 * AxisTaps w = InterpolateReference.axis(Kind.LINEAR, 7, 3, false, Double.NaN);
 * InterpolateReference.forward(planes, AxisTaps.identity(), h, w, x, y);
 * }</pre>
 */
public final class InterpolateReference {
    private InterpolateReference() {}

    /** The one-dimensional interpolation kernel applied along every axis. */
    public enum Kind {
        /** PyTorch's legacy {@code 'nearest'}: {@code floor(o·scale)}, one tap. */
        NEAREST,
        /** Linear interpolation between the two neighbours, two taps. */
        LINEAR,
        /** Cubic convolution with {@code A = −0.75}, four taps. */
        CUBIC
    }

    /** PyTorch's cubic convolution coefficient (the "A" of Keys' kernel, as in OpenCV). */
    public static final float CUBIC_A = -0.75f;

    /**
     * The input indices and weights of one axis.
     *
     * @param inSize  input length of the axis
     * @param outSize output length of the axis
     * @param taps    taps per output index (1, 2 or 4)
     * @param index   {@code outSize·taps} input indices, each in {@code [0, inSize)}
     * @param weight  {@code outSize·taps} weights
     */
    public record AxisTaps(int inSize, int outSize, int taps, int[] index, float[] weight) {
        /** The trivial axis of length 1 (pads 1-D and 2-D problems to three axes). */
        public static AxisTaps identity() {
            return new AxisTaps(1, 1, 1, new int[] {0}, new float[] {1f});
        }
    }

    /**
     * Builds the taps of one axis.
     *
     * @param kind         interpolation kernel
     * @param inSize       input length (≥ 1)
     * @param outSize      output length (≥ 1)
     * @param alignCorners PyTorch's {@code align_corners} (must be false for nearest)
     * @param scaleFactor  the user's scale factor for this axis, or NaN when the output size was given;
     *                     used only for the coordinate mapping without {@code alignCorners}
     */
    public static AxisTaps axis(Kind kind, int inSize, int outSize, boolean alignCorners, double scaleFactor) {
        if (inSize < 1 || outSize < 1) {
            throw new IllegalArgumentException("axis sizes must be >= 1, got in=" + inSize + " out=" + outSize);
        }
        return switch (kind) {
            case NEAREST -> nearestAxis(inSize, outSize, scaleFactor);
            case LINEAR -> linearAxis(inSize, outSize, alignCorners, scaleFactor);
            case CUBIC -> cubicAxis(inSize, outSize, alignCorners, scaleFactor);
        };
    }

    /** PyTorch's {@code compute_scales_value}: {@code 1/scaleFactor} if one was given, else {@code in/out}. */
    private static float scalesValue(int inSize, int outSize, double scaleFactor) {
        return scaleFactor > 0 ? (float) (1.0 / scaleFactor) : (float) inSize / outSize;
    }

    /** PyTorch's {@code area_pixel_compute_scale}. */
    private static float areaPixelScale(int inSize, int outSize, boolean alignCorners, double scaleFactor) {
        if (alignCorners) return outSize > 1 ? (float) (inSize - 1) / (outSize - 1) : 0f;
        return scalesValue(inSize, outSize, scaleFactor);
    }

    /** PyTorch's {@code area_pixel_compute_source_index}. */
    private static float sourceIndex(float scale, int o, boolean alignCorners, boolean cubic) {
        if (alignCorners) return scale * o;
        float src = scale * (o + 0.5f) - 0.5f;
        return !cubic && src < 0 ? 0f : src;
    }

    private static AxisTaps nearestAxis(int inSize, int outSize, double scaleFactor) {
        int[] index = new int[outSize];
        float[] weight = new float[outSize];
        float scale = scalesValue(inSize, outSize, scaleFactor);
        for (int o = 0; o < outSize; o++) {
            // the two shortcuts avoid float rounding in floor() for the common scales 1 and 2
            if (outSize == inSize) index[o] = o;
            else if (outSize == 2 * inSize) index[o] = o >> 1;
            else index[o] = Math.min((int) Math.floor(o * scale), inSize - 1);
            weight[o] = 1f;
        }
        return new AxisTaps(inSize, outSize, 1, index, weight);
    }

    private static AxisTaps linearAxis(int inSize, int outSize, boolean alignCorners, double scaleFactor) {
        int[] index = new int[2 * outSize];
        float[] weight = new float[2 * outSize];
        float scale = areaPixelScale(inSize, outSize, alignCorners, scaleFactor);
        for (int o = 0; o < outSize; o++) {
            int i0;
            float lambda1;
            if (outSize == inSize) {
                i0 = o;
                lambda1 = 0f;
            } else {
                float src = sourceIndex(scale, o, alignCorners, false);
                i0 = Math.min((int) Math.floor(src), inSize - 1);
                lambda1 = Math.min(Math.max(src - i0, 0f), 1f);
            }
            index[2 * o] = i0;
            index[2 * o + 1] = i0 < inSize - 1 ? i0 + 1 : i0;
            weight[2 * o] = 1f - lambda1;
            weight[2 * o + 1] = lambda1;
        }
        return new AxisTaps(inSize, outSize, 2, index, weight);
    }

    private static AxisTaps cubicAxis(int inSize, int outSize, boolean alignCorners, double scaleFactor) {
        int[] index = new int[4 * outSize];
        float[] weight = new float[4 * outSize];
        float scale = areaPixelScale(inSize, outSize, alignCorners, scaleFactor);
        for (int o = 0; o < outSize; o++) {
            float src = sourceIndex(scale, o, alignCorners, true);
            int i = Math.min((int) Math.floor(src), inSize - 1);
            float t = Math.min(Math.max(src - i, 0f), 1f);
            cubicCoefficients(t, weight, 4 * o);
            for (int j = 0; j < 4; j++) index[4 * o + j] = Math.max(Math.min(i - 1 + j, inSize - 1), 0);
        }
        return new AxisTaps(inSize, outSize, 4, index, weight);
    }

    /** The four cubic weights at fractional offset {@code t} (PyTorch's {@code get_cubic_upsample_coefficients}). */
    private static void cubicCoefficients(float t, float[] out, int off) {
        float opposite = 1f - t;
        out[off] = cubicFar(t + 1f);
        out[off + 1] = cubicNear(t);
        out[off + 2] = cubicNear(opposite);
        out[off + 3] = cubicFar(opposite + 1f);
    }

    /** Keys' kernel for {@code |x| ≤ 1}: {@code (A+2)|x|³ − (A+3)|x|² + 1}. */
    private static float cubicNear(float x) {
        return ((CUBIC_A + 2) * x - (CUBIC_A + 3)) * x * x + 1;
    }

    /** Keys' kernel for {@code 1 < |x| < 2}: {@code A|x|³ − 5A|x|² + 8A|x| − 4A}. */
    private static float cubicFar(float x) {
        return ((CUBIC_A * x - 5 * CUBIC_A) * x + 8 * CUBIC_A) * x - 4 * CUBIC_A;
    }

    /**
     * Interpolates {@code planes} contiguous planes {@code x[p, iD, iH, iW]} into
     * {@code y[p, oD, oH, oW]} (overwritten). Parallel over output rows {@code (p, od, oh)}.
     *
     * @param d taps of the depth axis ({@link AxisTaps#identity()} for 1-D and 2-D problems)
     * @param h taps of the height axis ({@link AxisTaps#identity()} for 1-D problems)
     * @param w taps of the width axis
     */
    public static void forward(int planes, AxisTaps d, AxisTaps h, AxisTaps w, float[] x, float[] y) {
        int iH = h.inSize(), iW = w.inSize();
        int oD = d.outSize(), oH = h.outSize(), oW = w.outSize();
        int inPlane = d.inSize() * iH * iW;
        int rows = planes * oD * oH;
        int td = d.taps(), th = h.taps(), tw = w.taps();
        int grain = Parallel.grain(rows, (long) oW * td * th * tw);
        Parallel.forRange(rows, grain, (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int p = r / (oD * oH), od = r / oH % oD, oh = r % oH;
                int plane = p * inPlane;
                int outRow = r * oW;
                for (int ow = 0; ow < oW; ow++) {
                    double acc = 0;
                    for (int a = 0; a < td; a++) {
                        int baseD = plane + d.index()[od * td + a] * iH * iW;
                        double accH = 0;
                        for (int b = 0; b < th; b++) {
                            int baseH = baseD + h.index()[oh * th + b] * iW;
                            double accW = 0;
                            for (int c = 0; c < tw; c++) {
                                accW += (double) w.weight()[ow * tw + c] * x[baseH + w.index()[ow * tw + c]];
                            }
                            accH += h.weight()[oh * th + b] * accW;
                        }
                        acc += d.weight()[od * td + a] * accH;
                    }
                    y[outRow + ow] = (float) acc;
                }
            }
        });
    }

    /**
     * The adjoint of {@link #forward}: {@code gx[p] = Aᵀ gy[p]} for every plane, {@code gx}
     * overwritten. Each plane of {@code gx} is accumulated by one task in output order, so the result
     * does not depend on the thread count. Parallel over planes.
     */
    public static void backward(int planes, AxisTaps d, AxisTaps h, AxisTaps w, float[] gy, float[] gx) {
        int iH = h.inSize(), iW = w.inSize();
        int oD = d.outSize(), oH = h.outSize(), oW = w.outSize();
        int inPlane = d.inSize() * iH * iW, outPlane = oD * oH * oW;
        int td = d.taps(), th = h.taps(), tw = w.taps();
        int grain = Parallel.grain(planes, (long) outPlane * td * th * tw);
        Parallel.forRange(planes, grain, (lo, hi) -> {
            for (int p = lo; p < hi; p++) {
                int plane = p * inPlane;
                Arrays.fill(gx, plane, plane + inPlane, 0f);
                int o = p * outPlane;
                for (int od = 0; od < oD; od++) {
                    for (int oh = 0; oh < oH; oh++) {
                        for (int ow = 0; ow < oW; ow++, o++) {
                            float g = gy[o];
                            for (int a = 0; a < td; a++) {
                                int baseD = plane + d.index()[od * td + a] * iH * iW;
                                float gd = g * d.weight()[od * td + a];
                                for (int b = 0; b < th; b++) {
                                    int baseH = baseD + h.index()[oh * th + b] * iW;
                                    float gh = gd * h.weight()[oh * th + b];
                                    for (int c = 0; c < tw; c++) {
                                        gx[baseH + w.index()[ow * tw + c]] += gh * w.weight()[ow * tw + c];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
    }
}
