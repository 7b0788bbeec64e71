package mrisr.sr.methods.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import mrisr.engine.Memory;
import mrisr.engine.MemoryBudgetException;
import mrisr.engine.Tensor;
import mrisr.kernels.Parallel;
import mrisr.sr.methods.FactorException;
import mrisr.sr.methods.SrContext;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;

class InterpolationTest {
    private static final double[] FACTORS = {2, 3, 2.5, 0.75, 4};

    // ------------------------------------------------------------------ exactness on polynomials

    /** Polynomial of degree {@code d} in one variable, scaled to stay O(10) on [0, 48). */
    private static double poly(int d, double t) {
        double v = 0.5;
        if (d >= 1) v += 0.3 * t;
        if (d >= 2) v -= 0.01 * t * t;
        if (d >= 3) v += 0.0002 * t * t * t;
        return v;
    }

    /**
     * Along each axis in turn (the others of size 3 and factor 1), the method reproduces a
     * polynomial of degree {@code degree} at every output whose position lies in
     * {@code [margin, n − 1 − margin]}.
     */
    private static void reproducesPolynomial(Interpolation m, int degree, double margin, double tol) {
        int n = 48;
        for (int axis = 0; axis < 3; axis++) {
            int[] shape = {3, 3, 3};
            shape[axis] = n;
            int ax = axis;
            Volume in = Volumes.of(shape, (i, j, k) -> poly(degree, new double[] {i, j, k}[ax]));
            for (double f : FACTORS) {
                double[] factors = {1, 1, 1};
                factors[axis] = f;
                Volume out = m.resample(in, factors);
                int[] os = out.shape();
                float[] v = out.data().toArray();
                int checked = 0;
                for (int p = 0; p < v.length; p++) {
                    int[] idx = {p / (os[1] * os[2]), (p / os[2]) % os[1], p % os[2]};
                    double x = Volumes.position(idx[axis], f);
                    if (x < margin || x > n - 1 - margin) continue;
                    assertThat((double) v[p]).as("%s axis %d f=%s x=%s", m, axis, f, x)
                            .isCloseTo(poly(degree, x), within(tol));
                    checked++;
                }
                assertThat(checked).isGreaterThan(0);
            }
        }
    }

    @Test
    void nearestAndLanczosAndSincReproduceConstantsEverywhere() {
        for (Interpolation m : List.of(Interpolation.nearest(), Interpolation.lanczos(), Interpolation.sinc())) {
            reproducesPolynomial(m, 0, Double.NEGATIVE_INFINITY, 1e-5);
        }
    }

    @Test
    void linearIsExactOnRampsInsideTheSampledRange() {
        reproducesPolynomial(Interpolation.linear(), 1, 0, 2e-5);
    }

    @Test
    void cubicIsExactOnQuadraticsInTheInterior() {
        // Keys' a = −0.5 kernel has third-order accuracy: quadratics exactly, cubics not
        reproducesPolynomial(Interpolation.cubic(), 2, 1, 2e-5);
    }

    @Test
    void bsplineIsExactOnCubicsAwayFromTheEnds() {
        // the prefilter is global; the mirror boundary's influence decays as |√3 − 2|^d (< 1e-9 at d = 16)
        reproducesPolynomial(Interpolation.bspline(), 3, 16, 5e-5);
    }

    @Test
    void tensorProductReproducesMixedPolynomialsIn3d() {
        int[] shape = {12, 11, 10};
        double[] f = {2, 3, 1.5};
        // trilinear terms for linear; per-axis quadratics and cross terms for cubic
        Volumes.Field trilinear = (i, j, k) -> 1 + 0.5 * i - 0.25 * j + 0.125 * k + 0.01 * i * j * k;
        Volumes.Field quadratic = (i, j, k) -> 0.02 * i * i + 0.01 * j * k - 0.03 * k * k + 0.1 * i + 1;
        checkInterior3d(Interpolation.linear(), Volumes.of(shape, trilinear), trilinear, f, 0, 1e-4);
        checkInterior3d(Interpolation.cubic(), Volumes.of(shape, quadratic), quadratic, f, 1, 1e-4);
    }

    private static void checkInterior3d(Interpolation m, Volume in, Volumes.Field field, double[] f, double margin, double tol) {
        Volume out = m.resample(in, f);
        int[] s = in.shape(), os = out.shape();
        float[] v = out.data().toArray();
        int checked = 0;
        for (int i = 0; i < os[0]; i++) {
            for (int j = 0; j < os[1]; j++) {
                for (int k = 0; k < os[2]; k++) {
                    double x = Volumes.position(i, f[0]), y = Volumes.position(j, f[1]), z = Volumes.position(k, f[2]);
                    if (Math.min(x, Math.min(y, z)) < margin || x > s[0] - 1 - margin || y > s[1] - 1 - margin
                            || z > s[2] - 1 - margin) continue;
                    assertThat((double) v[(i * os[1] + j) * os[2] + k]).as("%s at %d,%d,%d", m, i, j, k)
                            .isCloseTo(field.at(x, y, z), within(tol));
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(100);
    }

    // ------------------------------------------------------------------ nearest, interpolation property

    @Test
    void nearestPicksTheInputVoxelContainingTheOutputCentre() {
        int n = 10;
        Volume in = Volumes.of(new int[] {n, 2, 2}, (i, j, k) -> 100 * i + 10 * j + k);
        for (double f : new double[] {3, 2.5, 1.7, 0.5, 0.4}) {
            Volume out = Interpolation.nearest().resample(in, f, 1, 1);
            int m = out.shape()[0];
            for (int o = 0; o < m; o++) {
                double centre = (o + 0.5) / f; // in voxel-edge coordinates: voxel j spans [j, j + 1)
                int expected = -1;
                for (int j = 0; j < n; j++) if (j <= centre && centre < j + 1) expected = j;
                if (expected < 0) expected = n - 1;
                for (int j = 0; j < 2; j++)
                    for (int k = 0; k < 2; k++)
                        assertThat((double) Volumes.at(out, o, j, k)).as("f=%s o=%d", f, o).isEqualTo(100.0 * expected + 10 * j + k);
            }
        }
    }

    @Test
    void everyMethodPassesThroughTheSamplesWherePositionsCoincide() {
        // factor 3: output 3i + 1 sits exactly on input i, ends included
        Volume in = Volumes.random(11, 7, 5, 6);
        for (Interpolation m : Interpolation.all()) {
            Volume out = m.resample(in, 3, 3, 3);
            assertThat(out.shape()).containsExactly(21, 15, 18);
            for (int i = 0; i < 7; i++)
                for (int j = 0; j < 5; j++)
                    for (int k = 0; k < 6; k++)
                        assertThat(Volumes.at(out, 3 * i + 1, 3 * j + 1, 3 * k + 1)).as("%s at %d,%d,%d", m, i, j, k)
                                .isCloseTo(Volumes.at(in, i, j, k), within(2e-5));
        }
    }

    @Test
    void factorOneLeavesTheVolumeUnchanged() {
        Volume in = Volumes.random(12, 5, 4, 3);
        for (Interpolation m : Interpolation.all()) {
            Volume out = m.resample(in, 1, 1, 1);
            assertThat(out.data().toArray()).isEqualTo(in.data().toArray());
            assertThat(out.affine()).isDeepEqualTo(in.affine());
        }
    }

    // ------------------------------------------------------------------ naive references

    /** Keys' cubic convolution kernel for a general {@code a}, as in Keys (1981), eq. (15). */
    private static double keys(double d, double a) {
        d = Math.abs(d);
        if (d <= 1) return (a + 2) * d * d * d - (a + 3) * d * d + 1;
        if (d < 2) return a * d * d * d - 5 * a * d * d + 8 * a * d - 4 * a;
        return 0;
    }

    private static double lanczos3(double d) {
        if (d == 0) return 1;
        if (Math.abs(d) >= 3) return 0;
        return Math.sin(Math.PI * d) / (Math.PI * d) * Math.sin(Math.PI * d / 3) / (Math.PI * d / 3);
    }

    /** Whole-sample symmetric reflection by repeated folding. */
    private static int reflect(int j, int n) {
        if (n == 1) return 0;
        while (j < 0 || j >= n) j = j < 0 ? -j : 2 * (n - 1) - j;
        return j;
    }

    /** 1-D taps {index, weight} at position x for a kernel of radius r, optionally normalised. */
    private static double[][] taps(double x, int n, int r, java.util.function.DoubleUnaryOperator k, boolean normalise) {
        double[][] t = new double[2 * r][2];
        double sum = 0;
        for (int q = 0; q < 2 * r; q++) {
            int j = (int) Math.floor(x) - r + 1 + q;
            t[q][0] = reflect(j, n);
            t[q][1] = k.applyAsDouble(x - j);
            sum += t[q][1];
        }
        if (normalise) for (double[] tq : t) tq[1] /= sum;
        return t;
    }

    private static void matchesNaiveTensorProduct(Interpolation m, int r, java.util.function.DoubleUnaryOperator k, boolean normalise) {
        Volume in = Volumes.random(21, 6, 7, 5);
        double[] f = {2.5, 1.5, 3};
        Volume out = m.resample(in, f);
        int[] s = in.shape(), os = out.shape();
        assertThat(os).containsExactly(15, 11, 15);
        float[] a = in.data().toArray(), b = out.data().toArray();
        for (int i = 0; i < os[0]; i++) {
            double[][] ti = taps(Volumes.position(i, f[0]), s[0], r, k, normalise);
            for (int j = 0; j < os[1]; j++) {
                double[][] tj = taps(Volumes.position(j, f[1]), s[1], r, k, normalise);
                for (int l = 0; l < os[2]; l++) {
                    double[][] tl = taps(Volumes.position(l, f[2]), s[2], r, k, normalise);
                    double v = 0;
                    for (double[] x : ti)
                        for (double[] y : tj)
                            for (double[] z : tl)
                                v += x[1] * y[1] * z[1] * a[((int) x[0] * s[1] + (int) y[0]) * s[2] + (int) z[0]];
                    assertThat((double) b[(i * os[1] + j) * os[2] + l]).as("%s at %d,%d,%d", m, i, j, l).isCloseTo(v, within(1e-5));
                }
            }
        }
    }

    @Test
    void cubicMatchesANaiveCatmullRomSumWithMirrorBoundaries() {
        matchesNaiveTensorProduct(Interpolation.cubic(), 2, d -> keys(d, -0.5), false);
    }

    @Test
    void lanczosMatchesANaiveNormalisedLanczos3SumWithMirrorBoundaries() {
        matchesNaiveTensorProduct(Interpolation.lanczos(), 3, InterpolationTest::lanczos3, true);
    }

    // ------------------------------------------------------------------ sinc

    @Test
    void sincIsExactOnBandLimitedCosinesAtAnyFactor() {
        int n = 24;
        double w = 2 * Math.PI * 5 / n;
        for (int axis = 0; axis < 3; axis++) {
            int[] shape = {2, 2, 2};
            shape[axis] = n;
            int ax = axis;
            Volume in = Volumes.of(shape, (i, j, k) -> Math.cos(w * new double[] {i, j, k}[ax] + 0.3) + 0.2);
            for (double f : new double[] {4, 2.5, 1.3, 0.5}) { // 1.3: 31.2 → 31 voxels, off the DFT grid
                double[] factors = {1, 1, 1};
                factors[axis] = f;
                Volume out = Interpolation.sinc().resample(in, factors);
                float[] v = out.data().toArray();
                int[] os = out.shape();
                for (int p = 0; p < v.length; p++) {
                    int[] idx = {p / (os[1] * os[2]), (p / os[2]) % os[1], p % os[2]};
                    double x = Volumes.position(idx[axis], f);
                    assertThat((double) v[p]).as("axis %d f=%s x=%s", axis, f, x).isCloseTo(Math.cos(w * x + 0.3) + 0.2, within(2e-5));
                }
            }
        }
    }

    @Test
    void sincSplitsTheNyquistBinSymmetrically() {
        // (−1)^j = cos(π j) on an even grid: the symmetric split interpolates it as cos(π x), not e^{iπx}
        Volume even = Volumes.of(new int[] {8, 1, 1}, (i, j, k) -> Math.cos(Math.PI * i));
        Volume out = Interpolation.sinc().resample(even, 2, 1, 1);
        for (int o = 0; o < 16; o++) {
            assertThat(Volumes.at(out, o, 0, 0)).isCloseTo(Math.cos(Math.PI * Volumes.position(o, 2)), within(1e-5));
        }
        // odd length: the highest bin (4 of 9) is an ordinary pair
        Volume odd = Volumes.of(new int[] {1, 9, 1}, (i, j, k) -> Math.sin(2 * Math.PI * 4 * j / 9));
        Volume outOdd = Interpolation.sinc().resample(odd, 1, 3, 1);
        for (int o = 0; o < 27; o++) {
            assertThat(Volumes.at(outOdd, 0, o, 0)).isCloseTo(Math.sin(2 * Math.PI * 4 * Volumes.position(o, 3) / 9), within(1e-5));
        }
    }

    @Test
    void sincOf3dBandLimitedProductIsExact() {
        int[] shape = {8, 6, 10};
        double[] f = {2, 3, 1.5};
        Volumes.Field field = (i, j, k) -> Math.cos(2 * Math.PI * 3 * i / 8 + 1) * Math.sin(2 * Math.PI * j / 6 + 0.2)
                * (1 + 0.5 * Math.cos(2 * Math.PI * 4 * k / 10 - 0.7));
        Volume out = Interpolation.sinc().resample(Volumes.of(shape, field), f);
        assertThat(out.shape()).containsExactly(16, 18, 15);
        for (int i = 0; i < 16; i++)
            for (int j = 0; j < 18; j++)
                for (int k = 0; k < 15; k++)
                    assertThat(Volumes.at(out, i, j, k)).isCloseTo(
                            field.at(Volumes.position(i, f[0]), Volumes.position(j, f[1]), Volumes.position(k, f[2])), within(2e-5));
    }

    @Test
    void sincPreservesTheMeanIntensity() {
        Volume noise = Volumes.random(31, 10, 8, 7);
        Volume in = noise.withData(noise.data().add(3.0));
        Volume out = Interpolation.sinc().resample(in, 2, 0.5, 3);
        assertThat(out.shape()).containsExactly(20, 4, 21);
        assertThat(mean(out)).isCloseTo(mean(in), within(1e-5 * Math.abs(mean(in))));
    }

    private static double mean(Volume v) {
        double s = 0;
        float[] a = v.data().toArray();
        for (float x : a) s += x;
        return s / a.length;
    }

    // ------------------------------------------------------------------ grids and affines

    /** An oblique affine: rotation, anisotropic voxels and an offset. */
    private static double[][] obliqueAffine() {
        double c = Math.cos(0.3), s = Math.sin(0.3);
        return new double[][] {{0.9 * c, -1.1 * s, 0.2, -90.5}, {0.9 * s, 1.1 * c, 0.1, -126.25}, {0.05, 0, 3.5, -72}, {0, 0, 0, 1}};
    }

    @Test
    void nonIntegerFactorsGiveRoundedGridAndVoxelCentredAffine() {
        Volume in = Volumes.of(new int[] {10, 7, 5}, (i, j, k) -> i + j + k, obliqueAffine());
        double[] f = {1.5, 2.3, 0.6};
        for (Interpolation m : Interpolation.all()) {
            Volume out = m.resample(in, f);
            assertThat(out.shape()).containsExactly(15, 16, 3); // round(15), round(16.1), round(3.0)
            assertThat(out.affine()).isDeepEqualTo(Volume.resampledAffine(in.affine(), f));
            // each output voxel centre is the input's world point at (i' + 0.5)/f − 0.5
            for (int[] o : new int[][] {{0, 0, 0}, {14, 15, 2}, {7, 3, 1}}) {
                double[] expected = in.toWorld(Volumes.position(o[0], f[0]), Volumes.position(o[1], f[1]), Volumes.position(o[2], f[2]));
                double[] actual = out.toWorld(o[0], o[1], o[2]);
                for (int r = 0; r < 3; r++) assertThat(actual[r]).isCloseTo(expected[r], within(1e-9));
            }
        }
    }

    @Test
    void throughPlaneTimesFourReturnsToTheHighResolutionGrid() {
        double[][] hrAffine = obliqueAffine();
        double[][] lrAffine = Volume.resampledAffine(hrAffine, new double[] {1, 1, 0.25});
        Volume lr = Volumes.of(new int[] {6, 5, 10}, (i, j, k) -> i * j + k, lrAffine);
        for (Interpolation m : Interpolation.all()) {
            Volume sr = m.resample(lr, 1, 1, 4);
            assertThat(sr.shape()).containsExactly(6, 5, 40);
            double[][] a = sr.affine();
            for (int r = 0; r < 4; r++)
                for (int c = 0; c < 4; c++) assertThat(a[r][c]).as("%s affine[%d][%d]", m, r, c).isCloseTo(hrAffine[r][c], within(1e-12));
        }
    }

    @Test
    void inPlaneModeResamplesEachSliceAloneAndKeepsTheSliceAxis() {
        Volume in = Volumes.random(41, 6, 5, 4);
        float[] all = in.data().toArray();
        for (Interpolation m : Interpolation.all()) {
            Volume out = m.resample(in, 2, 2, 1);
            assertThat(out.shape()).containsExactly(12, 10, 4);
            float[] o = out.data().toArray();
            for (int k = 0; k < 4; k++) {
                float[] slice = new float[30];
                for (int p = 0; p < 30; p++) slice[p] = all[p * 4 + k];
                float[] alone = m.resample(Volume.of(Tensor.fromArray(slice, 6, 5, 1), in.affine()), 2, 2, 1).data().toArray();
                for (int p = 0; p < 120; p++) assertThat(o[p * 4 + k]).as("%s slice %d", m, k).isEqualTo(alone[p]);
            }
            double[][] a = out.affine(), b = in.affine();
            for (int r = 0; r < 4; r++) assertThat(a[r][2]).isEqualTo(b[r][2]);
        }
    }

    @Test
    void seriesAreResampledFrameByFrame() {
        Volume in = Volumes.random(51, 5, 4, 3, 2);
        Volume out = Interpolation.bspline().resample(in, 2, 1, 1.5);
        assertThat(out.shape()).containsExactly(10, 4, 5, 2);
        float[] a = in.data().toArray(), b = out.data().toArray();
        for (int t = 0; t < 2; t++) {
            float[] frame = new float[60];
            for (int p = 0; p < 60; p++) frame[p] = a[p * 2 + t];
            float[] alone = Interpolation.bspline().resample(Volume.of(Tensor.fromArray(frame, 5, 4, 3), in.affine()), 2, 1, 1.5)
                    .data().toArray();
            for (int p = 0; p < alone.length; p++) assertThat(b[p * 2 + t]).isEqualTo(alone[p]);
        }
    }

    @Test
    void inputIsNotModifiedAndOutputIsThreadCountIndependent() {
        Volume in = Volumes.random(61, 30, 20, 16);
        float[] before = in.data().toArray();
        int threads = Parallel.threads();
        try {
            for (Interpolation m : List.of(Interpolation.bspline(), Interpolation.sinc(), Interpolation.lanczos())) {
                Parallel.setThreads(1);
                float[] one = m.resample(in, 2, 1.5, 3).data().toArray();
                Parallel.setThreads(2);
                float[] two = m.resample(in, 2, 1.5, 3).data().toArray();
                assertThat(Arrays.equals(one, two)).as(m.name()).isTrue();
            }
        } finally {
            Parallel.setThreads(threads);
        }
        assertThat(in.data().toArray()).isEqualTo(before);
    }

    // ------------------------------------------------------------------ errors

    @Test
    void badFactorsAreTypedErrorsNamingTheValue() {
        Volume in = Volumes.random(71, 4, 4, 4);
        assertThatThrownBy(() -> Interpolation.linear().resample(in, 0, 1, 1)).isInstanceOf(FactorException.class)
                .hasMessageContaining("axis 0 is 0.0").hasMessageContaining("> 0");
        assertThatThrownBy(() -> Interpolation.linear().resample(in, 1, -2, 1)).isInstanceOf(FactorException.class)
                .hasMessageContaining("axis 1 is -2.0");
        assertThatThrownBy(() -> Interpolation.linear().resample(in, 1, 1, Double.NaN)).isInstanceOf(FactorException.class)
                .hasMessageContaining("axis 2 is NaN");
        assertThatThrownBy(() -> Interpolation.linear().resample(in, Double.POSITIVE_INFINITY, 1, 1))
                .isInstanceOf(FactorException.class).hasMessageContaining("Infinity");
        assertThatThrownBy(() -> Interpolation.linear().resample(in, 2, 2)).isInstanceOf(FactorException.class)
                .hasMessageContaining("need 3 factors");
        assertThatThrownBy(() -> Interpolation.linear().resample(in, 1, 1, 0.1)).isInstanceOf(FactorException.class)
                .hasMessageContaining("4 voxels").hasMessageContaining("rounds to 0");
    }

    @Test
    void outputsOverTheMemoryBudgetFailBeforeAllocating() {
        long budget = Memory.budgetBytes();
        Volume in = Volumes.random(81, 16, 16, 16);
        try {
            Memory.setBudgetBytes(1 << 20);
            assertThatThrownBy(() -> Interpolation.cubic().resample(in, 5, 4, 4)).isInstanceOf(MemoryBudgetException.class)
                    .hasMessageContaining("cubic upsampling output [80, 64, 64]").hasMessageContaining("budget");
        } finally {
            Memory.setBudgetBytes(budget);
        }
        assertThatThrownBy(() -> Interpolation.sinc().resample(in, 1e7, 1e7, 1e7)).isInstanceOf(MemoryBudgetException.class)
                .hasMessageContaining("limit of one tensor");
    }

    @Test
    void contextValidatesAndCopiesItsFactors() {
        double[] f = {1, 2, 3};
        SrContext ctx = new SrContext(f, 9);
        f[0] = 100;
        assertThat(ctx.factors()).containsExactly(1, 2, 3);
        ctx.factors()[1] = 50;
        assertThat(ctx.factors()).containsExactly(1, 2, 3);
        assertThat(ctx).isEqualTo(new SrContext(new double[] {1, 2, 3}, 9)).isNotEqualTo(SrContext.of(1, 2, 3));
        assertThat(ctx.outputShape(new int[] {5, 5, 5, 7})).containsExactly(5, 10, 15, 7);
        assertThat(SrContext.of(2.5, 1, 1).outputShape(new int[] {3, 1, 1})).containsExactly(8, 1, 1); // 7.5 rounds up
    }
}
