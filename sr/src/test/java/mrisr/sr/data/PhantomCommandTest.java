package mrisr.sr.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import mrisr.engine.Tensor;
import mrisr.sr.cli.Main;
import mrisr.sr.io.Nifti;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mrisr phantom} (and, once NIfTI I/O is present, its round trip through {@code mrisr eval}). */
class PhantomCommandTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private long files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void helpTeachesWithExamples() {
        Run r = run("phantom", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--kind") && r.out().contains("mrisr phantom --out hr.nii.gz --labels labels.nii.gz"), r.out());
    }

    @Test
    void headPhantomWithLabels() {
        Path out = dir.resolve("head.nii.gz"), labels = dir.resolve("labels.nii.gz");
        Run r = run("phantom", "--out", out.toString(), "--kind", "head", "--size", "40,48,40", "--spacing", "4,4,4", "--labels",
                labels.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("wrote " + out + ": head phantom 40x48x40, 4x4x4 mm, seed 1"), r.out());
        assertTrue(Files.exists(out) && Files.exists(labels));
    }

    @Test
    void badRequestsExitWithCode2AndLeaveNoFile() throws IOException {
        String out = dir.resolve("hr.nii.gz").toString();
        Run r = run("phantom", "--out", out, "--kind", "cube");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--kind: unknown phantom 'cube', expected brain, head or shepp-logan"), r.err());
        r = run("phantom", "--out", out, "--size", "64,0,64");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("[64, 0, 64]: axis 1 is 0, must be >= 1"), r.err());
        r = run("phantom", "--out", out, "--size", "64,64");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--size: got 2 values"), r.err());
        r = run("phantom", "--out", out, "--spacing", "1,-1,1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("spacing"), r.err());
        r = run("phantom", "--out", out, "--kind", "shepp-logan", "--labels", dir.resolve("l.nii").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--labels: only the brain and head phantoms have tissue labels"), r.err());
        r = run("phantom", "--out", dir.resolve("hr.img").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("must end in .nii or .nii.gz"), r.err());
        r = run("phantom", "--out", dir.resolve("no/such/dir/hr.nii").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("does not exist"), r.err());
        assertEquals(0, files());
    }

    /** Whether the real NIfTI writer is on the class path (this branch carries a placeholder until the merge). */
    private boolean niftiAvailable() {
        try {
            Nifti.write(Volume.of(Tensor.zeros(2, 2, 2), Volume.diagonalAffine(1, 1, 1)), dir.resolve("probe.nii"));
            Files.deleteIfExists(dir.resolve("probe.nii"));
            return true;
        } catch (UnsupportedOperationException | IOException e) {
            return false;
        }
    }

    @Test
    void phantomThenEvalRoundTrip() throws IOException {
        Assumptions.assumeTrue(niftiAvailable(), "NIfTI I/O not present on this branch");
        Path hr = dir.resolve("hr.nii.gz"), labels = dir.resolve("labels.nii.gz"), other = dir.resolve("other.nii");
        Run r = run("phantom", "--out", hr.toString(), "--labels", labels.toString(), "--size", "48,56,48", "--spacing", "3,3,3", "--seed", "4");
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.isRegularFile(hr) && Files.isRegularFile(labels));
        assertEquals(2, files(), "no temporary file left");
        Volume read = Nifti.read(hr);
        Phantoms.Brain expected = Phantoms.brain(new int[] {48, 56, 48}, new double[] {3, 3, 3}, 4);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected.image().data().toArray(), read.data().toArray());

        r = run("eval", "--ref", hr.toString(), "--test", hr.toString(), "--mask", labels.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"psnr\": null") && r.out().contains("\"ssim\": 1.0") && r.out().contains("\"cnr\": "), r.out());

        assertEquals(0, run("phantom", "--out", other.toString(), "--size", "48,56,47").code());
        r = run("eval", "--ref", hr.toString(), "--test", other.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("[48, 56, 48]") && r.err().contains("[48, 56, 47]"), r.err());
    }
}
