package mrisr.sr.methods.baseline;

/**
 * Turns samples into cubic B-spline coefficients, so that the spline {@code Σ_k c[k] β³(x − k)}
 * passes through the samples (Unser, Aldroubi &amp; Eden 1991; Unser 1999, "Splines: a perfect fit").
 *
 * <p>The inverse of the sampled B-spline {@code (z + 4 + z⁻¹)/6} factors into a causal and an
 * anti-causal first-order recursion with pole {@code z₁ = √3 − 2} and gain {@code 6}:
 * <pre>
 *   c⁺[k] = 6·s[k] + z₁ c⁺[k−1]            (k = 1 … n−1)
 *   c[k]  = z₁ (c[k+1] − c⁺[k])            (k = n−2 … 0)
 * </pre>
 * Boundaries are whole-sample mirror ({@code s[−k] = s[k]}, {@code s[n−1+k] = s[n−1−k]}), the same
 * as scipy's {@code spline_filter1d(mode='mirror')}. The causal start value is the exact
 * mirror sum (not a truncated horizon):
 * <pre>
 *   c⁺[0] = (s[0] + z₁^{n−1} s[n−1] + Σ_{k=1}^{n−2} (z₁^k + z₁^{2n−2−k}) s[k]) / (1 − z₁^{2n−2})
 *   c[n−1] = z₁/(z₁² − 1) · (c⁺[n−1] + z₁ c⁺[n−2])
 * </pre>
 * (the sums above are for the gain-scaled samples {@code 6·s}).
 */
final class BSplinePrefilter {
    /** The pole of the cubic B-spline's inverse filter. */
    static final double POLE = Math.sqrt(3) - 2;

    private BSplinePrefilter() {}

    /**
     * Replaces {@code line[0..n)} by its cubic B-spline coefficients (in place). A single sample is
     * its own coefficient.
     */
    static void apply(double[] line, int n) {
        if (n == 1) return;
        double z = POLE;
        for (int k = 0; k < n; k++) line[k] *= 6; // gain (1 − z)(1 − 1/z)
        line[0] = causalStart(line, n, z);
        for (int k = 1; k < n; k++) line[k] += z * line[k - 1];
        line[n - 1] = (z / (z * z - 1)) * (line[n - 1] + z * line[n - 2]);
        for (int k = n - 2; k >= 0; k--) line[k] = z * (line[k + 1] - line[k]);
    }

    private static double causalStart(double[] s, int n, double z) {
        double zk = z; // z^k
        double iz = 1 / z;
        double z2nk = Math.pow(z, n - 1); // z^(2n−2−k), starting from k = n − 1 …
        double sum = s[0] + z2nk * s[n - 1];
        z2nk *= z2nk * iz; // … then k = 1: z^(2n−3)
        for (int k = 1; k <= n - 2; k++) {
            sum += (zk + z2nk) * s[k];
            zk *= z;
            z2nk *= iz;
        }
        // zk is now z^(n−1)
        return sum / (1 - zk * zk);
    }
}
