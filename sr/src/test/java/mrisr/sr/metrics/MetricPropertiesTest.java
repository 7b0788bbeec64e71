package mrisr.sr.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import mrisr.engine.Tensor;
import mrisr.kernels.Parallel;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;

/** Identities, analytic values, input validation and thread-count independence of the metrics. */
class MetricPropertiesTest {
    private static final int[] S3 = {23, 27, 19};

    private static Volume volume(float[] data, int... shape) {
        return Volume.of(Tensor.fromArray(data, shape), Volume.diagonalAffine(1, 1, 1));
    }

    @Test
    void identicalImagesScorePerfectly() {
        float[] x = Fixtures.f32("ref_3d.f32");
        assertEquals(Double.POSITIVE_INFINITY, Psnr.compute(x, x, S3, null));
        assertEquals(1.0, Ssim.compute(x, x, S3, null), 1e-12);
        assertEquals(0.0, Nrmse.compute(x, x, S3, null));
        assertEquals(0.0, Hfen.compute(x, x, S3, null));
        assertEquals(1.0, Vif.compute(x, x, S3, null, 1.0), 1e-9); // ε = 1e-10 in g = σ12/(σ1² + ε)
        float[] big = Fixtures.u8Image("ref_ms3d.u8");
        assertEquals(1.0, MsSsim.compute(big, big, new int[] {48, 46, 44}, null, 1.0, new double[] {0.5, 0.5}), 1e-12);
    }

    @Test
    void psnrAndNrmseOfAConstantOffsetAreAnalytic() {
        float[] ref = Fixtures.f32("ref_2d.f32");
        float[] test = new float[ref.length];
        for (int i = 0; i < ref.length; i++) test[i] = ref[i] + 0.125f; // exact in float32 for these magnitudes
        assertEquals(10 * Math.log10(1 / (0.125 * 0.125)), Psnr.compute(ref, test, new int[] {37, 41}, null, 1.0), 1e-6);
        double energy = 0;
        for (float v : ref) energy += (double) v * v;
        assertEquals(0.125 / Math.sqrt(energy / ref.length), Nrmse.compute(ref, test, new int[] {37, 41}, null), 1e-6);
    }

    @Test
    void aSingleSliceVolumeIsA2dImage() {
        float[] ref = Fixtures.f32("ref_2d.f32"), test = Fixtures.f32("test_2d.f32");
        double range = Fixtures.expected("2d.data_range");
        assertEquals(Fixtures.expected("2d.ssim"), Ssim.compute(volume(ref, 37, 41, 1), volume(test, 37, 41, 1), null, range), 1e-9);
        assertEquals(Fixtures.expected("2d.ssim"), Ssim.compute(ref, test, new int[] {1, 37, 41}, null, range), 1e-9);
    }

    @Test
    void volumeOverloadsAgreeWithArrayOnes() {
        float[] ref = Fixtures.f32("ref_3d.f32"), test = Fixtures.f32("test_3d.f32");
        boolean[] mask = Fixtures.mask("mask_3d.u8");
        float[] maskValues = new float[mask.length];
        for (int i = 0; i < mask.length; i++) maskValues[i] = mask[i] ? 2 : 0;
        Volume r = volume(ref, S3), t = volume(test, S3), m = volume(maskValues, S3);
        double range = Fixtures.expected("3d.data_range");
        assertEquals(Fixtures.expected("3d.psnr_masked"), Psnr.compute(r, t, m), 1e-9);
        assertEquals(Fixtures.expected("3d.ssim_masked"), Ssim.compute(r, t, m), 1e-9);
        assertEquals(Fixtures.expected("3d.nrmse_masked"), Nrmse.compute(r, t, m), 1e-9);
        assertEquals(Fixtures.expected("3d.hfen_masked"), Hfen.compute(r, t, m), 1e-9);
        assertEquals(Fixtures.expected("3d.vif_masked"), Vif.compute(r, t, m), 1e-9);
        assertEquals(Fixtures.expected("3d.vif"), Vif.compute(r, t, null, range), 1e-9);
    }

    @Test
    void msSsimScalesAndWeights() {
        assertEquals(176, MsSsim.minimumSize(5));
        assertEquals(4, MsSsim.maxScales(new int[] {160, 192, 160}));
        assertEquals(5, MsSsim.maxScales(new int[] {181, 217, 181}));
        assertEquals(5, MsSsim.maxScales(new int[] {181, 217, 1}));
        assertEquals(0, MsSsim.maxScales(new int[] {10, 217, 181}));
        double[] w = MsSsim.truncatedWeights(4);
        assertEquals(1.0, w[0] + w[1] + w[2] + w[3], 1e-15);
        assertEquals(0.0448 / (0.0448 + 0.2856 + 0.3001 + 0.2363), w[0], 1e-15);
        MetricException e = assertThrows(MetricException.class,
                () -> MsSsim.compute(new float[100 * 100], new float[100 * 100], new int[] {100, 100}, null, 1.0));
        assertTrue(e.getMessage().contains("[100, 100]") && e.getMessage().contains("176"), e.getMessage());
    }

    @Test
    void cnrIsTheMeanDifferenceOverTheBackgroundSpread() {
        float[] image = {10, 12, 1, 3, 2, 0};
        float[] labels = {3, 3, 2, 2, 2, 0};
        // ROI mean 11; background {1, 3, 2}: mean 2, population std sqrt(2/3)
        assertEquals(9 / Math.sqrt(2.0 / 3), Cnr.compute(image, labels, 3, 2), 1e-12);
        MetricException e = assertThrows(MetricException.class, () -> Cnr.compute(image, labels, 4, 2));
        assertTrue(e.getMessage().contains("label 4"), e.getMessage());
    }

    @Test
    void mismatchedShapesAreATypedErrorNamingBoth() {
        Volume a = volume(new float[23 * 27 * 19], S3), b = volume(new float[23 * 27 * 18], 23, 27, 18);
        MetricException e = assertThrows(MetricException.class, () -> Ssim.compute(a, b, null, 1.0));
        assertTrue(e.getMessage().contains("[23, 27, 19]") && e.getMessage().contains("[23, 27, 18]"), e.getMessage());
        e = assertThrows(MetricException.class, () -> Psnr.compute(a, a, b, 1.0));
        assertTrue(e.getMessage().contains("mask shape [23, 27, 18]"), e.getMessage());
    }

    @Test
    void nonFiniteVoxelsAreATypedErrorNamingTheVoxel() {
        float[] ref = Fixtures.f32("ref_3d.f32"), test = Fixtures.f32("test_3d.f32").clone();
        test[(4 * 27 + 5) * 19 + 6] = Float.NaN;
        MetricException e = assertThrows(MetricException.class, () -> Psnr.compute(ref, test, S3, null));
        assertTrue(e.getMessage().contains("test image has NaN at voxel [4, 5, 6]"), e.getMessage());
        test[(4 * 27 + 5) * 19 + 6] = Float.POSITIVE_INFINITY;
        assertThrows(MetricException.class, () -> Vif.compute(ref, test, S3, null, 1));
    }

    @Test
    void otherBadInputsAreTypedErrors() {
        float[] x = Fixtures.f32("ref_3d.f32");
        assertThrows(MetricException.class, () -> Psnr.compute(x, x, S3, new boolean[x.length]), "empty mask");
        assertThrows(MetricException.class, () -> Psnr.compute(x, x, S3, null, 0), "zero range");
        assertThrows(MetricException.class, () -> Psnr.compute(x, x, new int[] {23, 27}, null), "wrong length");
        assertThrows(MetricException.class, () -> Psnr.compute(new float[8], new float[8], new int[] {2, 2, 2}, null), "constant reference, no range");
        MetricException e = assertThrows(MetricException.class, () -> Ssim.compute(new float[10 * 40], new float[10 * 40], new int[] {10, 40}, null, 1));
        assertTrue(e.getMessage().contains("at least 11"), e.getMessage());
        boolean[] corner = new boolean[x.length];
        corner[0] = true; // selected, but within the 5-voxel border SSIM ignores
        assertThrows(MetricException.class, () -> Ssim.compute(x, x, S3, corner, 1));
    }

    @Test
    void metricsDoNotDependOnTheThreadCount() {
        float[] ref = Fixtures.u8Image("ref_ms3d.u8"), test = Fixtures.u8Image("test_ms3d.u8");
        int[] s = {48, 46, 44};
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            double[] one = all(ref, test, s);
            Parallel.setThreads(2);
            double[] two = all(ref, test, s);
            Parallel.setThreads(3);
            double[] three = all(ref, test, s);
            for (int i = 0; i < one.length; i++) {
                assertEquals(one[i], two[i], 0.0, "metric " + i);
                assertEquals(one[i], three[i], 0.0, "metric " + i);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    private static double[] all(float[] ref, float[] test, int[] s) {
        return new double[] {
            Psnr.compute(ref, test, s, null, 1), Ssim.compute(ref, test, s, null, 1),
            MsSsim.compute(ref, test, s, null, 1, new double[] {0.3, 0.3, 0.4}), Nrmse.compute(ref, test, s, null),
            Hfen.compute(ref, test, s, null), Vif.compute(ref, test, s, null, 1),
        };
    }
}
