package mrisr.sr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import mrisr.engine.Tensor;
import mrisr.sr.io.AtomicFiles;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DegradeCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter(), err = new StringWriter();
    private Volume written;

    /** Reads any existing file as a fixed 8×8×16 ramp volume of 1 mm voxels; records what is written. */
    private final class FakeIo implements DegradeCommand.VolumeIo {
        final boolean failWrite;

        FakeIo(boolean failWrite) {
            this.failWrite = failWrite;
        }

        @Override
        public Volume read(Path file) {
            float[] v = new float[8 * 8 * 16];
            for (int i = 0; i < v.length; i++) v[i] = i % 16;
            return Volume.of(Tensor.fromArray(v, 8, 8, 16), Volume.diagonalAffine(1, 1, 1));
        }

        @Override
        public void write(Volume volume, Path file) {
            // the same atomic mechanism as Nifti.write: a failure midway must leave nothing behind
            AtomicFiles.write(file, o -> {
                o.write("partial".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                if (failWrite) throw new IOException(file + ": disk full");
            });
            written = volume;
        }
    }

    private int run(DegradeCommand.VolumeIo io, String... args) {
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        if (io != null) ((DegradeCommand) cl.getSubcommands().get("degrade").getCommand()).io = io;
        String[] full = new String[args.length + 1];
        full[0] = "degrade";
        System.arraycopy(args, 0, full, 1, args.length);
        return cl.execute(full);
    }

    private Path input() throws IOException {
        return Files.writeString(dir.resolve("hr.nii.gz"), "hr");
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void helpTeachesWithAnExample() {
        assertThat(run(null, "--help")).isZero();
        assertThat(out.toString()).contains("mrisr degrade --in HR.nii.gz --out LR.nii.gz --factor 1,1,4")
                .contains("--profile").contains("--kspace").contains("--rician");
    }

    @Test
    void writesTheLowResolutionVolumeAtomically() throws IOException {
        Path in = input();
        int code = run(new FakeIo(false), "--in", in.toString(), "--out", dir.resolve("lr.nii.gz").toString(),
                "--factor", "1,1,4", "--profile", "rect", "--noise", "0.01", "--rician", "--seed", "3");
        assertThat(code).as(err.toString()).isZero();
        assertThat(files()).containsExactly("hr.nii.gz", "lr.nii.gz");
        assertThat(written.shape()).containsExactly(8, 8, 4);
        assertThat(written.spacing()[2]).isCloseTo(4, within(1e-12));
        assertThat(written.toWorld(0, 0, 1)[2]).isCloseTo(5.5, within(1e-12)); // HR index 4·1 + 1.5
        assertThat(err.toString()).contains("degrade: reading").contains("Rician noise 1% of range").contains("degrade: writing");
    }

    @Test
    void failedWriteLeavesNoFileBehind() throws IOException {
        Path in = input();
        int code = run(new FakeIo(true), "--in", in.toString(), "--out", dir.resolve("lr.nii").toString(), "--factor", "1,1,2");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("disk full");
        assertThat(files()).containsExactly("hr.nii.gz");
    }

    @Test
    void logicMatchesTheDegradationTheOptionsDescribe() {
        CommandLine cl = Main.commandLine();
        CommandLine.ParseResult pr = cl.parseArgs("degrade", "--in", "a.nii", "--out", "b.nii", "--factor", "2,1,3",
                "--profile", "trapezoid", "--slice-gap", "0.5", "--in-plane-psf");
        DegradeCommand cmd = (DegradeCommand) pr.subcommand().commandSpec().userObject();
        Volume hr = new FakeIo(false).read(null);
        Volume lr = cmd.degrade(hr);
        Volume expected = mrisr.sr.physics.Degradation.builder().factors(2, 1, 3).profile(mrisr.sr.physics.SliceProfile.Kind.TRAPEZOID)
                .sliceGapMm(0.5).inPlanePsf(true).build().apply(hr);
        assertThat(lr.shape()).containsExactly(4, 8, 5);
        assertThat(lr.data().toArray()).isEqualTo(expected.data().toArray());
    }

    @Test
    void badOptionsExitWithTwoAndNameTheOption() throws IOException {
        Path in = input(), lr = dir.resolve("lr.nii.gz");
        String[][] cases = {
            {"--factor", "1,0,4", "--factor '1,0,4': value 0 along axis 1 must be >= 1"},
            {"--factor", "1,4", "must have 3 values"},
            {"--factor", "1,x,4", "'x' is not a number"},
            {"--profile", "box", "slice profile 'box' is unknown"},
            {"--rician", null, "--rician needs --noise"},
            {"--noise", "-0.1", "--noise is -0.1"},
            {"--kspace", "--profile=rect", "not to k-space truncation"},
        };
        for (String[] c : cases) {
            err.getBuffer().setLength(0);
            List<String> args = new java.util.ArrayList<>(List.of("--in", in.toString(), "--out", lr.toString()));
            if (!c[0].equals("--factor")) args.addAll(List.of("--factor", "1,1,4"));
            args.add(c[0]);
            if (c[1] != null) args.add(c[1]);
            assertThat(run(new FakeIo(false), args.toArray(String[]::new))).as(String.join(" ", args)).isEqualTo(2);
            assertThat(err.toString()).as(String.join(" ", args)).contains(c[2]);
            assertThat(files()).containsExactly("hr.nii.gz");
        }
    }

    @Test
    void missingInputAndBadOutputAreReported() throws IOException {
        Path missing = dir.resolve("nope.nii.gz");
        assertThat(run(new FakeIo(false), "--in", missing.toString(), "--out", dir.resolve("lr.nii").toString(), "--factor", "1,1,2"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--in: no such file: " + missing);
        Path in = input();
        assertThat(run(new FakeIo(false), "--in", in.toString(), "--out", dir.resolve("lr.png").toString(), "--factor", "1,1,2"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("must end in .nii or .nii.gz");
        assertThat(run(new FakeIo(false), "--in", in.toString(), "--out", dir.resolve("no/dir/lr.nii").toString(), "--factor", "1,1,2"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("does not exist");
        assertThat(run(new FakeIo(false), "--in", in.toString(), "--out", in.toString(), "--factor", "1,1,2")).isEqualTo(2);
        assertThat(err.toString()).contains("is the input file");
        assertThat(run(new FakeIo(false), "--in", in.toString(), "--out", dir.resolve("lr.nii").toString(), "--factor", "1,1,32"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("exceeds the size 16");
        assertThat(files()).containsExactly("hr.nii.gz");
        assertThat(run(null, "--out", "x.nii")).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required option");
    }
}
