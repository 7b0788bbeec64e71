package mrisr.nn.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import mrisr.engine.GradCheck;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.engine.TestTensors;
import org.junit.jupiter.api.Test;

/** SSIM, MS-SSIM + ℓ₁ and histogram losses against direct double-precision formulas. */
class StructuralLossesTest {
    @Test
    void ssimOfConstantImagesAndOfIdenticalOnes() {
        // constant images a, b: σ = 0, so SSIM = (2ab + C1)/(a² + b² + C1)
        double a = 0.2, b = 0.6, c1 = 1e-4;
        Tensor x = Tensor.full((float) a, 1, 1, 5, 5), y = Tensor.full((float) b, 1, 1, 5, 5);
        SsimLoss loss = new SsimLoss(3, 1.5, 1.0, false);
        assertThat((double) loss.ssim(x, y).item()).isCloseTo((2 * a * b + c1) / (a * a + b * b + c1), within(1e-5));
        Tensor r = TestTensors.uniform(1, 0, 1, 2, 3, 6, 7);
        assertThat(loss.compute(r, r).item()).isCloseTo(0f, within(1e-5f));
        assertThatThrownBy(() -> new SsimLoss().compute(r, r)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("too small for a 11-wide window");
        assertThatThrownBy(() -> new SsimLoss(4, 1.5, 1, false)).hasMessageContaining("odd");
    }

    @Test
    void ssimMatchesTheDirectFormula2dAnd3d() {
        Tensor x = TestTensors.uniform(2, 0, 1, 2, 1, 7, 6), y = TestTensors.uniform(3, 0, 1, 2, 1, 7, 6);
        double want = naiveSsim(x, y, 5, 1.5, 1.0, false);
        SsimLoss loss = new SsimLoss(5, 1.5, 1.0, false);
        assertThat((double) loss.ssim(x, y).item()).isCloseTo(want, within(1e-5));
        assertThat((double) new SsimLoss(5, 1.5, 1.0, true).compute(x, y).item()).isCloseTo((1 - want) * (1 - want), within(1e-5));
        Tensor u = TestTensors.uniform(4, 0, 2, 1, 2, 5, 4, 6), v = TestTensors.uniform(5, 0, 2, 1, 2, 5, 4, 6);
        assertThat((double) new SsimLoss(3, 1.0, 2.0, false).ssim(u, v).item()).isCloseTo(naiveSsim(u, v, 3, 1.0, 2.0, false), within(1e-5));
    }

    @Test
    void ssimGradients() {
        Tensor x = TestTensors.uniform(6, 0, 1, 1, 1, 5, 5), y = TestTensors.uniform(7, 0, 1, 1, 1, 5, 5);
        GradCheck.check("ssim", xs -> new SsimLoss(3, 1.5, 1.0, false).compute(xs[0], xs[1]),
                GradCheck.Options.defaults().withEps(1e-3).withTolerance(1e-3, 2e-2), x, y);
        Tensor u = TestTensors.uniform(8, 0, 1, 1, 1, 3, 4, 3), v = TestTensors.uniform(9, 0, 1, 1, 1, 3, 4, 3);
        GradCheck.check("ssim 3d", xs -> new SsimLoss(3, 1.0, 1.0, true).compute(xs[0], xs[1]),
                GradCheck.Options.defaults().withEps(1e-3).withTolerance(1e-3, 2e-2), u, v);
    }

    @Test
    void msSsimL1MatchesTheDirectFormula() {
        // correlated images, so every contrast-structure term is positive (no clamping)
        Tensor x = TestTensors.uniform(10, 0, 1, 1, 2, 9, 8), y = x.mul(0.7).add(TestTensors.uniform(11, 0, 0.3, 1, 2, 9, 8));
        double[] w = {0.4, 0.6};
        MsSsimL1Loss loss = new MsSsimL1Loss(0.84, w, 3, 1.5, 1.0);
        // scale 1: CS at 9×8; scale 2: SSIM after 2×2 average pooling (floored to 4×4)
        double[][] cs = naiveSsimPerChannel(x, y, 3, 1.5, 1.0, true);
        double[][] ss = naiveSsimPerChannel(pool(toDouble(x), x.shape()), pool(toDouble(y), y.shape()), pooledShape(x.shape()),
                3, 1.5, 1.0, false);
        double ms = 0, l1 = 0;
        for (int c = 0; c < 2; c++) {
            assertThat(cs[0][c]).isPositive();
            ms += Math.pow(cs[0][c], w[0]) * Math.pow(ss[0][c], w[1]);
        }
        ms /= 2;
        float[] a = x.toArray(), b = y.toArray();
        for (int i = 0; i < a.length; i++) l1 += Math.abs(a[i] - b[i]);
        l1 /= a.length;
        assertThat((double) loss.msSsim(x, y).item()).isCloseTo(ms, within(1e-5));
        assertThat((double) loss.compute(x, y).item()).isCloseTo(0.84 * (1 - ms) + 0.16 * l1, within(1e-5));
        assertThat(new MsSsimL1Loss(1, w, 3, 1.5, 1).compute(x, x).item()).isCloseTo(0f, within(1e-5f));
        assertThatThrownBy(() -> new MsSsimL1Loss().compute(x, y)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("after 4 halvings; use a smaller window or fewer scales");
        // the float32 loss is too noisy for finite differences at this scale (σ² = E[x²] − μ² cancels), so the
        // backward pass is compared with central differences of the direct formula in double precision
        Tensor gx = TestTensors.uniform(12, 0.2, 0.8, 1, 1, 6, 6);
        Tensor gy = gx.mul(0.5).add(TestTensors.uniform(13, 0.1, 0.4, 1, 1, 6, 6));
        Tensor leaf = gx.detach().mul(1.0).requiresGrad(true);
        loss.compute(leaf, gy).backward();
        float[] analytic = leaf.grad().toArray();
        double[] a0 = toDouble(gx), b0 = toDouble(gy);
        int[] shape = gx.shape();
        for (int i = 0; i < a0.length; i++) {
            double[] plus = a0.clone(), minus = a0.clone();
            plus[i] += 1e-6;
            minus[i] -= 1e-6;
            double numeric = (naiveMsSsimL1(plus, b0, shape, w, 0.84) - naiveMsSsimL1(minus, b0, shape, w, 0.84)) / 2e-6;
            assertThat((double) analytic[i]).as("element %d", i).isCloseTo(numeric, within(2e-5 + 1e-2 * Math.abs(numeric)));
        }
    }

    /** 2×2 average pooling of {@code [N, C, H, W]} values, floored, in double. */
    private static double[] pool(double[] v, int[] shape) {
        int n = shape[0], c = shape[1], H = shape[2], W = shape[3], h = H / 2, w = W / 2;
        double[] out = new double[n * c * h * w];
        for (int k = 0; k < n * c; k++) for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) {
            double s = 0;
            for (int u = 0; u < 2; u++) for (int q = 0; q < 2; q++) s += v[(k * H + 2 * i + u) * W + 2 * j + q];
            out[(k * h + i) * w + j] = s / 4;
        }
        return out;
    }

    private static int[] pooledShape(int[] shape) {
        return new int[] {shape[0], shape[1], shape[2] / 2, shape[3] / 2};
    }

    /** α·(1 − MS-SSIM) + (1 − α)·mean|a − b| with two scales (window 3, σ 1.5, range 1), in double. */
    private static double naiveMsSsimL1(double[] a, double[] b, int[] shape, double[] w, double alpha) {
        double[][] cs = naiveSsimPerChannel(a, b, shape, 3, 1.5, 1.0, true);
        double[][] ss = naiveSsimPerChannel(pool(a, shape), pool(b, shape), pooledShape(shape), 3, 1.5, 1.0, false);
        double ms = 0;
        for (int n = 0; n < shape[0]; n++) for (int c = 0; c < shape[1]; c++) ms += Math.pow(cs[n][c], w[0]) * Math.pow(ss[n][c], w[1]);
        ms /= shape[0] * shape[1];
        double l1 = 0;
        for (int i = 0; i < a.length; i++) l1 += Math.abs(a[i] - b[i]);
        return alpha * (1 - ms) + (1 - alpha) * l1 / a.length;
    }

    private static double[] toDouble(Tensor t) {
        float[] f = t.toArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /** Mean SSIM (or CS) over samples, channels and valid positions, in double. */
    static double naiveSsim(Tensor x, Tensor y, int win, double sigma, double range, boolean csOnly) {
        double[][] per = naiveSsimPerChannel(x, y, win, sigma, range, csOnly);
        double s = 0;
        for (double[] row : per) for (double v : row) s += v;
        return s / (per.length * per[0].length);
    }

    static double[][] naiveSsimPerChannel(Tensor x, Tensor y, int win, double sigma, double range, boolean csOnly) {
        return naiveSsimPerChannel(toDouble(x), toDouble(y), x.shape(), win, sigma, range, csOnly);
    }

    static double[][] naiveSsimPerChannel(double[] a, double[] b, int[] shape, int win, double sigma, double range,
            boolean csOnly) {
        int spatial = shape.length - 2;
        int[] size = new int[3];
        java.util.Arrays.fill(size, 1);
        for (int k = 0; k < spatial; k++) size[3 - spatial + k] = shape[2 + k];
        int[] wsz = new int[3];
        for (int k = 0; k < 3; k++) wsz[k] = 3 - k <= spatial ? win : 1;
        double[] g = new double[win];
        double gs = 0;
        for (int i = 0; i < win; i++) gs += g[i] = Math.exp(-Math.pow(i - (win - 1) / 2.0, 2) / (2 * sigma * sigma));
        for (int i = 0; i < win; i++) g[i] /= gs;
        double c1 = Math.pow(0.01 * range, 2), c2 = Math.pow(0.03 * range, 2);
        int vol = size[0] * size[1] * size[2];
        double[][] out = new double[shape[0]][shape[1]];
        for (int n = 0; n < shape[0]; n++) for (int c = 0; c < shape[1]; c++) {
            int base = (n * shape[1] + c) * vol;
            double total = 0;
            int count = 0;
            for (int z = 0; z + wsz[0] <= size[0]; z++) for (int yy = 0; yy + wsz[1] <= size[1]; yy++)
                for (int xx = 0; xx + wsz[2] <= size[2]; xx++) {
                    double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
                    for (int u = 0; u < wsz[0]; u++) for (int v = 0; v < wsz[1]; v++) for (int q = 0; q < wsz[2]; q++) {
                        double wt = (wsz[0] > 1 ? g[u] : 1) * (wsz[1] > 1 ? g[v] : 1) * (wsz[2] > 1 ? g[q] : 1);
                        int i = base + ((z + u) * size[1] + yy + v) * size[2] + xx + q;
                        mx += wt * a[i];
                        my += wt * b[i];
                        sxx += wt * a[i] * a[i];
                        syy += wt * b[i] * b[i];
                        sxy += wt * a[i] * b[i];
                    }
                    double vx = sxx - mx * mx, vy = syy - my * my, cov = sxy - mx * my;
                    double cs = (2 * cov + c2) / (vx + vy + c2);
                    total += csOnly ? cs : (2 * mx * my + c1) / (mx * mx + my * my + c1) * cs;
                    count++;
                }
            out[n][c] = total / count;
        }
        return out;
    }

    @Test
    void softHistogramMatchesItsDefinitionAndTendsToCounts() {
        Tensor x = Tensor.fromArray(new float[] {0.1f, 0.15f, 0.6f, 0.9f, 0.35f, 0.35f}, 2, 3);
        HistogramLoss h = new HistogramLoss(4, 0, 1, 0.3, HistogramLoss.Distance.SQUARED_L2);
        float[] got = h.histogram(x).toArray();
        float[] v = x.toArray();
        for (int n = 0; n < 2; n++) for (int b = 0; b < 4; b++) {
            double s = 0;
            for (int i = 0; i < 3; i++) {
                double lo = b * 0.25, hi = (b + 1) * 0.25, tau = 0.25 * 0.3, val = v[n * 3 + i];
                s += sigmoid((val - lo) / tau) - sigmoid((val - hi) / tau);
            }
            assertThat((double) got[n * 4 + b]).isCloseTo(s / 3, within(1e-6));
        }
        float[] hard = new HistogramLoss(4, 0, 1, 1e-3, HistogramLoss.Distance.L1).histogram(x).toArray();
        assertThat(hard).containsExactly(new float[] {2f / 3, 0, 1f / 3, 0, 0, 2f / 3, 0, 1f / 3}, within(1e-5f));
        // L1 distance between the hard histograms of the two rows, as a loss between row 0 and row 1
        Tensor first = x.narrow(0, 0, 1), second = x.narrow(0, 1, 1);
        assertThat(new HistogramLoss(4, 0, 1, 1e-3, HistogramLoss.Distance.L1).compute(first, second).item())
                .isCloseTo(2f / 3 + 2f / 3 + 1f / 3 + 1f / 3, within(1e-5f));
        GradCheck.check("histogram", xs -> h.compute(xs[0], xs[1]), TestTensors.uniform(14, 0, 1, 2, 5),
                TestTensors.uniform(15, 0, 1, 2, 5));
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
