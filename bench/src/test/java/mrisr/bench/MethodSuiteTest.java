package mrisr.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mrisr.bench.MethodSuite.Acquisition;
import mrisr.bench.MethodSuite.Dataset;
import mrisr.bench.MethodSuite.Row;
import mrisr.bench.MethodSuite.Section;
import mrisr.bench.MethodSuite.Status;
import mrisr.engine.Tensor;
import mrisr.sr.InputException;
import mrisr.sr.methods.Methods;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.SrMethod;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;

/** Skipped and failed methods are reported with their reasons and the suite goes on. */
class MethodSuiteTest {

    /** A method that runs {@code body}. */
    record Fake(String name, java.util.function.BiFunction<Volume, SrContext, Volume> body) implements SrMethod {
        @Override
        public String description() {
            return "test double";
        }

        @Override
        public Volume run(Volume lr, SrContext ctx) {
            return body.apply(lr, ctx);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void skippedAndFailedMethodsAreListedWithTheirReasons() {
        SrMethod needsModel = new Fake("fake-net", (lr, ctx) -> {
            throw new InputException("method fake-net needs a trained model: add --model FILE.safetensors");
        });
        SrMethod crashes = new Fake("crashes", (lr, ctx) -> {
            throw new IllegalStateException("boom");
        });
        SrMethod wrongGrid = new Fake("wrong-grid", (lr, ctx) -> lr);
        SrMethod nonFinite = new Fake("nan", (lr, ctx) -> {
            int[] s = ctx.outputShape(lr.shape());
            float[] v = new float[s[0] * s[1] * s[2]];
            v[5] = Float.NaN;
            return Volume.of(Tensor.fromArray(v, s), Volume.resampledAffine(lr.affine(), ctx.factors()));
        });
        // a method that checks it gets the acquisition it is scored against
        SrMethod checksModel = new Fake("checks-model", (lr, ctx) -> {
            assertThat(ctx.forwardModel().factors()).containsExactly(1, 1, 4);
            assertThat(ctx.forwardModel().describe(new double[] {1, 1, 1})).contains("gaussian profile").contains("Rician noise 1%");
            assertThat(ctx.seed()).isEqualTo(5);
            ctx.progress().accept("checks-model: half way");
            return Methods.get("nearest").run(lr, ctx);
        });

        StringWriter log = new StringWriter();
        Dataset phantom = MethodSuite.phantom(new int[] {16, 18, 16}, 5);
        Section s = MethodSuite.run(phantom, Acquisition.B,
                List.of(needsModel, crashes, wrongGrid, nonFinite, checksModel, Methods.get("nearest")), 5,
                new PrintWriter(log, true));

        List<Row> rows = s.rows();
        assertThat(rows).extracting(Row::method).containsExactly("fake-net", "crashes", "wrong-grid", "nan", "checks-model", "nearest");
        assertThat(rows).extracting(Row::status).containsExactly(Status.SKIPPED, Status.FAILED, Status.FAILED, Status.FAILED,
                Status.OK, Status.OK);
        assertThat(rows.get(0).reason()).isEqualTo("method fake-net needs a trained model: add --model FILE.safetensors");
        assertThat(rows.get(1).reason()).isEqualTo("IllegalStateException: boom");
        assertThat(rows.get(2).reason()).isEqualTo("cannot score the output: the output grid is [16, 18, 4], the truth's is [16, 18, 16]");
        assertThat(rows.get(3).reason()).startsWith("cannot score the output: ").contains("NaN");
        for (Row r : rows.subList(0, 4)) {
            assertThat(r.psnr()).isNaN();
            assertThat(r.seconds()).isNaN();
        }
        // the model-checking fake returns nearest's output, so it scores exactly like nearest
        assertThat(rows.get(4).psnr()).isEqualTo(rows.get(5).psnr());
        assertThat(rows.get(4).dcResidual()).isEqualTo(rows.get(5).dcResidual());
        assertThat(log.toString()).contains("bench methods: phantom/b: checks-model: half way")
                .contains("bench methods: phantom/b: fake-net skipped: method fake-net needs a trained model")
                .contains("bench methods: phantom/b: crashes failed: IllegalStateException: boom");

        Map<String, String> datasets = new LinkedHashMap<>();
        datasets.put(phantom.name(), phantom.description());
        MethodReport report = new MethodReport("mrisr bench methods", 5, MachineInfo.current(), datasets, List.of(), List.of(s), 1.0);
        String table = report.table();
        assertThat(table).contains("| checks-model ").contains("| nearest ").doesNotContain("| crashes ")
                .contains("\nskipped: fake-net - method fake-net needs a trained model: add --model FILE.safetensors\n")
                .contains("\nfailed: crashes - IllegalStateException: boom\n")
                .contains("\nfailed: wrong-grid - cannot score the output: the output grid is [16, 18, 4]");

        Map<String, Object> json = (Map<String, Object>) Json.parse(Json.write(report.toJson(), false));
        List<Map<String, Object>> jsonRows = (List<Map<String, Object>>) json.get("rows");
        assertThat(jsonRows).extracting(m -> m.get("status")).containsExactly("skipped", "failed", "failed", "failed", "ok", "ok");
        assertThat(jsonRows.get(0)).containsEntry("reason", "method fake-net needs a trained model: add --model FILE.safetensors")
                .containsEntry("degradation", "b").containsEntry("psnr", null).containsEntry("peak_mb", null);
        assertThat(jsonRows.get(4)).containsEntry("reason", null);
        assertThat((Double) jsonRows.get(4).get("psnr")).isPositive();
    }

    @Test
    void aSectionWhereNothingRanSaysSo() {
        SrMethod crashes = new Fake("crashes", (lr, ctx) -> {
            throw new OutOfMemoryError("Java heap space");
        });
        Section s = MethodSuite.run(MethodSuite.phantom(new int[] {16, 16, 16}, 0), Acquisition.A, List.of(crashes), 0,
                new PrintWriter(new StringWriter()));
        assertThat(s.rows().getFirst().reason()).isEqualTo("OutOfMemoryError: Java heap space");
        assertThat(s.lrShape()).containsExactly(8, 8, 16);
        String table = new MethodReport("mrisr", 0, MachineInfo.current(), Map.of(), List.of(), List.of(s), 0).table();
        assertThat(table).contains("(no method produced a result)").contains("failed: crashes - OutOfMemoryError: Java heap space");
    }
}
