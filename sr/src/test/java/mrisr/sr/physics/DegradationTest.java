package mrisr.sr.physics;

import static mrisr.sr.physics.PhysicsTesting.idx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import mrisr.engine.Tensor;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DegradationTest {

    /**
     * The response of one low-resolution voxel to a bright plane at every high-resolution position:
     * the effective slice sensitivity profile, sampled on the high-resolution grid.
     */
    private static double[] planeResponse(Degradation d, int n, double dz, int lrVoxel) {
        int[] s = {1, 2, n};
        LinearOperator h = d.operator(s, new double[] {1, 1, dz});
        double[] r = new double[n];
        for (int z0 = 0; z0 < n; z0++) {
            float[] x = new float[2 * n];
            x[z0] = 1;
            x[n + z0] = 1;
            float[] y = h.apply(Tensor.fromArray(x, s)).toArray();
            r[z0] = y[lrVoxel];
        }
        return r;
    }

    /** Full width at half maximum of a sampled unimodal profile, by linear interpolation (in samples). */
    private static double fwhm(double[] r) {
        int peak = 0;
        for (int i = 1; i < r.length; i++) if (r[i] > r[peak]) peak = i;
        double half = r[peak] / 2;
        int lo = peak, hi = peak;
        while (r[lo - 1] > half) lo--;
        while (r[hi + 1] > half) hi++;
        double left = lo - 1 + (half - r[lo - 1]) / (r[lo] - r[lo - 1]);
        double right = hi + (r[hi] - half) / (r[hi] - r[hi + 1]);
        return right - left;
    }

    @ParameterizedTest
    @CsvSource({"RECT, 0", "GAUSSIAN, 0", "TRAPEZOID, 0", "RECT, 1", "GAUSSIAN, 1.5"})
    void brightPlaneGivesTheRequestedSliceProfile(SliceProfile.Kind kind, double gapMm) {
        // 0.25 mm voxels, factor 16: 4 mm slice spacing, thickness 4 mm − gap
        double dz = 0.25, f = 16, thickness = f * dz - gapMm;
        Degradation.Builder b = Degradation.builder().factors(1, 1, f).profile(kind);
        if (gapMm != 0) b.sliceGapMm(gapMm);
        int n = 96, j = 2;
        double[] r = planeResponse(b.build(), n, dz, j);
        double centre = j * f + (f - 1) / 2; // 39.5
        for (int z0 = 0; z0 < n; z0++) {
            double t = z0 - centre;
            double expected = SliceProfileTest.referenceIntegral(kind, thickness, (t - 0.5) * dz, (t + 0.5) * dz);
            assertThat(r[z0]).as("%s, plane at %d", kind, z0).isCloseTo(expected, within(2e-6));
        }
        assertThat(fwhm(r) * dz).isCloseTo(thickness, within(0.01 * thickness));
    }

    @Test
    void lowResolutionAffinePlacesEachVoxelOverTheVoxelsItCovers() {
        double[][] affine = {{0.9, 0.1, 0, -20}, {-0.1, 0.9, 0, 5}, {0, 0, 1.5, 30}, {0, 0, 0, 1}};
        Volume hr = Volume.of(Tensor.zeros(8, 9, 12), affine);
        Volume lr = Degradation.builder().factors(2, 1, 4).build().apply(hr);
        assertThat(lr.shape()).containsExactly(4, 9, 3);
        for (int i = 0; i < 4; i++) {
            for (int k = 0; k < 3; k++) {
                double[] w = lr.toWorld(i, 3, k), expected = hr.toWorld(2 * i + 0.5, 3, 4 * k + 1.5);
                for (int r = 0; r < 3; r++) assertThat(w[r]).isCloseTo(expected[r], within(1e-12));
            }
        }
        assertThat(lr.spacing()[2]).isCloseTo(6.0, within(1e-12));
    }

    @Test
    void sliceAxisIsTheAxisWithTheLargestFactor() {
        double[] iso = {1, 1, 1};
        assertThat(Degradation.builder().factors(3, 1, 1).build().sliceAxis(iso)).isZero();
        assertThat(Degradation.builder().factors(2, 2, 2).build().sliceAxis(iso)).isEqualTo(2);
        assertThat(Degradation.builder().factors(1, 3, 3).build().sliceAxis(new double[] {1, 2, 1})).isEqualTo(1);
        assertThat(Degradation.builder().factors(1, 3, 3).sliceAxis(0).build().sliceAxis(iso)).isZero();
        assertThat(Degradation.throughPlaneAxis(new double[] {1, 5, 1})).isEqualTo(1);
        assertThat(Degradation.throughPlaneAxis(new double[] {1, 1, 1})).isEqualTo(2);
    }

    @Test
    void inPlanePsfHasFwhmOfOnePointTwoLowResolutionPixels() {
        Degradation d = Degradation.builder().factors(1, 1, 2).inPlanePsf(true).build();
        int n = 41;
        int[] s = {n, 1, 2};
        float[] x = new float[2 * n];
        x[idx(s, 20, 0, 0)] = 1;
        x[idx(s, 20, 0, 1)] = 1;
        float[] y = d.operator(s, new double[] {0.5, 1, 1}).apply(Tensor.fromArray(x, s)).toArray();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            double t = i - 20;
            double expected = SliceProfileTest.referenceIntegral(SliceProfile.Kind.GAUSSIAN, 0.6, (t - 0.5) * 0.5, (t + 0.5) * 0.5);
            assertThat((double) y[i]).isCloseTo(expected, within(2e-6));
            sum += y[i];
        }
        assertThat(sum).isCloseTo(1, within(1e-5));
    }

    @Test
    void operatorIsTheNoiseFreePartOfApply() {
        Volume hr = Volume.of(PhysicsTesting.randn(5, 6, 7, 12), Volume.diagonalAffine(1, 1, 1));
        Degradation d = Degradation.builder().factors(1, 1.5, 3).profile(SliceProfile.Kind.TRAPEZOID).biasField(0.3).seed(9).build();
        float[] viaApply = d.apply(hr).data().toArray();
        float[] viaOperator = d.operator(hr.shape(), hr.spacing()).apply(hr.data()).toArray();
        assertThat(viaApply).isEqualTo(viaOperator);
    }

    @Test
    void noiseIsSeededAndScaledToTheIntensityRange() {
        Volume hr = Volume.of(Tensor.full(100f, 24, 24, 24), Volume.diagonalAffine(1, 1, 1));
        float[] v = hr.data().toArray();
        for (int i = 0; i < v.length / 2; i++) v[i] = 0; // range 100
        hr = hr.withData(Tensor.fromArray(v, 24, 24, 24));
        Degradation.Builder b = Degradation.builder().factors(1, 1, 2).profile(SliceProfile.Kind.RECT).noise(0.05);
        Volume clean = Degradation.builder().factors(1, 1, 2).profile(SliceProfile.Kind.RECT).build().apply(hr);
        float[] a = b.seed(1).build().apply(hr).data().toArray();
        float[] again = b.seed(1).build().apply(hr).data().toArray();
        float[] other = b.seed(2).build().apply(hr).data().toArray();
        assertThat(again).isEqualTo(a);
        assertThat(other).isNotEqualTo(a);
        float[] c = clean.data().toArray();
        double ss = 0;
        for (int i = 0; i < a.length; i++) ss += (a[i] - c[i]) * (double) (a[i] - c[i]);
        double sd = Math.sqrt(ss / a.length);
        // σ = 0.05 · 100; the sample sd of 6912 draws is within ±3 % with overwhelming probability
        assertThat(sd).isCloseTo(5.0, within(0.15));
    }

    @Test
    void kspaceModeKeepsTheFieldOfViewAndIntensities() {
        Volume hr = Volume.of(Tensor.full(3f, 10, 8, 13), Volume.diagonalAffine(1, 1, 1));
        Degradation d = Degradation.builder().factors(1, 2, 3).kspace(true).build();
        Volume lr = d.apply(hr);
        assertThat(lr.shape()).containsExactly(10, 4, 4); // round(13/3) = 4
        assertThat(lr.spacing()[2]).isCloseTo(13.0 / 4, within(1e-12));
        for (float x : lr.data().toArray()) assertThat(x).isCloseTo(3f, within(1e-5f));
        double[] first = lr.toWorld(0, 0, 0), expected = hr.toWorld(0, 0.5, (13.0 / 4 - 1) / 2);
        for (int r = 0; r < 3; r++) assertThat(first[r]).isCloseTo(expected[r], within(1e-12));
    }

    @Test
    void seriesFramesShareTheOperator() {
        int nt = 3;
        Tensor series = PhysicsTesting.randn(6, 6, 5, 8, nt);
        Volume hr = Volume.of(series, Volume.diagonalAffine(1, 1, 1));
        Degradation d = Degradation.builder().factors(1, 1, 2).build();
        Volume lr = d.apply(hr);
        assertThat(lr.shape()).containsExactly(6, 5, 4, nt);
        float[] all = series.toArray(), out = lr.data().toArray();
        LinearOperator h = d.operator(new int[] {6, 5, 8}, hr.spacing());
        for (int t = 0; t < nt; t++) {
            float[] frame = new float[240];
            for (int i = 0; i < 240; i++) frame[i] = all[i * nt + t];
            float[] expected = h.apply(Tensor.fromArray(frame, 6, 5, 8)).toArray();
            for (int i = 0; i < expected.length; i++) assertThat(out[i * nt + t]).isEqualTo(expected[i]);
        }
    }

    @Test
    void inconsistentOptionsAreRejected() {
        assertThatThrownBy(() -> Degradation.builder().factors(1, 1, 4).kspace(true).profile(SliceProfile.Kind.RECT).build())
                .isInstanceOf(PhysicsException.class).hasMessageContaining("k-space");
        assertThatThrownBy(() -> Degradation.builder().factors(1, 1, 4).rician(true).build())
                .isInstanceOf(PhysicsException.class).hasMessageContaining("Rician");
        assertThatThrownBy(() -> Degradation.builder().factors(1, 0.5, 4)).isInstanceOf(PhysicsException.class)
                .hasMessageContaining("axis 1 is 0.5");
        assertThatThrownBy(() -> Degradation.builder().factors(1, 1, 4).sliceGapMm(4).build().operator(new int[] {4, 4, 8}, new double[] {1, 1, 1}))
                .isInstanceOf(PhysicsException.class).hasMessageContaining("slice thickness is 0");
        assertThatThrownBy(() -> Degradation.builder().factors(1, 1, 9).build().lrShape(new int[] {4, 4, 8}))
                .isInstanceOf(PhysicsException.class).hasMessageContaining("exceeds the size 8");
        assertThatThrownBy(() -> Degradation.builder().factors(1, 1, 4).sliceGapMm(1).sliceThicknessMm(2).build())
                .isInstanceOf(PhysicsException.class).hasMessageContaining("either");
    }
}
