package mrisr.sr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import mrisr.engine.Tensor;
import mrisr.sr.methods.baseline.Interpolation;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class UpsampleCommandTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private String[] args(String... extra) {
        String[] base = {"upsample", "--in", dir.resolve("lr.nii.gz").toString(), "--out", dir.resolve("sr.nii.gz").toString()};
        return Stream.concat(Stream.of(base), Stream.of(extra)).toArray(String[]::new);
    }

    private void assertNothingWritten() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("lr.nii.gz"))).isEmpty();
        }
    }

    // ------------------------------------------------------------------ help and usage errors

    @Test
    void helpTeachesWithExamplesAndListsEveryMethod() {
        Run r = run("upsample", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--factor", "--like", "--method",
                "mrisr upsample --in lr.nii --out sr.nii --factor 1,1,4 --method bspline", "round(n*f)");
        for (String name : Interpolation.names()) assertThat(r.out()).contains("  " + name + " ");
        assertThat(r.out().lines().filter(l -> l.length() > 80)).isEmpty();
        assertThat(run("help", "upsample").out()).contains("--like=REF");
    }

    @Test
    void gridMustBeGivenExactlyOnce() throws IOException {
        Run none = run(args("--method", "linear"));
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.err()).contains("--factor", "--like");
        Run both = run(args("--method", "linear", "--factor", "2,2,2", "--like", "ref.nii"));
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
        assertNothingWritten();
    }

    @Test
    void badFactorsAreExitCode2NamingTheOption() throws IOException {
        String[][] cases = {
            {"0,1,1", "--factor 0,1,1: factor 1 is 0, must be a finite number > 0"},
            {"1,-4,1", "factor 2 is -4, must be a finite number > 0"},
            {"1,1,NaN", "factor 3 is NaN"},
            {"1,1", "need three comma-separated factors FX,FY,FZ (e.g. 1,1,4), got 2 values"},
            {"1,x,4", "'x' is not a number"},
        };
        for (String[] c : cases) {
            Run r = run(args("--method", "cubic", "--factor", c[0]));
            assertThat(r.code()).as(c[0]).isEqualTo(2);
            assertThat(r.err()).as(c[0]).startsWith("mrisr upsample: ").contains(c[1]);
            assertThat(r.err().lines().count()).isEqualTo(1);
        }
        assertNothingWritten();
    }

    @Test
    void unknownMethodListsTheValidNames() {
        Run r = run(args("--method", "bicubic", "--factor", "1,1,4"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--method: unknown interpolation method 'bicubic', expected one of nearest, linear, cubic, "
                + "bspline, lanczos, sinc");
    }

    @Test
    void missingInputOrReferenceIsExitCode2WithNoOutput() throws IOException {
        Run r = run(args("--method", "sinc", "--factor", "1,1,4"));
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--in " + dir.resolve("lr.nii.gz") + ": no such file");
        Files.writeString(dir.resolve("lr.nii.gz"), "");
        Run like = run(args("--method", "sinc", "--like", dir.resolve("hr.nii.gz").toString()));
        assertThat(like.code()).isEqualTo(2);
        assertThat(like.err()).contains("--like " + dir.resolve("hr.nii.gz") + ": no such file");
        assertNothingWritten();
    }

    @Test
    void outputMustBeANiftiNameInAnExistingDirectory() throws IOException {
        Files.writeString(dir.resolve("lr.nii.gz"), "");
        Run ext = run("upsample", "--in", dir.resolve("lr.nii.gz").toString(), "--out", dir.resolve("sr.png").toString(),
                "--factor", "2,2,2", "--method", "linear");
        assertThat(ext.code()).isEqualTo(2);
        assertThat(ext.err()).contains("--out " + dir.resolve("sr.png") + ": must end in .nii or .nii.gz");
        Run missingDir = run("upsample", "--in", dir.resolve("lr.nii.gz").toString(), "--out",
                dir.resolve("no/such/sr.nii").toString(), "--factor", "2,2,2", "--method", "linear");
        assertThat(missingDir.code()).isEqualTo(2);
        assertThat(missingDir.err()).contains("does not exist");
        assertNothingWritten();
    }

    // ------------------------------------------------------------------ the logic on volumes

    private static Volume ramp(int[] shape, double[][] affine) {
        float[] v = new float[shape[0] * shape[1] * shape[2]];
        for (int p = 0; p < v.length; p++) v[p] = p % 17;
        return Volume.of(Tensor.fromArray(v, shape), affine);
    }

    private static double[][] obliqueAffine() {
        return new double[][] {{0.95, -0.3, 0.1, -91.3}, {0.3, 0.95, 0, -120.7}, {0, 0.02, 1.0, -60.1}, {0, 0, 0, 1}};
    }

    @Test
    void factorPathGivesTheResampledGrid() {
        Volume lr = ramp(new int[] {6, 5, 4}, obliqueAffine());
        Volume sr = UpsampleCommand.upsample(lr, Interpolation.linear(), new double[] {1, 1, 2.5});
        assertThat(sr.shape()).containsExactly(6, 5, 10);
        assertThat(sr.affine()).isDeepEqualTo(Volume.resampledAffine(lr.affine(), new double[] {1, 1, 2.5}));
    }

    @Test
    void likeAdoptsTheReferenceGridWhenItOverlaysTheInput() {
        double[][] hrAffine = obliqueAffine();
        // the reference affine as a NIfTI file would carry it: float32-rounded
        double[][] stored = new double[4][4];
        for (int r = 0; r < 4; r++) for (int c = 0; c < 4; c++) stored[r][c] = (float) hrAffine[r][c];
        Volume hr = ramp(new int[] {8, 6, 20}, stored);
        Volume lr = ramp(new int[] {8, 6, 5}, Volume.resampledAffine(hrAffine, new double[] {1, 1, 0.25}));
        StringWriter warnings = new StringWriter();
        Volume sr = UpsampleCommand.upsampleLike(lr, hr, "hr.nii.gz", Interpolation.bspline(), new PrintWriter(warnings, true));
        assertThat(sr.shape()).containsExactly(8, 6, 20);
        assertThat(sr.affine()).isDeepEqualTo(stored);
        assertThat(warnings.toString()).isEmpty();
        // values are the ×4 through-plane upsampling
        assertThat(sr.data().toArray()).isEqualTo(Interpolation.bspline().resample(lr, 1, 1, 4).data().toArray());
    }

    @Test
    void likeKeepsTheInputPositionAndWarnsWhenTheReferenceIsElsewhere() {
        Volume lr = ramp(new int[] {4, 4, 3}, Volume.diagonalAffine(2, 2, 4));
        double[][] shifted = Volume.resampledAffine(lr.affine(), new double[] {2, 2, 4});
        shifted[0][3] += 5; // 5 mm off
        Volume ref = ramp(new int[] {8, 8, 12}, shifted);
        StringWriter warnings = new StringWriter();
        Volume sr = UpsampleCommand.upsampleLike(lr, ref, "ref.nii", Interpolation.cubic(), new PrintWriter(warnings, true));
        assertThat(sr.shape()).containsExactly(8, 8, 12);
        assertThat(sr.affine()).isDeepEqualTo(Volume.resampledAffine(lr.affine(), new double[] {2, 2, 4}));
        assertThat(warnings.toString()).contains("warning: --like ref.nii", "5.000 mm", "computed affine");
    }

    @Test
    void likeFactorsHitTheReferenceSizeExactlyForAwkwardRatios() {
        for (int n = 1; n <= 60; n++) {
            for (int refN : new int[] {1, 7, 97, 181, 217, 512}) {
                double[] f = UpsampleCommand.factorsLike(new int[] {n, n, n}, new int[] {refN, refN, refN});
                assertThat(f[0]).isCloseTo((double) refN / n, within(0.0));
                assertThat(new mrisr.sr.methods.SrContext(f, 0).outputShape(new int[] {n, n, n})).containsExactly(refN, refN, refN);
            }
        }
    }
}
