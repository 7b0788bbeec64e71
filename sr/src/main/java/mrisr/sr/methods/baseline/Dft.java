package mrisr.sr.methods.baseline;

/**
 * The orthonormal discrete Fourier transform of a real line of length {@code n}, in double
 * precision, by direct summation ({@code O(n·K)} for {@code K+1} bins).
 *
 * <p>This is the seam where the engine's FFT plugs in: {@link #forwardReal} is exactly
 * {@code numpy.fft.rfft(x, norm='ortho')[0..kMax]}. Direct summation is accurate and fast enough
 * for the line lengths of MR volumes (≤ 512); twiddles come from a table of {@code n} exact
 * values indexed by {@code (j·k) mod n}, so no rounding accumulates along the sum's index.
 */
final class Dft {
    private final int n;
    private final double[] cos, sin;
    private final double norm;

    /** Tables for length {@code n ≥ 1}. */
    Dft(int n) {
        this.n = n;
        this.cos = new double[n];
        this.sin = new double[n];
        for (int r = 0; r < n; r++) {
            double angle = 2 * Math.PI * r / n;
            cos[r] = Math.cos(angle);
            sin[r] = Math.sin(angle);
        }
        this.norm = 1 / Math.sqrt(n);
    }

    /**
     * {@code X_k = n^{−1/2} Σ_j x_j e^{−2πi jk/n}} for {@code k = 0 … kMax}: the non-negative
     * frequencies of a real line (the others are their conjugates).
     *
     * @param x    {@code n} samples (not modified)
     * @param kMax highest bin, {@code 0 ≤ kMax ≤ n/2}
     * @param re   receives the real parts, {@code kMax + 1} values
     * @param im   receives the imaginary parts, {@code kMax + 1} values
     */
    void forwardReal(double[] x, int kMax, double[] re, double[] im) {
        for (int k = 0; k <= kMax; k++) {
            double sr = 0, si = 0;
            for (int j = 0, r = 0; j < n; j++) {
                sr += x[j] * cos[r];
                si -= x[j] * sin[r];
                r += k;
                if (r >= n) r -= n;
            }
            re[k] = sr * norm;
            im[k] = si * norm;
        }
    }
}
