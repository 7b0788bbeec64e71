package mrisr.sr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mrisr.sr.methods.BundledModels;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.TinyModels;
import mrisr.sr.methods.pnp.LearnedDenoiser;
import mrisr.sr.methods.pnp.NlmDenoiser;
import mrisr.sr.methods.pnp.PnpHqs;
import mrisr.sr.methods.selfsup.Smore;
import mrisr.sr.physics.Degradation;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code mrisr sr} with the learned methods: the shipped models as defaults (a folder of tiny
 * models stands in for them), {@code --denoiser}, {@code --model} for the plug-and-play methods and
 * the training options of the self-supervised methods.
 */
class LearnedSrCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter(), err = new StringWriter();
    private final Volume lr = SrCommandTest.lowResolution();
    private Volume written;

    /** Runs {@code mrisr sr --in lr.nii.gz --out sr.nii.gz ARGS} with {@code models} as the shipped models. */
    private int run(BundledModels models, String... args) throws IOException {
        Files.writeString(dir.resolve("lr.nii.gz"), "lr");
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        written = null;
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        SrCommand sr = (SrCommand) cl.getSubcommands().get("sr").getCommand();
        sr.models = models;
        sr.io = new DegradeCommand.VolumeIo() {
            @Override
            public Volume read(Path file) {
                return lr;
            }

            @Override
            public void write(Volume volume, Path file) throws IOException {
                Files.writeString(file, "sr");
                written = volume;
            }
        };
        List<String> full = new ArrayList<>(List.of("sr", "--in", dir.resolve("lr.nii.gz").toString(), "--out",
                dir.resolve("sr.nii.gz").toString()));
        full.addAll(List.of(args));
        return cl.execute(full.toArray(String[]::new));
    }

    private BundledModels none() {
        return BundledModels.in(dir.resolve("no-models"));
    }

    private BundledModels tiny() {
        return TinyModels.all(createDirectory("models"));
    }

    private Path createDirectory(String name) {
        try {
            return Files.createDirectories(dir.resolve(name));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The context {@code mrisr sr --factor 1,1,4 --seed SEED} builds. */
    private static SrContext x4(long seed) {
        return new SrContext(new double[] {1, 1, 4}, seed).withDegradation(Degradation.builder().factors(1, 1, 4).build());
    }

    @Test
    void theLearnedMethodsUseTheShippedModelsAndSaySo() throws IOException {
        BundledModels models = tiny();
        assertThat(run(models, "--method", "pnp-hqs", "--factor", "1,1,4", "--iters", "2")).as(err.toString()).isZero();
        assertThat(err.toString()).contains("pnp-hqs: learned denoiser (bundled dncnn.safetensors, DnCNN 2x2");
        float[] bundled = written.data().toArray();
        LearnedDenoiser file = LearnedDenoiser.load(dir.resolve("models/dncnn.safetensors"));
        assertThat(bundled).containsExactly(new PnpHqs().withMaxIterations(2).withDenoiser(file).run(lr, x4(0)).data().toArray());

        assertThat(run(models, "--method", "unfolded", "--factor", "1,1,4")).as(err.toString()).isZero();
        assertThat(err.toString()).contains("unfolded: 2 learned stages of 2 features (bundled unfolded.safetensors)");
        assertThat(run(models, "--method", "deq", "--factor", "1,1,4")).as(err.toString()).isZero();
        assertThat(err.toString()).contains("deq: prior R trained DeqPrior(hidden=2) (bundled deq.safetensors)");
        // --iters asks for unfolded's fixed prior, whose parameter it is
        assertThat(run(models, "--method", "unfolded", "--factor", "1,1,4", "--iters", "2")).as(err.toString()).isZero();
        assertThat(err.toString()).contains("unfolded: 2 stages, fixed TV prior, lambda 0.005;");
    }

    @Test
    void withoutShippedModelsTheClassicalPriorsRunAndSaySo() throws IOException {
        assertThat(run(none(), "--method", "red", "--factor", "1,1,4", "--iters", "2")).as(err.toString()).isZero();
        assertThat(err.toString()).contains("red: TV prior (no bundled model): TV prox");
        assertThat(run(none(), "--method", "unfolded", "--factor", "1,1,4")).as(err.toString()).isZero();
        assertThat(err.toString()).contains("unfolded: 8 stages, fixed TV prior, lambda 0.005 (no bundled model)");
        assertThat(run(none(), "--method", "deq", "--factor", "1,1,4")).as(err.toString()).isZero();
        assertThat(err.toString()).contains("deq: prior R smoothing, strength 0.25 (no bundled model)");
        assertThat(run(none(), "--help")).isZero();
        assertThat(out.toString()).contains("--denoiser", "--train-steps", "--train-time", "--train-channels", "learned");
    }

    @Test
    void denoiserOptionChoosesThePnpPrior() throws IOException {
        assertThat(run(tiny(), "--method", "pnp-hqs", "--factor", "1,1,4", "--iters", "2", "--denoiser", "nlm")).as(err.toString()).isZero();
        assertThat(err.toString()).contains("pnp-hqs: non-local means");
        assertThat(written.data().toArray())
                .containsExactly(new PnpHqs().withMaxIterations(2).withDenoiser(new NlmDenoiser()).run(lr, x4(0)).data().toArray());
        assertThat(run(tiny(), "--method", "pnp-admm", "--factor", "1,1,4", "--iters", "2", "--denoiser", "learned")).as(err.toString()).isZero();
        assertThat(err.toString()).contains("pnp-admm: learned denoiser (bundled dncnn.safetensors, DnCNN 2x2");
        assertThat(run(tiny(), "--method", "pnp-admm", "--factor", "1,1,4", "--iters", "2", "--denoiser", "tv")).as(err.toString()).isZero();
        assertThat(err.toString()).contains("pnp-admm: TV prox").doesNotContain("bundled");
    }

    /** {@code --model FILE} is the denoiser file for the plug-and-play methods: the same run as {@code --denoiser FILE}. */
    @Test
    void modelIsTheDenoiserFileOfThePnpMethods() throws IOException {
        Path file = TinyModels.dncnn(createDirectory("mine"));
        assertThat(run(none(), "--method", "red", "--factor", "1,1,4", "--iters", "2", "--model", file.toString())).as(err.toString()).isZero();
        assertThat(err.toString()).contains("red: learned denoiser (dncnn.safetensors, DnCNN 2x2");
        float[] viaModel = written.data().toArray();
        assertThat(run(none(), "--method", "red", "--factor", "1,1,4", "--iters", "2", "--denoiser", file.toString())).isZero();
        assertThat(written.data().toArray()).containsExactly(viaModel);
    }

    @Test
    void smoreAndZssrTakeTheirTrainingOptions() throws IOException {
        assertThat(run(none(), "--method", "smore", "--factor", "1,1,4", "--train-steps", "3", "--train-channels", "2", "--seed", "5"))
                .as(err.toString()).isZero();
        float[] seeded = written.data().toArray();
        assertThat(seeded).containsExactly(new Smore().withSteps(3).withChannels(2).run(lr, x4(5)).data().toArray());
        assertThat(run(none(), "--method", "smore", "--factor", "1,1,4", "--train-steps", "3", "--train-channels", "2", "--seed", "6"))
                .isZero();
        assertThat(written.data().toArray()).isNotEqualTo(seeded);
        assertThat(run(none(), "--method", "zssr", "--factor", "2,2,1", "--train-steps", "2", "--train-channels", "2", "--train-time", "60"))
                .as(err.toString()).isZero();
        assertThat(written.shape()).containsExactly(24, 20, 4);
    }

    @Test
    void misplacedOrBadOptionsAreExitCode2NamingTheOption() throws IOException {
        Path file = TinyModels.dncnn(createDirectory("mine"));
        String[][] cases = {
            {"tv", "--denoiser", "nlm", "--denoiser applies to the plug-and-play methods (pnp-hqs, pnp-admm, red), not to 'tv'"},
            {"pnp-hqs", "--denoiser", "bm3d", "--denoiser bm3d: expected tv, nlm, learned or a model file ending in .safetensors"},
            {"pnp-hqs", "--denoiser", "learned", "--denoiser learned: no learned denoiser is shipped"},
            {"pnp-hqs", "--denoiser", "nlm", "--model", file.toString(), "--denoiser nlm and --model " + file + " both choose the prior of 'pnp-hqs'"},
            {"pnp-hqs", "--model", dir.resolve("none.safetensors").toString(), "--model: denoiser model " + dir.resolve("none.safetensors")
                    + ": no such file"},
            {"bspline", "--model", file.toString(), "--model applies to the network methods (srcnn3d, edsr3d), deq, unfolded and the "
                    + "plug-and-play methods (pnp-hqs, pnp-admm, red), not to 'bspline'"},
            {"pnp-hqs", "--lambda", "0", "pnp-hqs: lambda 0.0 must be a finite number > 0"},
            {"tv", "--train-steps", "5", "--train-steps applies to the self-supervised methods (smore, zssr), not to 'tv'"},
            {"pnp-admm", "--train-channels", "4", "--train-channels applies to the self-supervised methods (smore, zssr), not to 'pnp-admm'"},
            {"smore", "--train-steps", "0", "--train-steps 0: must be >= 1"},
            {"zssr", "--train-time", "-1", "--train-time -1.0: must be a finite number of seconds >= 0 (0 = no limit)"},
            {"zssr", "--train-time", "Infinity", "--train-time Infinity: must be a finite number of seconds >= 0"},
            {"smore", "--train-channels", "0", "--train-channels 0: must be >= 1"},
        };
        for (String[] c : cases) {
            List<String> a = new ArrayList<>(List.of("--method", c[0], "--factor", "1,1,4"));
            a.addAll(List.of(c).subList(1, c.length - 1));
            assertThat(run(none(), a.toArray(String[]::new))).as(String.join(" ", a)).isEqualTo(2);
            assertThat(err.toString()).as(String.join(" ", a)).contains(c[c.length - 1]);
            assertThat(dir.resolve("sr.nii.gz")).doesNotExist();
        }
    }
}
