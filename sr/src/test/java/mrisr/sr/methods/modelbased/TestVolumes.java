package mrisr.sr.methods.modelbased;

import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.SliceProfile;
import mrisr.sr.volume.Volume;

/** Synthetic test volumes and an independent PSNR for the model-based tests. */
final class TestVolumes {
    /** The seed every model-based test derives its random inputs from. */
    static final long SEED = 20250214L;

    /** Width of the logistic edge ramps, in voxels. */
    static final double EDGE = 0.4;

    private TestVolumes() {}

    /**
     * A phantom-like {@code n³} volume of 1 mm voxels: a head ellipsoid (0.3) holding a brain
     * ellipsoid (+0.3) and six smaller ellipsoids rotated about k with intensities in [−0.25, 0.5],
     * all drawn from {@code seed}. Edges are logistic ramps of width {@value #EDGE} voxel in the ellipsoid's
     * normalised distance, so the image is smooth but has sharp boundaries.
     */
    static Volume ellipsoids(int n, long seed) {
        return ellipsoids(new int[] {n, n, n}, seed);
    }

    /** As {@link #ellipsoids(int, long)} on a {@code [nx, ny, nz]} grid, sizes scaled per axis. */
    static Volume ellipsoids(int[] shape, long seed) {
        Rng rng = new Rng(seed);
        float[] u = Tensor.rand(rng, 64).toArray();
        int next = 0;
        double[] c = new double[3], n = new double[3];
        for (int a = 0; a < 3; a++) {
            n[a] = shape[a];
            c[a] = (shape[a] - 1) / 2.0;
        }
        // centre i, j, k; radii i, j, k; angle about k; value
        double[][] shapes = new double[8][];
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
                        s += e[7] / (1 + Math.exp(-dist / EDGE));
                    }
                    v[p] = (float) s;
                }
            }
        }
        return Volume.of(Tensor.fromArray(v, shape), Volume.diagonalAffine(1, 1, 1));
    }

    /** {@code hr} degraded by the test acquisition: 4× along k, the given profile, 1 % Gaussian noise. */
    static Volume degrade(Volume hr, SliceProfile.Kind profile, long seed) {
        return acquisition(profile, 0.01, seed).apply(hr);
    }

    static Degradation acquisition(SliceProfile.Kind profile, double noise, long seed) {
        return Degradation.builder().factors(1, 1, 4).profile(profile).noise(noise).seed(seed).build();
    }

    /** {@code 10 log10(R² / MSE)} with {@code R = max(ref) − min(ref)}, in double. */
    static double psnr(Volume ref, Volume test) {
        float[] r = ref.data().toArray(), t = test.data().toArray();
        if (r.length != t.length) throw new IllegalArgumentException("sizes differ: " + r.length + " vs " + t.length);
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY, se = 0;
        for (int i = 0; i < r.length; i++) {
            lo = Math.min(lo, r[i]);
            hi = Math.max(hi, r[i]);
            double d = (double) r[i] - t[i];
            se += d * d;
        }
        return 10 * Math.log10((hi - lo) * (hi - lo) / (se / r.length));
    }
}
