package mrisr.nn.deq;

import mrisr.engine.Rng;
import mrisr.engine.Tensor;

/**
 * Linear contractions {@code f(z) = A z + b} with a fixed point known in double precision, for
 * checking the solvers against an independent reference.
 */
final class LinearProblems {
    private LinearProblems() {}

    /** {@code A} (row-major n×n), {@code b}, and {@code z* = (I − A)⁻¹ b}, all in double. */
    record Problem(int n, double[][] a, double[] b, double[] fixedPoint) {
        Tensor apply(Tensor z) {
            float[] x = z.toArray();
            float[] out = new float[n];
            for (int i = 0; i < n; i++) {
                double s = b[i];
                for (int j = 0; j < n; j++) s += a[i][j] * x[j];
                out[i] = (float) s;
            }
            return Tensor.fromArray(out, n);
        }

        double relativeError(Tensor z) {
            float[] x = z.toArray();
            double num = 0, den = 0;
            for (int i = 0; i < n; i++) {
                num += (x[i] - fixedPoint[i]) * (x[i] - fixedPoint[i]);
                den += fixedPoint[i] * fixedPoint[i];
            }
            return Math.sqrt(num / den);
        }
    }

    /**
     * Symmetric {@code A = Q diag(λ) Qᵀ} with eigenvalues evenly spread over {@code [lo, hi]} and a
     * random orthogonal {@code Q}; then {@code z* = Q diag(1/(1 − λ)) Qᵀ b} exactly.
     */
    static Problem symmetric(int n, double lo, double hi, long seed) {
        Rng rng = new Rng(seed);
        double[][] q = orthogonal(n, rng);
        double[] lambda = new double[n];
        for (int k = 0; k < n; k++) lambda[k] = lo + (hi - lo) * k / (n - 1);
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) s += q[i][k] * lambda[k] * q[j][k];
                a[i][j] = s;
            }
        }
        double[] b = gaussian(n, rng);
        double[] qtb = new double[n];
        for (int k = 0; k < n; k++) for (int i = 0; i < n; i++) qtb[k] += q[i][k] * b[i];
        double[] z = new double[n];
        for (int i = 0; i < n; i++) for (int k = 0; k < n; k++) z[i] += q[i][k] * qtb[k] / (1 - lambda[k]);
        return new Problem(n, a, b, z);
    }

    /** A non-symmetric Gaussian {@code A} scaled to spectral norm {@code norm}; {@code z*} by Gaussian elimination. */
    static Problem general(int n, double norm, long seed) {
        Rng rng = new Rng(seed);
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) a[i] = gaussian(n, rng);
        double s = norm / spectralNorm(a);
        for (double[] row : a) for (int j = 0; j < n; j++) row[j] *= s;
        double[] b = gaussian(n, rng);
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) m[i][j] = (i == j ? 1 : 0) - a[i][j];
        return new Problem(n, a, b, solve(m, b.clone()));
    }

    static double[] gaussian(int n, Rng rng) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextGaussian();
        return v;
    }

    /** Columns of a random orthogonal matrix (modified Gram–Schmidt on a Gaussian matrix). */
    static double[][] orthogonal(int n, Rng rng) {
        double[][] q = new double[n][];
        for (int i = 0; i < n; i++) q[i] = gaussian(n, rng);
        for (int k = 0; k < n; k++) {
            for (int p = 0; p < k; p++) {
                double d = 0;
                for (int i = 0; i < n; i++) d += q[i][k] * q[i][p];
                for (int i = 0; i < n; i++) q[i][k] -= d * q[i][p];
            }
            double nn = 0;
            for (int i = 0; i < n; i++) nn += q[i][k] * q[i][k];
            nn = Math.sqrt(nn);
            for (int i = 0; i < n; i++) q[i][k] /= nn;
        }
        return q;
    }

    /** {@code ‖A‖₂} by 500 power iterations on {@code AᵀA}. */
    static double spectralNorm(double[][] a) {
        int n = a.length;
        double[] v = new double[n];
        java.util.Arrays.fill(v, 1 / Math.sqrt(n));
        double lambda = 0;
        for (int it = 0; it < 500; it++) {
            double[] av = new double[n], w = new double[n];
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) av[i] += a[i][j] * v[j];
            for (int j = 0; j < n; j++) for (int i = 0; i < n; i++) w[j] += a[i][j] * av[i];
            double wn = 0;
            for (double x : w) wn += x * x;
            wn = Math.sqrt(wn);
            lambda = wn;
            for (int i = 0; i < n; i++) v[i] = w[i] / wn;
        }
        return Math.sqrt(lambda);
    }

    /** Gaussian elimination with partial pivoting; {@code m} and {@code b} are overwritten. */
    static double[] solve(double[][] m, double[] b) {
        int n = b.length;
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
            double[] tr = m[c];
            m[c] = m[p];
            m[p] = tr;
            double tb = b[c];
            b[c] = b[p];
            b[p] = tb;
            for (int r = c + 1; r < n; r++) {
                double f = m[r][c] / m[c][c];
                for (int k = c; k < n; k++) m[r][k] -= f * m[c][k];
                b[r] -= f * b[c];
            }
        }
        double[] x = new double[n];
        for (int r = n - 1; r >= 0; r--) {
            double s = b[r];
            for (int k = r + 1; k < n; k++) s -= m[r][k] * x[k];
            x[r] = s / m[r][r];
        }
        return x;
    }
}
