package mrisr.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import mrisr.engine.Resample;
import mrisr.engine.Rng;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import org.junit.jupiter.api.Test;

/** Pixel shuffle, upsampling, activations, residual blocks. */
class ResampleActivationTest {
    @Test
    void pixelShuffle2dFollowsPyTorchsChannelOrder() {
        Tensor x = Tensor.arange(2 * 8 * 2 * 3).reshape(2, 8, 2, 3);
        Tensor y = new PixelShuffle2d(2).forward(x);
        assertThat(y.shape()).containsExactly(2, 2, 4, 6);
        for (int n = 0; n < 2; n++) for (int c = 0; c < 2; c++) for (int h = 0; h < 4; h++) for (int w = 0; w < 6; w++) {
            int src = c * 4 + (h % 2) * 2 + (w % 2);
            assertThat(y.get(n, c, h, w)).isEqualTo(x.get(n, src, h / 2, w / 2));
        }
        assertThat(new PixelShuffle2d(2).cost(2, 8, 2, 3).outputShape()).containsExactly(2, 2, 4, 6);
        assertThat(new PixelUnshuffle2d(2).forward(y).toArray()).containsExactly(x.toArray());
        assertThat(new PixelUnshuffle2d(2).cost(2, 2, 4, 6).outputShape()).containsExactly(2, 8, 2, 3);
        assertThatThrownBy(() -> new PixelShuffle2d(2).cost(1, 6, 2, 2)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("6 channels, not divisible by 4");
    }

    @Test
    void pixelShuffle3dFollowsTheViewPermuteOrder() {
        Tensor x = Tensor.arange(16 * 2 * 1 * 3).reshape(1, 16, 2, 1, 3);
        Tensor y = new PixelShuffle3d(2).forward(x);
        assertThat(y.shape()).containsExactly(1, 2, 4, 2, 6);
        for (int c = 0; c < 2; c++) for (int d = 0; d < 4; d++) for (int h = 0; h < 2; h++) for (int w = 0; w < 6; w++) {
            int src = c * 8 + (d % 2) * 4 + (h % 2) * 2 + (w % 2);
            assertThat(y.get(0, c, d, h, w)).isEqualTo(x.get(0, src, d / 2, h / 2, w / 2));
        }
        assertThat(new PixelShuffle3d(2).cost(1, 16, 2, 1, 3)).isEqualTo(new Cost(new int[] {1, 2, 4, 2, 6}, 0));
        assertThat(new PixelUnshuffle3d(2).forward(y).toArray()).containsExactly(x.toArray());
        assertThat(new PixelUnshuffle3d(2).cost(1, 2, 4, 2, 6).outputShape()).containsExactly(1, 16, 2, 1, 3);
    }

    @Test
    void upsampleNearestRepeatsAndLinearAlignCornersInterpolates() {
        Tensor x = Tensor.arange(6).reshape(1, 1, 2, 3);
        Tensor near = Upsample.byScale(new double[] {2}, Resample.Mode.NEAREST, false).forward(x);
        assertThat(near.shape()).containsExactly(1, 1, 4, 6);
        for (int h = 0; h < 4; h++) for (int w = 0; w < 6; w++) assertThat(near.get(0, 0, h, w)).isEqualTo(x.get(0, 0, h / 2, w / 2));

        Tensor line = Tensor.fromArray(new float[] {0, 3, 9}, 1, 1, 3);
        Tensor lin = Upsample.toSize(new int[] {5}, Resample.Mode.LINEAR, true).forward(line);
        // align corners: sources at 0, 0.5, 1, 1.5, 2
        assertThat(lin.toArray()).containsExactly(0f, 1.5f, 3f, 6f, 9f);
        Upsample third = Upsample.byScale(new double[] {1.5, 2, 1}, Resample.Mode.LINEAR, false);
        assertThat(third.cost(1, 2, 3, 3, 5)).isEqualTo(new Cost(new int[] {1, 2, 4, 6, 5}, 0));
        assertThat(third.forward(Tensor.zeros(1, 2, 3, 3, 5)).shape()).containsExactly(1, 2, 4, 6, 5);
        assertThatThrownBy(() -> Upsample.byScale(new double[] {2}, Resample.Mode.NEAREST, true))
                .hasMessageContaining("alignCorners");
    }

    @Test
    void activationsMatchTheirFormulas() {
        float[] xs = {-2f, -0.5f, 0f, 1f, 2f};
        Tensor x = Tensor.fromArray(xs, 5);
        // Φ(x) at −2, −0.5, 0, 1, 2 (standard normal CDF)
        double[] phi = {0.02275013194817921, 0.3085375387259869, 0.5, 0.8413447460685429, 0.9772498680518208};
        float[] relu = new ReLU().forward(x).toArray(), leaky = new LeakyReLU(0.2).forward(x).toArray(),
                gelu = new GELU().forward(x).toArray(), silu = new SiLU().forward(x).toArray(),
                sig = new Sigmoid().forward(x).toArray(), tanh = new Tanh().forward(x).toArray();
        for (int i = 0; i < xs.length; i++) {
            double v = xs[i], s = 1 / (1 + Math.exp(-v));
            assertThat((double) relu[i]).isEqualTo(Math.max(v, 0));
            assertThat((double) leaky[i]).isCloseTo(v > 0 ? v : 0.2 * v, within(1e-7));
            assertThat((double) gelu[i]).isCloseTo(v * phi[i], within(1e-6));
            assertThat((double) silu[i]).isCloseTo(v * s, within(1e-6));
            assertThat((double) sig[i]).isCloseTo(s, within(1e-6));
            assertThat((double) tanh[i]).isCloseTo(Math.tanh(v), within(1e-6));
        }
        assertThat(new LeakyReLU().negativeSlope()).isEqualTo(0.01);
        assertThat(new GELU().cost(2, 3)).isEqualTo(new Cost(new int[] {2, 3}, 0));
    }

    @Test
    void residualAddsTheScaledBodyToTheShortcut() {
        Rng rng = new Rng(31);
        Conv2d body = new Conv2d(2, 2, 3, 1, 1, rng);
        Residual r = new Residual(body, 0.1);
        Tensor x = Tensor.randn(rng, 1, 2, 4, 4);
        float[] want = x.add(body.forward(x).mul(0.1)).toArray(), got = r.forward(x).toArray();
        for (int i = 0; i < want.length; i++) assertThat(got[i]).isCloseTo(want[i], within(1e-6f));
        assertThat(r.stateDict().keySet()).containsExactly("body.weight", "body.bias");
        assertThat(r.cost(1, 2, 4, 4)).isEqualTo(body.cost(1, 2, 4, 4));

        Conv2d proj = new Conv2d(2, 3, 1, rng);
        Residual projected = new Residual(new Conv2d(2, 3, 3, 1, 1, rng), proj, 1.0);
        assertThat(projected.forward(x).shape()).containsExactly(1, 3, 4, 4);
        assertThat(projected.macs(1, 2, 4, 4)).isEqualTo(16L * 3 * 2 * 9 + 16L * 3 * 2);
        Residual mismatched = new Residual(new Conv2d(2, 3, 3, 1, 1, rng));
        assertThatThrownBy(() -> mismatched.forward(x)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("body output [1,3,4,4] differs from shortcut [1,2,4,4]");
        assertThatThrownBy(() -> mismatched.cost(1, 2, 4, 4)).isInstanceOf(ShapeException.class);
    }

    @Test
    void sequentialChainsForwardAndCost() {
        Rng rng = new Rng(32);
        Sequential net = new Sequential(new Conv3d(1, 4, 3, 1, 1, rng), new ReLU(), new Conv3d(4, 8, 3, 1, 1, rng),
                new PixelShuffle3d(2), new Identity());
        Tensor x = Tensor.randn(rng, 1, 1, 3, 2, 2);
        assertThat(net.forward(x).shape()).containsExactly(1, 1, 6, 4, 4);
        assertThat(net.cost(1, 1, 3, 2, 2)).isEqualTo(new Cost(new int[] {1, 1, 6, 4, 4}, 12L * 4 * 27 + 12L * 8 * 4 * 27));
        assertThat(net.size()).isEqualTo(5);
        assertThat(net.get(1)).isInstanceOf(ReLU.class);
        assertThatThrownBy(() -> net.get(5)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
