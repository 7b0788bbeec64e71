package mrisr.sr.methods.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DftTest {

    @Test
    void forwardRealMatchesTheDefinition() {
        Random random = new Random(3);
        for (int n : new int[] {1, 2, 3, 7, 16, 45}) {
            double[] x = new double[n];
            for (int j = 0; j < n; j++) x[j] = random.nextGaussian();
            int kMax = n / 2;
            double[] re = new double[kMax + 1], im = new double[kMax + 1];
            new Dft(n).forwardReal(x, kMax, re, im);
            for (int k = 0; k <= kMax; k++) {
                double sr = 0, si = 0;
                for (int j = 0; j < n; j++) {
                    double angle = -2 * Math.PI * j * k / n;
                    sr += x[j] * Math.cos(angle);
                    si += x[j] * Math.sin(angle);
                }
                assertThat(re[k]).as("n=%d k=%d re", n, k).isCloseTo(sr / Math.sqrt(n), within(1e-12));
                assertThat(im[k]).as("n=%d k=%d im", n, k).isCloseTo(si / Math.sqrt(n), within(1e-12));
            }
        }
    }

    @Test
    void isOrthonormalParseval() {
        // Σ|x|² = |X_0|² + 2 Σ_{0<k<n/2} |X_k|² + |X_{n/2}|² (even n)
        Random random = new Random(5);
        int n = 32;
        double[] x = new double[n];
        double energy = 0;
        for (int j = 0; j < n; j++) {
            x[j] = random.nextGaussian();
            energy += x[j] * x[j];
        }
        double[] re = new double[n / 2 + 1], im = new double[n / 2 + 1];
        new Dft(n).forwardReal(x, n / 2, re, im);
        double spectral = 0;
        for (int k = 0; k <= n / 2; k++) {
            double p = re[k] * re[k] + im[k] * im[k];
            spectral += (k == 0 || k == n / 2) ? p : 2 * p;
        }
        assertThat(spectral).isCloseTo(energy, within(1e-10 * energy));
    }
}
