package mrisr.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import mrisr.kernels.reference.Gemm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Vector API GEMM against its scalar twin on odd sizes, offsets, strides, all transposes, and
 * sizes on either side of every blocking edge (micro-tile rows and columns, K block, task rows and
 * columns), with a rounding bound derived per element rather than a fixed tolerance.
 */
class SgemmTest {
    private static final double U = Math.ulp(1f) / 2;

    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    /**
     * Runs one (batched) call against the twin. Each operand gets a leading offset and padded leading
     * dimensions; C's padding must stay untouched. The bound is the standard one for a float dot
     * product, {@code (k + 3)·u·(|alpha|·Σ|a||b| + |beta|·|c|)}, with {@code Σ|a||b|} computed in double.
     */
    private static void check(Random rnd, int batch, boolean ta, boolean tb, int m, int n, int k, float alpha, float beta,
            boolean nanC) {
        int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 5;
        int aOff = 7, bOff = 3, cOff = 11;
        int strideA = (ta ? k : m) * lda + 1, strideB = (tb ? n : k) * ldb + 4, strideC = m * ldc + 2;
        float[] a = random(rnd, aOff + batch * strideA), b = random(rnd, bOff + batch * strideB);
        float[] c0 = random(rnd, cOff + batch * strideC);
        if (nanC) Arrays.fill(c0, Float.NaN);
        float[] expected = c0.clone(), actual = c0.clone();
        for (int t = 0; t < batch; t++) {
            Gemm.sgemm(ta, tb, m, n, k, alpha, a, aOff + t * strideA, lda, b, bOff + t * strideB, ldb, beta, expected,
                    cOff + t * strideC, ldc);
        }
        Sgemm.sgemm(batch, ta, tb, m, n, k, alpha, a, aOff, lda, strideA, b, bOff, ldb, strideB, beta, actual, cOff, ldc,
                strideC);
        for (int i = 0; i < c0.length; i++) {
            int t = (i - cOff) / strideC, local = (i - cOff) % strideC, row = local / ldc, col = local % ldc;
            boolean inC = i >= cOff && t < batch && row < m && col < n;
            if (!inC) {
                assertThat(Float.floatToRawIntBits(actual[i])).as("untouched padding at %d", i)
                        .isEqualTo(Float.floatToRawIntBits(c0[i]));
                continue;
            }
            double magnitude = 0;
            for (int p = 0; p < k; p++) {
                float av = ta ? a[aOff + t * strideA + p * lda + row] : a[aOff + t * strideA + row * lda + p];
                float bv = tb ? b[bOff + t * strideB + col * ldb + p] : b[bOff + t * strideB + p * ldb + col];
                magnitude += Math.abs((double) av * bv);
            }
            double bound = (k + 3) * U * (Math.abs(alpha) * magnitude + (beta == 0f ? 0 : Math.abs(beta * c0[i]))) + 1e-30;
            assertThat((double) actual[i]).as("C[%d] (batch %d, row %d, col %d) m=%d n=%d k=%d ta=%s tb=%s", i, t, row, col, m,
                    n, k, ta, tb).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(bound));
        }
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "7,5,3", "6,32,256", "13,33,257", "97,101,300", "200,65,513", "5,200,31"})
    void matchesScalarTwinForAllTransposes(int m, int n, int k) {
        Random rnd = new Random(m * 1000L + n * 10L + k);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) check(rnd, 1, ta, tb, m, n, k, 0.75f, 0.5f, false);
        }
    }

    /** Sizes one below, at and one above the blocking edges: MR (6, 12), NR (2 vectors), KC, MC, NG. */
    @ParameterizedTest
    @CsvSource({
        "5,31,255", "6,32,256", "7,33,257", "11,1,1", "12,16,2", "13,17,3", "18,63,17", "119,255,511", "3,40,1100",
        "120,256,512", "121,257,513", "241,34,40", "25,511,9"})
    void matchesScalarTwinAcrossBlockingEdges(int m, int n, int k) {
        Random rnd = new Random(31L * m + 7L * n + k);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) check(rnd, 1, ta, tb, m, n, k, -1.25f, 1f, false);
        }
    }

    @Test
    void matchesScalarTwinOnRandomShapesAndScalars() {
        Random rnd = new Random(2024);
        float[] alphas = {1f, -0.5f, 2f}, betas = {0f, 1f, -0.75f};
        for (int trial = 0; trial < 25; trial++) {
            int m = 1 + rnd.nextInt(130), n = 1 + rnd.nextInt(270), k = 1 + rnd.nextInt(520);
            int batch = 1 + rnd.nextInt(3);
            float beta = betas[rnd.nextInt(betas.length)];
            check(rnd, batch, rnd.nextBoolean(), rnd.nextBoolean(), m, n, k, alphas[rnd.nextInt(alphas.length)], beta,
                    beta == 0f && rnd.nextBoolean());
        }
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        float[] a = {1, 2}, b = {3, 4}, c = {Float.NaN};
        Sgemm.sgemm(1, false, false, 1, 1, 2, 1f, a, 0, 2, 0, b, 0, 1, 0, 0f, c, 0, 1, 0);
        assertThat(c[0]).isEqualTo(11f);
        // full-width and partial tiles, one and several K blocks
        Random rnd = new Random(9);
        check(rnd, 1, false, false, 13, 3 * Sgemm.NR + 5, 300, 1f, 0f, true);
        check(rnd, 2, true, true, 25, Sgemm.NR, 7, 0.5f, 0f, true);
    }

    /** Enough small matrices that the batch is packed in several chunks. */
    @Test
    void batchedCallsSpanningSeveralPackingChunks() {
        int m = 12, n = 32, k = 16;
        long perMatrix = (long) Math.ceilDiv(m, Sgemm.MR) * Sgemm.MR * Sgemm.KC + (long) Math.ceilDiv(n, Sgemm.NR) * Sgemm.NR * k;
        int batch = (int) (Sgemm.PACK_LIMIT / perMatrix) * 2 + 3;
        check(new Random(77), batch, false, true, m, n, k, 1f, 0f, false);
    }

    /** Operands taller or wider than one pass are packed and computed a block of rows (columns) at a time. */
    @Test
    void tallAndWideOperandsSpanSeveralPasses() {
        Random rnd = new Random(21);
        check(rnd, 1, true, false, Sgemm.ROWS_PER_PASS + 13, 37, 520, 1f, 0.5f, false);
        check(rnd, 2, false, true, 7, Sgemm.COLS_PER_PASS + 45, 33, -1f, 0f, true);
    }

    /** A stride of 0 reuses one operand for every matrix of the batch. */
    @Test
    void zeroBatchStrideBroadcastsAnOperand() {
        Random rnd = new Random(13);
        int batch = 4, m = 30, n = 40, k = 50;
        float[] a = random(rnd, m * k), b = random(rnd, batch * k * n);
        float[] c = new float[batch * m * n], ref = new float[m * n];
        Sgemm.sgemm(batch, false, false, m, n, k, 1f, a, 0, k, 0, b, 0, n, k * n, 0f, c, 0, n, m * n);
        for (int t = 0; t < batch; t++) {
            Gemm.sgemm(false, false, m, n, k, 1f, a, 0, k, b, t * k * n, n, 0f, ref, 0, n);
            for (int i = 0; i < m * n; i++) {
                assertThat((double) c[t * m * n + i]).isCloseTo(ref[i], org.assertj.core.data.Offset.offset(1e-3));
            }
        }
    }

    @Test
    void batchedAndBitIdenticalAcrossThreadCounts() {
        Random rnd = new Random(5);
        int batch = 2, m = 130, n = 270, k = 520;
        float[] a = random(rnd, batch * m * k), b = random(rnd, batch * k * n), c0 = random(rnd, batch * m * n);
        int before = Parallel.threads();
        try {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    int lda = ta ? m : k, ldb = tb ? k : n;
                    float[] one = c0.clone(), two = c0.clone();
                    Parallel.setThreads(1);
                    Sgemm.sgemm(batch, ta, tb, m, n, k, 0.5f, a, 0, lda, m * k, b, 0, ldb, k * n, 0.25f, one, 0, n, m * n);
                    Parallel.setThreads(2);
                    Sgemm.sgemm(batch, ta, tb, m, n, k, 0.5f, a, 0, lda, m * k, b, 0, ldb, k * n, 0.25f, two, 0, n, m * n);
                    assertThat(two).as("ta=%s tb=%s", ta, tb).containsExactly(one);
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }
}
