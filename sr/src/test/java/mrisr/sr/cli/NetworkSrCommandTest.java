package mrisr.sr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.Parameter;
import mrisr.sr.data.TrainingDegradation;
import mrisr.sr.io.Nifti;
import mrisr.sr.methods.SrContext;
import mrisr.sr.nets.Architecture;
import mrisr.sr.nets.SrModel;
import mrisr.sr.nets.Upsampling;
import mrisr.sr.physics.SliceProfile;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mrisr sr} with the network methods: --model, --patch, --overlap and the training-mismatch warning. */
class NetworkSrCommandTest {
    @TempDir
    Path dir;

    private Path lr, model;
    private SrModel trained;

    @BeforeEach
    void files() throws IOException {
        float[] v = new float[15 * 13 * 12];
        Rng rng = new Rng(3);
        for (int i = 0; i < v.length; i++) v[i] = 200 + 100 * rng.nextFloat();
        lr = dir.resolve("lr.nii.gz");
        Nifti.write(Volume.of(Tensor.fromArray(v, 15, 13, 12), Volume.diagonalAffine(2, 2, 2)), lr);
        Architecture arch = Architecture.edsr3d(Upsampling.SUBPIXEL, new int[] {2, 2, 2}, 3, 1);
        trained = SrModel.create(arch, new TrainingDegradation(new int[] {2, 2, 2}, SliceProfile.Kind.GAUSSIAN, 0, false), new Rng(1));
        Rng w = new Rng(2);
        for (Parameter p : trained.network().parameters()) p.copyFrom(Tensor.randn(w, p.shape()).mul(0.2));
        model = dir.resolve("edsr3d.safetensors");
        trained.save(model);
    }

    private CliRunner sr(String... extra) {
        String[] base = {"sr", "--in", lr.toString(), "--out", dir.resolve("sr.nii.gz").toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRunner.run(args);
    }

    @Test
    void aModelSuperResolvesTileByTileLikeTheWholeVolume() throws IOException {
        // tiles of 12 low-resolution voxels overlapping by 10 (twice the receptive-field radius): 3 x 2 x 1 tiles
        CliRunner r = sr("--method", "edsr3d", "--model", model.toString(), "--patch", "24");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("warning").contains("edsr3d (subpixel x2,2,2, 3 features, 1 blocks)");
        Volume out = Nifti.read(dir.resolve("sr.nii.gz"));
        assertThat(out.shape()).containsExactly(30, 26, 24); // the model's factors, as --factor was not given
        Volume expected = trained.superResolve(Nifti.read(lr), SrContext.of(2, 2, 2), 64, 0); // one tile
        float[] a = out.data().toArray(), b = expected.data().toArray();
        for (int i = 0; i < a.length; i++) assertThat((double) a[i]).isCloseTo(b[i], within(1e-3 + 1e-5 * Math.abs(b[i])));
    }

    @Test
    void aRequestUnlikeTheTrainingWarnsOnOneLine() {
        CliRunner r = sr("--method", "edsr3d", "--model", model.toString(), "--factor", "2,2,2", "--profile", "rect", "--noise", "0.02");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err().lines().filter(l -> l.contains("warning"))).containsExactly(
                "mrisr sr: warning: --model edsr3d.safetensors: the model was trained for gaussian profile, noise 0; "
                        + "this request is rect profile, noise 0.02 (results may be poor)");
        CliRunner same = sr("--method", "edsr3d", "--model", model.toString(), "--factor", "2,2,2", "--profile", "gaussian", "--noise", "0");
        assertThat(same.err()).doesNotContain("warning");
    }

    @Test
    void networkOptionsAreCheckedBeforeAnyWork() {
        CliRunner r = sr("--method", "edsr3d");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--method edsr3d needs --model MODEL.safetensors");
        r = sr("--method", "srcnn3d", "--model", model.toString());
        assertThat(r.err()).contains("--model holds a edsr3d network, not srcnn3d; use --method edsr3d");
        r = sr("--method", "bspline", "--factor", "2,2,2", "--model", model.toString());
        assertThat(r.err()).contains("--model applies to the network methods (srcnn3d, edsr3d), deq, unfolded and the plug-and-play methods (pnp-hqs, pnp-admm, red), not to 'bspline'");
        r = sr("--method", "edsr3d", "--model", dir.resolve("none.safetensors").toString());
        assertThat(r.err()).contains("--model: no such file: ");
        r = sr("--method", "edsr3d", "--model", model.toString(), "--patch", "12");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--overlap 20 must be smaller than --patch 12 (the default overlap is twice the receptive-field "
                + "radius of 10 output voxels");
        r = sr("--method", "edsr3d", "--model", model.toString(), "--factor", "1,1,4");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("warning: --model edsr3d.safetensors: the model was trained for factor 2,2,2; this request is factor 1,1,4")
                .contains("the model is a sub-pixel network for factor 2,2,2 only; requested 1,1,4");
        assertThat(Files.exists(dir.resolve("sr.nii.gz"))).isFalse();
    }

    @Test
    void helpDescribesTheNetworkOptions() {
        CliRunner r = CliRunner.run("sr", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--model", "--patch", "--overlap", "--noise", "--method edsr3d", "edsr3d", "srcnn3d");
        assertThat(r.out().lines().filter(l -> l.length() > 80)).isEmpty();
    }
}
