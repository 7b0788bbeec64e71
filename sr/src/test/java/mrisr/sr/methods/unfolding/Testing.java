package mrisr.sr.methods.unfolding;

import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.sr.physics.LinearOperator;
import mrisr.sr.volume.Volume;

/** Shared helpers of the unfolding tests: one pinned seed and double-precision references. */
final class Testing {
    /** The seed every unfolding test derives its random inputs from. */
    static final long SEED = 20250301L;

    private Testing() {}

    static Tensor randn(long salt, int... shape) {
        return Tensor.randn(new Rng(SEED + salt), shape);
    }

    static double dot(Tensor a, Tensor b) {
        float[] x = a.toArray(), y = b.toArray();
        double s = 0;
        for (int i = 0; i < x.length; i++) s += (double) x[i] * y[i];
        return s;
    }

    static double norm(Tensor a) {
        return Math.sqrt(dot(a, a));
    }

    static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    /**
     * A phantom-like {@code [nx, ny, nz]} volume of 1 mm voxels: a head ellipsoid (0.3) holding a brain
     * ellipsoid (+0.3) and six smaller ellipsoids rotated about k with intensities in [−0.25, 0.5],
     * drawn from {@code seed}, with logistic edges 0.4 voxel wide (smooth, but with sharp boundaries).
     */
    static Volume ellipsoids(int[] shape, long seed) {
        Rng rng = new Rng(seed);
        float[] u = Tensor.rand(rng, 64).toArray();
        int next = 0;
        double[] c = new double[3], n = new double[3];
        for (int a = 0; a < 3; a++) {
            n[a] = shape[a];
            c[a] = (shape[a] - 1) / 2.0;
        }
        double[][] shapes = new double[8][]; // centre i, j, k; radii i, j, k; angle about k; value
        shapes[0] = new double[] {c[0], c[1], c[2], 0.46 * n[0], 0.42 * n[1], 0.44 * n[2], 0, 0.3};
        shapes[1] = new double[] {c[0], c[1], c[2], 0.38 * n[0], 0.34 * n[1], 0.36 * n[2], 0, 0.3};
        for (int e = 2; e < 8; e++) {
            double[] d = new double[8];
            for (int a = 0; a < 3; a++) d[a] = c[a] + (u[next++] - 0.5) * 0.35 * n[a];
            for (int a = 0; a < 3; a++) d[3 + a] = (0.05 + 0.12 * u[next++]) * n[a];
            d[6] = Math.PI * u[next++];
            d[7] = -0.25 + 0.75 * u[next++];
            shapes[e] = d;
        }
        float[] v = new float[shape[0] * shape[1] * shape[2]];
        for (int i = 0, p = 0; i < shape[0]; i++) {
            for (int j = 0; j < shape[1]; j++) {
                for (int k = 0; k < shape[2]; k++, p++) {
                    double s = 0;
                    for (double[] e : shapes) {
                        double di = i - e[0], dj = j - e[1], dk = k - e[2];
                        double cos = Math.cos(e[6]), sin = Math.sin(e[6]);
                        double a = (cos * di + sin * dj) / e[3], b = (-sin * di + cos * dj) / e[4], g = dk / e[5];
                        double rho = Math.sqrt(a * a + b * b + g * g);
                        double dist = (1 - rho) * Math.min(e[3], Math.min(e[4], e[5]));
                        s += e[7] / (1 + Math.exp(-dist / 0.4));
                    }
                    v[p] = (float) s;
                }
            }
        }
        return Volume.of(Tensor.fromArray(v, shape), Volume.diagonalAffine(1, 1, 1));
    }

    /** {@code 10 log10(R² / MSE)} with {@code R = max(ref) − min(ref)}, in double. */
    static double psnr(float[] ref, float[] test) {
        if (ref.length != test.length) throw new IllegalArgumentException("sizes differ: " + ref.length + " vs " + test.length);
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY, se = 0;
        for (int i = 0; i < ref.length; i++) {
            lo = Math.min(lo, ref[i]);
            hi = Math.max(hi, ref[i]);
            double d = (double) ref[i] - test[i];
            se += d * d;
        }
        return 10 * Math.log10((hi - lo) * (hi - lo) / (se / ref.length));
    }

    /** {@code ‖a − ref‖ / ‖ref‖} in double. */
    static double relativeError(float[] a, double[] ref) {
        double d = 0, s = 0;
        for (int i = 0; i < a.length; i++) {
            d += (a[i] - ref[i]) * (a[i] - ref[i]);
            s += ref[i] * ref[i];
        }
        return Math.sqrt(d / s);
    }

    /**
     * The reference solution of {@code (HᵀH + μI) x = b}: textbook conjugate gradients written out here
     * in double precision (only {@code H} and {@code Hᵀ} run in float32), iterated until the residual
     * stops decreasing below 1e-9 of {@code ‖b‖} or 2000 iterations.
     */
    static double[] referenceSolve(LinearOperator h, float[] b, double mu) {
        int n = b.length;
        int[] shape = h.inputShape();
        double[] x = new double[n], r = toDouble(b), p = toDouble(b);
        double rr = 0, bb;
        for (double v : r) rr += v * v;
        bb = rr;
        for (int it = 0; it < 2000 && rr > 1e-18 * bb; it++) {
            float[] pf = new float[n];
            for (int i = 0; i < n; i++) pf[i] = (float) p[i];
            float[] hp = h.adjoint(h.apply(Tensor.fromArray(pf, shape))).toArray();
            double pap = 0;
            double[] ap = new double[n];
            for (int i = 0; i < n; i++) {
                ap[i] = hp[i] + mu * p[i];
                pap += p[i] * ap[i];
            }
            double alpha = rr / pap, next = 0;
            for (int i = 0; i < n; i++) {
                x[i] += alpha * p[i];
                r[i] -= alpha * ap[i];
                next += r[i] * r[i];
            }
            for (int i = 0; i < n; i++) p[i] = r[i] + next / rr * p[i];
            rr = next;
        }
        return x;
    }
}
