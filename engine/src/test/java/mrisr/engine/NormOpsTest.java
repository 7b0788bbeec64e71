package mrisr.engine;

import static mrisr.engine.TestTensors.randn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * {@link Norm} against naive double-precision formulas written here, and its gradients against
 * central finite differences of those formulas in double.
 */
class NormOpsTest {

    // ------------------------------------------------------------------ softmax

    @Test
    void softmaxAndLogSoftmaxMatchNaiveAlongEveryDimension() {
        int[] shape = {3, 4, 5};
        Tensor x = randn(1, shape).mul(3);
        double[] xv = doubles(x);
        for (int dim = -3; dim < 3; dim++) {
            int d = dim < 0 ? dim + 3 : dim;
            double[][] expected = naiveSoftmax(xv, shape, d);
            assertClose(Norm.softmax(x, dim).toArray(), expected[0], 1e-6, "softmax dim " + dim);
            assertClose(Norm.logSoftmax(x, dim).toArray(), expected[1], 2e-6, "log_softmax dim " + dim);
        }
    }

    @Test
    void softmaxIsStableForLargeValues() {
        Tensor x = Tensor.fromArray(new float[] {1000, 1001, 1002, -1000, 0, 1000, 1000, 1000, 1000}, 3, 3);
        double[][] expected = naiveSoftmax(doubles(x), new int[] {3, 3}, 1);
        float[] p = Norm.softmax(x, -1).toArray(), lp = Norm.logSoftmax(x, -1).toArray();
        assertClose(p, expected[0], 1e-7, "softmax");
        assertClose(lp, expected[1], 1e-5, "log_softmax");
        // softmax is shift-invariant: [1000, 1001, 1002] gives the same as [0, 1, 2]
        double z = 1 + Math.exp(1) + Math.exp(2);
        assertThat((double) p[2]).isCloseTo(Math.exp(2) / z, within(1e-7));
        assertThat((double) lp[3]).isCloseTo(-2000, within(1e-3));
        assertThat(p[8]).isCloseTo(1f / 3, within(1e-7f));
    }

    @Test
    void softmaxBackwardMatchesTheAnalyticJacobian() {
        int[] shape = {2, 5, 3};
        Tensor x0 = randn(2, shape), r = randn(3, shape);
        double[][] s = naiveSoftmax(doubles(x0), shape, 1);
        double[] g = doubles(r), expectedSoftmax = new double[g.length], expectedLog = new double[g.length];
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 3; b++) {
                for (int j = 0; j < 5; j++) {
                    double sumSoftmax = 0, sumLog = 0;
                    for (int i = 0; i < 5; i++) {
                        int pi = (a * 5 + i) * 3 + b, pj = (a * 5 + j) * 3 + b;
                        double delta = i == j ? 1 : 0;
                        sumSoftmax += g[pi] * s[0][pi] * (delta - s[0][pj]); // ∂y_i/∂x_j = y_i(δ_ij − y_j)
                        sumLog += g[pi] * (delta - s[0][pj]);                // ∂log y_i/∂x_j = δ_ij − y_j
                    }
                    expectedSoftmax[(a * 5 + j) * 3 + b] = sumSoftmax;
                    expectedLog[(a * 5 + j) * 3 + b] = sumLog;
                }
            }
        }
        Tensor x = x0.detach().requiresGrad(true);
        Norm.softmax(x, 1).backward(r, false);
        assertClose(x.grad().toArray(), expectedSoftmax, 1e-6, "softmax backward");
        Tensor xl = x0.detach().requiresGrad(true);
        Norm.logSoftmax(xl, 1).backward(r, false);
        assertClose(xl.grad().toArray(), expectedLog, 1e-6, "log_softmax backward");
    }

    @Test
    void softmaxOfZeroDimensionalTensorIsOne() {
        assertThat(Norm.softmax(Tensor.scalar(7), 0).item()).isEqualTo(1f);
        assertThat(Norm.logSoftmax(Tensor.scalar(7), -1).item()).isEqualTo(0f);
        assertThatThrownBy(() -> Norm.softmax(Tensor.zeros(2, 3), 2)).isInstanceOf(ShapeException.class)
                .hasMessageStartingWith("softmax: ");
    }

    /** {softmax, log_softmax} along {@code d}, in double. */
    private static double[][] naiveSoftmax(double[] x, int[] shape, int d) {
        int inner = 1, outer = 1, n = shape[d];
        for (int i = d + 1; i < shape.length; i++) inner *= shape[i];
        for (int i = 0; i < d; i++) outer *= shape[i];
        double[] p = new double[x.length], lp = new double[x.length];
        for (int a = 0; a < outer; a++) {
            for (int b = 0; b < inner; b++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < n; j++) max = Math.max(max, x[(a * n + j) * inner + b]);
                for (int j = 0; j < n; j++) sum += Math.exp(x[(a * n + j) * inner + b] - max);
                for (int j = 0; j < n; j++) {
                    int q = (a * n + j) * inner + b;
                    p[q] = Math.exp(x[q] - max) / sum;
                    lp[q] = x[q] - max - Math.log(sum);
                }
            }
        }
        return new double[][] {p, lp};
    }

    // ------------------------------------------------------------------ layer norm

    @Test
    void layerNormOverTwoTrailingDimsMatchesNaive() {
        Tensor x = randn(10, 3, 4, 5).mul(2).add(1.5), w = randn(11, 4, 5), b = randn(12, 4, 5);
        double[] expected = naiveLayerNorm(doubles(x), doubles(w), doubles(b), 20, 1e-5);
        assertClose(Norm.layerNorm(x, new int[] {4, 5}, w, b).toArray(), expected, 2e-5, "layer_norm");
        double[] plain = naiveLayerNorm(doubles(x), null, null, 5, 1e-2);
        assertClose(Norm.layerNorm(x, new int[] {5}, null, null, 1e-2).toArray(), plain, 2e-5, "layer_norm no affine");
    }

    @Test
    void layerNormGradientsMatchFiniteDifferencesInDouble() {
        int[] shape = {3, 2, 7};
        Tensor x = randn(13, shape).requiresGrad(true), w = randn(14, 2, 7).requiresGrad(true);
        Tensor b = randn(15, 2, 7).requiresGrad(true), r = randn(16, shape);
        Norm.layerNorm(x, new int[] {2, 7}, w, b).backward(r, false);
        double[] xv = doubles(x), wv = doubles(w), bv = doubles(b), rv = doubles(r);
        assertClose(x.grad().toArray(), numericGradient(xv, v -> dot(rv, naiveLayerNorm(v, wv, bv, 14, 1e-5))), 2e-4, "gx");
        assertClose(w.grad().toArray(), numericGradient(wv, v -> dot(rv, naiveLayerNorm(xv, v, bv, 14, 1e-5))), 2e-4, "gw");
        assertClose(b.grad().toArray(), numericGradient(bv, v -> dot(rv, naiveLayerNorm(xv, wv, v, 14, 1e-5))), 2e-4, "gb");
    }

    @Test
    void layerNormRejectsBadShapes() {
        Tensor x = Tensor.zeros(2, 3, 4);
        assertThatThrownBy(() -> Norm.layerNorm(x, new int[] {3, 5}, null, null)).isInstanceOf(ShapeException.class)
                .hasMessage("layer_norm: input [2,3,4] does not end with normalized shape [3,5]");
        assertThatThrownBy(() -> Norm.layerNorm(x, new int[] {1, 2, 3, 4}, null, null)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("normalized shape [1,2,3,4]");
        assertThatThrownBy(() -> Norm.layerNorm(x, new int[] {4}, Tensor.zeros(3), null)).isInstanceOf(ShapeException.class)
                .hasMessage("layer_norm: weight of shape [3] does not match [4] for input [2,3,4]");
        assertThatThrownBy(() -> Norm.layerNorm(x, new int[] {4}, null, Tensor.zeros(1, 4))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("bias of shape [1,4]");
        assertThatThrownBy(() -> Norm.layerNorm(x, new int[] {4}, null, null, -1)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("eps must be finite and >= 0");
    }

    /** Layer norm of consecutive rows of {@code len}; weight and bias (or null) have {@code len} entries. */
    private static double[] naiveLayerNorm(double[] x, double[] w, double[] b, int len, double eps) {
        double[] y = new double[x.length];
        for (int row = 0; row < x.length / len; row++) {
            double mean = 0, var = 0;
            for (int j = 0; j < len; j++) mean += x[row * len + j] / len;
            for (int j = 0; j < len; j++) var += Math.pow(x[row * len + j] - mean, 2) / len;
            for (int j = 0; j < len; j++) {
                double xh = (x[row * len + j] - mean) / Math.sqrt(var + eps);
                y[row * len + j] = xh * (w == null ? 1 : w[j]) + (b == null ? 0 : b[j]);
            }
        }
        return y;
    }

    // ------------------------------------------------------------------ group norm

    @Test
    void groupNormMatchesNaiveWithOneTwoAndChannelGroupsOn4dAnd5d() {
        int[][] shapes = {{2, 6, 3, 5}, {3, 4, 3, 2, 3}};
        for (int[] shape : shapes) {
            int c = shape[1];
            for (int groups : new int[] {1, 2, c}) {
                Tensor x = randn(20 + groups, shape).mul(1.7).add(-0.4), w = randn(30, c), b = randn(31, c);
                double[] expected = naiveGroupNorm(doubles(x), shape, groups, doubles(w), doubles(b), 1e-5);
                assertClose(Norm.groupNorm(x, groups, w, b).toArray(), expected, 2e-5,
                        "group_norm " + Shape.format(shape) + " groups " + groups);
                double[] plain = naiveGroupNorm(doubles(x), shape, groups, null, null, 1e-3);
                assertClose(Norm.groupNorm(x, groups, null, null, 1e-3).toArray(), plain, 2e-5,
                        "group_norm no affine " + Shape.format(shape) + " groups " + groups);
            }
        }
    }

    @Test
    void groupNormGradientsMatchFiniteDifferencesInDouble() {
        int[] shape = {2, 4, 3, 1, 2};
        for (int groups : new int[] {1, 2, 4}) {
            Tensor x = randn(40, shape).requiresGrad(true), w = randn(41, 4).requiresGrad(true);
            Tensor b = randn(42, 4).requiresGrad(true), r = randn(43, shape);
            Norm.groupNorm(x, groups, w, b).backward(r, false);
            double[] xv = doubles(x), wv = doubles(w), bv = doubles(b), rv = doubles(r);
            String label = "groups " + groups;
            assertClose(x.grad().toArray(), numericGradient(xv, v -> dot(rv, naiveGroupNorm(v, shape, groups, wv, bv, 1e-5))),
                    2e-4, "gx " + label);
            assertClose(w.grad().toArray(), numericGradient(wv, v -> dot(rv, naiveGroupNorm(xv, shape, groups, v, bv, 1e-5))),
                    2e-4, "gw " + label);
            assertClose(b.grad().toArray(), numericGradient(bv, v -> dot(rv, naiveGroupNorm(xv, shape, groups, wv, v, 1e-5))),
                    2e-4, "gb " + label);
        }
    }

    @Test
    void groupNormRejectsBadShapes() {
        Tensor x = Tensor.zeros(2, 6, 3);
        assertThatThrownBy(() -> Norm.groupNorm(x, 4, null, null)).isInstanceOf(ShapeException.class)
                .hasMessage("group_norm: input [2,6,3] has 6 channels, which cannot be split into 4 groups");
        assertThatThrownBy(() -> Norm.groupNorm(x, 0, null, null)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("into 0 groups");
        assertThatThrownBy(() -> Norm.groupNorm(Tensor.zeros(6), 2, null, null)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("input [6] needs at least 2 dimensions");
        assertThatThrownBy(() -> Norm.groupNorm(x, 2, Tensor.zeros(3), null)).isInstanceOf(ShapeException.class)
                .hasMessage("group_norm: weight of shape [3] does not match [6] for input [2,6,3]");
    }

    /** Group norm of {@code x [N, C, …]}, weight and bias (or null) per channel. */
    private static double[] naiveGroupNorm(double[] x, int[] shape, int groups, double[] w, double[] b, double eps) {
        int n = shape[0], c = shape[1], spatial = x.length / (n * c), perGroup = c / groups;
        double[] y = new double[x.length];
        for (int s = 0; s < n; s++) {
            for (int g = 0; g < groups; g++) {
                double mean = 0, var = 0, count = perGroup * spatial;
                for (int ch = g * perGroup; ch < (g + 1) * perGroup; ch++) {
                    for (int k = 0; k < spatial; k++) mean += x[(s * c + ch) * spatial + k] / count;
                }
                for (int ch = g * perGroup; ch < (g + 1) * perGroup; ch++) {
                    for (int k = 0; k < spatial; k++) var += Math.pow(x[(s * c + ch) * spatial + k] - mean, 2) / count;
                }
                for (int ch = g * perGroup; ch < (g + 1) * perGroup; ch++) {
                    for (int k = 0; k < spatial; k++) {
                        int p = (s * c + ch) * spatial + k;
                        y[p] = (x[p] - mean) / Math.sqrt(var + eps) * (w == null ? 1 : w[ch]) + (b == null ? 0 : b[ch]);
                    }
                }
            }
        }
        return y;
    }

    // ------------------------------------------------------------------ dropout

    @Test
    void dropoutKeepsAboutOneMinusPAndScalesTheKeptValues() {
        double p = 0.3;
        Tensor x = Tensor.full(2f, 1000, 1000);
        float[] y = Norm.dropout(x, p, true, new Rng(50)).toArray();
        float scaled = 2f * (float) (1 / (1 - p));
        long kept = 0;
        for (float v : y) {
            if (v != 0f) {
                assertThat(v).isEqualTo(scaled);
                kept++;
            }
        }
        // 1e6 Bernoulli(0.7) draws: standard deviation of the fraction ≈ 4.6e-4
        assertThat(kept / 1e6).isCloseTo(1 - p, within(3e-3));
    }

    @Test
    void dropoutMaskIsTheRowMajorSequenceOfDraws() {
        double p = 0.4;
        Tensor x = randn(51, 3, 5);
        float[] y = Norm.dropout(x, p, true, new Rng(52)).toArray(), xv = x.toArray();
        Rng draws = new Rng(52);
        for (int i = 0; i < y.length; i++) {
            boolean keep = draws.nextFloat() >= p;
            assertThat(y[i]).as("element %d", i).isEqualTo(keep ? xv[i] * (float) (1 / (1 - p)) : 0f);
        }
    }

    @Test
    void dropoutSameSeedSameMaskOtherSeedOtherMask() {
        Tensor x = randn(53, 40, 50);
        float[] a = Norm.dropout(x, 0.5, true, new Rng(7)).toArray();
        float[] b = Norm.dropout(x, 0.5, true, new Rng(7)).toArray();
        float[] c = Norm.dropout(x, 0.5, true, new Rng(8)).toArray();
        assertThat(b).isEqualTo(a);
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void dropoutBackwardUsesTheSameMask() {
        Tensor x = randn(54, 6, 7).requiresGrad(true);
        Tensor y = Norm.dropout(x, 0.25, true, new Rng(9));
        assertThat(y.gradFnName()).isEqualTo("dropout");
        Tensor r = randn(55, 6, 7);
        y.backward(r, false);
        float[] yv = y.toArray(), xv = x.toArray(), rv = r.toArray(), g = x.grad().toArray();
        for (int i = 0; i < g.length; i++) {
            float mask = yv[i] == 0f ? 0f : (float) (1 / 0.75);
            assertThat(g[i]).isEqualTo(rv[i] * mask);
            if (yv[i] != 0f) assertThat(yv[i]).isEqualTo(xv[i] * mask);
        }
    }

    @Test
    void dropoutIdentityAndAllDroppedCases() {
        Tensor x = randn(56, 4, 5).requiresGrad(true);
        Rng rng = new Rng(10);
        assertThat(Norm.dropout(x, 0.5, false, rng)).isSameAs(x);
        assertThat(Norm.dropout(x, 0, true, rng)).isSameAs(x);
        assertThat(rng.nextLong()).as("identity draws nothing").isEqualTo(new Rng(10).nextLong());
        Tensor zeros = Norm.dropout(x, 1, true, null);
        assertThat(zeros.toArray()).containsOnly(0f);
        zeros.backward(randn(57, 4, 5), false);
        assertThat(x.grad().toArray()).containsOnly(0f);
    }

    @Test
    void dropoutRejectsProbabilitiesOutsideTheUnitInterval() {
        Tensor x = Tensor.zeros(3);
        for (double p : new double[] {-0.1, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> Norm.dropout(x, p, true, new Rng(1))).isInstanceOf(ShapeException.class)
                    .hasMessageStartingWith("dropout: probability must be in [0, 1]");
        }
    }

    // ------------------------------------------------------------------ helpers

    private static double[] doubles(Tensor t) {
        float[] f = t.toArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    /** Central differences of {@code f} at {@code x} in double (step 1e-6). */
    private static double[] numericGradient(double[] x, ToDoubleFunction<double[]> f) {
        double h = 1e-6;
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double[] plus = x.clone(), minus = x.clone();
            plus[i] += h;
            minus[i] -= h;
            g[i] = (f.applyAsDouble(plus) - f.applyAsDouble(minus)) / (2 * h);
        }
        return g;
    }

    private static void assertClose(float[] actual, double[] expected, double tolerance, String what) {
        assertThat(actual).as(what + " length").hasSize(expected.length);
        for (int i = 0; i < actual.length; i++) {
            double tol = tolerance * Math.max(1, Math.abs(expected[i]));
            assertThat((double) actual[i]).as("%s at %d", what, i).isCloseTo(expected[i], within(tol));
        }
    }
}
