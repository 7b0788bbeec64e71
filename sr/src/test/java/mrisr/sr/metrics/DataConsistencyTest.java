package mrisr.sr.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.kernels.Parallel;
import mrisr.sr.data.Phantoms;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.LinearOperator;
import mrisr.sr.physics.SliceProfile;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;

/** {@link DataConsistency}: exact data give no residual, known perturbations give known norms, the map sits on the LR grid. */
class DataConsistencyTest {
    /** A rotated, translated, anisotropic affine: the map must carry it over unchanged. */
    private static final double[][] OBLIQUE = {
        {0.0, -0.9, 0.1, 12.5},
        {1.1, 0.0, 0.0, -40.25},
        {0.0, 0.05, 1.3, 7.0},
        {0, 0, 0, 1}};

    /**
     * Keeps every second voxel along k ({@code y[i, j, k] = x[i, j, 2k]}): a forward model written
     * here, independent of the physics package, whose residual is easy to predict.
     */
    private static final class EveryOtherSlice implements LinearOperator {
        private final int[] in, out;

        EveryOtherSlice(int nx, int ny, int nz) {
            in = new int[] {nx, ny, nz};
            out = new int[] {nx, ny, (nz + 1) / 2};
        }

        @Override
        public Tensor apply(Tensor x) {
            float[] v = x.toArray(), y = new float[out[0] * out[1] * out[2]];
            for (int i = 0; i < out[0]; i++) {
                for (int j = 0; j < out[1]; j++) {
                    for (int k = 0; k < out[2]; k++) y[(i * out[1] + j) * out[2] + k] = v[(i * in[1] + j) * in[2] + 2 * k];
                }
            }
            return Tensor.fromArray(y, out);
        }

        @Override
        public Tensor adjoint(Tensor y) {
            float[] v = y.toArray(), x = new float[in[0] * in[1] * in[2]];
            for (int i = 0; i < out[0]; i++) {
                for (int j = 0; j < out[1]; j++) {
                    for (int k = 0; k < out[2]; k++) x[(i * in[1] + j) * in[2] + 2 * k] = v[(i * out[1] + j) * out[2] + k];
                }
            }
            return Tensor.fromArray(x, in);
        }

        @Override
        public int[] inputShape() {
            return in.clone();
        }

        @Override
        public int[] outputShape() {
            return out.clone();
        }
    }

    private static float[] random(Rng rng, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (scale * rng.nextGaussian());
        return v;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    @Test
    void theTestOperatorIsAdjoint() {
        EveryOtherSlice h = new EveryOtherSlice(5, 4, 7);
        Rng rng = new Rng(3);
        float[] x = random(rng, 5 * 4 * 7, 1), y = random(rng, 5 * 4 * 4, 1);
        float[] hx = h.apply(Tensor.fromArray(x, 5, 4, 7)).toArray();
        float[] hty = h.adjoint(Tensor.fromArray(y, 5, 4, 4)).toArray();
        double lhs = dot(hx, y), rhs = dot(x, hty);
        assertTrue(Math.abs(lhs - rhs) <= 1e-5 * Math.sqrt(dot(hx, hx) * dot(y, y)), lhs + " vs " + rhs);
    }

    @Test
    void theExactVolumeWithoutNoiseHasNoResidual() {
        Volume hr = Phantoms.brain(new int[] {20, 24, 32}, new double[] {1.2, 1.2, 1.2}, 5).image();
        Degradation d = Degradation.builder().factors(1, 1.5, 4).profile(SliceProfile.Kind.RECT).build();
        Volume lr = d.apply(hr);
        DataConsistency.Result r = DataConsistency.compute(d.operator(hr.shape(), hr.spacing()), hr, lr);
        assertEquals(0.0, r.relative());
        assertEquals(0.0, r.rms());
        assertArrayEquals(lr.shape(), r.residualMap().shape());
        for (float v : r.residualMap().data().toArray()) assertEquals(0f, v);
        assertArrayEquals(lr.affine(), r.residualMap().affine());
    }

    @Test
    void aKnownPerturbationOfTheMeasurementGivesItsNorm() {
        int nx = 9, ny = 6, nz = 11;
        Rng rng = new Rng(11);
        float[] x = random(rng, nx * ny * nz, 2);
        EveryOtherSlice h = new EveryOtherSlice(nx, ny, nz);
        int m = nx * ny * 6;
        float[] clean = h.apply(Tensor.fromArray(x, nx, ny, nz)).toArray();
        float[] delta = random(rng, m, 0.1);
        float[] y = new float[m];
        for (int i = 0; i < m; i++) y[i] = clean[i] + delta[i];
        Volume sr = Volume.of(Tensor.fromArray(x, nx, ny, nz), Volume.diagonalAffine(1, 1, 1));
        Volume lr = Volume.of(Tensor.fromArray(y, nx, ny, 6), OBLIQUE);

        DataConsistency.Result r = DataConsistency.compute(h, sr, lr);

        // the residual is H(x) − y = clean − y, computed here in double from the stored float32 values
        double rr = 0, yy = 0;
        float[] map = r.residualMap().data().toArray();
        for (int i = 0; i < m; i++) {
            double res = (double) clean[i] - y[i];
            rr += res * res;
            yy += (double) y[i] * y[i];
            assertEquals((float) Math.abs(res), map[i], "residual map at " + i);
            assertEquals(Math.abs(delta[i]), map[i], 1e-6, "the perturbation itself, up to float32 rounding of y");
        }
        assertEquals(Math.sqrt(rr / yy), r.relative(), 1e-12);
        assertEquals(Math.sqrt(rr / m), r.rms(), 1e-12);
        assertEquals(0.1, r.rms(), 0.02, "RMS of the perturbation, sigma 0.1");
        assertArrayEquals(OBLIQUE, r.residualMap().affine());
        assertArrayEquals(new int[] {nx, ny, 6}, r.residualMap().shape());
    }

    @Test
    void aPerturbedOutputGivesTheResidualOfItsPerturbation() {
        // a constant offset c on every SR voxel: the operator keeps voxels, so H(x + c) − H(x) = c everywhere
        int nx = 4, ny = 5, nz = 8;
        float[] x = random(new Rng(2), nx * ny * nz, 1);
        EveryOtherSlice h = new EveryOtherSlice(nx, ny, nz);
        float[] y = h.apply(Tensor.fromArray(x, nx, ny, nz)).toArray();
        float[] shifted = x.clone();
        for (int i = 0; i < shifted.length; i++) shifted[i] += 0.25f;
        Volume sr = Volume.of(Tensor.fromArray(shifted, nx, ny, nz), Volume.diagonalAffine(1, 1, 1));
        Volume lr = Volume.of(Tensor.fromArray(y, nx, ny, 4), Volume.diagonalAffine(1, 1, 2));
        DataConsistency.Result r = DataConsistency.compute(h, sr, lr);
        assertEquals(0.25, r.rms(), 1e-6);
        double yy = 0;
        for (float v : y) yy += (double) v * v;
        assertEquals(0.25 * Math.sqrt(y.length / yy), r.relative(), 1e-6);
    }

    @Test
    void theEvaluationReportCarriesTheDataConsistency() {
        EveryOtherSlice h = new EveryOtherSlice(4, 5, 8);
        float[] x = random(new Rng(7), 4 * 5 * 8, 1);
        float[] y = h.apply(Tensor.fromArray(x, 4, 5, 8)).toArray();
        y[3] += 0.5f;
        DataConsistency.Result dc = DataConsistency.compute(h, Volume.of(Tensor.fromArray(x, 4, 5, 8), Volume.diagonalAffine(1, 1, 1)),
                Volume.of(Tensor.fromArray(y, 4, 5, 4), Volume.diagonalAffine(1, 1, 2)));
        Evaluation.Report r = Evaluation.withoutReference(new int[] {4, 5, 8}).withDataConsistency(dc);
        assertEquals(dc.relative(), r.metrics().get("dc_residual"));
        assertEquals(dc.rms(), r.metrics().get("dc_rms"));
        assertArrayEquals(new int[] {4, 5, 4}, r.lrShape());
        assertTrue(!r.hasReference() && r.voxels() == 0);
        String json = r.toJson();
        assertTrue(json.startsWith("{\"shape\": [4, 5, 8], \"voxels\": 0, \"data_range\": null, \"psnr\": null"), json);
        assertTrue(json.contains("\"dc_residual\": " + dc.relative()) && json.contains("\"dc_rms\": " + dc.rms())
                && json.contains("\"lr_shape\": [4, 5, 4]"), json);
        String table = r.toTable();
        assertTrue(table.contains("no reference volume") && table.contains("grid [4, 5, 4]") && table.contains("dc_residual"), table);
        // without data consistency the keys are still there, as null
        Evaluation.Report plain = Evaluation.withoutReference(new int[] {4, 5, 8});
        assertTrue(plain.toJson().contains("\"dc_residual\": null, \"dc_rms\": null, \"lr_shape\": null"), plain.toJson());
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        Volume hr = Phantoms.brain(new int[] {40, 44, 48}, new double[] {1, 1, 1}, 9).image();
        Degradation d = Degradation.builder().factors(2, 2, 2).build();
        Volume lr = d.apply(hr);
        float[] noisy = hr.data().toArray();
        Rng rng = new Rng(4);
        for (int i = 0; i < noisy.length; i++) noisy[i] += (float) (0.05 * rng.nextGaussian());
        Volume sr = hr.withData(Tensor.fromArray(noisy, hr.shape()));
        LinearOperator h = d.operator(hr.shape(), hr.spacing());
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(1);
            DataConsistency.Result one = DataConsistency.compute(h, sr, lr);
            Parallel.setThreads(2);
            DataConsistency.Result two = DataConsistency.compute(h, sr, lr);
            assertEquals(one.relative(), two.relative(), 0.0);
            assertEquals(one.rms(), two.rms(), 0.0);
            assertTrue(one.relative() > 0);
        } finally {
            Parallel.setThreads(threads);
        }
    }

    @Test
    void badInputIsATypedErrorNamingTheShapes() {
        EveryOtherSlice h = new EveryOtherSlice(4, 4, 6);
        Volume sr = Volume.of(Tensor.ones(4, 4, 6), Volume.diagonalAffine(1, 1, 1));
        Volume lr = Volume.of(Tensor.ones(4, 4, 3), Volume.diagonalAffine(1, 1, 2));
        Volume wrongSr = Volume.of(Tensor.ones(4, 4, 7), Volume.diagonalAffine(1, 1, 1));
        MetricException e = assertThrows(MetricException.class, () -> DataConsistency.compute(h, wrongSr, lr));
        assertTrue(e.getMessage().contains("[4, 4, 7]") && e.getMessage().contains("[4, 4, 6]"), e.getMessage());
        Volume wrongLr = Volume.of(Tensor.ones(4, 4, 2), Volume.diagonalAffine(1, 1, 2));
        e = assertThrows(MetricException.class, () -> DataConsistency.compute(h, sr, wrongLr));
        assertTrue(e.getMessage().contains("[4, 4, 3]") && e.getMessage().contains("[4, 4, 2]"), e.getMessage());
        float[] nan = new float[4 * 4 * 3];
        nan[5] = Float.NaN;
        e = assertThrows(MetricException.class, () -> DataConsistency.compute(h, sr, lr.withData(Tensor.fromArray(nan, 4, 4, 3))));
        assertTrue(e.getMessage().contains("low-resolution image has NaN at voxel [0, 1, 2]"), e.getMessage());
        e = assertThrows(MetricException.class, () -> DataConsistency.compute(h, sr, lr.withData(Tensor.zeros(4, 4, 3))));
        assertTrue(e.getMessage().contains("zero everywhere"), e.getMessage());
        Volume series = Volume.of(Tensor.ones(4, 4, 6, 2), Volume.diagonalAffine(1, 1, 1));
        assertThrows(MetricException.class, () -> DataConsistency.compute(h, series, lr));
        assertThrows(MetricException.class, () -> DataConsistency.compute(null, sr, lr));
    }
}
