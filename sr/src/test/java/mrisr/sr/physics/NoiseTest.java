package mrisr.sr.physics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import org.junit.jupiter.api.Test;

class NoiseTest {
    private static final int N = 40;

    /** Zeros with one bright voxel: intensity range 1, background of N³ − 1 voxels. */
    private static Tensor background() {
        float[] v = new float[N * N * N];
        v[0] = 1;
        return Tensor.fromArray(v, N, N, N);
    }

    @Test
    void ricianBackgroundHasTheRayleighMean() {
        Tensor clean = background();
        double sigma = Noise.absoluteSigma(clean, 0.1);
        assertThat(sigma).isCloseTo(0.1, within(1e-12));
        float[] y = Noise.rician(clean, sigma, new Rng(PhysicsTesting.SEED)).toArray();
        double mean = 0, second = 0;
        for (int i = 1; i < y.length; i++) {
            mean += y[i];
            second += (double) y[i] * y[i];
            assertThat(y[i]).isGreaterThanOrEqualTo(0f);
        }
        mean /= y.length - 1;
        second /= y.length - 1;
        // Rayleigh: mean σ√(π/2), sd σ√((4−π)/2) ≈ 0.0655 → standard error 2.6e-4; E[M²] = 2σ²
        assertThat(mean).isCloseTo(sigma * Math.sqrt(Math.PI / 2), within(1.2e-3));
        assertThat(second).isCloseTo(2 * sigma * sigma, within(4e-4));
    }

    @Test
    void ricianOnBrightSignalApproachesSqrtOfAPlusSigmaSquared() {
        Tensor clean = Tensor.full(10f, 30, 30, 30);
        float[] y = Noise.rician(clean, 1.0, new Rng(PhysicsTesting.SEED + 1)).toArray();
        double second = 0;
        for (float v : y) second += (double) v * v;
        // E[M²] = A² + 2σ² exactly
        assertThat(second / y.length).isCloseTo(102, within(0.4));
    }

    @Test
    void gaussianNoiseHasZeroMeanAndTheRequestedSd() {
        float[] y = Noise.gaussian(Tensor.zeros(N, N, N), 0.3, new Rng(PhysicsTesting.SEED + 2)).toArray();
        double mean = 0, ss = 0;
        for (float v : y) {
            mean += v;
            ss += (double) v * v;
        }
        mean /= y.length;
        assertThat(mean).isCloseTo(0, within(5e-3));
        assertThat(Math.sqrt(ss / y.length)).isCloseTo(0.3, within(3e-3));
    }

    @Test
    void sameSeedGivesTheSameNoise() {
        Tensor clean = background();
        assertThat(Noise.rician(clean, 0.2, new Rng(5)).toArray()).isEqualTo(Noise.rician(clean, 0.2, new Rng(5)).toArray());
        assertThat(Noise.gaussian(clean, 0.2, new Rng(5)).toArray()).isNotEqualTo(Noise.gaussian(clean, 0.2, new Rng(6)).toArray());
        float[] before = clean.toArray();
        Noise.gaussian(clean, 0.2, new Rng(5));
        assertThat(clean.toArray()).isEqualTo(before);
    }

    @Test
    void biasFieldIsSmoothPositiveAndSeeded() {
        int[] s = {20, 24, 16};
        BiasField b = BiasField.random(s, 3, 0.3, new Rng(3));
        float[] f = b.field().toArray();
        double maxStep = 0;
        for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < s[1]; j++) {
                for (int k = 1; k < s[2]; k++) {
                    int p = PhysicsTesting.idx(s, i, j, k);
                    assertThat(f[p]).isGreaterThan(0f);
                    maxStep = Math.max(maxStep, Math.abs(Math.log(f[p]) - Math.log(f[p - 1])));
                }
            }
        }
        // |∂ log b/∂w| ≤ Σ|c|·degree ≤ 0.3 · 3 · 19 terms per unit of w; one voxel step is 2/15 of w
        assertThat(maxStep).isLessThan(0.3 * 3 * 19 * 2.0 / 15);
        assertThat(BiasField.random(s, 3, 0.3, new Rng(3)).field().toArray()).isEqualTo(f);
        for (float v : BiasField.random(s, 2, 0, new Rng(3)).field().toArray()) assertThat(v).isEqualTo(1f);
    }

    @Test
    void badLevelsAreRejected() {
        assertThatThrownBy(() -> Noise.absoluteSigma(background(), -0.1)).isInstanceOf(PhysicsException.class).hasMessageContaining("-0.1");
        assertThatThrownBy(() -> Noise.gaussian(background(), Double.NaN, new Rng(1))).isInstanceOf(PhysicsException.class);
        assertThatThrownBy(() -> BiasField.random(new int[] {2, 2, 2}, 0, 0.1, new Rng(1))).isInstanceOf(PhysicsException.class)
                .hasMessageContaining("order is 0");
    }
}
