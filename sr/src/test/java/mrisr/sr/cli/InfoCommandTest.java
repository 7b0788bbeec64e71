package mrisr.sr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mrisr.engine.Memory;
import mrisr.sr.io.NiftiTestFiles;
import mrisr.sr.io.NiftiTestFiles.Case;
import mrisr.sr.io.NiftiTestFiles.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class InfoCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static Record expected(String name) {
        return NiftiTestFiles.records("expected.txt").stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    /** The value of {@code label} in the report. */
    static String field(String report, String label) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(label) + " +(.*)$").matcher(report);
        assertThat(m.find()).as("line '%s' in%n%s", label, report).isTrue();
        return m.group(1);
    }

    @Test
    void describesAScaledInt16File() {
        Path file = NiftiTestFiles.fixture("i16_scaled.nii");
        Run r = run("info", file.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).isEmpty();
        String out = r.out();
        assertThat(field(out, "file")).isEqualTo(file.toString());
        assertThat(field(out, "format")).isEqualTo("NIfTI-1, uncompressed, little-endian");
        assertThat(field(out, "dims")).isEqualTo("7 x 6 x 5  (210 voxels)");
        assertThat(field(out, "spacing")).isEqualTo("1.5 x 1.5 x 3 mm");
        assertThat(field(out, "datatype")).isEqualTo("int16 (code 4, 16 bits)");
        assertThat(field(out, "scaling")).isEqualTo("value = stored * 0.5 + -10  (scl_slope 0.5, scl_inter -10)");
        assertThat(field(out, "qform_code")).isEqualTo("1 (scanner)");
        assertThat(field(out, "sform_code")).isEqualTo("1 (scanner)");
        assertThat(field(out, "affine")).isEqualTo("from sform (srow_x, srow_y, srow_z)");
        assertThat(field(out, "orientation")).isEqualTo("LAS");

        // the four affine rows follow the 'affine' line
        String[] lines = out.split("\n");
        int at = 0;
        while (!lines[at].startsWith("affine")) at++;
        double[][] want = expected("i16_scaled.nii").matrix("affine");
        for (int row = 0; row < 4; row++) {
            String[] cells = lines[at + 1 + row].trim().split(" +");
            assertThat(cells).hasSize(4);
            for (int c = 0; c < 4; c++) assertThat(Double.parseDouble(cells[c])).isCloseTo(want[row][c], within(1e-6));
        }

        // intensity range of the scaled values, against nibabel's get_fdata()
        double[] data = expected("i16_scaled.nii").numbers("data");
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0;
        for (double x : data) {
            min = Math.min(min, x);
            max = Math.max(max, x);
            sum += x;
        }
        Matcher m = Pattern.compile("min (\\S+), max (\\S+), mean (\\S+)").matcher(field(out, "intensity"));
        assertThat(m.matches()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isEqualTo(min);
        assertThat(Double.parseDouble(m.group(2))).isEqualTo(max);
        assertThat(Double.parseDouble(m.group(3))).isCloseTo(sum / data.length, within(1e-5 * Math.abs(sum / data.length)));
    }

    @Test
    void describesOtherFormats() {
        String out = run("info", NiftiTestFiles.fixture("i16_nifti2_be.nii.gz").toString()).out();
        assertThat(field(out, "format")).isEqualTo("NIfTI-2, gzip-compressed, big-endian");
        assertThat(field(out, "scaling")).startsWith("value = stored * 0.000342384 + 6.22969");

        out = run("info", NiftiTestFiles.fixture("f32_4d.nii.gz").toString()).out();
        assertThat(field(out, "dims")).isEqualTo("7 x 6 x 5 x 3  (630 voxels)");
        assertThat(field(out, "spacing")).isEqualTo("1 x 1 x 1 mm, time step 2.5 (xyzt_units gives no time unit)");

        out = run("info", NiftiTestFiles.fixture("noxform.nii").toString()).out();
        assertThat(field(out, "affine")).startsWith("from pixdim");
        assertThat(field(out, "orientation")).isEqualTo("LAS");
        assertThat(field(out, "scaling")).isEqualTo("identity  (scl_slope 1, scl_inter 0)");

        out = run("info", NiftiTestFiles.fixture("f64_be.nii").toString()).out();
        assertThat(field(out, "scaling")).isEqualTo("none  (scl_slope NaN)");
        assertThat(field(out, "datatype")).isEqualTo("float64 (code 64, 64 bits)");

        out = run("info", NiftiTestFiles.fixture("i32_qform.nii").toString()).out();
        assertThat(field(out, "affine")).startsWith("from qform");
        assertThat(field(out, "orientation")).isEqualTo(expected("i32_qform.nii").text("axcodes"));
    }

    @Test
    void helpTeachesWithAnExample() {
        Run r = run("info", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Usage: mrisr info", "FILE", "Examples:", "mrisr info /usr/share/mricron/templates/ch2.nii.gz");
    }

    static List<Case> malformed() {
        return NiftiTestFiles.malformed();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedFileGivesExitCode2AndOneLine(Case c) {
        Path file = c.writeTo(dir);
        Run r = run("info", file.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines()).hasSize(1);
        assertThat(r.err()).startsWith("mrisr info: " + file + ": ").contains(c.message());
    }

    @Test
    void missingFileAndMissingArgumentGiveExitCode2() {
        Path missing = dir.resolve("absent.nii");
        Run r = run("info", missing.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("mrisr info: " + missing + ": no such file" + System.lineSeparator());
        r = run("info");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required parameter: 'FILE'");
    }

    @Test
    void volumeOverTheMemoryBudgetGivesExitCode2() {
        long budget = Memory.budgetBytes();
        try {
            Run r = run("info", "--max-memory", "1k", NiftiTestFiles.fixture("f32_4d.nii.gz").toString());
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.err().lines()).hasSize(1);
            assertThat(r.err()).contains("needs 2.5 KiB, over the memory budget of 1.0 KiB");
        } finally {
            Memory.setBudgetBytes(budget);
        }
    }
}
