package mrisr.sr.methods.baseline;

/**
 * Band-limited (k-space zero-filling) resampling of one line: the trigonometric interpolant of the
 * {@code n} samples, evaluated at the output positions {@code x_i = (i + 0.5)/f − 0.5}.
 *
 * <p>With the orthonormal spectrum {@code X_k = n^{−1/2} Σ_j s_j e^{−2πi jk/n}} and band
 * {@code N = min(n, m)} bins centred on DC,
 * <pre>
 *   y_i = n^{−1/2} Σ_{|k| ≤ N/2} w_k X_k e^{2πi k x_i / n},   w_k = 1, except w_{±N/2} = 1/2 for even N,
 * </pre>
 * i.e. for even {@code N} the Nyquist bin is split symmetrically between {@code +N/2} and
 * {@code −N/2}, which keeps the result real ({@code s_j = (−1)^j} becomes {@code cos(π x)}).
 * When {@code n·f = m} (integer factors, or {@code --like}) the {@code x_i} are the DFT grid of
 * length {@code m} shifted by {@code (1/f − 1)/2} input samples, and this is exactly: centred
 * orthonormal DFT, zero-pad (or crop) the spectrum to {@code m} bins, a linear phase that puts the
 * samples at voxel centres, orthonormal inverse DFT, times {@code √(m/n)} so that the mean is
 * preserved. (A plain fftshift zero-fill without the phase samples {@code (1 − 1/f)/2} of an
 * input voxel off the voxel-centre grid of {@code Volume.resampledAffine}.) For other factors the
 * same interpolant is evaluated at the off-grid positions; the mean is then preserved only
 * approximately. The line is treated as periodic, as the DFT implies.
 */
final class SincResampler implements LineResampler {
    private final int n, m, kMax;
    private final Dft dft;
    /** Per bin: {@code w_k} times the Hermitian pairing factor (2 for a ±k pair) times {@code n^{−1/2}}. */
    private final double[] binWeight;
    /** Per output: {@code cos θ_i, sin θ_i} with {@code θ_i = 2π x_i / n}. */
    private final double[] cosTheta, sinTheta;

    SincResampler(int n, int m, double f) {
        this.n = n;
        this.m = m;
        int band = Math.min(n, m);
        this.kMax = band / 2;
        this.dft = new Dft(n);
        this.binWeight = new double[kMax + 1];
        double norm = 1 / Math.sqrt(n);
        for (int k = 0; k <= kMax; k++) {
            boolean nyquist = band % 2 == 0 && k == band / 2;
            binWeight[k] = (k == 0 || nyquist ? 1 : 2) * norm;
        }
        this.cosTheta = new double[m];
        this.sinTheta = new double[m];
        for (int i = 0; i < m; i++) {
            double theta = 2 * Math.PI * LineResampler.position(i, f) / n;
            cosTheta[i] = Math.cos(theta);
            sinTheta[i] = Math.sin(theta);
        }
    }

    @Override
    public int inputLength() {
        return n;
    }

    @Override
    public int outputLength() {
        return m;
    }

    @Override
    public Worker worker() {
        double[] re = new double[kMax + 1], im = new double[kMax + 1];
        return (in, out) -> {
            dft.forwardReal(in, kMax, re, im);
            for (int k = 0; k <= kMax; k++) {
                re[k] *= binWeight[k];
                im[k] *= binWeight[k];
            }
            synthesize(re, im, out);
        };
    }

    /**
     * {@code out[i] = Σ_{k=0}^{kMax} Re((re_k + i·im_k) e^{ikθ_i})}: the inverse transform of the
     * weighted half spectrum at the output positions (an inverse real DFT of length {@code m} when
     * the positions form that grid).
     */
    private void synthesize(double[] re, double[] im, double[] out) {
        for (int i = 0; i < m; i++) {
            double c1 = cosTheta[i], s1 = sinTheta[i];
            double c = 1, s = 0, acc = 0;
            for (int k = 0; k <= kMax; k++) {
                acc += re[k] * c - im[k] * s;
                double cNext = c * c1 - s * s1;
                s = s * c1 + c * s1;
                c = cNext;
            }
            out[i] = acc;
        }
    }
}
