package mrisr.sr.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.sr.data.Phantoms;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The metric logic behind {@code mrisr eval}, on volumes. */
class EvaluationTest {
    private static final int[] SHAPE = {48, 56, 48};
    private static Phantoms.Brain brain;
    private static Volume noisy;

    @BeforeAll
    static void phantom() {
        brain = Phantoms.brain(SHAPE, new double[] {3, 3, 3}, 4);
        float[] x = brain.image().data().toArray();
        Rng rng = new Rng(8);
        for (int i = 0; i < x.length; i++) x[i] += (float) (0.02 * rng.nextGaussian());
        noisy = brain.image().withData(Tensor.fromArray(x, SHAPE));
    }

    @Test
    void reportsEveryMetricWithTheSameValuesAsTheMetricClasses() {
        List<String> steps = new ArrayList<>();
        Evaluation.Report r = Evaluation.evaluate(brain.image(), noisy, brain.labels(), Evaluation.Options.defaults(), steps::add);
        assertEquals(List.of("psnr", "ssim", "ms_ssim", "nrmse", "hfen", "vif", "cnr"), steps);
        assertEquals(Evaluation.KEYS, List.copyOf(r.metrics().keySet()));
        Volume mask = brain.labels();
        assertEquals(Psnr.compute(brain.image(), noisy, mask), r.metrics().get("psnr"), 0.0);
        assertEquals(Ssim.compute(brain.image(), noisy, mask), r.metrics().get("ssim"), 0.0);
        assertEquals(MsSsim.compute(brain.image(), noisy, mask, Double.NaN, MsSsim.truncatedWeights(3)), r.metrics().get("ms_ssim"), 0.0);
        assertEquals(Nrmse.compute(brain.image(), noisy, mask), r.metrics().get("nrmse"), 0.0);
        assertEquals(Hfen.compute(brain.image(), noisy, mask), r.metrics().get("hfen"), 0.0);
        assertEquals(Vif.compute(brain.image(), noisy, mask), r.metrics().get("vif"), 0.0);
        assertEquals(Cnr.compute(noisy.data().toArray(), mask.data().toArray(), 3, 2), r.metrics().get("cnr"), 0.0);
        assertEquals(Cnr.compute(brain.image().data().toArray(), mask.data().toArray(), 3, 2), r.metrics().get("cnr_ref"), 0.0);
        assertTrue(r.metrics().get("cnr") < r.metrics().get("cnr_ref"), "noise lowers the contrast-to-noise ratio");
        assertTrue(r.notes().get("ms_ssim").startsWith("3 scales"), r.notes().get("ms_ssim"));
        assertEquals(1.0, r.dataRange(), 1e-7);

        String table = r.toTable();
        assertTrue(table.contains("psnr") && table.contains(" dB") && table.contains("cnr_ref"), table);
        String json = r.toJson();
        assertTrue(json.startsWith("{\"shape\": [48, 56, 48]"), json);
        for (String key : Evaluation.KEYS) assertTrue(json.contains("\"" + key + "\": " + r.metrics().get(key)), key + " in " + json);
    }

    @Test
    void identicalVolumesAndAnExplicitRange() {
        Evaluation.Report r = Evaluation.evaluate(brain.image(), brain.image(), null, new Evaluation.Options(2.0, 3, 2), null);
        assertEquals(Double.POSITIVE_INFINITY, r.metrics().get("psnr"));
        assertEquals(1.0, r.metrics().get("ssim"), 1e-12);
        assertEquals(2.0, r.dataRange());
        assertFalse(r.metrics().containsKey("cnr"));
        assertTrue(r.toTable().contains("inf dB"), r.toTable());
        assertTrue(r.toJson().contains("\"psnr\": null") && r.toJson().contains("\"cnr\": null"), r.toJson());
        assertEquals(SHAPE[0] * SHAPE[1] * SHAPE[2], r.voxels());
    }

    @Test
    void metricsTheGridIsTooSmallForAreSkippedWithANote() {
        int[] s = {8, 30, 30};
        float[] a = new float[8 * 30 * 30], b = new float[a.length];
        Rng rng = new Rng(2);
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextFloat();
            b[i] = a[i] + 0.1f * rng.nextFloat();
        }
        Volume va = Volume.of(Tensor.fromArray(a, s), Volume.diagonalAffine(1, 1, 1));
        Volume vb = va.withData(Tensor.fromArray(b, s));
        Evaluation.Report r = Evaluation.evaluate(va, vb, null, Evaluation.Options.defaults(), null);
        assertFalse(r.metrics().containsKey("ssim"));
        assertFalse(r.metrics().containsKey("ms_ssim"));
        assertTrue(r.notes().get("ssim").contains("at least 11"), r.notes().toString());
        assertTrue(r.toTable().contains("ms_ssim   n/a"), r.toTable());
        assertTrue(r.metrics().containsKey("vif") && r.metrics().containsKey("hfen"));
        assertNull(r.metrics().get("cnr"));
    }

    @Test
    void badInputIsATypedError() {
        Volume other = Volume.of(Tensor.zeros(48, 56, 47), Volume.diagonalAffine(1, 1, 1));
        MetricException e = assertThrows(MetricException.class, () -> Evaluation.evaluate(brain.image(), other, null, Evaluation.Options.defaults(), null));
        assertTrue(e.getMessage().contains("[48, 56, 48]") && e.getMessage().contains("[48, 56, 47]"), e.getMessage());
        float[] x = noisy.data().toArray();
        x[17] = Float.NaN;
        Volume nan = noisy.withData(Tensor.fromArray(x, SHAPE));
        e = assertThrows(MetricException.class, () -> Evaluation.evaluate(brain.image(), nan, null, Evaluation.Options.defaults(), null));
        assertTrue(e.getMessage().contains("NaN at voxel [0, 0, 17]"), e.getMessage());
        Volume series = Volume.of(Tensor.zeros(4, 4, 4, 2), Volume.diagonalAffine(1, 1, 1));
        assertThrows(MetricException.class, () -> Evaluation.evaluate(series, series, null, Evaluation.Options.defaults(), null));
    }
}
