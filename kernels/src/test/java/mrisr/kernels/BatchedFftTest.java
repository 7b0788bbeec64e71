package mrisr.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import mrisr.kernels.reference.FftReference;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchedFft} against its double-precision O(n²) twin {@link FftReference} on random lines.
 *
 * <p>Error bound, per line: {@code ‖X − X_ref‖₂ ≤ 1e-5·max(1, log₂ n)·‖X_ref‖₂} (float Stockham
 * rounding grows like {@code u·log n}, {@code u = 2⁻²⁴ ≈ 6e-8}, so this leaves a wide margin while
 * still catching a wrong twiddle, which errs by O(1)). Also: forward then inverse with scale
 * {@code 1/n} is the identity within the same bound, and results are bit-identical with 1 and 2
 * threads.
 */
class BatchedFftTest {
    static final int[] LENGTHS = {1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25, 27, 30, 32, 45, 60, 64, 75, 100, 125,
            128, 243, 256};
    static final int[] INNERS = {1, 2, 3, 7, 16, 17, 33};

    static float[] random(Random rnd, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    static double bound(int n) {
        return 1e-5 * Math.max(1, Math.log(n) / Math.log(2));
    }

    /** Largest per-line relative L2 error of {@code got} vs {@code want}. */
    static double maxLineError(float[] got, float[] want, int outer, int n, int inner) {
        double worst = 0;
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double err = 0, norm = 0;
                for (int j = 0; j < n; j++) {
                    int p = 2 * ((o * n + j) * inner + i);
                    for (int c = 0; c < 2; c++) {
                        double d = got[p + c] - want[p + c];
                        err += d * d;
                        norm += (double) want[p + c] * want[p + c];
                    }
                }
                worst = Math.max(worst, Math.sqrt(err / Math.max(norm, 1e-300)));
            }
        }
        return worst;
    }

    @Test
    void supportedLengths() {
        for (int n : LENGTHS) assertThat(BatchedFft.supports(n)).as("n=%d", n).isTrue();
        assertThat(BatchedFft.supports(BatchedFft.MAX_LENGTH)).isTrue();
        for (int n : new int[] {0, -4, 7, 14, 49, 121, 2 * 7 * 16, 1 << 17}) assertThat(BatchedFft.supports(n)).as("n=%d", n).isFalse();
    }

    @Test
    void matchesTwinForwardAndInverse() {
        Random rnd = new Random(20261126);
        for (int n : LENGTHS) {
            for (int inner : INNERS) {
                // outer 37 with inner 1 fills whole blocks of contiguous lines (the transposing path)
                for (int outer : inner == 1 ? new int[] {1, 3, 37} : new int[] {1, 3}) {
                    if ((long) n * inner * outer > 40_000) continue; // keep the O(n²) twin fast
                    for (boolean inverse : new boolean[] {false, true}) {
                        float scale = inverse ? 0.75f : 1.25f;
                        float[] x = random(rnd, 2 * outer * n * inner);
                        float[] got = x.clone(), want = x.clone();
                        BatchedFft.complexAlong(got, outer, n, inner, inverse, scale);
                        FftReference.complexAlong(want, outer, n, inner, inverse, scale);
                        assertThat(maxLineError(got, want, outer, n, inner))
                                .as("n=%d inner=%d outer=%d inverse=%s", n, inner, outer, inverse)
                                .isLessThanOrEqualTo(bound(n));
                    }
                }
            }
        }
    }

    @Test
    void everyRadixOrderMatchesTheTwin() {
        Random rnd = new Random(8);
        int[][] orders = {{8, 8}, {8, 4, 4}, {2, 8, 8}, {4, 8, 2}, {8, 3, 5}, {5, 3, 2, 4}, {3, 5, 8}, {2, 2, 2}, {4, 4, 4}};
        for (int[] order : orders) {
            int n = Arrays.stream(order).reduce(1, (x, y) -> x * y);
            BatchedFft.Plan plan = new BatchedFft.Plan(n, order);
            for (int[] oi : new int[][] {{20, 1}, {2, 19}}) {
                float[] x = random(rnd, 2 * oi[0] * n * oi[1]);
                float[] got = new float[x.length], want = x.clone();
                BatchedFft.transform(plan, x, got, oi[0], oi[1], false, 1f);
                FftReference.complexAlong(want, oi[0], n, oi[1], false, 1f);
                assertThat(maxLineError(got, want, oi[0], n, oi[1])).as("radices %s inner %d", Arrays.toString(order), oi[1])
                        .isLessThanOrEqualTo(bound(n));
            }
        }
        assertThat(BatchedFft.Plan.radices(128)).containsExactly(4, 4, 8);
        assertThat(BatchedFft.Plan.radices(9 * 25 * 16)).containsExactly(2, 3, 3, 5, 5, 8);
        assertThatThrownBy(() -> new BatchedFft.Plan(12, new int[] {4, 4})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void forwardThenInverseIsIdentity() {
        Random rnd = new Random(7);
        for (int n : new int[] {1, 6, 30, 64, 100, 128, 243, 256, 1000, 4096}) {
            for (int inner : new int[] {1, 5, 16, 19}) {
                float[] x = random(rnd, 2 * 2 * n * inner);
                float[] y = x.clone();
                BatchedFft.complexAlong(y, 2, n, inner, false, 1f);
                BatchedFft.complexAlong(y, 2, n, inner, true, 1f / n);
                assertThat(maxLineError(y, x, 2, n, inner)).as("n=%d inner=%d", n, inner).isLessThanOrEqualTo(bound(n));
            }
        }
    }

    @Test
    void outOfPlaceMatchesInPlaceAndKeepsTheSource() {
        Random rnd = new Random(5);
        for (int[] shape : new int[][] {{3, 60, 1}, {2, 16, 33}, {1, 27, 7}}) {
            float[] x = random(rnd, 2 * shape[0] * shape[1] * shape[2]);
            float[] src = x.clone(), dst = new float[x.length], inPlace = x.clone();
            BatchedFft.complexAlong(src, dst, shape[0], shape[1], shape[2], true, 0.5f);
            BatchedFft.complexAlong(inPlace, shape[0], shape[1], shape[2], true, 0.5f);
            assertThat(src).containsExactly(x);
            assertThat(dst).containsExactly(inPlace);
        }
    }

    @Test
    void leavesTheRestOfTheArrayAlone() {
        Random rnd = new Random(3);
        int outer = 2, n = 12, inner = 17;
        float[] x = random(rnd, 2 * outer * n * inner + 10);
        float[] y = x.clone();
        BatchedFft.complexAlong(y, outer, n, inner, false, 1f);
        for (int p = 2 * outer * n * inner; p < x.length; p++) assertThat(y[p]).isEqualTo(x[p]);
    }

    @Test
    void bitIdenticalAcrossThreadCounts() {
        Random rnd = new Random(11);
        int before = Parallel.threads();
        try {
            for (int[] shape : new int[][] {{16, 60, 48}, {3, 128, 33}, {50, 128, 1}, {1000, 27, 1}}) {
                float[] x = random(rnd, 2 * shape[0] * shape[1] * shape[2]);
                float[] one = x.clone(), two = x.clone();
                Parallel.setThreads(1);
                BatchedFft.complexAlong(one, shape[0], shape[1], shape[2], false, 0.5f);
                Parallel.setThreads(2);
                BatchedFft.complexAlong(two, shape[0], shape[1], shape[2], false, 0.5f);
                // Arrays.equals compares bit patterns (NaN-safe) and, unlike containsExactly, is fast on big arrays
                assertThat(Arrays.equals(one, two)).as("shape %d,%d,%d", shape[0], shape[1], shape[2]).isTrue();
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void rejectsUnsupportedLengthAndShortArray() {
        assertThatThrownBy(() -> BatchedFft.complexAlong(new float[14], 1, 7, 1, false, 1f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7");
        assertThatThrownBy(() -> BatchedFft.complexAlong(new float[10], 1, 8, 1, false, 1f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 16 floats");
    }
}
