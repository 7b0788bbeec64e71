package mrisr.sr.methods.selfsup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import mrisr.engine.Tensor;
import mrisr.sr.InputException;
import mrisr.sr.methods.baseline.Interpolation;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.SliceProfile;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;

/** SMORE's training pairs: the in-plane input must carry exactly the through-plane resolution. */
class SmorePairsTest {

    private static final Degradation GAUSSIAN_3 = Degradation.builder().factors(1, 1, 3).build();

    @Test
    void probedOperatorOnABrightLineIsTheGaussianSliceProfile() {
        // a bright line at voxel 13 of 30: LR sample j (centred at 3j + 1) sees the profile's mass over voxel 13
        AxisOperator h = AxisOperator.probe(GAUSSIAN_3, 2, 30, new double[] {1, 1, 1}).orElseThrow();
        assertThat(h.inSize()).isEqualTo(30);
        assertThat(h.outSize()).isEqualTo(10);
        assertThat(h.upFactor()).isEqualTo(3.0);
        float[] line = new float[30];
        line[13] = 1;
        float[] lr = h.apply(line, new int[] {1, 1, 30}, 2);
        for (int j = 0; j < 10; j++) {
            double d = 13 - (3 * j + 1);
            assertThat((double) lr[j]).as("sample %d", j).isCloseTo(SelfSupTesting.gaussianMass(3, d - 0.5, d + 0.5), within(2e-6));
        }
    }

    @Test
    void probeFollowsAnExplicitThicknessAndRectProfile() {
        Degradation rect = Degradation.builder().factors(1, 1, 4).profile(SliceProfile.Kind.RECT).sliceThicknessMm(2).build();
        // HR spacing 0.5 mm: a 2 mm rect slice averages 4 voxels; the centre 4j + 1.5 sits between voxels
        AxisOperator h = AxisOperator.probe(rect, 2, 16, new double[] {1, 1, 0.5}).orElseThrow();
        for (int j = 0; j < 4; j++) {
            for (int p = 0; p < 16; p++) {
                double expected = p >= 4 * j && p < 4 * j + 4 ? 0.25 : 0;
                assertThat(h.weight(j, p)).as("H[%d, %d]", j, p).isCloseTo(expected, within(1e-7));
            }
        }
    }

    @Test
    void kspaceModeBringsTheSamplesBackOntoTheWholeLine() {
        Degradation k = Degradation.builder().factors(1, 1, 4).kspace(true).build();
        AxisOperator h = AxisOperator.probe(k, 2, 18, new double[] {1, 1, 1}).orElseThrow();
        assertThat(h.outSize()).isEqualTo(5); // round(18 / 4)
        assertThat(h.upFactor()).isEqualTo(18 / 5.0);
    }

    @Test
    void aLineShorterThanTheFactorHasNoSample() {
        assertThat(AxisOperator.probe(GAUSSIAN_3, 2, 2, new double[] {1, 1, 1})).isEmpty();
    }

    @Test
    void inPlaneTrainingInputEqualsTheThroughPlaneAcquisitionOfTheSameEdge() {
        // Through-plane: a bright sheet at k = 10 of an isotropic 24 x 5 x 24 volume, acquired with 3 mm
        // Gaussian slices and brought back by B-spline: the profile the network sees at test time.
        float[] hr = new float[24 * 5 * 24];
        for (int i = 0; i < 24; i++) for (int j = 0; j < 5; j++) hr[(i * 5 + j) * 24 + 10] = 1;
        Volume acquired = GAUSSIAN_3.apply(Volume.of(Tensor.fromArray(hr, 24, 5, 24), Volume.diagonalAffine(1, 1, 1)));
        float[] testInput = Interpolation.bspline().resample(acquired, 1, 1, 3).data().toArray();

        // In-plane: an LR volume of 8 slices with the same sheet across i (at i = 10) in every slice.
        int[] lrShape = {24, 5, 8};
        float[] lr = new float[24 * 5 * 8];
        for (int j = 0; j < 5; j++) for (int t = 0; t < 8; t++) lr[(10 * 5 + j) * 8 + t] = 1;
        PairSet pairs = Smore.pairs(List.of(lr), lrShape, 2, new double[] {1, 1, 1}, GAUSSIAN_3);

        // along i: 8 slices of 24 x 5; along j: 5 voxels give one sample, back to 3 rows of 24 columns
        assertThat(pairs.count()).isEqualTo(16);
        assertThat(pairs.size(0)).containsExactly(24, 5);
        assertThat(pairs.size(8)).containsExactly(3, 24);
        for (int t = 0; t < 8; t++) {
            float[] input = pairs.input(t), target = pairs.target(t);
            for (int i = 0; i < 24; i++) {
                for (int j = 0; j < 5; j++) {
                    assertThat((double) input[i * 5 + j]).as("slice %d, (%d, %d)", t, i, j)
                            .isCloseTo(testInput[j * 24 + i], within(1e-6)); // voxel (0, j, k = i)
                    assertThat(target[i * 5 + j]).isEqualTo(i == 10 ? 1f : 0f);
                }
            }
        }
    }

    @Test
    void tooSmallInPlaneAxesAreReported() {
        Degradation d = Degradation.builder().factors(1, 1, 5).build();
        assertThatThrownBy(() -> Smore.pairs(List.of(new float[4 * 3 * 2]), new int[] {4, 3, 2}, 2, new double[] {1, 1, 1}, d))
                .isInstanceOf(InputException.class).hasMessageContaining("4 and 3 voxels").hasMessageContaining("axis 2");
    }
}
