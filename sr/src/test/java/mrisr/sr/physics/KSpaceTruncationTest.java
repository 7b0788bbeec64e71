package mrisr.sr.physics;

import static mrisr.sr.physics.PhysicsTesting.randn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import mrisr.engine.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KSpaceTruncationTest {

    /** Naive double-precision DFT of a real 1-D signal, {@code X(ν) = Σ_j x_j e^{−2πiνj/n}}, for ν in [−n/2, n/2]. */
    private static double[] spectrumMagnitude(double[] x, int nu) {
        int n = x.length;
        double re = 0, im = 0;
        for (int j = 0; j < n; j++) {
            re += x[j] * Math.cos(2 * Math.PI * nu * j / n);
            im -= x[j] * Math.sin(2 * Math.PI * nu * j / n);
        }
        return new double[] {re, im};
    }

    private static double abs(double[] z) {
        return Math.hypot(z[0], z[1]);
    }

    /** A cosine inside the kept band comes out sampled at the low-resolution voxel centres j·f + (f−1)/2. */
    @ParameterizedTest
    @CsvSource({"24, 6, 2, 0.3", "21, 7, 3, -1.1", "20, 5, 1, 0.7", "16, 16, 5, 0.2", "18, 4, 1, 2.0"})
    void inBandCosineIsSampledAtTheLowResolutionCentres(int n, int m, int nu0, double phase) {
        float[] x = new float[n];
        for (int k = 0; k < n; k++) x[k] = (float) Math.cos(2 * Math.PI * nu0 * k / n + phase);
        float[] y = KSpaceTruncation.of(new int[] {1, 1, n}, new int[] {1, 1, m}).apply(Tensor.fromArray(x, 1, 1, n)).toArray();
        double f = (double) n / m;
        for (int j = 0; j < m; j++) {
            double p = j * f + (f - 1) / 2;
            assertThat((double) y[j]).as("voxel %d", j).isCloseTo(Math.cos(2 * Math.PI * nu0 * p / n + phase), within(2e-6));
        }
    }

    @Test
    void cosineAboveTheBandIsRemoved() {
        int n = 24, m = 6;
        float[] x = new float[n];
        for (int k = 0; k < n; k++) x[k] = (float) Math.cos(2 * Math.PI * 4 * k / n + 0.4);
        float[] y = KSpaceTruncation.of(new int[] {1, 1, n}, new int[] {1, 1, m}).apply(Tensor.fromArray(x, 1, 1, n)).toArray();
        for (float v : y) assertThat(v).isCloseTo(0f, within(2e-6f));
    }

    /** The zero-filled reconstruction AᵀA x has no energy outside the kept band. */
    @ParameterizedTest
    @CsvSource({"20, 5", "20, 8", "17, 6"})
    void zeroFilledReconstructionIsBandLimited(int n, int m) {
        KSpaceTruncation k = KSpaceTruncation.of(new int[] {3, 1, n}, new int[] {3, 1, m});
        float[] z = k.adjoint(k.apply(randn(7, 3, 1, n))).toArray();
        for (int row = 0; row < 3; row++) {
            double[] line = new double[n];
            for (int i = 0; i < n; i++) line[i] = z[row * n + i];
            double inside = 0, outside = 0;
            for (int nu = -(n / 2); nu <= (n - 1) / 2; nu++) {
                double e = Math.pow(abs(spectrumMagnitude(line, nu)), 2);
                // kept: [−⌊m/2⌋, ⌈m/2⌉ − 1] and, through the real part, its mirror
                if (Math.abs(nu) <= m / 2) inside += e;
                else outside += e;
            }
            assertThat(outside).isLessThan(1e-10 * inside);
        }
    }

    @Test
    void ellipticalMaskZeroesTheCornersOfKSpace() {
        int n = 9;
        KSpaceTruncation k = KSpaceTruncation.builder(new int[] {n, n, 1}, new int[] {n, n, 1}).ellipticalMask(true).build();
        float[] y = k.apply(randn(8, n, n, 1)).toArray();
        double inside = 0, outside = 0;
        for (int u = -4; u <= 4; u++) {
            for (int v = -4; v <= 4; v++) {
                double re = 0, im = 0;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        double t = 2 * Math.PI * (u * i + v * j) / n;
                        re += y[i * n + j] * Math.cos(t);
                        im -= y[i * n + j] * Math.sin(t);
                    }
                }
                double e = re * re + im * im;
                if ((u / 4.5) * (u / 4.5) + (v / 4.5) * (v / 4.5) <= 1) inside += e;
                else outside += e;
            }
        }
        assertThat(outside).isLessThan(1e-10 * inside);
    }

    /** Partial Fourier: the zeroed side comes back at half amplitude through the real part, the rest is kept. */
    @Test
    void partialFourierHalvesTheUnacquiredBand() {
        int n = 16;
        Tensor x = randn(9, 1, 1, n);
        float[] y = KSpaceTruncation.builder(new int[] {1, 1, n}, new int[] {1, 1, n}).partialFourier(2, 0.75).build().apply(x).toArray();
        float[] xv = x.toArray();
        double[] xs = new double[n], ys = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = xv[i];
            ys[i] = y[i];
        }
        for (int nu = -7; nu <= 7; nu++) {
            double expected = Math.abs(nu) >= 5 ? 0.5 : 1;
            assertThat(abs(spectrumMagnitude(ys, nu))).as("nu=%d", nu).isCloseTo(expected * abs(spectrumMagnitude(xs, nu)), within(1e-5));
        }
        assertThat(abs(spectrumMagnitude(ys, -8))).isCloseTo(0, within(1e-5));
    }

    @Test
    void windowsFollowTheirDefinitions() {
        assertThat(KSpaceTruncation.window(KSpaceTruncation.Window.HAMMING, 0, 0, 8)).isEqualTo(1.0);
        assertThat(KSpaceTruncation.window(KSpaceTruncation.Window.HAMMING, 0, -4, 8)).isCloseTo(0.08, within(1e-15));
        assertThat(KSpaceTruncation.window(KSpaceTruncation.Window.TUKEY, 1, 2, 8)).isCloseTo(0.5, within(1e-15)); // Hann at u = 1/2
        assertThat(KSpaceTruncation.window(KSpaceTruncation.Window.TUKEY, 0.5, 2, 8)).isEqualTo(1.0);
        assertThat(KSpaceTruncation.window(KSpaceTruncation.Window.TUKEY, 0.5, -3, 8)).isCloseTo(0.5, within(1e-15));
    }

    @Test
    void constantsSurviveEveryWindowAndMask() {
        int[] s = {8, 7, 9};
        KSpaceTruncation k = KSpaceTruncation.builder(s, new int[] {4, 7, 3}).window(KSpaceTruncation.Window.HAMMING)
                .partialFourier(0, 0.6).ellipticalMask(true).build();
        for (float v : k.apply(Tensor.full(2.5f, s)).toArray()) assertThat(v).isCloseTo(2.5f, within(1e-5f));
        assertThat(k.effectiveFactors()).containsExactly(2.0, 1.0, 3.0);
    }

    @Test
    void fourierTransformIsInvertedByItsAdjoint() {
        FourierTransform f = new FourierTransform(new int[] {5, 4, 3});
        Tensor x = randn(10, 5, 4, 3);
        float[] back = f.adjoint(f.apply(x)).toArray(), xv = x.toArray();
        for (int i = 0; i < xv.length; i++) assertThat(back[i]).isCloseTo(xv[i], within(1e-5f));
        // zero frequency at index ⌊n/2⌋, value Σx/√N
        float[] k = f.apply(Tensor.ones(5, 4, 3)).toArray();
        assertThat(k[2 * ((2 * 4 + 2) * 3 + 1)]).isCloseTo((float) Math.sqrt(60), within(1e-4f));
    }

    @Test
    void badOptionsAreRejected() {
        assertThatThrownBy(() -> KSpaceTruncation.of(new int[] {4, 4, 4}, new int[] {4, 5, 4})).isInstanceOf(PhysicsException.class)
                .hasMessageContaining("output size 5 along axis 1 exceeds the input size 4");
        assertThatThrownBy(() -> KSpaceTruncation.builder(new int[] {4, 4, 4}, new int[] {4, 4, 2}).partialFourier(2, 0.5))
                .isInstanceOf(PhysicsException.class).hasMessageContaining("(0.5, 1]");
        assertThatThrownBy(() -> KSpaceTruncation.builder(new int[] {4, 4, 4}, new int[] {4, 4, 2}).tukeyAlpha(1.5))
                .isInstanceOf(PhysicsException.class);
    }
}
