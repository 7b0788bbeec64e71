package mrisr.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import mrisr.kernels.reference.NormReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Vector layer/group norm against the scalar twin {@link NormReference}, with the bounds of
 * {@link Normalize} ({@code u = 2⁻²⁴}, {@code D} the block sum depth, {@code K = D + 16}):
 * mean {@code ≤ (D + 4)·u·mean|x|}; rstd {@code ≤ (D + 6)·u·rstd}; y
 * {@code ≤ (D + 8)·u·((|x| + |μ|)·rstd·|w| + |b|)}; input gradient
 * {@code ≤ K·u·rstd·(|ĝ| + mean|ĝ| + (|x| + |μ|)·rstd·mean|ĝ·x̂|)}; weight and bias gradients
 * {@code ≤ (max(ROW_BLOCK, D) + 8)·u·Σ|g|·((|x| + |μ|)·rstd)} and {@code ≤ (max(ROW_BLOCK, D) + 4)·u·Σ|g|}.
 * Rows have a mean offset of 20 against unit spread, so the rounding of {@code x − μ} is exercised.
 */
class NormalizeTest {
    private static final double U = 0x1p-24;
    private static final double D = Reductions.BLOCK / (4.0 * VectorMath.S.length()) + 2 * VectorMath.S.length() + 3;

    private static float[] random(Random rnd, int n, double mean, double sd) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (mean + sd * rnd.nextGaussian());
        return v;
    }

    /** rows, groups, perGroup, segment, weight (0 none, 1 weight+bias, 2 weight only, 3 bias only). */
    @ParameterizedTest
    @CsvSource({"7,1,13,1,1", "3,1,1,1,1", "5,1,100,1,0", "2,1,4099,1,1", "130,1,37,1,2", "9,1,40,1,3",
            "6,3,2,25,1", "4,2,3,7,0", "2,1,5,1000,1", "8,4,1,33,2", "3,3,4,1,1", "2,2,1,5000,3"})
    void matchesTheTwinWithinTheStatedBounds(int rows, int groups, int perGroup, int segment, int affine) {
        Random rnd = new Random(rows * 100_000L + groups * 1000L + perGroup * 10L + segment + affine);
        int len = perGroup * segment, channels = groups * perGroup;
        float[] x = random(rnd, rows * len, 20, 1);
        float[] w = affine == 1 || affine == 2 ? random(rnd, channels, 1, 0.5) : null;
        float[] b = affine == 1 || affine == 3 ? random(rnd, channels, 0, 0.5) : null;
        double eps = 1e-5;
        float[] yF = new float[rows * len], yT = new float[rows * len];
        float[] mF = new float[rows], mT = new float[rows], rF = new float[rows], rT = new float[rows];
        Normalize.forward(x, rows, groups, perGroup, segment, w, b, eps, yF, mF, rF);
        NormReference.normalize(x, rows, groups, perGroup, segment, w, b, eps, yT, mT, rT);
        float[] g = random(rnd, rows * len, 0, 1);
        float[] gxF = new float[rows * len], gxT = new float[rows * len];
        Normalize.backwardInput(g, x, mT, rT, rows, groups, perGroup, segment, w, gxF);
        NormReference.normalizeBackwardInput(g, x, mT, rT, rows, groups, perGroup, segment, w, gxT);
        float[] gwF = new float[channels], gwT = new float[channels], gbF = new float[channels], gbT = new float[channels];
        Normalize.backwardAffine(g, x, mT, rT, rows, groups, perGroup, segment, gwF, gbF);
        NormReference.normalizeBackwardAffine(g, x, mT, rT, rows, groups, perGroup, segment, gwT, gbT);

        double[] gwScale = new double[channels], gbScale = new double[channels];
        for (int r = 0; r < rows; r++) {
            int c0 = (r % groups) * perGroup;
            double meanAbs = 0, meanGh = 0, meanGhXh = 0;
            for (int j = 0; j < len; j++) {
                int p = r * len + j;
                double wc = w == null ? 1 : w[c0 + j / segment];
                double xh = (x[p] - mT[r]) * rT[r];
                meanAbs += Math.abs(x[p]) / len;
                meanGh += Math.abs(g[p] * wc) / len;
                meanGhXh += Math.abs(g[p] * wc * xh) / len;
            }
            assertThat((double) Math.abs(mF[r] - mT[r])).as("mean %d", r).isLessThanOrEqualTo((D + 4) * U * meanAbs);
            assertThat((double) Math.abs(rF[r] - rT[r])).as("rstd %d", r).isLessThanOrEqualTo((D + 6) * U * rT[r]);
            for (int j = 0; j < len; j++) {
                int p = r * len + j, c = c0 + j / segment;
                double wc = w == null ? 1 : w[c], bc = b == null ? 0 : b[c];
                double scale = (Math.abs(x[p]) + Math.abs(mT[r])) * rT[r];
                assertThat((double) Math.abs(yF[p] - yT[p])).as("y %d", p)
                        .isLessThanOrEqualTo((D + 8) * U * (scale * Math.abs(wc) + Math.abs(bc)));
                double gxBound = (D + 16) * U * rT[r] * (Math.abs(g[p] * wc) + meanGh + scale * meanGhXh);
                assertThat((double) Math.abs(gxF[p] - gxT[p])).as("gx %d", p).isLessThanOrEqualTo(gxBound);
                gwScale[c] += Math.abs(g[p]) * scale;
                gbScale[c] += Math.abs(g[p]);
            }
        }
        double depth = Math.max(Normalize.ROW_BLOCK, D);
        for (int c = 0; c < channels; c++) {
            assertThat((double) Math.abs(gwF[c] - gwT[c])).as("gw %d", c).isLessThanOrEqualTo((depth + 8) * U * gwScale[c]);
            assertThat((double) Math.abs(gbF[c] - gbT[c])).as("gb %d", c).isLessThanOrEqualTo((depth + 4) * U * gbScale[c]);
        }
    }

    @Test
    void constantRowsGiveZeroAndEps() {
        int len = 37;
        float[] x = new float[2 * len];
        java.util.Arrays.fill(x, 3.5f);
        float[] y = new float[x.length], mean = new float[2], rstd = new float[2];
        Normalize.forward(x, 2, 1, len, 1, null, null, 0.25, y, mean, rstd);
        assertThat(mean).containsExactly(3.5f, 3.5f);
        assertThat(rstd).containsExactly(2f, 2f);
        for (float v : y) assertThat(v).isEqualTo(0f);
    }

    @Test
    void bitIdenticalForOneAndTwoThreads() {
        Random rnd = new Random(8);
        int rows = 96, groups = 4, perGroup = 3, segment = 301;
        int len = perGroup * segment;
        float[] x = random(rnd, rows * len, 2, 1), g = random(rnd, rows * len, 0, 1);
        float[] w = random(rnd, groups * perGroup, 1, 0.5), b = random(rnd, groups * perGroup, 0, 0.5);
        float[] lw = random(rnd, len, 1, 0.5), lb = random(rnd, len, 0, 0.5);
        float[][] one = run(x, g, w, b, lw, lb, rows, groups, perGroup, segment, 1);
        float[][] two = run(x, g, w, b, lw, lb, rows, groups, perGroup, segment, 2);
        for (int k = 0; k < one.length; k++) assertThat(java.util.Arrays.equals(two[k], one[k])).as("result %d", k).isTrue();
    }

    private static float[][] run(float[] x, float[] g, float[] w, float[] b, float[] lw, float[] lb, int rows,
            int groups, int perGroup, int segment, int threads) {
        int before = Parallel.threads();
        int len = perGroup * segment, n = rows * len;
        try {
            Parallel.setThreads(threads);
            float[][] r = {new float[n], new float[rows], new float[rows], new float[n], new float[groups * perGroup],
                    new float[groups * perGroup], new float[n], new float[rows], new float[rows], new float[n],
                    new float[len], new float[len]};
            Normalize.forward(x, rows, groups, perGroup, segment, w, b, 1e-5, r[0], r[1], r[2]);
            Normalize.backwardInput(g, x, r[1], r[2], rows, groups, perGroup, segment, w, r[3]);
            Normalize.backwardAffine(g, x, r[1], r[2], rows, groups, perGroup, segment, r[4], r[5]);
            Normalize.forward(x, rows, 1, len, 1, lw, lb, 1e-5, r[6], r[7], r[8]);
            Normalize.backwardInput(g, x, r[7], r[8], rows, 1, len, 1, lw, r[9]);
            Normalize.backwardAffine(g, x, r[7], r[8], rows, 1, len, 1, r[10], r[11]);
            return r;
        } finally {
            Parallel.setThreads(before);
        }
    }
}
