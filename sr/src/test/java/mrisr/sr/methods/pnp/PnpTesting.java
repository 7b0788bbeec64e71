package mrisr.sr.methods.pnp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.kernels.Parallel;
import mrisr.sr.volume.Volume;

/** Shared helpers of the plug-and-play tests: one pinned seed, thread-count runs, double-precision sums. */
final class PnpTesting {
    /** The seed every test here derives its random inputs from. */
    static final long SEED = 20250301L;

    private PnpTesting() {}

    /** Standard normal values of {@code shape}, from {@code SEED + salt}. */
    static float[] randn(long salt, int... shape) {
        return Tensor.randn(new Rng(SEED + salt), shape).toArray();
    }

    /** Uniform values in [0, 1) of {@code shape}, from {@code SEED + salt}. */
    static float[] rand(long salt, int... shape) {
        return Tensor.rand(new Rng(SEED + salt), shape).toArray();
    }

    /** Runs {@code work} with {@code threads} worker threads, restoring the previous count. */
    static <T> T withThreads(int threads, Supplier<T> work) {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(threads);
            return work.get();
        } finally {
            Parallel.setThreads(before);
        }
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    static double norm(float[] a) {
        return Math.sqrt(dot(a, a));
    }

    /** {@code 10·log10(R²/MSE)} with {@code R = max(ref) − min(ref)}, in double. */
    static double psnr(float[] ref, float[] test) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY, se = 0;
        for (int i = 0; i < ref.length; i++) {
            lo = Math.min(lo, ref[i]);
            hi = Math.max(hi, ref[i]);
            double d = (double) ref[i] - test[i];
            se += d * d;
        }
        return 10 * Math.log10((hi - lo) * (hi - lo) / (se / ref.length));
    }

    /**
     * The isotropic TV objective {@code ½‖x − v‖² + w·Σ|∇x|₂} (forward differences, Neumann
     * boundary) on a row-major {@code [nx, ny, nz]} grid, in double.
     */
    static double tvObjective(double[] x, float[] v, int[] s, double w) {
        double fit = 0, tv = 0;
        for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < s[1]; j++) {
                for (int k = 0; k < s[2]; k++) {
                    int c = (i * s[1] + j) * s[2] + k;
                    double d = x[c] - v[c];
                    fit += d * d;
                    double g0 = i + 1 < s[0] ? x[c + s[1] * s[2]] - x[c] : 0;
                    double g1 = j + 1 < s[1] ? x[c + s[2]] - x[c] : 0;
                    double g2 = k + 1 < s[2] ? x[c + 1] - x[c] : 0;
                    tv += Math.sqrt(g0 * g0 + g1 * g1 + g2 * g2);
                }
            }
        }
        return 0.5 * fit + w * tv;
    }

    /**
     * An {@code n³} test object of 1 mm voxels: a head ellipsoid (0.3) holding a brain ellipsoid
     * (+0.4) and seven smaller rotated ellipsoids (intensities in [−0.3, 0.4]) placed from
     * {@code seed}, with logistic edges about a voxel wide (partial volume, as an acquisition sees
     * it), so the object is piecewise smooth with sharp boundaries.
     */
    static Volume ellipsoids(int n, long seed) {
        float[] u = rand(seed, 64);
        int next = 0;
        double c = (n - 1) / 2.0;
        List<double[]> shapes = new ArrayList<>(); // centre i, j, k; radii i, j, k; angle about k; value
        shapes.add(new double[] {c, c, c, 0.45 * n, 0.40 * n, 0.43 * n, 0, 0.3});
        shapes.add(new double[] {c, c, c, 0.37 * n, 0.32 * n, 0.35 * n, 0, 0.4});
        for (int e = 0; e < 7; e++) {
            double[] d = new double[8];
            for (int a = 0; a < 3; a++) d[a] = c + (u[next++] - 0.5) * 0.35 * n;
            for (int a = 0; a < 3; a++) d[3 + a] = (0.06 + 0.12 * u[next++]) * n;
            d[6] = Math.PI * u[next++];
            d[7] = -0.3 + 0.7 * u[next++];
            shapes.add(d);
        }
        float[] v = new float[n * n * n];
        for (int i = 0, p = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++, p++) {
                    double s = 0;
                    for (double[] e : shapes) {
                        double di = i - e[0], dj = j - e[1], dk = k - e[2], cos = Math.cos(e[6]), sin = Math.sin(e[6]);
                        double a = (cos * di + sin * dj) / e[3], b = (-sin * di + cos * dj) / e[4], g = dk / e[5];
                        double distance = (1 - Math.sqrt(a * a + b * b + g * g)) * Math.min(e[3], Math.min(e[4], e[5]));
                        s += e[7] / (1 + Math.exp(-distance / 0.3));
                    }
                    v[p] = (float) s;
                }
            }
        }
        return Volume.of(Tensor.fromArray(v, n, n, n), Volume.diagonalAffine(1, 1, 1));
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }
}
