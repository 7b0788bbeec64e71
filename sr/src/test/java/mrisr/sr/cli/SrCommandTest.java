package mrisr.sr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import mrisr.engine.Tensor;
import mrisr.sr.methods.Methods;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.SrMethod;
import mrisr.sr.methods.modelbased.TotalVariation;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.SliceProfile;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class SrCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter(), err = new StringWriter();
    private Volume written;

    /** A 12×10×4 low-resolution volume of 1×1×4 mm voxels at an oblique position: a ball in a ramp. */
    static Volume lowResolution() {
        float[] v = new float[12 * 10 * 4];
        for (int i = 0, p = 0; i < 12; i++) {
            for (int j = 0; j < 10; j++) {
                for (int k = 0; k < 4; k++, p++) {
                    double r = Math.sqrt((i - 6) * (i - 6) + (j - 4.5) * (j - 4.5) + 16 * (k - 1.5) * (k - 1.5));
                    v[p] = (float) (0.1 * i + (r < 4 ? 1 : 0));
                }
            }
        }
        double[][] affine = {{0, 1, 0, -5}, {-1, 0, 0, 30}, {0, 0, 4, -12}, {0, 0, 0, 1}};
        return Volume.of(Tensor.fromArray(v, 12, 10, 4), affine);
    }

    /** Reads any file as {@link #lowResolution()} (or {@code input}); records what is written. */
    private final class FakeIo implements DegradeCommand.VolumeIo {
        final boolean failWrite;
        final Volume input;

        FakeIo(boolean failWrite, Volume input) {
            this.failWrite = failWrite;
            this.input = input;
        }

        @Override
        public Volume read(Path file) {
            return input;
        }

        @Override
        public void write(Volume volume, Path file) throws IOException {
            Files.writeString(file, "partial");
            if (failWrite) throw new IOException(file + ": disk full");
            written = volume;
        }
    }

    private int run(DegradeCommand.VolumeIo io, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        if (io != null) ((SrCommand) cl.getSubcommands().get("sr").getCommand()).io = io;
        String[] full = new String[args.length + 1];
        full[0] = "sr";
        System.arraycopy(args, 0, full, 1, args.length);
        return cl.execute(full);
    }

    private Path input() throws IOException {
        return Files.writeString(dir.resolve("lr.nii.gz"), "lr");
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private String[] args(String... extra) {
        List<String> a = new ArrayList<>(List.of("--in", dir.resolve("lr.nii.gz").toString(), "--out", dir.resolve("sr.nii.gz").toString()));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void helpListsEveryMethodWithItsDescriptionAndGivesExamples() {
        assertThat(run(null, "--help")).isZero();
        String help = out.toString();
        assertThat(help).contains("--method", "--factor", "--profile", "--kspace", "--lambda", "--iters", "--seed",
                "mrisr sr --in lr.nii.gz --out sr.nii.gz --method tv --factor 1,1,4");
        for (SrMethod m : Methods.all()) {
            String firstWords = String.join(" ", java.util.Arrays.copyOf(m.description().split(" "), 3));
            assertThat(help).as(m.name()).containsPattern("(?m)^  " + m.name() + " +" + java.util.regex.Pattern.quote(firstWords));
        }
        assertThat(help.lines().filter(l -> l.length() > 80)).isEmpty();
        out.getBuffer().setLength(0);
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        assertThat(cl.execute("help", "sr")).isZero();
        assertThat(out.toString()).contains("tikhonov", "tv ");
    }

    @Test
    void unknownMethodIsExitCode2ListingTheKnownOnes() throws IOException {
        input();
        assertThat(run(new FakeIo(false, lowResolution()), args("--method", "srcnn", "--factor", "1,1,4"))).isEqualTo(2);
        assertThat(err.toString()).contains("--method: unknown method 'srcnn', expected one of " + String.join(", ", Methods.names()));
        assertThat(files()).containsExactly("lr.nii.gz");
    }

    @Test
    void badLambdaAndIterationsAreExitCode2() throws IOException {
        input();
        String[][] cases = {
            {"tv", "--lambda", "-1", "--lambda -1.0: must be a finite number >= 0"},
            {"tikhonov", "--lambda", "NaN", "--lambda NaN: must be a finite number >= 0"},
            {"tv", "--lambda", "abc", "Invalid value for option '--lambda': 'abc' is not a double"},
            {"bspline", "--lambda", "0.1", "--lambda applies to the model-based methods (tikhonov, tv, pnp-hqs, pnp-admm, red, unfolded), not to 'bspline'"},
            {"tv", "--iters", "0", "--iters 0: must be >= 1"},
            {"linear", "--iters", "5", "--iters applies to the model-based methods"},
            {"tv", "--profile", "box", "--profile: slice profile 'box' is unknown"},
            {"tv", "--profile", "rect", "--kspace", "cannot be combined with --kspace"},
        };
        for (String[] c : cases) {
            err.getBuffer().setLength(0);
            List<String> a = new ArrayList<>(List.of("--method", c[0], "--factor", "1,1,4"));
            a.addAll(List.of(c).subList(1, c.length - 1));
            assertThat(run(new FakeIo(false, lowResolution()), args(a.toArray(String[]::new)))).as(String.join(" ", a)).isEqualTo(2);
            assertThat(err.toString()).as(String.join(" ", a)).contains(c[c.length - 1]);
            assertThat(files()).containsExactly("lr.nii.gz");
        }
    }

    @Test
    void writesTheSuperResolvedVolumeOnTheHighResolutionGrid() throws IOException {
        input();
        Volume lr = lowResolution();
        int code = run(new FakeIo(false, lr), args("--method", "tv", "--factor", "1,1,4", "--profile", "rect", "--lambda", "0.02",
                "--iters", "20"));
        assertThat(code).as(err.toString()).isZero();
        assertThat(files()).containsExactly("lr.nii.gz", "sr.nii.gz");
        assertThat(written.shape()).containsExactly(12, 10, 16);
        double[][] expectedAffine = Volume.resampledAffine(lr.affine(), new double[] {1, 1, 4});
        for (int r = 0; r < 4; r++) assertThat(written.affine()[r]).containsExactly(expectedAffine[r]);
        Volume direct = new TotalVariation().withLambda(0.02).withMaxIterations(20)
                .run(lr, SrContext.of(1, 1, 4).withDegradation(Degradation.builder().factors(1, 1, 4).profile(SliceProfile.Kind.RECT).build()));
        assertThat(written.data().toArray()).containsExactly(direct.data().toArray());
        assertThat(err.toString()).contains("sr [", "reading", "tv 12x10x4 -> 12x10x16, inverting factors 1x1x4", "rect profile",
                "tv: iteration 10/20", "tv: stopped after 20 iterations", "writing", "done");
        assertThat(out.toString()).contains("wrote " + dir.resolve("sr.nii.gz")).contains("(tv)");
    }

    @Test
    void runsTheBaselinesToo() throws IOException {
        input();
        Volume lr = lowResolution();
        assertThat(run(new FakeIo(false, lr), args("--method", "bspline", "--factor", "2,2,4"))).as(err.toString()).isZero();
        assertThat(written.shape()).containsExactly(24, 20, 16);
        assertThat(written.data().toArray()).containsExactly(Methods.get("bspline").run(lr, SrContext.of(2, 2, 4)).data().toArray());
        assertThat(err.toString()).doesNotContain("inverting");
    }

    @Test
    void factorDefaultsToIsotropicVoxels() throws IOException {
        input();
        assertThat(run(new FakeIo(false, lowResolution()), args("--method", "tikhonov"))).as(err.toString()).isZero();
        assertThat(written.shape()).containsExactly(12, 10, 16);
        assertThat(written.spacing()[2]).isCloseTo(1, within(1e-12));
        assertThat(SrCommand.isotropicFactors(Volume.of(Tensor.ones(2, 2, 2), Volume.diagonalAffine(0.9f, 0.9f, 3.6f))))
                .containsExactly(1, 1, 4);
        assertThat(SrCommand.isotropicFactors(Volume.of(Tensor.ones(2, 2, 2), Volume.diagonalAffine(1, 2.5, 1)))).containsExactly(1, 2.5, 1);
        Volume isotropic = Volume.of(Tensor.ones(4, 4, 4), Volume.diagonalAffine(2, 2, 2));
        err.getBuffer().setLength(0);
        Files.delete(dir.resolve("sr.nii.gz"));
        assertThat(run(new FakeIo(false, isotropic), args("--method", "tv"))).isEqualTo(2);
        assertThat(err.toString()).contains("--factor: not given, and the input's voxels are already isotropic (2 mm)");
        assertThat(files()).containsExactly("lr.nii.gz");
    }

    @Test
    void failedWriteAndBadPathsLeaveNoFileBehind() throws IOException {
        input();
        assertThat(run(new FakeIo(true, lowResolution()), args("--method", "tikhonov", "--factor", "1,1,4"))).isEqualTo(2);
        assertThat(err.toString()).contains("disk full");
        assertThat(files()).containsExactly("lr.nii.gz");
        err.getBuffer().setLength(0);
        assertThat(run(new FakeIo(false, lowResolution()), "--in", dir.resolve("missing.nii").toString(), "--out",
                dir.resolve("sr.nii").toString(), "--method", "tv", "--factor", "1,1,4")).isEqualTo(2);
        assertThat(err.toString()).contains("--in " + dir.resolve("missing.nii") + ": no such file");
        err.getBuffer().setLength(0);
        assertThat(run(new FakeIo(false, lowResolution()), "--in", dir.resolve("lr.nii.gz").toString(), "--out",
                dir.resolve("sr.png").toString(), "--method", "tv", "--factor", "1,1,4")).isEqualTo(2);
        assertThat(err.toString()).contains("must end in .nii or .nii.gz");
        err.getBuffer().setLength(0);
        assertThat(run(new FakeIo(false, lowResolution()), args("--method", "tv", "--factor", "1,0,4"))).isEqualTo(2);
        assertThat(err.toString()).contains("--factor 1,0,4: factor 2 is 0");
        assertThat(files()).containsExactly("lr.nii.gz");
        err.getBuffer().setLength(0);
        assertThat(run(null, "--in", "x.nii", "--out", "y.nii")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option: '--method=NAME'");
    }
}
