package mrisr.sr.physics;

import static mrisr.sr.physics.PhysicsTesting.idx;
import static mrisr.sr.physics.PhysicsTesting.randn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import mrisr.engine.Tensor;
import org.junit.jupiter.api.Test;

class DownsamplingTest {

    @Test
    void decimationSamplesAtTheLowResolutionVoxelCentres() {
        int[] s = {9, 8, 11};
        Tensor x = randn(1, s);
        float[] v = x.toArray();
        // odd factor 3 along i: centre 3j + 1; even factor 4 along k: centre 4j + 1.5 (mean of 4j+1, 4j+2)
        float[] y = Downsampling.decimate(s, new int[] {3, 1, 4}).apply(x).toArray();
        int[] o = {3, 8, 2};
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 8; j++) {
                for (int k = 0; k < 2; k++) {
                    double expected = 0.5 * (v[idx(s, 3 * i + 1, j, 4 * k + 1)] + v[idx(s, 3 * i + 1, j, 4 * k + 2)]);
                    assertThat((double) y[idx(o, i, j, k)]).isCloseTo(expected, within(1e-6));
                }
            }
        }
    }

    @Test
    void areaDownsamplingWeighsEachInputVoxelByItsOverlap() {
        int[] s = {1, 1, 11};
        Tensor x = randn(2, s);
        float[] v = x.toArray();
        double f = 2.5;
        SeparableOperator a = Downsampling.area(s, new double[] {1, 1, f});
        assertThat(a.outputShape()).containsExactly(1, 1, 4);
        float[] y = a.apply(x).toArray();
        for (int j = 0; j < 4; j++) {
            // LR voxel j covers [j·f − ½, (j+1)·f − ½] in input index units; voxel i covers [i − ½, i + ½]
            double lo = j * f - 0.5, hi = (j + 1) * f - 0.5, expected = 0;
            for (int i = 0; i < 11; i++) expected += Math.max(0, Math.min(hi, i + 0.5) - Math.max(lo, i - 0.5)) * v[i];
            assertThat((double) y[j]).isCloseTo(expected / f, within(1e-6));
        }
    }

    @Test
    void fusedProfileSamplingEqualsDecimationAfterBlurForOddFactors() {
        int[] s = {4, 5, 15};
        double[] sp = {1, 1, 0.8};
        SliceProfile p = SliceProfile.gaussian(2.4);
        Tensor x = randn(3, s);
        float[] fused = Downsampling.withProfiles(s, sp, new double[] {1, 1, 3}, new SliceProfile[] {null, null, p}, Boundary.SYMMETRIC)
                .apply(x).toArray();
        float[] composed = Downsampling.decimate(s, new int[] {1, 1, 3}).compose(Blur.profile(s, sp, 2, p, Boundary.SYMMETRIC))
                .apply(x).toArray();
        assertThat(fused).hasSize(composed.length);
        for (int i = 0; i < fused.length; i++) assertThat(fused[i]).isCloseTo(composed[i], within(1e-6f));
    }

    @Test
    void areaDownsamplingOfAConstantIsThatConstant() {
        int[] s = {10, 7, 12};
        Tensor ones = Tensor.ones(s);
        for (float v : Downsampling.area(s, new double[] {2.5, 1.75, 4}).apply(ones).toArray()) assertThat(v).isCloseTo(1f, within(1e-6f));
    }

    @Test
    void factorsAreValidated() {
        int[] s = {4, 4, 4};
        assertThatThrownBy(() -> Downsampling.area(s, new double[] {1, 0.5, 1})).isInstanceOf(PhysicsException.class)
                .hasMessageContaining("axis 1 is 0.5, must be >= 1");
        assertThatThrownBy(() -> Downsampling.decimate(s, new int[] {1, 1, 5})).isInstanceOf(PhysicsException.class)
                .hasMessageContaining("exceeds the size 4");
        assertThatThrownBy(() -> Downsampling.withProfiles(s, new double[] {1, 1, 1}, new double[] {1, 1, 2},
                new SliceProfile[3], Boundary.ZERO)).isInstanceOf(PhysicsException.class).hasMessageContaining("no profile");
        assertThatThrownBy(() -> Downsampling.area(new int[] {4, 0, 4}, new double[] {1, 1, 1})).isInstanceOf(PhysicsException.class)
                .hasMessageContaining("axis 1 is 0");
    }
}
