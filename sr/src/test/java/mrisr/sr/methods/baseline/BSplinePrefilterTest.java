package mrisr.sr.methods.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BSplinePrefilterTest {

    /** Mirror-extended coefficients, written independently of TapKernel.mirror. */
    private static double mirrored(double[] c, int k) {
        int n = c.length;
        while (k < 0 || k >= n) k = k < 0 ? -k : 2 * (n - 1) - k;
        return c[k];
    }

    @Test
    void coefficientsReproduceTheSamplesThroughTheSampledSpline() {
        // Σ_k c[k] β³(j − k) = (c[j−1] + 4 c[j] + c[j+1]) / 6 must give back s[j], ends included
        Random random = new Random(7);
        for (int n : new int[] {2, 3, 4, 5, 17, 64, 301}) {
            double[] s = new double[n];
            for (int j = 0; j < n; j++) s[j] = random.nextGaussian();
            double[] c = s.clone();
            BSplinePrefilter.apply(c, n);
            for (int j = 0; j < n; j++) {
                double back = (mirrored(c, j - 1) + 4 * c[j] + mirrored(c, j + 1)) / 6;
                assertThat(back).as("n=%d j=%d", n, j).isCloseTo(s[j], within(1e-12));
            }
        }
    }

    @Test
    void singleSampleIsItsOwnCoefficient() {
        double[] c = {3.5};
        BSplinePrefilter.apply(c, 1);
        assertThat(c[0]).isEqualTo(3.5);
    }

    @Test
    void constantsAreFixedPoints() {
        double[] c = new double[9];
        java.util.Arrays.fill(c, 2.0);
        BSplinePrefilter.apply(c, 9);
        for (double v : c) assertThat(v).isCloseTo(2.0, within(1e-13));
    }
}
