package mrisr.sr.methods.pnp;

import static mrisr.sr.methods.pnp.PnpTesting.rand;
import static mrisr.sr.methods.pnp.PnpTesting.tvObjective;
import static mrisr.sr.methods.pnp.PnpTesting.toDouble;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import mrisr.engine.Rng;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class TvDenoiserTest {
    /** Enough FISTA iterations that float32 rounding, not the iteration, limits the accuracy. */
    private static final TvDenoiser EXACT = new TvDenoiser().withIterations(4000, 0);

    private static float[] prox(TvDenoiser tv, float[] v, int[] shape, double w) {
        return tv.prox(Tensor.fromArray(v, shape), w).toArray();
    }

    /**
     * Exhaustive 1-D minimiser of {@code ½‖x − v‖² + w Σ|x_{i+1} − x_i|}: the minimiser is piecewise
     * constant, and for each pattern of its n − 1 gaps (equal, up, down) the objective restricted to
     * that pattern is a quadratic whose stationary point is {@code c_s = (Σ_s v − w(σ_left − σ_right))/|s|}.
     * The true pattern is among the 3ⁿ⁻¹ tried, so the smallest true objective over all candidates
     * is the global minimum.
     */
    private static double[] bruteForce1d(float[] v, double w) {
        int n = v.length, patterns = (int) Math.pow(3, n - 1);
        double best = Double.POSITIVE_INFINITY;
        double[] bestX = null;
        for (int code = 0; code < patterns; code++) {
            int[] gap = new int[n - 1];
            for (int g = 0, c = code; g < n - 1; g++, c /= 3) gap[g] = c % 3 == 2 ? -1 : c % 3;
            double[] x = new double[n];
            int start = 0;
            while (start < n) {
                int end = start;
                while (end < n - 1 && gap[end] == 0) end++;
                double sum = 0;
                for (int i = start; i <= end; i++) sum += v[i];
                double left = start > 0 ? gap[start - 1] : 0, right = end < n - 1 ? gap[end] : 0;
                double c = (sum - w * (left - right)) / (end - start + 1);
                for (int i = start; i <= end; i++) x[i] = c;
                start = end + 1;
            }
            double f = tvObjective(x, v, new int[] {1, 1, n}, w);
            if (f < best) {
                best = f;
                bestX = x;
            }
        }
        return bestX;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 2})
    void oneDimensionalProxMatchesTheExhaustiveMinimiser(int axis) {
        int n = 8;
        float[] v = rand(1 + axis, n);
        for (int i = 0; i < n; i++) v[i] += i >= 4 ? 0.6f : 0f; // a step the prox must keep
        int[] shape = {1, 1, 1};
        shape[axis] = n;
        for (double w : new double[] {0.02, 0.1, 0.4}) {
            double[] expected = bruteForce1d(v, w);
            float[] got = prox(EXACT, v, shape, w);
            for (int i = 0; i < n; i++) assertThat((double) got[i]).as("w = %s, voxel %d", w, i).isCloseTo(expected[i], within(2e-5));
        }
    }

    /**
     * Chambolle's (2004) projection algorithm in double, an independent solver of the same problem:
     * {@code p ← (p + τ∇(div p − v/w)) / (1 + τ|∇(div p − v/w)|)}, {@code x = v − w·div p}, with
     * τ = 1/12 (below his bound 1/(2·dimensions·2)).
     */
    private static double[] chambolle(float[] v, int[] s, double w, int iterations) {
        int n = v.length;
        double[][] p = new double[3][n];
        int[] stride = {s[1] * s[2], s[2], 1};
        double tau = 1.0 / 12;
        double[] u = new double[n];
        for (int it = 0; it < iterations; it++) {
            for (int c = 0; c < n; c++) u[c] = divergence(p, s, stride, c) - v[c] / w;
            double[][] next = new double[3][n];
            for (int c = 0; c < n; c++) {
                double[] g = new double[3];
                double m = 0;
                for (int a = 0; a < 3; a++) {
                    g[a] = coordinate(c, s, a) + 1 < s[a] ? u[c + stride[a]] - u[c] : 0;
                    m += g[a] * g[a];
                }
                m = Math.sqrt(m);
                for (int a = 0; a < 3; a++) next[a][c] = (p[a][c] + tau * g[a]) / (1 + tau * m);
            }
            p = next;
        }
        double[] x = new double[n];
        for (int c = 0; c < n; c++) x[c] = v[c] - w * divergence(p, s, stride, c);
        return x;
    }

    private static int coordinate(int c, int[] s, int a) {
        return a == 0 ? c / (s[1] * s[2]) : a == 1 ? (c / s[2]) % s[1] : c % s[2];
    }

    /** {@code (div p)[c] = Σ_a p_a[c]·[c_a < n_a − 1] − p_a[c − e_a]·[c_a > 0]}, the negative adjoint of the forward difference. */
    private static double divergence(double[][] p, int[] s, int[] stride, int c) {
        double d = 0;
        for (int a = 0; a < 3; a++) {
            int ca = coordinate(c, s, a);
            if (ca + 1 < s[a]) d += p[a][c];
            if (ca > 0) d -= p[a][c - stride[a]];
        }
        return d;
    }

    @Test
    void twoDimensionalProxMatchesChambollesProjectionAlgorithm() {
        int[] shape = {6, 5, 1};
        float[] v = rand(3, shape);
        for (int i = 0; i < 30; i++) if (i % 5 >= 3) v[i] += 0.5f;
        double w = 0.08;
        double[] reference = chambolle(v, shape, w, 200_000);
        float[] got = prox(EXACT, v, shape, w);
        double fGot = tvObjective(toDouble(got), v, shape, w), fRef = tvObjective(reference, v, shape, w);
        assertThat(fGot).isLessThanOrEqualTo(fRef + 1e-6);
        for (int i = 0; i < v.length; i++) assertThat((double) got[i]).as("voxel %d", i).isCloseTo(reference[i], within(1e-4));
    }

    @Test
    void threeDimensionalProxIsAMinimumAlongEveryRandomDirection() {
        int[] shape = {5, 4, 6};
        float[] v = rand(4, shape);
        double w = 0.05;
        double[] x = toDouble(prox(EXACT, v, shape, w));
        double f = tvObjective(x, v, shape, w);
        assertThat(f).isLessThan(tvObjective(toDouble(v), v, shape, w));
        Rng rng = new Rng(PnpTesting.SEED + 5);
        for (int trial = 0; trial < 200; trial++) {
            float[] d = Tensor.randn(rng, shape).toArray();
            double[] y = x.clone();
            for (int i = 0; i < y.length; i++) y[i] += 1e-3 * d[i];
            assertThat(tvObjective(y, v, shape, w)).as("direction %d", trial).isGreaterThanOrEqualTo(f - 1e-9);
        }
    }

    @Test
    void defaultIterationCapGivesNearlyTheExactProx() {
        int[] shape = {12, 11, 10};
        float[] v = rand(6, shape);
        double w = 0.05;
        double fDefault = tvObjective(toDouble(prox(new TvDenoiser(), v, shape, w)), v, shape, w);
        double fExact = tvObjective(toDouble(prox(EXACT, v, shape, w)), v, shape, w);
        assertThat(fDefault).isGreaterThanOrEqualTo(fExact - 1e-6).isLessThanOrEqualTo(fExact * 1.002);
    }

    @Test
    void denoiseUsesTheWeightStrengthTimesSigma() {
        int[] shape = {7, 6, 5};
        float[] v = rand(7, shape);
        TvDenoiser tv = new TvDenoiser().withStrength(2.5);
        assertThat(tv.denoise(Tensor.fromArray(v, shape), 0.04).toArray()).containsExactly(prox(tv, v, shape, 0.1));
    }

    @Test
    void leavesConstantsAndZeroWeightAlone() {
        int[] shape = {4, 5, 3};
        float[] c = new float[60];
        java.util.Arrays.fill(c, 0.7f);
        assertThat(prox(new TvDenoiser(), c, shape, 0.3)).containsOnly(0.7f);
        float[] v = rand(8, shape);
        assertThat(prox(new TvDenoiser(), v, shape, 0)).containsExactly(v);
        assertThat(prox(new TvDenoiser(), new float[] {0.25f}, new int[] {1, 1, 1}, 1)).containsExactly(0.25f);
    }

    @Test
    void sameBitsWithOneAndTwoThreads() {
        int[] shape = {23, 17, 29};
        float[] v = rand(9, shape);
        float[] one = PnpTesting.withThreads(1, () -> prox(new TvDenoiser(), v, shape, 0.05));
        float[] two = PnpTesting.withThreads(2, () -> prox(new TvDenoiser(), v, shape, 0.05));
        assertThat(two).containsExactly(one);
    }

    @Test
    void rejectsBadArguments() {
        Tensor v2 = Tensor.zeros(4, 4);
        assertThatThrownBy(() -> new TvDenoiser().denoise(v2, 0.1)).isInstanceOf(ShapeException.class).hasMessageContaining("got shape [4,4]");
        Tensor v = Tensor.zeros(3, 3, 3);
        assertThatThrownBy(() -> new TvDenoiser().denoise(v, -1)).hasMessageContaining("sigma is -1.0");
        assertThatThrownBy(() -> new TvDenoiser().prox(v, Double.NaN)).hasMessageContaining("weight is NaN");
        assertThatThrownBy(() -> new TvDenoiser(0, 10, 0)).hasMessageContaining("strength is 0.0");
        assertThatThrownBy(() -> new TvDenoiser(1, 0, 0)).hasMessageContaining("iteration cap is 0");
    }
}
