package mrisr.nn.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import mrisr.engine.GradCheck;
import mrisr.engine.Pool;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.engine.TestTensors;
import org.junit.jupiter.api.Test;

/** ℓ₁, ℓ₂, Charbonnier, TV, edge, physics and cycle losses: hand-computed values and gradient checks. */
class PixelLossesTest {
    private static final Tensor P = Tensor.fromArray(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
    private static final Tensor T = Tensor.fromArray(new float[] {2, 0, 3, 7}, 1, 1, 2, 2);

    @Test
    void l1MseAndCharbonnierByHand() {
        // differences −1, 2, 0, −3
        assertThat(new L1Loss().compute(P, T).item()).isEqualTo(1.5f);
        assertThat(new L1Loss(Reduction.SUM).compute(P, T).item()).isEqualTo(6f);
        assertThat(new L1Loss(Reduction.NONE).compute(P, T).toArray()).containsExactly(1f, 2f, 0f, 3f);
        assertThat(new MseLoss().compute(P, T).item()).isEqualTo(3.5f);
        assertThat(new MseLoss(Reduction.SUM).compute(P, T).item()).isEqualTo(14f);
        double charbonnier = (Math.sqrt(1.25) + Math.sqrt(4.25) + 0.5 + Math.sqrt(9.25)) / 4;
        assertThat((double) new CharbonnierLoss(0.5).compute(P, T).item()).isCloseTo(charbonnier, within(1e-6));
        assertThatThrownBy(() -> new L1Loss().compute(P, Tensor.zeros(1, 1, 2, 3))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("L1Loss: prediction [1,1,2,2] and target [1,1,2,3] differ");
        assertThatThrownBy(() -> new CharbonnierLoss(0)).hasMessageContaining("eps must be > 0");
    }

    @Test
    void pixelLossGradients() {
        Tensor p = TestTensors.randn(1, 2, 3, 4), t = TestTensors.randn(2, 2, 3, 4);
        GradCheck.check("l1", xs -> new L1Loss().compute(xs[0], xs[1]), p, t);
        GradCheck.check("mse", xs -> new MseLoss(Reduction.SUM).compute(xs[0], xs[1]), p, t);
        GradCheck.check("charbonnier", xs -> new CharbonnierLoss(0.1).compute(xs[0], xs[1]), p, t);
    }

    @Test
    void totalVariationByHand() {
        // x = [[0, 1], [3, 5]]: (∇_H, ∇_W) = (3, 1), (4, 0), (0, 2), (0, 0)
        Tensor x = Tensor.fromArray(new float[] {0, 1, 3, 5}, 1, 1, 2, 2);
        double e = 0.1, e2 = e * e;
        double want = (Math.sqrt(10 + e2) + Math.sqrt(16 + e2) + Math.sqrt(4 + e2) + e) / 4;
        assertThat((double) new TotalVariationLoss(e).compute(x).item()).isCloseTo(want, within(1e-6));
        assertThat(new TotalVariationLoss(0.5).compute(Tensor.full(3f, 2, 1, 3, 3, 3)).item()).isCloseTo(0.5f, within(1e-7f));
        assertThat(new TotalVariationLoss(0.5).compute(Tensor.ones(1, 1, 1, 1, 1)).item()).isEqualTo(0.5f);
    }

    @Test
    void totalVariation3dMatchesTheDirectSum() {
        int d = 3, h = 4, w = 2;
        Tensor x = TestTensors.randn(3, 2, 1, d, h, w);
        float[] v = x.toArray();
        double e = 1e-2, sum = 0;
        for (int n = 0; n < 2; n++) for (int z = 0; z < d; z++) for (int y = 0; y < h; y++) for (int q = 0; q < w; q++) {
            int i = ((n * d + z) * h + y) * w + q;
            double gz = z + 1 < d ? v[i + h * w] - v[i] : 0, gy = y + 1 < h ? v[i + w] - v[i] : 0, gx = q + 1 < w ? v[i + 1] - v[i] : 0;
            sum += Math.sqrt(gz * gz + gy * gy + gx * gx + e * e);
        }
        assertThat((double) new TotalVariationLoss(e).compute(x).item()).isCloseTo(sum / (2 * d * h * w), within(1e-5));
        GradCheck.check("tv3d", xs -> new TotalVariationLoss(0.3).compute(xs[0]), TestTensors.randn(4, 1, 1, 3, 3, 3));
        assertThatThrownBy(() -> new TotalVariationLoss().compute(Tensor.zeros(3, 3))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("must be [N,C,H,W] or [N,C,D,H,W]");
    }

    @Test
    void edgeLossWithForwardDifferences() {
        Tensor p = TestTensors.randn(5, 1, 2, 3, 4), t = TestTensors.randn(6, 1, 2, 3, 4);
        float[] a = p.toArray(), b = t.toArray();
        double sum = 0;
        for (int c = 0; c < 2; c++) for (int y = 0; y < 3; y++) for (int x = 0; x < 4; x++) {
            int i = (c * 3 + y) * 4 + x;
            if (y + 1 < 3) sum += Math.abs((a[i + 4] - a[i]) - (b[i + 4] - b[i]));
            if (x + 1 < 4) sum += Math.abs((a[i + 1] - a[i]) - (b[i + 1] - b[i]));
        }
        assertThat((double) new EdgeLoss(EdgeLoss.Operator.GRADIENT).compute(p, t).item()).isCloseTo(sum / (2 * 24), within(1e-6));
        GradCheck.check("edge gradient", xs -> new EdgeLoss(EdgeLoss.Operator.GRADIENT).compute(xs[0], xs[1]),
                TestTensors.randn(7, 1, 1, 2, 3, 3), TestTensors.randn(8, 1, 1, 2, 3, 3));
    }

    @Test
    void sobelEdgeLossOnARampAndAgainstTheDirectFilter() {
        // a unit ramp along W: the normalised Sobel gives 1 inside, 1/2 at the replicated borders, 0 along H
        float[] ramp = new float[4 * 5];
        for (int y = 0; y < 4; y++) for (int x = 0; x < 5; x++) ramp[y * 5 + x] = x;
        double want = (4 * 3 * 1 + 4 * 2 * 0.5) / (2.0 * 20);
        Tensor r = Tensor.fromArray(ramp, 1, 1, 4, 5);
        assertThat((double) new EdgeLoss(EdgeLoss.Operator.SOBEL).compute(r, Tensor.zeros(1, 1, 4, 5)).item())
                .isCloseTo(want, within(1e-6));

        Tensor p = TestTensors.randn(9, 1, 1, 3, 4, 3), t = TestTensors.randn(10, 1, 1, 3, 4, 3);
        float[] d = p.sub(t).toArray();
        double[] deriv = {-0.5, 0, 0.5}, smooth = {0.25, 0.5, 0.25};
        int[] size = {3, 4, 3};
        double sum = 0;
        for (int axis = 0; axis < 3; axis++) for (int z = 0; z < 3; z++) for (int y = 0; y < 4; y++) for (int x = 0; x < 3; x++) {
            double s = 0;
            for (int u = 0; u < 3; u++) for (int v = 0; v < 3; v++) for (int q = 0; q < 3; q++) {
                int zz = clamp(z + u - 1, size[0]), yy = clamp(y + v - 1, size[1]), xx = clamp(x + q - 1, size[2]);
                double k = (axis == 0 ? deriv[u] : smooth[u]) * (axis == 1 ? deriv[v] : smooth[v]) * (axis == 2 ? deriv[q] : smooth[q]);
                s += k * d[(zz * 4 + yy) * 3 + xx];
            }
            sum += Math.abs(s);
        }
        assertThat((double) new EdgeLoss(EdgeLoss.Operator.SOBEL).compute(p, t).item()).isCloseTo(sum / (3 * 36), within(1e-6));
        GradCheck.check("edge sobel", xs -> new EdgeLoss(EdgeLoss.Operator.SOBEL).compute(xs[0], xs[1]),
                TestTensors.randn(11, 1, 2, 3, 3), TestTensors.randn(12, 1, 2, 3, 3));
    }

    private static int clamp(int i, int n) {
        return Math.max(0, Math.min(n - 1, i));
    }

    @Test
    void physicsLossWithABlockAverageOperator() {
        // H = 2×2 block average of a 2×4 image: [2.5, 4.5]; y = [2, 6] → residuals 0.5, −1.5
        Tensor x = Tensor.fromArray(new float[] {1, 2, 3, 4, 3, 4, 5, 6}, 1, 1, 2, 4);
        Tensor y = Tensor.fromArray(new float[] {2, 6}, 1, 1, 1, 2);
        assertThat(new PhysicsLoss(v -> Pool.avgPool2d(v, 2), Reduction.SUM).compute(x, y).item()).isEqualTo(2.5f);
        assertThat(new PhysicsLoss(v -> Pool.avgPool2d(v, 2)).compute(x, y).item()).isEqualTo(1.25f);
        assertThatThrownBy(() -> new PhysicsLoss(v -> v).compute(x, y)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("forward operator maps prediction [1,1,2,4] to [1,1,2,4], but the measurement is [1,1,1,2]");
        GradCheck.check("physics", xs -> new PhysicsLoss(v -> Pool.avgPool3d(v, 2)).compute(xs[0], xs[1]),
                TestTensors.randn(13, 1, 1, 4, 2, 2), TestTensors.randn(14, 1, 1, 2, 1, 1));
    }

    @Test
    void cycleConsistencyOfTwoLinearMaps() {
        // G = ×2, H = ×0.4: G(H(x)) = 0.8x and H(G(y)) = 0.8y, so L = 0.2·(mean|x| + mean|y|)
        CycleConsistencyLoss cycle = new CycleConsistencyLoss(v -> v.mul(2), v -> v.mul(0.4));
        Tensor x = Tensor.fromArray(new float[] {1, -3}, 2), y = Tensor.fromArray(new float[] {-5}, 1);
        assertThat(cycle.compute(x, y).item()).isCloseTo(0.2f * (2 + 5), within(1e-6f));
        assertThat(cycle.compute(x, null).item()).isCloseTo(0.4f, within(1e-6f));
        assertThat(cycle.compute(null, y).item()).isCloseTo(1f, within(1e-6f));
        assertThatThrownBy(() -> cycle.compute(null, null)).hasMessageContaining("both samples are null");
        CycleConsistencyLoss pooled = new CycleConsistencyLoss(
                v -> mrisr.engine.Resample.interpolate(v, new double[] {2}, mrisr.engine.Resample.Mode.LINEAR, false),
                v -> Pool.avgPool2d(v, 2));
        GradCheck.check("cycle", xs -> pooled.compute(xs[0], xs[1]), GradCheck.Options.defaults().withEps(1e-3),
                TestTensors.randn(15, 1, 1, 4, 4), TestTensors.randn(16, 1, 1, 2, 2));
    }
}
