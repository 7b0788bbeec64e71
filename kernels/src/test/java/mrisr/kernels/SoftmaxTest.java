package mrisr.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import mrisr.kernels.reference.NormReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * Vector softmax/log-softmax against the scalar twin {@link NormReference}, along the last axis and
 * along a middle axis (full lane groups plus leftover lines), with the bounds stated in
 * {@link Softmax}: {@code u = 2⁻²⁴}, {@code D} the block sum depth,
 * softmax {@code ≤ (|x − m| + D + 8)·u·|y|}, log-softmax {@code ≤ (2|x − m| + 2|y| + D + 8)·u};
 * backward (from the twin's y) softmax {@code ≤ (D + 8)·u·|y|·(|g| + Σ|g·y|)}, log-softmax
 * {@code ≤ (D + 8)·u·(|g| + e^y·Σ|g|)}.
 */
class SoftmaxTest {
    private static final double U = 0x1p-24;
    private static final double D = Reductions.BLOCK / (4.0 * VectorMath.S.length()) + 2 * VectorMath.S.length() + 3;

    private static float[] input(Random rnd, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) (rnd.nextGaussian() * 4);
        // edge values: huge logits (the max shift must absorb them), masked entries, ties
        for (int i = 0; i < size; i += 29) x[i] = 1000f;
        for (int i = 5; i < size; i += 31) x[i] = Float.NEGATIVE_INFINITY;
        for (int i = 7; i < size; i += 37) x[i] = -1000f;
        return x;
    }

    @ParameterizedTest
    @CsvSource({"7,13,1", "3,1,1", "5,100,1", "2,5000,1", "3,17,5", "2,9,37", "1,300,20", "4,3,16", "1,600,33"})
    void forwardAndBackwardWithinTheStatedBounds(int outer, int n, int inner) {
        Random rnd = new Random(outer * 1000L + n * 10L + inner);
        int size = outer * n * inner;
        float[] x = input(rnd, size);
        float[] g = new float[size];
        for (int i = 0; i < size; i++) g[i] = (float) rnd.nextGaussian();
        for (boolean log : new boolean[] {false, true}) {
            float[] fast = new float[size], twin = new float[size];
            Softmax.forward(x, outer, n, inner, log, fast);
            NormReference.softmax(x, outer, n, inner, log, twin);
            float[] gxFast = new float[size], gxTwin = new float[size];
            Softmax.backward(twin, g, outer, n, inner, log, gxFast);
            NormReference.softmaxBackward(twin, g, outer, n, inner, log, gxTwin);
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    int base = o * n * inner + i;
                    double m = Double.NEGATIVE_INFINITY, sumAbsG = 0, sumAbsGY = 0;
                    for (int j = 0; j < n; j++) {
                        int p = base + j * inner;
                        m = Math.max(m, x[p]);
                        sumAbsG += Math.abs(g[p]);
                        sumAbsGY += Math.abs(g[p] * twin[p]);
                    }
                    for (int j = 0; j < n; j++) {
                        int p = base + j * inner;
                        String at = String.format("%s [%d,%d,%d]", log ? "log_softmax" : "softmax", o, j, i);
                        double fwdBound, bwdBound;
                        if (log) {
                            fwdBound = (2 * Math.abs(x[p] - m) + 2 * Math.abs(twin[p]) + D + 8) * U;
                            bwdBound = (D + 8) * U * (Math.abs(g[p]) + Math.exp(twin[p]) * sumAbsG);
                        } else {
                            double shift = x[p] == Float.NEGATIVE_INFINITY ? 0 : Math.abs(x[p] - m);
                            fwdBound = (shift + D + 8) * U * Math.abs(twin[p]);
                            bwdBound = (D + 8) * U * Math.abs(twin[p]) * (Math.abs(g[p]) + sumAbsGY);
                        }
                        if (Float.isInfinite(twin[p])) {
                            assertThat(fast[p]).as(at).isEqualTo(twin[p]);
                        } else {
                            assertThat((double) Math.abs(fast[p] - twin[p])).as(at).isLessThanOrEqualTo(fwdBound);
                        }
                        if (log && twin[p] == Float.NEGATIVE_INFINITY) {
                            assertThat(gxFast[p]).as(at + " backward").isEqualTo(gxTwin[p]);
                        } else {
                            assertThat((double) Math.abs(gxFast[p] - gxTwin[p])).as(at + " backward")
                                    .isLessThanOrEqualTo(bwdBound);
                        }
                    }
                }
            }
        }
    }

    @Test
    void bitIdenticalForOneAndTwoThreads() {
        Random rnd = new Random(11);
        int outer = 300, n = 70, inner = 21;
        float[] x = input(rnd, outer * n * inner), g = input(rnd, outer * n * inner);
        for (int i = 0; i < g.length; i++) if (!Float.isFinite(g[i])) g[i] = 0.5f;
        float[][] one = run(x, g, outer, n, inner, 1), two = run(x, g, outer, n, inner, 2);
        for (int k = 0; k < one.length; k++) assertThat(java.util.Arrays.equals(two[k], one[k])).as("result %d", k).isTrue();
    }

    private static float[][] run(float[] x, float[] g, int outer, int n, int inner, int threads) {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(threads);
            float[][] r = new float[8][x.length];
            for (int k = 0; k < 2; k++) {
                boolean log = k == 1;
                Softmax.forward(x, outer, n, inner, log, r[4 * k]);
                Softmax.backward(r[4 * k], g, outer, n, inner, log, r[4 * k + 1]);
                Softmax.forward(x, outer * inner, n, 1, log, r[4 * k + 2]);
                Softmax.backward(r[4 * k + 2], g, outer * inner, n, 1, log, r[4 * k + 3]);
            }
            return r;
        } finally {
            Parallel.setThreads(before);
        }
    }
}
