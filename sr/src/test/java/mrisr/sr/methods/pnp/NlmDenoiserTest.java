package mrisr.sr.methods.pnp;

import static mrisr.sr.methods.pnp.PnpTesting.rand;
import static mrisr.sr.methods.pnp.PnpTesting.randn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import mrisr.engine.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NlmDenoiserTest {

    private static float[] denoise(NlmDenoiser nlm, float[] v, int[] shape, double sigma) {
        return nlm.denoise(Tensor.fromArray(v, shape), sigma).toArray();
    }

    /** Half-sample symmetric index, as scikit-image's 'reflect' padding: −1 → 0, n → n − 1. */
    private static int mirror(int i, int n) {
        int m = Math.floorMod(i, 2 * n);
        return m < n ? m : 2 * n - 1 - m;
    }

    private static double at(float[] v, int[] s, int i, int j, int k) {
        return v[(mirror(i, s[0]) * s[1] + mirror(j, s[1])) * s[2] + mirror(k, s[2])];
    }

    /** The NLM formula evaluated directly: every patch distance summed voxel by voxel, exact exp, double. */
    private static double[] naive(float[] v, int[] s, double sigma, int radius, double hFactor) {
        double h2 = hFactor * sigma * hFactor * sigma;
        double[] out = new double[v.length];
        for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < s[1]; j++) {
                for (int k = 0; k < s[2]; k++) {
                    double num = 0, den = 0;
                    for (int a = -radius; a <= radius; a++) {
                        for (int b = -radius; b <= radius; b++) {
                            for (int c = -radius; c <= radius; c++) {
                                double d2 = 0;
                                for (int p = -1; p <= 1; p++) {
                                    for (int q = -1; q <= 1; q++) {
                                        for (int r = -1; r <= 1; r++) {
                                            double e = at(v, s, i + p, j + q, k + r) - at(v, s, i + a + p, j + b + q, k + c + r);
                                            d2 += e * e;
                                        }
                                    }
                                }
                                double w = Math.exp(-Math.max(d2 / 27 - 2 * sigma * sigma, 0) / h2);
                                num += w * at(v, s, i + a, j + b, k + c);
                                den += w;
                            }
                        }
                    }
                    out[(i * s[1] + j) * s[2] + k] = num / den;
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void matchesTheDirectFormula(int radius) {
        int[] shape = {7, 6, 5};
        float[] v = rand(20 + radius, shape);
        for (int i = 0; i < v.length; i++) v[i] = v[i] * 0.2f + (i % 30 < 15 ? 0.2f : 0.7f);
        double sigma = 0.06;
        NlmDenoiser nlm = new NlmDenoiser(radius, 0.8);
        double[] expected = naive(v, shape, sigma, radius, 0.8);
        float[] got = denoise(nlm, v, shape, sigma);
        for (int i = 0; i < v.length; i++) assertThat((double) got[i]).as("voxel %d", i).isCloseTo(expected[i], within(2e-5));
    }

    @Test
    void tabulatedExponentialIsAccurate() {
        for (double t = 0; t < NlmDenoiser.CUTOFF; t += 0.0137) {
            assertThat((double) NlmDenoiser.expNeg((float) t)).as("t = %s", t).isCloseTo(Math.exp(-t), within(3e-6 * Math.exp(-t) + 1e-9));
        }
        assertThat(NlmDenoiser.expNeg((float) NlmDenoiser.CUTOFF)).isZero();
        assertThat(NlmDenoiser.expNeg(Float.POSITIVE_INFINITY)).isZero();
    }

    /**
     * On a flat region every weight is close to 1, so the output is nearly the mean of the 5³ = 125
     * window voxels: the standard deviation falls by nearly √125 ≈ 11.2. The weights do vary (the
     * patch distances of pure noise scatter around 2σ²), which keeps the gain a little below that,
     * so the expected factor lies between √125 and √125/1.5 ≈ 7.5; a denoiser that averaged fewer
     * voxels, or weighted them very unequally, falls below it.
     */
    @Test
    void flatNoisyRegionLosesNearlyTheSqrtOfTheWindowInNoise() {
        int[] shape = {30, 30, 30};
        double sigma = 0.05;
        float[] noise = randn(30, shape);
        float[] v = new float[noise.length];
        for (int i = 0; i < v.length; i++) v[i] = 0.5f + (float) sigma * noise[i];
        float[] out = denoise(new NlmDenoiser(), v, shape, sigma);
        double inStd = std(v, shape, 3), outStd = std(out, shape, 3);
        double factor = inStd / outStd;
        assertThat(factor).isBetween(Math.sqrt(125) / 1.5, Math.sqrt(125));
        assertThat(mean(out, shape, 3)).isCloseTo(0.5, within(0.002));
    }

    @Test
    void keepsAStepEdgeSharp() {
        int[] shape = {24, 16, 16};
        double sigma = 0.03;
        float[] noise = randn(31, shape);
        float[] v = new float[noise.length];
        for (int i = 0; i < shape[0]; i++) {
            for (int p = 0; p < shape[1] * shape[2]; p++) {
                int c = i * shape[1] * shape[2] + p;
                v[c] = (i < 12 ? 0.2f : 0.8f) + (float) sigma * noise[c];
            }
        }
        float[] out = denoise(new NlmDenoiser(), v, shape, sigma);
        // the planes on either side of the edge keep their level: no blur across it
        assertThat(planeMean(out, shape, 11)).isCloseTo(0.2, within(0.01));
        assertThat(planeMean(out, shape, 12)).isCloseTo(0.8, within(0.01));
        // and are still denoised: their patches straddle the edge, so only the 5² offsets along it
        // find alike patches and the noise falls by up to √25 = 5 there (√125 in flat parts)
        assertThat(planeStd(out, shape, 11)).isLessThan(sigma / 3);
        assertThat(planeStd(out, shape, 12)).isLessThan(sigma / 3);
    }

    @Test
    void sameBitsWithOneAndTwoThreads() {
        int[] shape = {19, 13, 11};
        float[] v = rand(32, shape);
        float[] one = PnpTesting.withThreads(1, () -> denoise(new NlmDenoiser(), v, shape, 0.1));
        float[] two = PnpTesting.withThreads(2, () -> denoise(new NlmDenoiser(), v, shape, 0.1));
        assertThat(two).containsExactly(one);
    }

    @Test
    void zeroSigmaReturnsTheInputAndTinyVolumesWork() {
        int[] shape = {3, 2, 4};
        float[] v = rand(33, shape);
        assertThat(denoise(new NlmDenoiser(), v, shape, 0)).containsExactly(v);
        float[] one = denoise(new NlmDenoiser(), new float[] {0.4f}, new int[] {1, 1, 1}, 0.1);
        assertThat(one[0]).isCloseTo(0.4f, within(1e-6f));
        float[] out = denoise(new NlmDenoiser(), v, shape, 0.1);
        for (float x : out) assertThat(x).isBetween(0f, 1f); // a weighted mean stays within the input's range
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new NlmDenoiser(0, 0.8)).hasMessageContaining("search radius is 0");
        assertThatThrownBy(() -> new NlmDenoiser(2, -1)).hasMessageContaining("h factor is -1.0");
        assertThatThrownBy(() -> new NlmDenoiser().denoise(Tensor.zeros(2, 2, 2, 2), 0.1)).hasMessageContaining("3-D volume");
    }

    private static double mean(float[] v, int[] s, int margin) {
        double sum = 0;
        int n = 0;
        for (int i = margin; i < s[0] - margin; i++)
            for (int j = margin; j < s[1] - margin; j++)
                for (int k = margin; k < s[2] - margin; k++, n++) sum += v[(i * s[1] + j) * s[2] + k];
        return sum / n;
    }

    private static double std(float[] v, int[] s, int margin) {
        double m = mean(v, s, margin), sum = 0;
        int n = 0;
        for (int i = margin; i < s[0] - margin; i++)
            for (int j = margin; j < s[1] - margin; j++)
                for (int k = margin; k < s[2] - margin; k++, n++) sum += Math.pow(v[(i * s[1] + j) * s[2] + k] - m, 2);
        return Math.sqrt(sum / n);
    }

    private static double planeMean(float[] v, int[] s, int i) {
        double sum = 0;
        int plane = s[1] * s[2];
        for (int p = 0; p < plane; p++) sum += v[i * plane + p];
        return sum / plane;
    }

    private static double planeStd(float[] v, int[] s, int i) {
        double m = planeMean(v, s, i), sum = 0;
        int plane = s[1] * s[2];
        for (int p = 0; p < plane; p++) sum += Math.pow(v[i * plane + p] - m, 2);
        return Math.sqrt(sum / plane);
    }
}
