package mrisr.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mrisr.sr.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mrisr bench …} run in-process through the real command line, on the suite's tiny shapes. */
class BenchCommandTest {
    record Result(int exitCode, String out, String err) {}

    static Result cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        var cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void benchWithoutASuiteListsTheSuites() {
        Result r = cli("bench");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: mrisr bench").contains("kernels").contains("Suites:");
    }

    @Test
    @SuppressWarnings("unchecked")
    void smokeRunWritesEveryRowWithItsFields(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("kernels.json");
        Result r = cli("--threads", "2", "bench", "kernels", "--smoke", "--no-peer", "--json", json.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("machine: ").contains("FMA peak: ").contains("peer: not run (--no-peer)")
                .contains("| sgemm-1024 ").contains("| srnet-train-step ").contains("GFLOP/s conventions");
        assertThat(r.err()).contains("wrote " + json);

        Map<String, Object> root = (Map<String, Object>) Json.parse(Files.readString(json));
        assertThat(root).containsEntry("suite", "kernels").containsEntry("threads", 2.0).containsKey("fma_peak_gflops")
                .containsEntry("peer", null);
        assertThat((Map<String, Object>) root.get("machine")).containsKeys("cpu", "cores", "threads", "vector_bits", "jdk", "kernels");
        List<Map<String, Object>> rows = (List<Map<String, Object>>) root.get("rows");
        assertThat(rows).extracting(m -> m.get("id")).isEqualTo(List.copyOf(KernelSuiteTest.IDS));
        for (Map<String, Object> row : rows) {
            assertThat(row).containsKeys("id", "op", "shape", "kernel", "median_ms", "first_ms", "runs", "gflops", "gbps",
                    "pct_peak").doesNotContainKeys("peer", "peer_median_ms", "ratio");
            assertThat((Double) row.get("median_ms")).isPositive();
            assertThat((Double) row.get("first_ms")).isPositive();
            assertThat(row.get("runs")).isEqualTo(2.0);
            boolean memoryBound = row.get("id").equals("trilinear2x-128");
            assertThat(row.get(memoryBound ? "gbps" : "gflops")).isInstanceOf(Double.class);
            assertThat(row.get(memoryBound ? "gflops" : "gbps")).isNull();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void onlyKeepsTheRowsWithTheGivenPrefixes(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("sgemm.json");
        Result r = cli("--threads", "1", "bench", "kernels", "--smoke", "--no-peer", "--only", "sgemm,fft", "--json",
                json.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("| sgemm-1024 ").contains("| sgemm-2048 ").contains("| fft3d-128-c64 ")
                .doesNotContain("| conv3d-").doesNotContain("| srnet-train-step ");
        List<Map<String, Object>> rows = (List<Map<String, Object>>) ((Map<String, Object>) Json.parse(Files.readString(json)))
                .get("rows");
        assertThat(rows).extracting(m -> m.get("id")).containsExactly("sgemm-1024", "sgemm-2048", "fft3d-128-c64");
    }

    @Test
    void aMissingPeerIsOneLineAndTheRunGoesOn() {
        Result r = cli("--threads", "1", "bench", "kernels", "--smoke", "--python", "/nonexistent/python3");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("peer unavailable: /nonexistent/python3 not found");
        assertThat(r.out()).contains("peer: unavailable (/nonexistent/python3 not found)").doesNotContain("| peer ms |");
    }

    @Test
    void badOptionsAreUsageErrors(@TempDir Path dir) {
        Result repeat = cli("bench", "kernels", "--smoke", "--repeat", "0");
        assertThat(repeat.exitCode()).isEqualTo(2);
        assertThat(repeat.err()).contains("--repeat must be >= 1, got 0");
        Result json = cli("bench", "kernels", "--smoke", "--json", dir.resolve("missing/k.json").toString());
        assertThat(json.exitCode()).isEqualTo(2);
        assertThat(json.err()).contains("--json: directory").contains("does not exist");
        Result only = cli("bench", "kernels", "--smoke", "--only", "sgem,gemm");
        assertThat(only.exitCode()).isEqualTo(2);
        assertThat(only.err()).contains("--only: no row id starts with 'gemm'").contains("sgemm-1024");
    }
}
