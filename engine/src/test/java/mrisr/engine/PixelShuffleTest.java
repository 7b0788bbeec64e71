package mrisr.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Pixel shuffle and unshuffle: explicit index formulas, the equivalent reshape/permute
 * compositions, round trips, gradients and errors.
 */
class PixelShuffleTest {

    @Test
    void shuffle2dFollowsTorchChannelOrder() {
        int n = 2, c = 3, r = 2, h = 3, w = 5;
        Tensor x = Tensor.arange(n * c * r * r * h * w).reshape(n, c * r * r, h, w);
        Tensor y = Resample.pixelShuffle2d(x, r);
        assertThat(y.shape()).containsExactly(n, c, h * r, w * r);
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < h * r; i++)
                    for (int j = 0; j < w * r; j++)
                        assertThat(y.get(b, ch, i, j)).isEqualTo(x.get(b, ch * r * r + (i % r) * r + j % r, i / r, j / r));
    }

    @Test
    void shuffle3dUsesDocumentedChannelOrder() {
        int n = 2, c = 2, r = 2, d = 3, h = 1, w = 2;
        Tensor x = Tensor.arange(n * c * r * r * r * d * h * w).reshape(n, c * r * r * r, d, h, w);
        Tensor y = Resample.pixelShuffle3d(x, r);
        assertThat(y.shape()).containsExactly(n, c, d * r, h * r, w * r);
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < d * r; i++)
                    for (int j = 0; j < h * r; j++)
                        for (int k = 0; k < w * r; k++) {
                            int channel = ch * r * r * r + (i % r) * r * r + (j % r) * r + k % r;
                            assertThat(y.get(b, ch, i, j, k)).isEqualTo(x.get(b, channel, i / r, j / r, k / r));
                        }
    }

    @Test
    void matchesReshapePermuteCompositions() {
        int n = 2, c = 3, r = 3, h = 2, w = 4;
        Tensor x2 = TestTensors.randn(1, n, c * r * r, h, w);
        Tensor viaViews2 = x2.reshape(n, c, r, r, h, w).permute(0, 1, 4, 2, 5, 3).reshape(n, c, h * r, w * r);
        assertThat(Resample.pixelShuffle2d(x2, r).toArray()).containsExactly(viaViews2.toArray());

        int d = 3;
        r = 2;
        Tensor x3 = TestTensors.randn(2, n, c * r * r * r, d, h, w);
        Tensor viaViews3 = x3.reshape(n, c, r, r, r, d, h, w).permute(0, 1, 5, 2, 6, 3, 7, 4)
                .reshape(n, c, d * r, h * r, w * r);
        assertThat(Resample.pixelShuffle3d(x3, r).toArray()).containsExactly(viaViews3.toArray());
    }

    @Test
    void unshuffleInvertsShuffleBothWays() {
        Tensor low2 = TestTensors.randn(3, 2, 3, 12, 5, 7);
        assertThat(Resample.pixelUnshuffle2d(Resample.pixelShuffle2d(low2, 2), 2).toArray())
                .containsExactly(low2.toArray());
        Tensor high2 = TestTensors.randn(4, 1, 2, 9, 6);
        Tensor down2 = Resample.pixelUnshuffle2d(high2, 3);
        assertThat(down2.shape()).containsExactly(1, 18, 3, 2);
        assertThat(Resample.pixelShuffle2d(down2, 3).toArray()).containsExactly(high2.toArray());

        Tensor low3 = TestTensors.randn(5, 2, 27, 2, 1, 3);
        assertThat(Resample.pixelUnshuffle3d(Resample.pixelShuffle3d(low3, 3), 3).toArray())
                .containsExactly(low3.toArray());
        Tensor high3 = TestTensors.randn(6, 3, 1, 4, 6, 2);
        Tensor down3 = Resample.pixelUnshuffle3d(high3, 2);
        assertThat(down3.shape()).containsExactly(3, 8, 2, 3, 1);
        assertThat(Resample.pixelShuffle3d(down3, 2).toArray()).containsExactly(high3.toArray());
    }

    @Test
    void factorOneIsTheIdentity() {
        Tensor x = TestTensors.randn(7, 2, 3, 4, 5);
        assertThat(Resample.pixelShuffle2d(x, 1).toArray()).containsExactly(x.toArray());
        assertThat(Resample.pixelUnshuffle3d(x, 1).toArray()).containsExactly(x.toArray());
    }

    @Test
    void gradientIsTheInverseShuffle() {
        Tensor x = TestTensors.randn(8, 1, 8, 2, 3, 2).requiresGrad(true);
        Tensor y = Resample.pixelShuffle3d(x, 2);
        Tensor g = TestTensors.randn(9, y.shape());
        y.backward(g, false);
        assertThat(y.gradFnName()).isEqualTo("pixel_shuffle");
        assertThat(x.grad().toArray()).containsExactly(Resample.pixelUnshuffle3d(g, 2).toArray());

        Tensor z = TestTensors.randn(10, 2, 1, 4, 6).requiresGrad(true);
        Tensor u = Resample.pixelUnshuffle2d(z, 2);
        Tensor gu = TestTensors.randn(11, u.shape());
        u.backward(gu, false);
        assertThat(u.gradFnName()).isEqualTo("pixel_unshuffle");
        assertThat(z.grad().toArray()).containsExactly(Resample.pixelShuffle2d(gu, 2).toArray());
    }

    @Test
    void rejectsBadShapes() {
        assertThatThrownBy(() -> Resample.pixelShuffle2d(Tensor.zeros(1, 6, 2, 2), 2))
                .isInstanceOf(ShapeException.class).hasMessageContaining("pixel_shuffle")
                .hasMessageContaining("[1,6,2,2]").hasMessageContaining("6 channels");
        assertThatThrownBy(() -> Resample.pixelShuffle3d(Tensor.zeros(1, 4, 2, 2, 2), 2))
                .isInstanceOf(ShapeException.class).hasMessageContaining("r^3 = 8");
        assertThatThrownBy(() -> Resample.pixelShuffle3d(Tensor.zeros(8, 2, 2), 2))
                .isInstanceOf(ShapeException.class).hasMessageContaining("[8,2,2]");
        assertThatThrownBy(() -> Resample.pixelShuffle2d(Tensor.zeros(1, 4, 2, 2), 0))
                .isInstanceOf(ShapeException.class).hasMessageContaining("factor must be >= 1");
        assertThatThrownBy(() -> Resample.pixelUnshuffle2d(Tensor.zeros(1, 1, 4, 5), 2))
                .isInstanceOf(ShapeException.class).hasMessageContaining("pixel_unshuffle")
                .hasMessageContaining("spatial size 5");
        assertThatThrownBy(() -> Resample.pixelUnshuffle3d(Tensor.zeros(1, 1, 3, 4, 4), 2))
                .isInstanceOf(ShapeException.class).hasMessageContaining("spatial size 3");
    }
}
