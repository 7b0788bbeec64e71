package mrisr.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import mrisr.kernels.reference.Gemm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The Vector API GEMM against its scalar twin on odd sizes, offsets, strides and all transposes. */
class SgemmTest {
    private static float[] random(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextGaussian();
        return v;
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "7,5,3", "6,32,256", "13,33,257", "97,101,300", "200,65,513", "5,200,31"})
    void matchesScalarTwinForAllTransposes(int m, int n, int k) {
        Random rnd = new Random(m * 1000L + n * 10L + k);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 5;
                int aOff = 7, bOff = 3, cOff = 11;
                float[] a = random(rnd, aOff + (ta ? k : m) * lda);
                float[] b = random(rnd, bOff + (tb ? n : k) * ldb);
                float[] c0 = random(rnd, cOff + m * ldc);
                float[] expected = c0.clone(), actual = c0.clone();
                Gemm.sgemm(ta, tb, m, n, k, 0.75f, a, aOff, lda, b, bOff, ldb, 0.5f, expected, cOff, ldc);
                Sgemm.sgemm(1, ta, tb, m, n, k, 0.75f, a, aOff, lda, 0, b, bOff, ldb, 0, 0.5f, actual, cOff, ldc, 0);
                // float accumulation vs the twin's double: error grows like sqrt(k)·eps·|terms|
                double bound = 1e-5 * Math.sqrt(k) * 4;
                for (int i = 0; i < cOff + m * ldc; i++) {
                    boolean inC = i >= cOff && (i - cOff) % ldc < n;
                    if (!inC) {
                        assertThat(actual[i]).as("untouched padding at %d", i).isEqualTo(c0[i]);
                    } else {
                        assertThat((double) actual[i]).as("C[%d] ta=%s tb=%s", i, ta, tb)
                                .isCloseTo(expected[i], org.assertj.core.data.Offset.offset(bound * (1 + Math.abs(expected[i]))));
                    }
                }
            }
        }
    }

    @Test
    void betaZeroIgnoresNaNInC() {
        float[] a = {1, 2}, b = {3, 4}, c = {Float.NaN};
        Sgemm.sgemm(1, false, false, 1, 1, 2, 1f, a, 0, 2, 0, b, 0, 1, 0, 0f, c, 0, 1, 0);
        assertThat(c[0]).isEqualTo(11f);
    }

    @Test
    void batchedAndBitIdenticalAcrossThreadCounts() {
        Random rnd = new Random(5);
        int batch = 3, m = 70, n = 90, k = 300;
        float[] a = random(rnd, batch * m * k), b = random(rnd, batch * k * n);
        float[] one = new float[batch * m * n], two = new float[batch * m * n];
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Sgemm.sgemm(batch, false, false, m, n, k, 1f, a, 0, k, m * k, b, 0, n, k * n, 0f, one, 0, n, m * n);
            Parallel.setThreads(2);
            Sgemm.sgemm(batch, false, false, m, n, k, 1f, a, 0, k, m * k, b, 0, n, k * n, 0f, two, 0, n, m * n);
        } finally {
            Parallel.setThreads(before);
        }
        assertThat(two).containsExactly(one);
        float[] ref = new float[m * n];
        Gemm.sgemm(false, false, m, n, k, 1f, a, 2 * m * k, k, b, 2 * k * n, n, 0f, ref, 0, n);
        for (int i = 0; i < m * n; i++) assertThat((double) one[2 * m * n + i]).isCloseTo(ref[i], org.assertj.core.data.Offset.offset(1e-3));
    }
}
