package mrisr.sr.methods.modelbased;

import mrisr.engine.Shape;
import mrisr.engine.Tensor;
import mrisr.sr.physics.LinearOperator;

/** Dense double-precision linear algebra for small reference solutions. */
final class Dense {
    private Dense() {}

    /** The operator as a dense matrix: column c is {@code A e_c}. */
    static double[][] matrix(LinearOperator a) {
        int n = Math.toIntExact(Shape.numelLong(a.inputShape()));
        int m = Math.toIntExact(Shape.numelLong(a.outputShape()));
        double[][] d = new double[m][n];
        for (int c = 0; c < n; c++) {
            float[] e = new float[n];
            e[c] = 1;
            float[] col = a.apply(Tensor.fromArray(e, a.inputShape())).toArray();
            for (int r = 0; r < m; r++) d[r][c] = col[r];
        }
        return d;
    }

    /** {@code AᵀA}. */
    static double[][] gram(double[][] a) {
        int n = a[0].length;
        double[][] g = new double[n][n];
        for (double[] row : a) {
            for (int i = 0; i < n; i++) {
                if (row[i] == 0) continue;
                for (int j = 0; j < n; j++) g[i][j] += row[i] * row[j];
            }
        }
        return g;
    }

    /** {@code Aᵀy}. */
    static double[] transposeTimes(double[][] a, float[] y) {
        double[] out = new double[a[0].length];
        for (int r = 0; r < a.length; r++) for (int c = 0; c < out.length; c++) out[c] += a[r][c] * y[r];
        return out;
    }

    /** {@code A x}. */
    static double[] times(double[][] a, double[] x) {
        double[] out = new double[a.length];
        for (int r = 0; r < a.length; r++) for (int c = 0; c < x.length; c++) out[r] += a[r][c] * x[c];
        return out;
    }

    /** Solves {@code A x = b} by Gaussian elimination with partial pivoting. */
    static double[] solve(double[][] a, double[] b) {
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
}
