package mrisr.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import mrisr.kernels.reference.Reduce;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Vector row reductions against the scalar twin {@link Reduce}. The sum's bound (see
 * {@link Reductions}): {@code |fast − twin| ≤ (BLOCK/(4·lanes) + 2·lanes + 3)·2⁻²⁴·Σ|x| + ulp(twin)};
 * the maximum must have the same value.
 */
class ReductionsTest {
    private static final int L = VectorMath.S.length();

    @ParameterizedTest
    @CsvSource({"1,1", "3,7", "5,17", "9,100", "2,2049", "4,4097", "1,100003", "3,70001", "1000,3"})
    void sumRowsWithinTheStatedBound(int rows, int len) {
        Random rnd = new Random(rows * 31L + len);
        float[] x = new float[rows * len];
        for (int i = 0; i < x.length; i++) x[i] = (float) (rnd.nextGaussian() * 10 + 3);
        float[] fast = new float[rows], twin = new float[rows];
        Reductions.sumRows(x, rows, len, fast);
        Reduce.sumRows(x, rows, len, twin);
        double depth = Reductions.BLOCK / (4.0 * L) + 2 * L + 3;
        for (int r = 0; r < rows; r++) {
            double abs = 0;
            for (int j = 0; j < len; j++) abs += Math.abs(x[r * len + j]);
            double bound = depth * 0x1p-24 * abs + Math.ulp(twin[r]);
            assertThat((double) Math.abs(fast[r] - twin[r])).as("row %d", r).isLessThanOrEqualTo(bound);
        }
    }

    @ParameterizedTest
    @CsvSource({"1,1", "3,7", "5,17", "9,100", "2,2049", "1,100003"})
    void maxRowsSameValue(int rows, int len) {
        Random rnd = new Random(rows * 17L + len);
        float[] x = new float[rows * len];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        float[] fast = new float[rows], twin = new float[rows];
        Reductions.maxRows(x, rows, len, fast);
        Reduce.maxRows(x, rows, len, twin);
        assertThat(fast).containsExactly(twin);
    }

    @Test
    void maxRowsEdgeValues() {
        int len = 2 * L + 3;
        float[] x = new float[4 * len];
        java.util.Arrays.fill(x, 0, len, Float.NEGATIVE_INFINITY);
        java.util.Arrays.fill(x, len, 2 * len, -5f);
        x[len + L + 1] = Float.NaN;                 // NaN in the vector body
        java.util.Arrays.fill(x, 2 * len, 3 * len, -7f);
        x[3 * len - 1] = Float.POSITIVE_INFINITY;   // +∞ in the scalar tail
        java.util.Arrays.fill(x, 3 * len, 4 * len, -0f);
        x[4 * len - 2] = 0f;
        float[] out = new float[4];
        Reductions.maxRows(x, 4, len, out);
        assertThat(out[0]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(out[1]).isNaN();
        assertThat(out[2]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(out[3] == 0f).isTrue(); // the sign of a zero maximum is not specified
    }

    @Test
    void sumIsBitIdenticalForOneAndTwoThreads() {
        Random rnd = new Random(4);
        float[] x = new float[3 * 150_001];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        float[] one = new float[3], two = new float[3], many = new float[3000], manyTwo = new float[3000];
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Reductions.sumRows(x, 3, 150_001, one);
            Reductions.sumRows(x, 3000, 150, many);
            Parallel.setThreads(2);
            Reductions.sumRows(x, 3, 150_001, two);
            Reductions.sumRows(x, 3000, 150, manyTwo);
        } finally {
            Parallel.setThreads(before);
        }
        assertThat(two).containsExactly(one);
        assertThat(manyTwo).containsExactly(many);
    }

    @Test
    void lanesAreAddedInLaneOrder() {
        float[] v = new float[L];
        v[0] = 1e8f;
        for (int i = 1; i < L; i++) v[i] = 1f; // each 1 is lost against 1e8 when added one at a time
        float s = Reductions.lanes(jdk.incubator.vector.FloatVector.fromArray(VectorMath.S, v, 0));
        assertThat(s).isEqualTo(1e8f);
    }
}
