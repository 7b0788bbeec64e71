package mrisr.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mrisr.bench.BenchCommandTest.Result;
import mrisr.engine.Tensor;
import mrisr.sr.data.Phantoms;
import mrisr.sr.methods.Methods;
import mrisr.sr.methods.SrContext;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.LinearOperator;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mrisr bench methods} run in-process through the real command line on tiny phantoms. */
class MethodsCommandTest {
    static final String SIZE = "20,24,16";
    static final List<String> METRICS = List.of("psnr", "ssim", "hfen", "dc_residual");
    static final List<String> ROW_FIELDS = List.of("dataset", "degradation", "method", "model", "status", "reason", "psnr", "ssim",
            "hfen", "dc_residual", "seconds", "peak_mb");

    static Result run(Path json, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--threads", "2", "bench", "methods", "--datasets", "phantom",
                "--size", SIZE, "--methods", "nearest,bspline", "--json", json.toString()));
        args.addAll(List.of(extra));
        return BenchCommandTest.cli(args.toArray(String[]::new));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> readJson(Path json) throws IOException {
        return (Map<String, Object>) Json.parse(Files.readString(json));
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rows(Map<String, Object> root) {
        return (List<Map<String, Object>>) root.get("rows");
    }

    @Test
    @SuppressWarnings("unchecked")
    void smokeRunPrintsTheTablesAndWritesEveryRow(@TempDir Path dir) throws IOException {
        Path sub = Files.createDirectories(dir.resolve("with space"));
        Path json = sub.resolve("methods.json");
        Result r = run(json);
        assertThat(r.exitCode()).as(r.err()).isZero();

        String quoted = "'" + json + "'";
        assertThat(r.out()).startsWith("# mrisr bench methods\n")
                .contains("command: `mrisr --threads 2 bench methods --datasets phantom --size " + SIZE
                        + " --methods nearest,bspline --json " + quoted + "`")
                .contains("seed: 0").contains("machine: ")
                .contains("- dataset phantom: brain phantom 20x24x16 at 1x1x1 mm, seed 0")
                .contains("## phantom, degradation a: 2x in-plane k-space truncation")
                .contains("## phantom, degradation b: 4x through-plane, Gaussian slice profile (FWHM = slice thickness)")
                .contains("truth 20x24x16 -> LR 10x12x16").contains("truth 20x24x16 -> LR 20x24x4")
                .contains("| method  | model | PSNR dB |   SSIM |   HFEN |     DC | seconds | peak MB |")
                .contains("|---------|-------|--------:|")
                .contains("| nearest ").contains("| bspline ").contains("peak JVM heap").contains("Total time ")
                .doesNotContain("skipped:").doesNotContain("failed:").doesNotContain("note:");
        assertThat(r.err()).contains("bench methods: phantom/a: running nearest").contains("bench methods: phantom/b: running bspline")
                .contains("wrote " + json);

        Map<String, Object> root = readJson(json);
        assertThat(root).containsEntry("suite", "methods").containsEntry("seed", 0.0)
                .containsEntry("command", "mrisr --threads 2 bench methods --datasets phantom --size " + SIZE
                        + " --methods nearest,bspline --json " + quoted)
                .containsKeys("machine", "datasets", "degradations", "sections", "conventions", "total_seconds");
        assertThat((Map<String, Object>) root.get("machine")).containsKeys("cpu", "cores", "threads", "jdk");
        assertThat((Map<String, Object>) root.get("degradations")).containsOnlyKeys("a", "b");
        List<Map<String, Object>> sections = (List<Map<String, Object>>) root.get("sections");
        assertThat(sections).extracting(s -> s.get("degradation")).containsExactly("a", "b");
        assertThat(sections.get(0).get("lr_shape")).isEqualTo(List.of(10.0, 12.0, 16.0));
        assertThat(sections.get(1).get("lr_shape")).isEqualTo(List.of(20.0, 24.0, 4.0));

        List<Map<String, Object>> rows = rows(root);
        assertThat(rows).extracting(m -> m.get("degradation") + "/" + m.get("method"))
                .containsExactly("a/nearest", "a/bspline", "b/nearest", "b/bspline");
        for (Map<String, Object> row : rows) {
            assertThat(row.keySet()).containsExactlyElementsOf(ROW_FIELDS);
            assertThat(row).containsEntry("dataset", "phantom").containsEntry("status", "ok").containsEntry("reason", null)
                    .containsEntry("model", null);
            assertThat((Double) row.get("psnr")).isBetween(10.0, 60.0);
            assertThat((Double) row.get("ssim")).isBetween(0.0, 1.0);
            assertThat((Double) row.get("hfen")).isPositive();
            assertThat((Double) row.get("dc_residual")).isPositive();
            assertThat((Double) row.get("seconds")).isNotNegative();
            assertThat((Double) row.get("peak_mb")).isNotNegative();
        }

        // the b/nearest row against an independent computation: the same acquisition built here,
        // PSNR and the data-consistency residual written out naively in double precision
        int[] shape = {20, 24, 16};
        Volume truth = Phantoms.brain(shape, new double[] {1, 1, 1}, 0).image();
        Degradation d = Degradation.builder().factors(1, 1, 4).noise(0.01).rician(true).seed(0).build();
        Volume lr = d.apply(truth);
        Tensor sr = Methods.get("nearest").run(lr, SrContext.of(1, 1, 4)).data();
        float[] t = truth.data().toArray(), s = sr.toArray();
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY, se = 0;
        for (int i = 0; i < t.length; i++) {
            lo = Math.min(lo, t[i]);
            hi = Math.max(hi, t[i]);
            se += ((double) t[i] - s[i]) * ((double) t[i] - s[i]);
        }
        double psnr = 10 * Math.log10((hi - lo) * (hi - lo) / (se / t.length));
        LinearOperator h = d.operator(shape, truth.spacing());
        float[] hx = h.apply(sr).toArray(), y = lr.data().toArray();
        double num = 0, den = 0;
        for (int i = 0; i < y.length; i++) {
            num += ((double) hx[i] - y[i]) * ((double) hx[i] - y[i]);
            den += (double) y[i] * y[i];
        }
        assertThat((Double) rows.get(2).get("psnr")).isCloseTo(psnr, within(1e-5 * psnr));
        double dc = Math.sqrt(num / den);
        assertThat((Double) rows.get(2).get("dc_residual")).isCloseTo(dc, within(1e-5 * dc));
    }

    @Test
    void theSameSeedGivesTheSameMetricsAndAnotherSeedDoesNot(@TempDir Path dir) throws IOException {
        Path first = dir.resolve("first.json"), second = dir.resolve("second.json"), other = dir.resolve("other.json");
        assertThat(run(first, "--seed", "3").exitCode()).isZero();
        assertThat(run(second, "--seed", "3", "--threads", "1").exitCode()).isZero();
        assertThat(run(other, "--seed", "4").exitCode()).isZero();
        List<Map<String, Object>> a = rows(readJson(first)), b = rows(readJson(second)), c = rows(readJson(other));
        assertThat(a).hasSize(4).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            for (String k : List.of("dataset", "degradation", "method", "status")) assertThat(b.get(i).get(k)).isEqualTo(a.get(i).get(k));
            for (String k : METRICS) {
                assertThat(a.get(i).get(k)).isInstanceOf(Double.class);
                assertThat(b.get(i).get(k)).as(i + " " + k).isEqualTo(a.get(i).get(k));
            }
        }
        assertThat(c.get(0).get("psnr")).isNotEqualTo(a.get(0).get("psnr"));
    }

    @Test
    void aMissingDefaultCh2IsANoteNotAnError(@TempDir Path dir) {
        Result r = BenchCommandTest.cli("bench", "methods", "--size", "16,16,16", "--methods", "nearest", "--ch2",
                dir.resolve("absent.nii.gz").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("- note: ch2 not run: " + dir.resolve("absent.nii.gz") + " not found (apt-get install mricron-data)")
                .contains("## phantom, degradation a").doesNotContain("## ch2");
    }

    @Test
    void badOptionsAreInputErrorsAndLeaveNoFile(@TempDir Path dir) {
        Path json = dir.resolve("m.json");
        Result unknown = BenchCommandTest.cli("bench", "methods", "--datasets", "phantom,mni", "--json", json.toString());
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("--datasets: unknown dataset 'mni', expected phantom or ch2");
        Result ch2 = BenchCommandTest.cli("bench", "methods", "--datasets", "ch2", "--ch2", dir.resolve("no.nii.gz").toString());
        assertThat(ch2.exitCode()).isEqualTo(2);
        assertThat(ch2.err()).contains("--datasets ch2:").contains("apt-get install mricron-data");
        Result method = BenchCommandTest.cli("bench", "methods", "--methods", "nearest,magic", "--json", json.toString());
        assertThat(method.exitCode()).isEqualTo(2);
        assertThat(method.err()).contains("unknown method 'magic'");
        Result size = BenchCommandTest.cli("bench", "methods", "--size", "8,8,8");
        assertThat(size.exitCode()).isEqualTo(2);
        assertThat(size.err()).contains("--size: each dimension must be in 16..1024, got 8");
        Result dirMissing = BenchCommandTest.cli("bench", "methods", "--json", dir.resolve("missing/m.json").toString());
        assertThat(dirMissing.exitCode()).isEqualTo(2);
        assertThat(dirMissing.err()).contains("--json: directory").contains("does not exist");
        assertThat(json).doesNotExist();
    }

    @Test
    void benchListsTheSuite() {
        Result r = BenchCommandTest.cli("bench");
        assertThat(r.out()).contains("methods (the SR leaderboard");
        Result help = BenchCommandTest.cli("bench", "methods", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Examples:").contains("mrisr bench methods --json methods.json").contains("nearest");
    }
}
