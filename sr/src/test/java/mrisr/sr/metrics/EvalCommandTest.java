package mrisr.sr.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import mrisr.sr.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mrisr eval}'s command line: help and the checks made before any volume is read. */
class EvalCommandTest {
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

    @Test
    void helpTeachesWithExamples() {
        Run r = run("eval", "--help");
        assertEquals(0, r.code());
        assertTrue(r.out().contains("--data-range") && r.out().contains("mrisr eval --ref hr.nii.gz --test sr.nii.gz"), r.out());
    }

    @Test
    void badOptionsExitWithCode2() throws Exception {
        Path ref = Files.createFile(dir.resolve("hr.nii.gz"));
        assertEquals(2, run("eval", "--test", ref.toString()).code());
        Run r = run("eval", "--ref", dir.resolve("missing.nii").toString(), "--test", ref.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--ref: no such file"), r.err());
        r = run("eval", "--ref", ref.toString(), "--test", ref.toString(), "--data-range", "-1");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--data-range: got -1.0, must be finite and > 0"), r.err());
        r = run("eval", "--ref", ref.toString(), "--test", ref.toString(), "--cnr-labels", "1,2,3");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--cnr-labels"), r.err());
    }
}
