package mrisr.sr.nets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import mrisr.engine.DType;
import mrisr.engine.Tensor;
import mrisr.nn.Module;
import mrisr.nn.io.SafeTensors;
import mrisr.sr.data.TrainingDegradation;
import mrisr.sr.methods.Methods;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.SrMethod;
import mrisr.sr.methods.baseline.Interpolation;
import mrisr.sr.physics.SliceProfile;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SrModelTest {
    @TempDir
    Path dir;

    static SrModel model(Upsampling upsampling, int[] factors, long seed) {
        Architecture arch = Architecture.edsr3d(upsampling, factors, 3, 1);
        return new SrModel(arch, new TrainingDegradation(factors, SliceProfile.Kind.GAUSSIAN, 0.01, false),
                NetTesting.randomNetwork(arch, seed), Map.of("trained_steps", "12"));
    }

    static Volume lowResolution(int nx, int ny, int nz) {
        float[] v = NetTesting.randomVolume(new int[] {nx, ny, nz}, 11);
        for (int i = 0; i < v.length; i++) v[i] = 300 + 500 * v[i]; // scanner-like units
        double[][] affine = {{0, 2, 0, -5}, {-2, 0, 0, 30}, {0, 0, 2, -12}, {0, 0, 0, 1}};
        return Volume.of(Tensor.fromArray(v, nx, ny, nz), affine);
    }

    @Test
    void savesAndLoadsWeightsAndMetadata() throws IOException {
        SrModel m = model(Upsampling.SUBPIXEL, new int[] {2, 2, 2}, 1);
        Path file = dir.resolve("m.safetensors");
        m.save(file);
        Map<String, String> meta = SafeTensors.readHeader(file).metadata();
        assertThat(meta).containsEntry("mrisr.model", "1").containsEntry("method", "edsr3d").containsEntry("upsampling", "subpixel")
                .containsEntry("factor", "2,2,2").containsEntry("features", "3").containsEntry("blocks", "1")
                .containsEntry("profile", "gaussian").containsEntry("noise", "0.01").containsEntry("rician", "false")
                .containsEntry("normalisation", "lr-p99.5").containsEntry("trained_steps", "12");
        SrModel back = SrModel.load(file);
        assertThat(back.architecture()).isEqualTo(m.architecture());
        assertThat(back.degradation().noise()).isEqualTo(0.01);
        assertThat(back.notes()).containsExactly(Map.entry("trained_steps", "12"));
        var a = m.network().stateDict().values().iterator();
        for (Tensor t : back.network().stateDict().values()) assertThat(t.toArray()).containsExactly(a.next().toArray());
    }

    @Test
    void unusableFilesAreRefusedNamingTheFile() throws IOException {
        Path missing = dir.resolve("none.safetensors");
        assertThatThrownBy(() -> SrModel.load(missing)).isInstanceOf(ModelException.class).hasMessage("--model: no such file: " + missing);
        Path junk = dir.resolve("junk.safetensors");
        Files.write(junk, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> SrModel.load(junk)).isInstanceOf(ModelException.class).hasMessageStartingWith("--model " + junk + ": ");
        Path plain = dir.resolve("plain.safetensors");
        SafeTensors.write(plain, Map.of("w", Tensor.zeros(2)));
        assertThatThrownBy(() -> SrModel.load(plain)).hasMessage("--model " + plain + ": not an mrisr network model (no 'mrisr.model' metadata)");
        SrModel m = model(Upsampling.PRE, new int[] {1, 1, 4}, 2);
        Path wrong = dir.resolve("wrong.safetensors");
        Map<String, String> meta = new java.util.LinkedHashMap<>(m.metadata());
        meta.put("features", "5");
        SafeTensors.write(wrong, m.network().stateDict(), meta, DType.FLOAT32);
        assertThatThrownBy(() -> SrModel.load(wrong)).isInstanceOf(ModelException.class)
                .hasMessageContaining("the weights do not fit edsr3d (pre x1,1,4, 5 features, 1 blocks)").hasMessageContaining("size mismatch");
    }

    @Test
    void mismatchNamesWhatDiffersOnOneLine() {
        SrModel m = model(Upsampling.PRE, new int[] {1, 1, 4}, 3);
        assertThat(m.mismatch(new double[] {1, 1, 4}, null, null)).isNull();
        assertThat(m.mismatch(new double[] {1, 1, 4}, SliceProfile.Kind.GAUSSIAN, 0.01)).isNull();
        assertThat(m.mismatch(new double[] {1, 1, 5}, SliceProfile.Kind.RECT, 0.0)).isEqualTo(
                "the model was trained for factor 1,1,4, gaussian profile, noise 0.01; this request is factor 1,1,5, "
                        + "rect profile, noise 0 (results may be poor)");
    }

    /** x̂ = s·(U(y/s) + R(·)) with s the 99.5th percentile of y, checked against a whole-volume pass written here. */
    @Test
    void superResolutionAddsTheNetworkResidualToTheBSplineInterpolation() {
        for (Upsampling u : Upsampling.values()) {
            SrModel m = model(u, new int[] {2, 2, 2}, 4);
            Volume lr = lowResolution(7, 6, 5);
            Volume sr = m.superResolve(lr, SrContext.of(2, 2, 2), 64, 0); // one tile: the exact whole-volume pass

            float[] y = lr.data().toArray();
            float[] sorted = y.clone();
            java.util.Arrays.sort(sorted);
            double s = sorted[(int) Math.ceil(0.995 * y.length) - 1];
            float[] yn = new float[y.length];
            for (int i = 0; i < y.length; i++) yn[i] = (float) (y[i] / s);
            Volume up = Interpolation.bspline().resample(Volume.of(Tensor.fromArray(yn, 7, 6, 5), lr.affine()), 2, 2, 2);
            float[] base = up.data().toArray();
            float[] residual = NetTesting.wholeVolume(m.network(), u == Upsampling.PRE ? base : yn, u == Upsampling.PRE ? up.shape() : lr.shape());
            float[] got = sr.data().toArray();
            assertThat(sr.shape()).containsExactly(14, 12, 10);
            assertThat(sr.affine()).isDeepEqualTo(Volume.resampledAffine(lr.affine(), new double[] {2, 2, 2}));
            for (int i = 0; i < base.length; i++) {
                assertThat((double) got[i]).as("%s voxel %d", u, i).isCloseTo((base[i] + residual[i]) * s, within(1e-4 * s));
            }
        }
    }

    @Test
    void seriesAreSuperResolvedFrameByFrame() {
        SrModel m = model(Upsampling.SUBPIXEL, new int[] {2, 2, 2}, 5);
        Volume a = lowResolution(5, 4, 3);
        float[] fa = a.data().toArray(), series = new float[fa.length * 2];
        for (int i = 0; i < fa.length; i++) {
            series[2 * i] = fa[i];
            series[2 * i + 1] = 2 * fa[i];
        }
        Volume sr = m.superResolve(Volume.of(Tensor.fromArray(series, 5, 4, 3, 2), a.affine()), SrContext.of(2, 2, 2), 64, 0);
        assertThat(sr.shape()).containsExactly(10, 8, 6, 2);
        float[] single = m.superResolve(a, SrContext.of(2, 2, 2), 64, 0).data().toArray(), got = sr.data().toArray();
        for (int i = 0; i < single.length; i++) {
            assertThat(got[2 * i]).isEqualTo(single[i]);
            assertThat((double) got[2 * i + 1]).isCloseTo(2.0 * single[i], within(1e-3 * Math.abs(single[i]) + 1e-3));
        }
    }

    @Test
    void aSubPixelModelServesOnlyItsFactor() {
        SrModel m = model(Upsampling.SUBPIXEL, new int[] {2, 2, 2}, 6);
        assertThatThrownBy(() -> m.superResolve(lowResolution(4, 4, 4), SrContext.of(1, 1, 4), 16, 0)).isInstanceOf(ModelException.class)
                .hasMessage("the model is a sub-pixel network for factor 2,2,2 only; requested 1,1,4");
        // a pre-upsampling network runs on the interpolated grid of any factors
        SrModel pre = model(Upsampling.PRE, new int[] {2, 2, 2}, 6);
        assertThat(pre.superResolve(lowResolution(4, 4, 4), SrContext.of(1, 1.5, 4), 16, 0).shape()).containsExactly(4, 6, 16);
    }

    @Test
    void networkMethodsAreRegisteredAndNeedAModel() {
        assertThat(Methods.names()).contains("srcnn3d", "edsr3d");
        SrMethod registered = Methods.get("edsr3d");
        assertThat(registered).isSameAs(NetworkMethod.named("edsr3d"));
        assertThatThrownBy(() -> registered.run(lowResolution(4, 4, 4), SrContext.of(2, 2, 2))).isInstanceOf(ModelException.class)
                .hasMessage("method edsr3d needs a trained model: add --model FILE.safetensors (make one with "
                        + "'mrisr train --method edsr3d --data phantom --out FILE.safetensors')");
        SrModel m = model(Upsampling.SUBPIXEL, new int[] {2, 2, 2}, 7);
        assertThatThrownBy(() -> NetworkMethod.named("srcnn3d").withModel(m, 16, -1)).isInstanceOf(ModelException.class)
                .hasMessage("--model holds a edsr3d network, not srcnn3d; use --method edsr3d");
        NetworkMethod bound = NetworkMethod.named("edsr3d").withModel(m, 16, -1);
        Volume lr = lowResolution(5, 4, 6);
        SrContext ctx = SrContext.of(2, 2, 2);
        Volume sr = bound.run(lr, ctx);
        assertThat(sr.shape()).containsExactly(ctx.outputShape(lr.shape()));
        assertThat(sr.affine()).isDeepEqualTo(Volume.resampledAffine(lr.affine(), ctx.factors()));
        assertThat(lr.data().toArray()).isEqualTo(lowResolution(5, 4, 6).data().toArray()); // input not modified
    }
}
