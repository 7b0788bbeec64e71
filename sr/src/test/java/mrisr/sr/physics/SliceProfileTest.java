package mrisr.sr.physics;

import static mrisr.sr.physics.PhysicsTesting.simpson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.function.DoubleUnaryOperator;
import mrisr.engine.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SliceProfileTest {

    /** Values of Python's math.erf (correctly rounded C library). */
    @Test
    void erfMatchesReferenceValues() {
        double[][] ref = {{0.1, 0.1124629160182849}, {0.5, 0.5204998778130465}, {1, 0.8427007929497149},
            {2, 0.9953222650189527}, {2.9, 0.9999589021219005}, {3, 0.9999779095030014}, {3.5, 0.9999992569016276},
            {4, 0.9999999845827421}, {-1.3, -0.9340079449406524}, {0, 0}};
        for (double[] r : ref) assertThat(SliceProfile.erf(r[0])).as("erf(%s)", r[0]).isCloseTo(r[1], within(1e-13));
        // the tail, where erfc matters: erfc(3) = 2.2090496998585438e-05, erfc(5) = 1.5374597944280351e-12
        assertThat(1 - SliceProfile.erf(3)).isCloseTo(2.2090496998585438e-05, within(1e-15));
        assertThat(1 - SliceProfile.erf(5)).isCloseTo(1.5374597944280351e-12, within(1e-15));
    }

    /** An independent density per kind, written from the definitions (FWHM = 4 mm, trapezoid ramp 2 mm). */
    static DoubleUnaryOperator referenceDensity(SliceProfile.Kind kind, double fwhm) {
        return switch (kind) {
            case RECT -> s -> Math.abs(s) <= fwhm / 2 ? 1 / fwhm : 0;
            case GAUSSIAN -> {
                double sigma = fwhm / (2 * Math.sqrt(2 * Math.log(2)));
                yield s -> Math.exp(-s * s / (2 * sigma * sigma)) / (sigma * Math.sqrt(2 * Math.PI));
            }
            case TRAPEZOID -> {
                double ramp = fwhm / 2, top = (fwhm - ramp) / 2, base = (fwhm + ramp) / 2;
                // height h with area h·fwhm = 1
                yield s -> Math.abs(s) <= top ? 1 / fwhm : Math.abs(s) >= base ? 0 : (base - Math.abs(s)) / ramp / fwhm;
            }
        };
    }

    /**
     * {@code ∫_a^b} of the reference density: exact overlap for the rect, Simpson on the pieces
     * between the trapezoid's kinks, Simpson for the Gaussian.
     */
    static double referenceIntegral(SliceProfile.Kind kind, double fwhm, double a, double b) {
        if (kind == SliceProfile.Kind.RECT) return Math.max(0, Math.min(b, fwhm / 2) - Math.max(a, -fwhm / 2)) / fwhm;
        DoubleUnaryOperator f = referenceDensity(kind, fwhm);
        double[] kinks = kind == SliceProfile.Kind.TRAPEZOID
                ? new double[] {-0.75 * fwhm, -0.25 * fwhm, 0.25 * fwhm, 0.75 * fwhm} : new double[0];
        double sum = 0, lo = a;
        for (double k : kinks) {
            if (k > lo && k < b) {
                sum += simpson(f, lo, k, 2000);
                lo = k;
            }
        }
        return sum + simpson(f, lo, b, 2000);
    }

    @ParameterizedTest
    @EnumSource(SliceProfile.Kind.class)
    void densityHasUnitAreaAndTheRequestedFwhm(SliceProfile.Kind kind) {
        SliceProfile p = SliceProfile.of(kind, 4.0);
        assertThat(p.fwhm()).isEqualTo(4.0);
        double h = p.halfSupport();
        assertThat(p.integral(-h, h)).isCloseTo(1, within(kind == SliceProfile.Kind.GAUSSIAN ? 1e-6 : 1e-15));
        if (kind != SliceProfile.Kind.RECT) {
            assertThat(p.value(2.0)).isCloseTo(p.value(0) / 2, within(1e-12));
            assertThat(p.value(-2.0)).isCloseTo(p.value(0) / 2, within(1e-12));
        }
        DoubleUnaryOperator ref = referenceDensity(kind, 4.0);
        for (double s = -5; s <= 5; s += 0.37) {
            assertThat(p.value(s)).as("p(%s)", s).isCloseTo(ref.applyAsDouble(s), within(1e-12));
        }
    }

    @ParameterizedTest
    @EnumSource(SliceProfile.Kind.class)
    void closedFormIntegralMatchesSimpson(SliceProfile.Kind kind) {
        SliceProfile p = SliceProfile.of(kind, 4.0);
        double[][] intervals = {{-0.7, 0.4}, {-1, 1}, {1, 2}, {2, 3}, {-3, -1}, {0.25, 1}, {-2.6, 1.7}, {-9, 9}};
        for (double[] iv : intervals) {
            assertThat(p.integral(iv[0], iv[1])).as("%s over [%s, %s]", kind, iv[0], iv[1])
                    .isCloseTo(referenceIntegral(kind, 4.0, iv[0], iv[1]), within(1e-10));
        }
    }

    /** Blurring a single bright plane reproduces the profile integrated over each voxel. */
    @ParameterizedTest
    @EnumSource(SliceProfile.Kind.class)
    void blurOfABrightPlaneIsTheVoxelIntegratedProfile(SliceProfile.Kind kind) {
        int[] shape = {2, 3, 41};
        double dz = 0.5;
        int z0 = 20;
        float[] x = new float[2 * 3 * 41];
        for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++) x[PhysicsTesting.idx(shape, i, j, z0)] = 1;
        SeparableOperator blur = Blur.profile(shape, new double[] {1, 1, dz}, 2, SliceProfile.of(kind, 3.0), Boundary.ZERO);
        float[] y = blur.apply(Tensor.fromArray(x, shape)).toArray();
        double sum = 0;
        for (int k = 0; k < 41; k++) {
            // output k reads input k + t with weight ∫ over voxel t of p; the plane sits at t = z0 − k
            double t = z0 - k;
            double expected = referenceIntegral(kind, 3.0, (t - 0.5) * dz, (t + 0.5) * dz);
            assertThat((double) y[PhysicsTesting.idx(shape, 1, 2, k)]).as("%s at k=%d", kind, k).isCloseTo(expected, within(2e-6));
            sum += y[PhysicsTesting.idx(shape, 1, 2, k)];
        }
        assertThat(sum).isCloseTo(1, within(1e-5));
    }

    @Test
    void rectOfWholeVoxelsAveragesThemWithHalfWeightsAtEvenEnds() {
        SeparableOperator blur = Blur.profile(new int[] {1, 1, 9}, new double[] {1, 1, 1}, 2, SliceProfile.rect(4), Boundary.ZERO);
        AxisMatrix m = blur.matrix(2);
        assertThat(new double[] {m.get(4, 2), m.get(4, 3), m.get(4, 4), m.get(4, 5), m.get(4, 6), m.get(4, 1), m.get(4, 7)})
                .containsExactly(0.125, 0.25, 0.25, 0.25, 0.125, 0, 0);
    }

    @Test
    void badParametersAreRejected() {
        assertThatThrownBy(() -> SliceProfile.gaussian(0)).isInstanceOf(PhysicsException.class).hasMessageContaining("FWHM is 0.0 mm");
        assertThatThrownBy(() -> SliceProfile.rect(-1)).isInstanceOf(PhysicsException.class);
        assertThatThrownBy(() -> SliceProfile.trapezoid(2, 3)).isInstanceOf(PhysicsException.class).hasMessageContaining("ramp");
        assertThatThrownBy(() -> SliceProfile.Kind.parse("box")).isInstanceOf(PhysicsException.class)
                .hasMessageContaining("'box'").hasMessageContaining("rect, gaussian or trapezoid");
        assertThat(SliceProfile.Kind.parse(" Gaussian ")).isEqualTo(SliceProfile.Kind.GAUSSIAN);
    }

    @Test
    void gaussianBlurSigmaFollowsTheFwhmConvention() {
        // FWHM 2.3548 mm on 0.5 mm voxels: σ = 1 mm = 2 voxels; the discrete variance is σ² + 1/12 voxel²
        double fwhm = SliceProfile.FWHM_PER_SIGMA;
        SeparableOperator g = Blur.gaussian(new int[] {61, 1, 1}, new double[] {0.5, 1, 1}, new double[] {fwhm, 0, 0}, Boundary.ZERO);
        AxisMatrix m = g.matrix(0);
        double mean = 0, var = 0;
        for (int c = 0; c < 61; c++) mean += (c - 30) * m.get(30, c);
        for (int c = 0; c < 61; c++) var += (c - 30 - mean) * (c - 30 - mean) * m.get(30, c);
        assertThat(mean).isCloseTo(0, within(1e-12));
        assertThat(var).isCloseTo(4 + 1.0 / 12, within(1e-4));
        assertThat(g.activeAxes()).containsExactly(0);
    }
}
