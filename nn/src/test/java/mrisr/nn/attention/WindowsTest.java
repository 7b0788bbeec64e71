package mrisr.nn.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mrisr.engine.GradCheck;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.engine.TestTensors;
import org.junit.jupiter.api.Test;

/** Roll, window partition and merge, Swin's relative position index and shifted-window mask. */
class WindowsTest {
    @Test
    void rollMatchesTorchRollsDefinition() {
        // out[i] = x[(i − shift) mod n] on each rolled axis; shifts beyond the size and negative ones wrap
        int a = 3, b = 5, c = 2;
        Tensor x = TestTensors.randn(1, a, b, c);
        float[] v = x.toArray();
        int[][] cases = {{1, 0}, {-2, 7}, {5, -11}, {0, 3}};
        for (int[] s : cases) {
            float[] y = Windows.roll(x, s, new int[] {0, 1}).toArray();
            for (int i = 0; i < a; i++) for (int j = 0; j < b; j++) for (int k = 0; k < c; k++) {
                int si = Math.floorMod(i - s[0], a), sj = Math.floorMod(j - s[1], b);
                assertThat(y[(i * b + j) * c + k]).as("shift %d,%d at %d,%d,%d", s[0], s[1], i, j, k)
                        .isEqualTo(v[(si * b + sj) * c + k]);
            }
        }
        assertThat(Windows.roll(TestTensors.randn(2, 1, 4), new int[] {1}, new int[] {-1}).toArray())
                .containsExactly(rolledByOne(TestTensors.randn(2, 1, 4).toArray()));
        assertThat(Windows.roll(x, new int[] {3, 5}, new int[] {0, 1})).isSameAs(x);
    }

    private static float[] rolledByOne(float[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[(i + 1) % v.length] = v[i];
        return out;
    }

    @Test
    void rollGradientIsTheInverseRoll() {
        GradCheck.check("roll", xs -> Windows.roll(xs[0], new int[] {-1, 2}, new int[] {1, 2}), TestTensors.randn(3, 2, 3, 4));
        assertThatThrownBy(() -> Windows.roll(Tensor.zeros(2, 2), new int[] {1}, new int[] {0, 1}))
                .isInstanceOf(ShapeException.class).hasMessageContaining("roll: shifts [1] and dims [0, 1]");
    }

    @Test
    void partitionCutsRowMajorWindowsAndMergeInvertsIt() {
        // [B=2, H=4, W=6, C=3], windows 2×3: window w = (gy, gx), token t = (iy, ix)
        int bs = 2, h = 4, w = 6, c = 3, my = 2, mx = 3;
        Tensor x = TestTensors.randn(4, bs, h, w, c);
        float[] v = x.toArray();
        Tensor windows = Windows.partition(x, new int[] {my, mx});
        assertThat(windows.shape()).containsExactly(bs * 4, my * mx, c);
        float[] got = windows.toArray();
        for (int b = 0; b < bs; b++) for (int gy = 0; gy < h / my; gy++) for (int gx = 0; gx < w / mx; gx++) {
            int win = (b * (h / my) + gy) * (w / mx) + gx;
            for (int iy = 0; iy < my; iy++) for (int ix = 0; ix < mx; ix++) for (int k = 0; k < c; k++) {
                int y = gy * my + iy, xx = gx * mx + ix;
                assertThat(got[(win * my * mx + iy * mx + ix) * c + k]).isEqualTo(v[((b * h + y) * w + xx) * c + k]);
            }
        }
        assertThat(Windows.merge(windows, new int[] {my, mx}, new int[] {h, w}).toArray()).containsExactly(v);

        Tensor volume = TestTensors.randn(5, 1, 4, 2, 6, 2);
        Tensor back = Windows.merge(Windows.partition(volume, new int[] {2, 1, 3}), new int[] {2, 1, 3}, new int[] {4, 2, 6});
        assertThat(back.toArray()).containsExactly(volume.toArray());
        // window (1,1,1) of a 3-d map with windows 2×1×3: token (1,0,2) comes from position (3,1,5)
        float[] wv = Windows.partition(volume, new int[] {2, 1, 3}).toArray();
        int window = (1 * 2 + 1) * 2 + 1, token = (1 * 1 + 0) * 3 + 2;
        assertThat(wv[(window * 6 + token) * 2 + 1]).isEqualTo(volume.get(0, 3, 1, 5, 1));
    }

    @Test
    void partitionRejectsSizesThatAreNotMultiplesOfTheWindow() {
        assertThatThrownBy(() -> Windows.partition(Tensor.zeros(1, 5, 4, 2), new int[] {2, 2}))
                .isInstanceOf(ShapeException.class)
                .hasMessageContaining("window partition: map [1,5,4,2] must be [B, spatial…, C] with 2 spatial sizes that are multiples of window [2,2]");
        assertThatThrownBy(() -> Windows.merge(Tensor.zeros(3, 4, 2), new int[] {2, 2}, new int[] {4, 4}))
                .isInstanceOf(ShapeException.class).hasMessageContaining("windows [3,4,2] must be [B·4, 4, C]");
    }

    @Test
    void relativePositionIndexIsSwinsTable() {
        // Swin's relative_position_index for a 2×2 window
        assertThat(Windows.relativePositionIndex(new int[] {2, 2})).containsExactly(
                4, 3, 1, 0,
                5, 4, 2, 1,
                7, 6, 4, 3,
                8, 7, 5, 4);
        // every pair at the same offset shares an entry; the diagonal is the table's centre; (i, j) and
        // (j, i) are mirror rows: idx(i, j) + idx(j, i) = T − 1
        int[] m = {2, 3, 4};
        int n = 24, t = Windows.tableSize(m);
        assertThat(t).isEqualTo(3 * 5 * 7);
        int[] idx = Windows.relativePositionIndex(m);
        for (int i = 0; i < n; i++) {
            assertThat(idx[i * n + i]).isEqualTo((t - 1) / 2);
            for (int j = 0; j < n; j++) {
                assertThat(idx[i * n + j]).isBetween(0, t - 1);
                assertThat(idx[i * n + j] + idx[j * n + i]).isEqualTo(t - 1);
            }
        }
        // token 0 = (0,0,0) attending to token 23 = (1,2,3): offset (−1,−2,−3) → ((0)·5 + 0)·7 + 0 = 0
        assertThat(idx[23]).isZero();
        assertThat(idx[23 * n]).isEqualTo(t - 1);
    }

    @Test
    void shiftedWindowMaskSeparatesTheWrappedRegions() {
        // 4×4 map, 2×2 windows, shift (1, 1): regions per axis {0, 1} → 0, {2} → 1, {3} → 2
        Tensor mask = Windows.shiftedWindowMask(new int[] {4, 4}, new int[] {2, 2}, new int[] {1, 1});
        assertThat(mask.shape()).containsExactly(4, 4, 4);
        float o = 0, x = Windows.MASKED;
        float[] all = mask.toArray();
        float[][] want = {
                // window (0,0): one region
                {o, o, o, o, o, o, o, o, o, o, o, o, o, o, o, o},
                // window (0,1): columns 2 | 3
                {o, x, o, x, x, o, x, o, o, x, o, x, x, o, x, o},
                // window (1,0): rows 2 | 3
                {o, o, x, x, o, o, x, x, x, x, o, o, x, x, o, o},
                // window (1,1): four regions
                {o, x, x, x, x, o, x, x, x, x, o, x, x, x, x, o}};
        for (int w = 0; w < 4; w++) {
            float[] got = new float[16];
            System.arraycopy(all, w * 16, got, 0, 16);
            assertThat(got).as("window %d", w).containsExactly(want[w]);
        }
        // no shift on the first axis: only the column split remains
        float[] columnsOnly = Windows.shiftedWindowMask(new int[] {4, 4}, new int[] {2, 2}, new int[] {0, 1}).toArray();
        float[] window3 = new float[16];
        System.arraycopy(columnsOnly, 48, window3, 0, 16);
        assertThat(window3).containsExactly(want[1]);
        assertThatThrownBy(() -> Windows.shiftedWindowMask(new int[] {4, 4}, new int[] {2, 2}, new int[] {2, 0}))
                .isInstanceOf(ShapeException.class).hasMessageContaining("shift [2,0] must lie in [0, window)");
    }
}
