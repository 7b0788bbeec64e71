package mrisr.sr.methods.modelbased;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import mrisr.engine.Rng;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import org.junit.jupiter.api.Test;

class FiniteDifferencesTest {
    private static final int[][] SHAPES = {{1, 1, 1}, {5, 7, 3}, {1, 6, 11}, {13, 1, 2}, {8, 9, 10}};
    private static final double[][] SPACINGS = {{1, 1, 1}, {1, 1, 1}, {0.5, 2, 1}, {1, 1, 3}, {1.2, 1.2, 4}};

    private static float[] randn(long salt, int n) {
        return Tensor.randn(new Rng(TestVolumes.SEED + salt), n).toArray();
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    /** The gradient by its definition, in double: component a at (i, j, k). */
    private static double[] naiveGradient(float[] x, int[] s, double[] w) {
        int n = s[0] * s[1] * s[2];
        double[] g = new double[3 * n];
        for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < s[1]; j++) {
                for (int k = 0; k < s[2]; k++) {
                    int v = (i * s[1] + j) * s[2] + k;
                    if (i + 1 < s[0]) g[v] = w[0] * ((double) x[((i + 1) * s[1] + j) * s[2] + k] - x[v]);
                    if (j + 1 < s[1]) g[n + v] = w[1] * ((double) x[(i * s[1] + j + 1) * s[2] + k] - x[v]);
                    if (k + 1 < s[2]) g[2 * n + v] = w[2] * ((double) x[v + 1] - x[v]);
                }
            }
        }
        return g;
    }

    @Test
    void gradientMatchesTheDefinitionWithMinSpacingWeights() {
        for (int c = 0; c < SHAPES.length; c++) {
            int[] s = SHAPES[c];
            FiniteDifferences d = new FiniteDifferences(s, SPACINGS[c]);
            double min = Math.min(SPACINGS[c][0], Math.min(SPACINGS[c][1], SPACINGS[c][2]));
            double[] w = {min / SPACINGS[c][0], min / SPACINGS[c][1], min / SPACINGS[c][2]};
            assertThat(d.weights()).containsExactly(w);
            float[] x = randn(c, s[0] * s[1] * s[2]);
            float[] g = d.apply(Tensor.fromArray(x, s)).toArray();
            double[] expected = naiveGradient(x, s, w);
            assertThat(d.outputShape()).containsExactly(3, s[0], s[1], s[2]);
            for (int v = 0; v < g.length; v++) assertThat((double) g[v]).as("shape %d value %d", c, v).isCloseTo(expected[v], within(1e-5));
        }
    }

    @Test
    void adjointPassesTheDotProductTest() {
        for (int c = 0; c < SHAPES.length; c++) {
            int[] s = SHAPES[c];
            FiniteDifferences d = new FiniteDifferences(s, SPACINGS[c]);
            int n = s[0] * s[1] * s[2];
            Tensor x = Tensor.fromArray(randn(10 + c, n), s);
            Tensor q = Tensor.fromArray(randn(20 + c, 3 * n), 3, s[0], s[1], s[2]);
            Tensor dx = d.apply(x), dtq = d.adjoint(q);
            double lhs = dot(dx.toArray(), q.toArray()), rhs = dot(x.toArray(), dtq.toArray());
            double scale = Math.sqrt(dot(dx.toArray(), dx.toArray()) * dot(q.toArray(), q.toArray()));
            assertThat(Math.abs(lhs - rhs)).as("shape %d", c).isLessThanOrEqualTo(1e-5 * Math.max(scale, 1e-30));
        }
    }

    @Test
    void fusedLaplacianEqualsAdjointOfGradient() {
        int[] s = {7, 6, 9};
        FiniteDifferences d = new FiniteDifferences(s, new double[] {1, 2, 3});
        float[] x = randn(30, 7 * 6 * 9);
        float[] expected = d.adjoint(d.apply(Tensor.fromArray(x, s))).toArray();
        float[] out = new float[x.length];
        java.util.Arrays.fill(out, 1f);
        d.addNormal(x, 0.5, out);
        for (int v = 0; v < x.length; v++) assertThat(out[v]).isCloseTo(1 + 0.5f * expected[v], within(1e-4f));
    }

    @Test
    void normIsTheLargestEigenvalueOfTheNeumannLaplacian() {
        int[] s = {6, 5, 4};
        FiniteDifferences d = new FiniteDifferences(s, new double[] {1, 1, 2});
        double power = d.normEstimate(3000, 3);
        assertThat(d.normSquared()).isCloseTo(power * power, within(1e-3 * power * power));
        assertThat(d.normSquared()).isLessThan(4 * (1 + 1 + 0.25));
        assertThat(new FiniteDifferences(new int[] {1, 1, 1}, new double[] {1, 1, 1}).normSquared()).isZero();
    }

    @Test
    void totalVariationIsTheSumOfGradientMagnitudes() {
        int[] s = {5, 8, 6};
        double[] sp = {1, 1, 2};
        FiniteDifferences d = new FiniteDifferences(s, sp);
        float[] x = randn(40, 5 * 8 * 6);
        double[] g = naiveGradient(x, s, d.weights());
        int n = x.length;
        double expected = 0;
        for (int v = 0; v < n; v++) expected += Math.sqrt(g[v] * g[v] + g[n + v] * g[n + v] + g[2 * n + v] * g[2 * n + v]);
        assertThat(d.totalVariation(x)).isCloseTo(expected, within(1e-9 * expected));
        // a ramp of slope 1 along k has TV = number of voxels with a forward neighbour along k
        float[] ramp = new float[n];
        for (int v = 0; v < n; v++) ramp[v] = v % 6;
        assertThat(new FiniteDifferences(s, new double[] {1, 1, 1}).totalVariation(ramp)).isEqualTo(5 * 8 * 5);
    }

    @Test
    void rejectsBadShapesAndSpacings() {
        assertThatThrownBy(() -> new FiniteDifferences(new int[] {4, 0, 4}, new double[] {1, 1, 1}))
                .isInstanceOf(ShapeException.class).hasMessageContaining("axis 1 is 0");
        assertThatThrownBy(() -> new FiniteDifferences(new int[] {4, 4}, new double[] {1, 1, 1})).isInstanceOf(ShapeException.class);
        assertThatThrownBy(() -> new FiniteDifferences(new int[] {4, 4, 4}, new double[] {1, -1, 1}))
                .hasMessageContaining("voxel size -1.0 mm");
        FiniteDifferences d = new FiniteDifferences(new int[] {2, 2, 2}, new double[] {1, 1, 1});
        assertThatThrownBy(() -> d.apply(Tensor.zeros(2, 2, 3))).isInstanceOf(ShapeException.class).hasMessageContaining("[2,2,3]");
    }
}
