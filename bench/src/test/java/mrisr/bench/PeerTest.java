package mrisr.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The peer protocol without running Python: canned script output, and an interpreter that is not there. */
class PeerTest {
    /**
     * What peer_kernels.py printed for two cases and one unknown kind (torch 1.13, numpy 1.24); the
     * attention row lacks its {@code peer} field, as older scripts printed it.
     */
    static final String CANNED = """
            {"peer": "torch 1.13.0a0, numpy 1.24.2", "numpy": "1.24.2", "threads": 2, "results": [{"id": "sgemm-1024", \
            "peer": "numpy 1.24.2", "median_ms": 0.013319999879968236, "first_ms": 0.2184180000313063, "runs": 3}, {"id": \
            "attn-1x4x4096x32-fwd", "median_ms": 0.017536000086693093, "first_ms": 0.7204510000065056, "runs": 3}], \
            "skipped": [{"id": "x", "reason": "unknown kind 'nope'"}]}
            """;

    @Test
    void parsesTheScriptsOutput() {
        Peer.Outcome o = Peer.parse(CANNED);
        assertThat(o).isInstanceOf(Peer.Ran.class);
        Peer.Ran ran = (Peer.Ran) o;
        assertThat(ran.name()).isEqualTo("torch 1.13.0a0, numpy 1.24.2");
        assertThat(ran.threads()).isEqualTo(2);
        assertThat(ran.timings()).containsOnlyKeys("sgemm-1024", "attn-1x4x4096x32-fwd");
        Peer.Timing t = ran.timings().get("sgemm-1024");
        assertThat(t.medianMs()).isEqualTo(0.013319999879968236);
        assertThat(t.firstMs()).isEqualTo(0.2184180000313063);
        assertThat(t.runs()).isEqualTo(3);
        assertThat(t.library()).isEqualTo("numpy 1.24.2");
        assertThat(ran.timings().get("attn-1x4x4096x32-fwd").library()).isNull();
        assertThat(ran.skipped()).isEqualTo(Map.of("x", "unknown kind 'nope'"));
    }

    @Test
    void unavailableImportsAndBrokenOutputAreUnavailable() {
        assertThat(Peer.parse("{\"unavailable\": \"cannot import torch and numpy (ModuleNotFoundError: No module named 'numpy')\"}"))
                .isEqualTo(new Peer.Unavailable("cannot import torch and numpy (ModuleNotFoundError: No module named 'numpy')"));
        assertThat(Peer.parse("Traceback (most recent call last):")).isInstanceOf(Peer.Unavailable.class)
                .extracting(o -> ((Peer.Unavailable) o).reason()).asString().startsWith("unreadable peer output");
        assertThat(Peer.parse("{\"peer\": \"torch\", \"threads\": 2, \"results\": [{\"id\": \"a\", \"median_ms\": -1, "
                + "\"first_ms\": 1, \"runs\": 1}]}")).isInstanceOf(Peer.Unavailable.class);
        assertThat(Peer.parse("[]")).isInstanceOf(Peer.Unavailable.class);
    }

    @Test
    void aMissingInterpreterIsUnavailableNotAnError() {
        Peer.Outcome o = Peer.run(Path.of("/nonexistent/python3"), KernelSuite.cases(KernelSuite.Scale.SMOKE), 1,
                Harness.Policy.smoke(), Duration.ofSeconds(5));
        assertThat(o).isEqualTo(new Peer.Unavailable("/nonexistent/python3 not found"));
    }

    @Test
    void casesCarryIdKindAndShape() {
        List<Map<String, Object>> cases = Peer.casesJson(KernelSuite.cases(KernelSuite.Scale.FULL));
        assertThat(cases).hasSize(14);
        assertThat(cases.get(0)).isEqualTo(Map.of("id", "sgemm-1024", "kind", "sgemm", "n", 1024));
        assertThat(cases.get(5)).containsEntry("id", "conv3d-32x32-64-fwdbwd").containsEntry("kind", "conv")
                .containsEntry("in_channels", 32).containsEntry("size", 64).containsEntry("backward", true);
        assertThat(cases.get(13)).containsEntry("kind", "srnet").containsEntry("blocks", 8);
    }

    @Test
    void ratioIsPeerTimeOverOurs() {
        Harness.Timing ours = new Harness.Timing(20.0, 4.0, 3.9, 5, 10);
        KernelReport.Row row = new KernelReport.Row("sgemm-1024", new KernelSpec.Sgemm(1024), "vector 256-bit", ours);
        Peer.Ran peer = new Peer.Ran("torch 1.13.1", 2, Map.of("sgemm-1024", new Peer.Timing(10.0, 30.0, 5)), Map.of());
        KernelReport report = new KernelReport(new MachineInfo("cpu", 2, 2, 256, 8, "25", "kernels: x"),
                new FmaPeak.Result(1000.0, 2, 8), List.of(row), peer);
        assertThat(report.ratio(row)).isEqualTo(2.5);
        // 2·1024³ FLOP in 4 ms = 536.9 GFLOP/s = 53.7 % of a 1000 GFLOP/s peak.
        assertThat(row.gflops()).isCloseTo(536.870912, offset(1e-6));
        assertThat(report.percentOfPeak(row)).isCloseTo(53.6870912, offset(1e-6));
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(Json.write(report.toJson(), false));
        @SuppressWarnings("unchecked")
        Map<String, Object> r = ((List<Map<String, Object>>) json.get("rows")).get(0);
        assertThat(r).containsEntry("peer", "torch 1.13.1").containsEntry("peer_median_ms", 10.0).containsEntry("ratio", 2.5)
                .containsEntry("median_ms", 4.0).containsEntry("first_ms", 20.0);
        assertThat(report.table()).contains("| peer ms |").contains("2.50 |").contains("peer: torch 1.13.1 on 2 threads");
    }

    @Test
    void eachRowNamesTheLibraryThatTimedIt() {
        Harness.Timing ours = new Harness.Timing(20.0, 4.0, 3.9, 5, 10);
        KernelReport.Row sgemm = new KernelReport.Row("sgemm-1024", new KernelSpec.Sgemm(1024), "vector 256-bit", ours);
        KernelReport.Row fft = new KernelReport.Row("fft3d-128-c64", new KernelSpec.Fft3d(128), "vector 256-bit", ours);
        Peer.Ran peer = new Peer.Ran("torch 1.13.1, numpy 1.24.2", 2, Map.of(
                "sgemm-1024", new Peer.Timing(10.0, 30.0, 5, "numpy 1.24.2"),
                "fft3d-128-c64", new Peer.Timing(8.0, 30.0, 5)), Map.of());
        KernelReport report = new KernelReport(new MachineInfo("cpu", 2, 2, 256, 8, "25", "kernels: x"),
                new FmaPeak.Result(1000.0, 2, 8), List.of(sgemm, fft), peer);
        assertThat(report.peerName(sgemm)).isEqualTo("numpy 1.24.2");
        assertThat(report.peerName(fft)).isEqualTo("torch 1.13.1, numpy 1.24.2"); // no per-row name: the run's
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(Json.write(report.toJson(), false));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) json.get("rows");
        assertThat(rows.get(0)).containsEntry("peer", "numpy 1.24.2").containsEntry("ratio", 2.5);
        assertThat(report.table()).contains("| numpy 1.24.2               |");
    }
}
