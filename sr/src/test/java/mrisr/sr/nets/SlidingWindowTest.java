package mrisr.sr.nets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mrisr.nn.Module;
import org.junit.jupiter.api.Test;

class SlidingWindowTest {
    private static final int[] FACTORS = {2, 2, 2};

    @Test
    void oneTileCoveringTheVolumeIsBitIdenticalToWholeVolumeInference() {
        Architecture arch = Architecture.edsr3d(Upsampling.SUBPIXEL, FACTORS, 3, 1);
        Module net = NetTesting.randomNetwork(arch, 1);
        int[] shape = {7, 5, 6};
        float[] x = NetTesting.randomVolume(shape, 2);
        float[] whole = NetTesting.wholeVolume(net, x, shape);
        float[] tiled = new SlidingWindow(8, 2, arch.halo(), arch.scale()).apply(net, x, shape);
        assertThat(tiled).hasSameSizeAs(whole);
        for (int i = 0; i < whole.length; i++) assertThat(Float.floatToRawIntBits(tiled[i])).isEqualTo(Float.floatToRawIntBits(whole[i]));
    }

    /** With overlap ≥ 2·halo every blended value is one the whole-volume pass computes, on every axis and at the borders. */
    @Test
    void tilesWithTheDefaultOverlapEqualWholeVolumeInferenceEverywhere() {
        for (Architecture arch : new Architecture[] {
                Architecture.edsr3d(Upsampling.SUBPIXEL, FACTORS, 3, 1),     // halo 5, scale 2
                Architecture.srcnn3d(Upsampling.PRE, new int[] {1, 1, 3}, 4)}) { // halo 6, scale 1
            Module net = NetTesting.randomNetwork(arch, 3);
            int h = arch.halo();
            int[] shape = {2 * h + 9, 2 * h + 4, 3 * h + 2}; // several tiles per axis, an uneven last one
            float[] x = NetTesting.randomVolume(shape, 4);
            float[] whole = NetTesting.wholeVolume(net, x, shape);
            float[] tiled = new SlidingWindow(2 * h + 3, 2 * h, h, arch.scale()).apply(net, x, shape);
            double scale = 0;
            for (float v : whole) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < whole.length; i++) {
                assertThat((double) tiled[i]).as("%s voxel %d", arch, i).isCloseTo(whole[i], org.assertj.core.data.Offset.offset(1e-5 * scale));
            }
        }
    }

    /**
     * With a small overlap the tiles' zero padding shows near the seams, but a voxel farther than
     * the halo from every tile edge inside the volume still gets the whole-volume value.
     */
    @Test
    void smallOverlapKeepsWholeVolumeValuesAwayFromTheSeams() {
        Architecture arch = Architecture.edsr3d(Upsampling.PRE, new int[] {2, 2, 1}, 3, 0); // halo 3
        Module net = NetTesting.randomNetwork(arch, 5);
        int[] shape = {30, 9, 9};
        float[] x = NetTesting.randomVolume(shape, 6);
        float[] whole = NetTesting.wholeVolume(net, x, shape);
        SlidingWindow w = new SlidingWindow(12, 2, 3, 1); // tiles along i at 0, 10, 18
        float[] tiled = w.apply(net, x, shape);
        int differing = 0;
        for (int i = 0; i < shape[0]; i++) {
            boolean nearSeam = (i >= 12 - 3 - 2 && i < 12 + 3) || (i >= 22 - 3 - 2 && i < 22 + 3) || (i >= 10 - 3 && i < 10 + 3)
                    || (i >= 18 - 3 && i < 18 + 3);
            for (int jk = 0; jk < 81; jk++) {
                int idx = i * 81 + jk;
                if (!nearSeam) assertThat((double) tiled[idx]).as("i=%d", i).isCloseTo(whole[idx], org.assertj.core.data.Offset.offset(1e-5));
                else if (Math.abs(tiled[idx] - whole[idx]) > 1e-4) differing++;
            }
        }
        assertThat(differing).as("the seams do differ with overlap < 2 halo").isPositive();
    }

    @Test
    void neighbouringRampsSumToOne() {
        // overlap 10, halo 2, scale 1: zero for d < 2, sin² ramp over 6 voxels, then 1
        SlidingWindow w = new SlidingWindow(20, 10, 2, 1);
        double[] first = w.weights(0, 20, 40), second = w.weights(10, 20, 40);
        for (int x = 0; x < 20; x++) assertThat(first[x]).isEqualTo(x < 10 ? 1.0 : first[x]);
        for (int d = 0; d < 2; d++) assertThat(first[19 - d]).isZero();
        for (int x = 10; x < 20; x++) assertThat(first[x] + second[x - 10]).as("x=%d", x).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
        // the ramp itself: sin²(π/2·(d − h + 1)/(O − 2h + 1)) at d = 4 from the edge
        assertThat(second[4]).isCloseTo(Math.pow(Math.sin(Math.PI / 2 * 3 / 7), 2), org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void tileStartsCoverTheAxisWithTheLastTileFlushWithTheEnd() {
        SlidingWindow w = new SlidingWindow(10, 4, 1, 1);
        assertThat(w.starts(10)).containsExactly(0);
        assertThat(w.starts(7)).containsExactly(0);
        assertThat(w.starts(11)).containsExactly(0, 1);
        assertThat(w.starts(23)).containsExactly(0, 6, 12, 13);
    }

    @Test
    void invalidWindowsAreRefusedNamingTheOptions() {
        assertThatThrownBy(() -> new SlidingWindow(0, 0, 1, 1)).isInstanceOf(ModelException.class).hasMessage("--patch 0 must be >= 1");
        assertThatThrownBy(() -> new SlidingWindow(8, 8, 1, 1)).isInstanceOf(ModelException.class)
                .hasMessage("--overlap 8 must be >= 0 and smaller than --patch 8");
    }
}
