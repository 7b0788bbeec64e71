package mrisr.sr.physics;

import static mrisr.sr.physics.PhysicsTesting.randn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import org.junit.jupiter.api.Test;

class LinearOperatorTest {

    /** The operator as a dense double matrix, column c = A e_c. */
    private static double[][] dense(LinearOperator a) {
        int n = Math.toIntExact(mrisr.engine.Shape.numelLong(a.inputShape()));
        int m = Math.toIntExact(mrisr.engine.Shape.numelLong(a.outputShape()));
        double[][] d = new double[m][n];
        for (int c = 0; c < n; c++) {
            float[] e = new float[n];
            e[c] = 1;
            float[] col = a.apply(Tensor.fromArray(e, a.inputShape())).toArray();
            for (int r = 0; r < m; r++) d[r][c] = col[r];
        }
        return d;
    }

    /** Gaussian elimination with partial pivoting in double. */
    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = java.util.Arrays.copyOf(a[i], n + 1);
            m[i][n] = b[i];
        }
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
            double[] t = m[c];
            m[c] = m[p];
            m[p] = t;
            for (int r = c + 1; r < n; r++) {
                double f = m[r][c] / m[c][c];
                for (int k = c; k <= n; k++) m[r][k] -= f * m[c][k];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = m[r][n];
            for (int k = r + 1; k < n; k++) s -= m[r][k] * x[k];
            x[r] = s / m[r][r];
        }
        return x;
    }

    @Test
    void cgSolvesTheTikhonovNormalEquations() {
        int[] s = {4, 3, 6};
        LinearOperator a = Downsampling.area(s, new double[] {1, 1, 2})
                .compose(Blur.gaussian(s, new double[] {1, 1, 1}, new double[] {1.5, 0, 2}, Boundary.SYMMETRIC));
        Tensor y = randn(1, a.outputShape());
        double lambda = 0.05;
        double[][] d = dense(a);
        int n = d[0].length;
        double[][] normal = new double[n][n];
        double[] rhs = new double[n];
        float[] yv = y.toArray();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int r = 0; r < d.length; r++) sum += d[r][i] * d[r][j];
                normal[i][j] = sum + (i == j ? lambda : 0);
            }
            for (int r = 0; r < d.length; r++) rhs[i] += d[r][i] * yv[r];
        }
        double[] expected = solve(normal, rhs);
        float[] x = a.cgSolve(y, lambda, 300, 1e-9).toArray();
        double err = 0, ref = 0;
        for (int i = 0; i < n; i++) {
            err += (x[i] - expected[i]) * (x[i] - expected[i]);
            ref += expected[i] * expected[i];
        }
        assertThat(Math.sqrt(err / ref)).isLessThan(1e-5);
    }

    @Test
    void normEstimateIsSeededAndExactForADiagonalOperator() {
        float[] field = {0.5f, -2.0f, 1.5f, 0.25f, 1.0f, -0.75f};
        BiasField b = BiasField.of(Tensor.fromArray(field, 1, 2, 3));
        assertThat(b.normEstimate(100, 1)).isCloseTo(2.0, within(1e-6));
        LinearOperator blur = Blur.gaussian(new int[] {6, 5, 4}, new double[] {1, 1, 1}, new double[] {2, 2, 2}, Boundary.ZERO);
        assertThat(blur.normEstimate(10, 3)).isEqualTo(blur.normEstimate(10, 3));
    }

    @Test
    void composeChecksShapesAndNamesBothOperators() {
        LinearOperator d = Downsampling.decimate(new int[] {4, 4, 8}, new int[] {1, 1, 2});
        LinearOperator other = Blur.gaussian(new int[] {4, 4, 8}, new double[] {1, 1, 1}, new double[] {1, 1, 1}, Boundary.ZERO);
        assertThatThrownBy(() -> other.compose(d)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("[4,4,8]").hasMessageContaining("[4,4,4]").hasMessageContaining("decimation");
        LinearOperator c = d.compose(other);
        assertThat(c.inputShape()).containsExactly(4, 4, 8);
        assertThat(c.outputShape()).containsExactly(4, 4, 4);
        assertThat(c.name()).contains("decimation").contains("gaussian blur");
        assertThat(d.normal().outputShape()).containsExactly(4, 4, 8);
    }

    @Test
    void cgRejectsBadArguments() {
        LinearOperator d = Downsampling.decimate(new int[] {2, 2, 4}, new int[] {1, 1, 2});
        assertThatThrownBy(() -> d.cgSolve(Tensor.zeros(2, 2, 2), -1, 10, 1e-6)).isInstanceOf(IllegalArgumentException.class);
        assertThat(d.cgSolve(Tensor.zeros(2, 2, 2), 0, 10, 1e-6).toArray()).containsOnly(0f);
    }
}
