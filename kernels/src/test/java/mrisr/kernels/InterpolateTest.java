package mrisr.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import mrisr.kernels.reference.InterpolateReference;
import mrisr.kernels.reference.InterpolateReference.AxisTaps;
import mrisr.kernels.reference.InterpolateReference.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The vector interpolation kernels against the scalar twin {@link InterpolateReference}, for nearest,
 * linear and cubic tables in 1-D, 2-D and 3-D, align_corners on and off, up- and downsampling, odd
 * sizes (1, primes). Bounds ({@code u = 2⁻²⁴}; magnitudes are the twin applied with {@code |w|} to
 * {@code |x|}): forward {@code ≤ 8·u·|A||x|} on the fused path (at most two taps per axis, output at
 * least a vector wide) and {@code ≤ 16·u·|A||x|} on the separable path (cubic, narrow outputs);
 * adjoint {@code ≤ (T_D·T_H + T_W + 8)·u·|A|ᵀ|g|} on the fused path and
 * {@code ≤ (T_D·T_H·T_W + T_D + T_H + T_W + 8)·u·|A|ᵀ|g|} on the separable one (the twin itself sums
 * up to {@code T_D·T_H·T_W} terms in float), {@code T} the most terms an input index receives along
 * an axis; nearest is exact.
 */
class InterpolateTest {
    private static final double U = 0x1p-24;

    private static float[] random(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextGaussian() * 3);
        return v;
    }

    private static float[] abs(float[] v) {
        float[] a = new float[v.length];
        for (int i = 0; i < v.length; i++) a[i] = Math.abs(v[i]);
        return a;
    }

    /** The same table with absolute weights (cubic weights change sign). */
    private static AxisTaps absolute(AxisTaps a) {
        return new AxisTaps(a.inSize(), a.outSize(), a.taps(), a.index(), abs(a.weight()));
    }

    /** Most output indices that read one input index. */
    private static int maxTerms(AxisTaps a) {
        int[] count = new int[a.inSize()];
        for (int i : a.index()) count[i]++;
        return Arrays.stream(count).max().orElse(1);
    }

    /** kind, planes, in (d,h,w), out (d,h,w) (d or h of 0 = axis absent), alignCorners, scale factor (0 = none). */
    @ParameterizedTest
    @CsvSource({"LINEAR,2,5,6,17,10,12,34,false,2", "LINEAR,1,8,8,40,16,16,80,false,2", "LINEAR,3,0,7,19,0,13,37,true,0",
            "LINEAR,2,0,0,33,0,0,100,false,0", "LINEAR,1,9,11,50,4,5,17,false,0", "NEAREST,2,5,6,17,10,12,34,false,2",
            "NEAREST,1,0,9,23,0,20,41,false,0", "LINEAR,1,3,4,16,3,4,16,false,0", "CUBIC,1,0,5,9,0,10,18,false,2",
            "LINEAR,2,4,3,20,7,5,8,true,0", "CUBIC,2,5,6,17,10,12,34,false,2", "CUBIC,1,7,11,13,3,5,29,true,0",
            "CUBIC,3,0,7,19,0,13,37,false,0", "CUBIC,1,0,0,33,0,0,100,true,0", "CUBIC,2,9,11,50,4,5,17,false,0",
            "CUBIC,1,1,1,1,2,3,5,false,0", "CUBIC,1,1,2,3,1,7,23,false,0", "CUBIC,1,13,1,37,13,1,37,false,0",
            "LINEAR,2,3,5,7,6,10,13,false,0", "NEAREST,1,3,5,7,5,9,11,false,0"})
    void matchesTheTwinWithinTheStatedBounds(Kind kind, int planes, int inD, int inH, int inW, int outD, int outH,
            int outW, boolean align, int factor) {
        double sf = factor == 0 ? Double.NaN : factor;
        AxisTaps d = inD == 0 ? AxisTaps.identity() : InterpolateReference.axis(kind, inD, outD, align, sf);
        AxisTaps h = inH == 0 ? AxisTaps.identity() : InterpolateReference.axis(kind, inH, outH, align, sf);
        AxisTaps w = InterpolateReference.axis(kind, inW, outW, align, sf);
        Random rnd = new Random(planes * 1000L + inW * 10L + outW);
        int inPlane = d.inSize() * h.inSize() * inW, outPlane = d.outSize() * h.outSize() * outW;
        float[] x = random(rnd, planes * inPlane), gy = random(rnd, planes * outPlane);
        float[] yF = new float[planes * outPlane], yT = new float[planes * outPlane], yAbs = new float[planes * outPlane];
        Interpolate.forward(planes, d, h, w, x, yF);
        InterpolateReference.forward(planes, d, h, w, x, yT);
        InterpolateReference.forward(planes, absolute(d), absolute(h), absolute(w), abs(x), yAbs);
        float[] gF = new float[planes * inPlane], gT = new float[planes * inPlane], gAbs = new float[planes * inPlane];
        Interpolate.backward(planes, d, h, w, gy, gF);
        InterpolateReference.backward(planes, d, h, w, gy, gT);
        InterpolateReference.backward(planes, absolute(d), absolute(h), absolute(w), abs(gy), gAbs);
        if (kind == Kind.NEAREST) {
            assertThat(Arrays.equals(yF, yT)).as("nearest forward is exact").isTrue();
        }
        boolean fused = Interpolate.covered(d, h, w);
        double forward = fused ? 8 : 16;
        for (int i = 0; i < yF.length; i++) {
            assertThat((double) Math.abs(yF[i] - yT[i])).as("y[%d]", i).isLessThanOrEqualTo(forward * U * yAbs[i]);
        }
        int tD = maxTerms(d), tH = maxTerms(h), tW = maxTerms(w);
        double terms = fused ? tD * tH + tW + 8 : tD * tH * tW + tD + tH + tW + 8;
        for (int i = 0; i < gF.length; i++) {
            assertThat((double) Math.abs(gF[i] - gT[i])).as("gx[%d]", i).isLessThanOrEqualTo(terms * U * gAbs[i]);
        }
    }

    @ParameterizedTest
    @CsvSource({"LINEAR", "CUBIC"})
    void bitIdenticalForOneAndTwoThreads(Kind kind) {
        AxisTaps d = InterpolateReference.axis(kind, 12, 24, false, 2);
        AxisTaps h = InterpolateReference.axis(kind, 13, 26, false, 2);
        AxisTaps w = InterpolateReference.axis(kind, 29, 58, false, 2);
        Random rnd = new Random(3);
        float[] x = random(rnd, 2 * 12 * 13 * 29), gy = random(rnd, 2 * 24 * 26 * 58);
        float[][] one = run(d, h, w, x, gy, 1), two = run(d, h, w, x, gy, 2);
        assertThat(Arrays.equals(one[0], two[0])).isTrue();
        assertThat(Arrays.equals(one[1], two[1])).isTrue();
    }

    private static float[][] run(AxisTaps d, AxisTaps h, AxisTaps w, float[] x, float[] gy, int threads) {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(threads);
            float[] y = new float[gy.length], gx = new float[x.length];
            Interpolate.forward(2, d, h, w, x, y);
            Interpolate.backward(2, d, h, w, gy, gx);
            return new float[][] {y, gx};
        } finally {
            Parallel.setThreads(before);
        }
    }

    /** kind, in (d,h,w), out (d,h,w) (d of 0 = 2-D), alignCorners. */
    @ParameterizedTest
    @CsvSource({"LINEAR,5,7,20,11,3,45,true", "CUBIC,5,7,20,11,3,45,true", "CUBIC,0,9,31,0,18,62,false",
            "CUBIC,6,5,17,12,10,34,false", "CUBIC,11,13,40,5,6,19,false", "CUBIC,0,1,7,0,3,16,false"})
    void adjointIdentityHolds(Kind kind, int inD, int inH, int inW, int outD, int outH, int outW, boolean align) {
        AxisTaps d = inD == 0 ? AxisTaps.identity() : InterpolateReference.axis(kind, inD, outD, align, Double.NaN);
        AxisTaps h = InterpolateReference.axis(kind, inH, outH, align, Double.NaN);
        AxisTaps w = InterpolateReference.axis(kind, inW, outW, align, Double.NaN);
        Random rnd = new Random(8);
        float[] x = random(rnd, d.inSize() * inH * inW), g = random(rnd, d.outSize() * outH * outW);
        float[] ax = new float[g.length], atg = new float[x.length];
        Interpolate.forward(1, d, h, w, x, ax);
        Interpolate.backward(1, d, h, w, g, atg);
        double lhs = 0, rhs = 0, scale = 0;
        for (int i = 0; i < g.length; i++) {
            lhs += (double) ax[i] * g[i];
            scale += Math.abs((double) ax[i] * g[i]);
        }
        for (int i = 0; i < x.length; i++) rhs += (double) x[i] * atg[i];
        assertThat(Math.abs(lhs - rhs)).isLessThanOrEqualTo(1e-5 * scale);
    }
}
