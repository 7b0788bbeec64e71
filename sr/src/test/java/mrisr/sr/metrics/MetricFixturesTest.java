package mrisr.sr.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Every metric against golden values from scikit-image / SciPy / NumPy (see
 * {@code sr/src/test/python/make_metric_fixtures.py}). The acceptance bound is 1e-4; both sides
 * compute in double precision from the same float32 data, so the observed differences are at
 * rounding level and the tests use 1e-9.
 */
class MetricFixturesTest {
    private static final double TOL = 1e-9;

    private static int[] shape(String tag) {
        return switch (tag) {
            case "2d" -> new int[] {37, 41};
            case "3d" -> new int[] {23, 27, 19};
            case "ms2d" -> new int[] {176, 184};
            case "ms3d" -> new int[] {48, 46, 44};
            default -> throw new IllegalArgumentException(tag);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"2d", "3d"})
    void psnrMatchesScikitImage(String tag) {
        float[] ref = Fixtures.f32("ref_" + tag + ".f32"), test = Fixtures.f32("test_" + tag + ".f32");
        boolean[] mask = Fixtures.mask("mask_" + tag + ".u8");
        int[] s = shape(tag);
        assertEquals(Fixtures.expected(tag + ".psnr"), Psnr.compute(ref, test, s, null), TOL);
        assertEquals(Fixtures.expected(tag + ".psnr_range1"), Psnr.compute(ref, test, s, null, 1.0), TOL);
        assertEquals(Fixtures.expected(tag + ".psnr_masked"), Psnr.compute(ref, test, s, mask, Fixtures.expected(tag + ".data_range")), TOL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2d", "3d"})
    void ssimMatchesScikitImage(String tag) {
        float[] ref = Fixtures.f32("ref_" + tag + ".f32"), test = Fixtures.f32("test_" + tag + ".f32");
        boolean[] mask = Fixtures.mask("mask_" + tag + ".u8");
        int[] s = shape(tag);
        double range = Fixtures.expected(tag + ".data_range");
        assertEquals(Fixtures.expected(tag + ".ssim"), Ssim.compute(ref, test, s, null), TOL);
        assertEquals(Fixtures.expected(tag + ".ssim"), Ssim.compute(ref, test, s, null, range), TOL);
        assertEquals(Fixtures.expected(tag + ".ssim_range2"), Ssim.compute(ref, test, s, null, 2.0), TOL);
        assertEquals(Fixtures.expected(tag + ".ssim_masked"), Ssim.compute(ref, test, s, mask, range), TOL);
    }

    @Test
    void fullSsimMapMatchesScikitImageIncludingTheBorders() {
        float[] ref = Fixtures.f32("ref_2d.f32"), test = Fixtures.f32("test_2d.f32");
        double[] expected = Fixtures.f64("ssim_map_2d.f64");
        double[] map = Ssim.map(ref, test, shape("2d"), Fixtures.expected("2d.data_range"));
        assertEquals(expected.length, map.length);
        for (int i = 0; i < map.length; i++) assertEquals(expected[i], map[i], TOL, "SSIM map at flat index " + i);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2d", "3d"})
    void nrmseHfenAndVifMatchTheReferences(String tag) {
        float[] ref = Fixtures.f32("ref_" + tag + ".f32"), test = Fixtures.f32("test_" + tag + ".f32");
        boolean[] mask = Fixtures.mask("mask_" + tag + ".u8");
        int[] s = shape(tag);
        double range = Fixtures.expected(tag + ".data_range");
        assertEquals(Fixtures.expected(tag + ".nrmse"), Nrmse.compute(ref, test, s, null), TOL);
        assertEquals(Fixtures.expected(tag + ".nrmse_masked"), Nrmse.compute(ref, test, s, mask), TOL);
        assertEquals(Fixtures.expected(tag + ".hfen"), Hfen.compute(ref, test, s, null), TOL);
        assertEquals(Fixtures.expected(tag + ".hfen_masked"), Hfen.compute(ref, test, s, mask), TOL);
        assertEquals(Fixtures.expected(tag + ".vif"), Vif.compute(ref, test, s, null, range), TOL);
        assertEquals(Fixtures.expected(tag + ".vif_masked"), Vif.compute(ref, test, s, mask, range), TOL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ms2d", "ms3d"})
    void msSsimMatchesTheNumpyReference(String tag) {
        float[] ref = Fixtures.u8Image("ref_" + tag + ".u8"), test = Fixtures.u8Image("test_" + tag + ".u8");
        boolean[] mask = Fixtures.mask("mask_" + tag + ".u8");
        int[] s = shape(tag);
        double range = Fixtures.expected(tag + ".data_range");
        double[] weights = tag.equals("ms2d") ? MsSsim.defaultWeights() : new double[] {0.25, 0.35, 0.4};
        assertEquals(Fixtures.expected(tag + ".ssim"), Ssim.compute(ref, test, s, null, range), TOL);
        assertEquals(Fixtures.expected(tag + ".psnr"), Psnr.compute(ref, test, s, null, range), TOL);
        assertEquals(Fixtures.expected(tag + ".ms_ssim"), MsSsim.compute(ref, test, s, null, range, weights), TOL);
        assertEquals(Fixtures.expected(tag + ".ms_ssim_masked"), MsSsim.compute(ref, test, s, mask, range, weights), TOL);
    }
}
