package mrisr.sr.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;

class CleanPatchSamplerTest {
    /** A volume whose voxel values encode their position (all distinct), shifted so the maximum is known. */
    private static Volume indexed(int nx, int ny, int nz, double[] spacing) {
        float[] v = new float[nx * ny * nz];
        for (int p = 0; p < v.length; p++) v[p] = 100 + p;
        return Volume.of(Tensor.fromArray(v, nx, ny, nz), Volume.diagonalAffine(spacing[0], spacing[1], spacing[2]));
    }

    /** Without augmentation a patch is a block of the volume divided by the volume's largest magnitude. */
    @Test
    void patchesAreBlocksDividedByTheMaximum() {
        Volume vol = indexed(7, 6, 5, new double[] {1, 1, 1});
        double max = 100 + 7 * 6 * 5 - 1;
        CleanPatchSampler s = new CleanPatchSampler(List.of(vol), new int[] {3, 2, 4}, false);
        assertThat(s.normalisedRange(0)).isCloseTo((max - 100) / max, offset(1e-12));
        for (int t = 0; t < 10; t++) {
            float[] x = s.sample(new Rng(t));
            assertThat(x).hasSize(24);
            int first = Math.round((float) (x[0] * max)) - 100; // the block's corner index
            int i0 = first / 30, j0 = first / 5 % 6, k0 = first % 5;
            for (int i = 0, p = 0; i < 3; i++) {
                for (int j = 0; j < 2; j++) {
                    for (int k = 0; k < 4; k++, p++) {
                        float want = (float) ((100 + ((i0 + i) * 6 + j0 + j) * 5 + k0 + k) / max);
                        assertThat(x[p]).isCloseTo(want, offset(1e-6f));
                    }
                }
            }
        }
    }

    /** Augmentation gives flips and axis permutations of the block: the same set of values, and all 48 symmetries over many draws. */
    @Test
    void augmentationReachesEverySymmetryOfTheCubeOnIsotropicGrids() {
        Volume vol = indexed(2, 2, 2, new double[] {1, 1, 1});
        CleanPatchSampler s = new CleanPatchSampler(List.of(vol), new int[] {2, 2, 2}, true);
        float[] sorted = s.sample(new Rng(0)).clone();
        Arrays.sort(sorted);
        Set<String> seen = new HashSet<>();
        for (int t = 0; t < 2000; t++) {
            float[] x = s.sample(new Rng(t));
            float[] c = x.clone();
            Arrays.sort(c);
            assertThat(c).containsExactly(sorted);
            seen.add(Arrays.toString(x));
        }
        assertThat(seen).hasSize(48);
    }

    /** Axes of different voxel size are never swapped: only the 2·2·2·2 flips and i↔j swaps of 2 × 2 × 2 patches remain. */
    @Test
    void axesOfDifferentSpacingStayApart() {
        Volume vol = indexed(2, 2, 2, new double[] {1, 1, 3});
        CleanPatchSampler s = new CleanPatchSampler(List.of(vol), new int[] {2, 2, 2}, true);
        Set<String> seen = new HashSet<>();
        for (int t = 0; t < 500; t++) {
            float[] x = s.sample(new Rng(t));
            // k stays the last axis: values along k differ by exactly one index step (1/max) in the volume
            assertThat(Math.abs(x[1] - x[0])).isCloseTo((float) (1 / 107.0), offset(1e-6f));
            seen.add(Arrays.toString(x));
        }
        assertThat(seen).hasSize(16);
    }

    @Test
    void samplesAreAPureFunctionOfTheGenerator() {
        CleanPatchSampler s = new CleanPatchSampler(List.of(indexed(9, 8, 7, new double[] {1, 1, 1}), indexed(8, 8, 8, new double[] {1, 1, 1})),
                new int[] {4, 4, 4}, true);
        assertThat(s.sample(new Rng(5))).containsExactly(s.sample(new Rng(5)));
        assertThat(s.sample(new Rng(5))).isNotEqualTo(s.sample(new Rng(6)));
    }

    @Test
    void aVolumeSmallerThanThePatchIsRefused() {
        assertThatThrownBy(() -> new CleanPatchSampler(List.of(indexed(9, 3, 9, new double[] {1, 1, 1})), new int[] {4, 4, 4}, true))
                .isInstanceOf(TrainingDataException.class)
                .hasMessage("training volume 0 has 3 voxels along axis 1, fewer than the 4 of a patch; use a smaller --patch or larger volumes");
        assertThatThrownBy(() -> new CleanPatchSampler(List.of(), new int[] {4, 4, 4}, true)).hasMessage("no training volumes");
    }
}
