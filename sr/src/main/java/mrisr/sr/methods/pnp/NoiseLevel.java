package mrisr.sr.methods.pnp;

import java.util.Arrays;

/**
 * A robust estimate of the noise standard deviation of a low-resolution volume, from which the
 * plug-and-play methods set the end of their σ schedules.
 *
 * <p>Noise is added after the acquisition, so it is white on the low-resolution grid, while the
 * image is smoothest in the plane of the two finest-sampled axes (the two axes with the smallest
 * factors). In each such plane the estimate applies Immerkær's (1996) Laplacian-difference mask
 * {@code M = [1 −2 1; −2 4 −2; 1 −2 1]}, which is zero on planes and on quadratics along either
 * axis and has {@code ‖M‖² = 36}, and takes the median absolute response:
 * {@code σ̂ = 1.4826·median|M ∗ y| / 6} — exact for Gaussian noise on a locally smooth image and
 * robust to the minority of voxels near edges (the median instead of Immerkær's mean). A volume
 * with fewer than 3 voxels along either in-plane axis gives 0.
 */
final class NoiseLevel {
    /** {@code 1/Φ⁻¹(3/4)}: the MAD of a standard normal variable is {@code 1/1.4826}. */
    private static final double MAD_TO_SIGMA = 1.482602218505602;

    private NoiseLevel() {}

    /**
     * @param y       the volume (not modified)
     * @param shape   its grid {@code [mx, my, mz]}
     * @param factors the super-resolution factors per axis
     * @return σ̂ ≥ 0 in the units of {@code y}
     */
    static double estimate(float[] y, int[] shape, double[] factors) {
        int coarsest = 2;
        for (int a = 1; a >= 0; a--) if (factors[a] > factors[coarsest]) coarsest = a;
        int u = coarsest == 0 ? 1 : 0, w = coarsest == 2 ? 1 : 2; // the in-plane axes, u < w
        int nu = shape[u], nw = shape[w], nc = shape[coarsest];
        if (nu < 3 || nw < 3) return 0;
        int[] stride = {shape[1] * shape[2], shape[2], 1};
        int su = stride[u], sw = stride[w], sc = stride[coarsest];
        float[] r = new float[Math.multiplyExact(Math.multiplyExact(nc, nu - 2), nw - 2)];
        int n = 0;
        for (int c = 0; c < nc; c++) {
            for (int a = 1; a < nu - 1; a++) {
                for (int b = 1; b < nw - 1; b++) {
                    int v = c * sc + a * su + b * sw;
                    double m = 4.0 * y[v]
                            - 2.0 * (y[v - su] + y[v + su] + y[v - sw] + y[v + sw])
                            + y[v - su - sw] + y[v - su + sw] + y[v + su - sw] + y[v + su + sw];
                    r[n++] = (float) Math.abs(m);
                }
            }
        }
        Arrays.sort(r);
        double median = n % 2 == 1 ? r[n / 2] : 0.5 * ((double) r[n / 2 - 1] + r[n / 2]);
        return MAD_TO_SIGMA * median / 6;
    }
}
