package mrisr.nn.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.Conv3d;
import mrisr.nn.Module;
import mrisr.nn.ReLU;
import mrisr.nn.Sequential;
import mrisr.nn.loss.L1Loss;
import mrisr.nn.optim.Adam;
import mrisr.nn.optim.CosineAnnealingLR;
import mrisr.nn.optim.Optimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    @TempDir
    Path dir;

    static Module tinyNet(long seed) {
        Rng rng = new Rng(seed);
        return new Sequential(new Conv3d(1, 3, 3, 1, 1, rng), new ReLU(), new Conv3d(3, 1, 3, 1, 1, rng));
    }

    /** Target = a fixed blur of the input, so the loss has something to learn; all randomness from rng. */
    static Batch batch(Rng rng) {
        Tensor x = Tensor.randn(rng, 2, 1, 5, 4, 3);
        float[] v = x.toArray(), y = new float[v.length];
        for (int i = 0; i < v.length; i++) y[i] = 0.5f * v[i] + 0.25f * v[(i + 1) % v.length] + 0.25f * v[(i + v.length - 1) % v.length];
        return new Batch(x, Tensor.fromArray(y, x.shape()));
    }

    private static Trainer.Builder builder(Module model, Optimizer opt, BatchSource source, long steps) {
        return Trainer.builder(model, opt, new L1Loss(), source).steps(steps).seed(11)
                .schedule(new CosineAnnealingLR((int) steps, 1e-4)).clipGradNorm(10);
    }

    private static List<float[]> weights(Module m) {
        List<float[]> out = new ArrayList<>();
        for (Tensor t : m.stateDict().values()) out.add(t.toArray());
        return out;
    }

    private static void assertBitIdentical(List<float[]> a, List<float[]> b) {
        assertThat(a).hasSameSizeAs(b);
        for (int i = 0; i < a.size(); i++) {
            float[] x = a.get(i), y = b.get(i);
            assertThat(y).hasSameSizeAs(x);
            for (int j = 0; j < x.length; j++) {
                assertThat(Float.floatToRawIntBits(y[j])).as("tensor %d element %d", i, j).isEqualTo(Float.floatToRawIntBits(x[j]));
            }
        }
    }

    @Test
    void resumedRunIsBitIdenticalToAnUninterruptedOne() throws IOException {
        Module straight = tinyNet(1);
        Adam straightOpt = new Adam(straight.parameters(), 3e-2);
        Trainer.Result full = builder(straight, straightOpt, (s, rng) -> batch(rng), 7).build().run();

        // First session: crashes while drawing the batch of step 5 (0-based 4); checkpoints every 2 steps.
        Module first = tinyNet(1);
        Path ckpt = dir.resolve("run.ckpt");
        BatchSource crashing = (s, rng) -> {
            if (s == 4) throw new IllegalStateException("simulated crash");
            return batch(rng);
        };
        assertThatThrownBy(() -> builder(first, new Adam(first.parameters(), 3e-2), crashing, 7).checkpoint(ckpt, 2)
                .build().run()).hasMessage("simulated crash");
        Checkpoint saved = Checkpoint.read(ckpt);
        assertThat(saved.step()).isEqualTo(4);
        assertThat(saved.seed()).isEqualTo(11);

        // Second session: a differently initialised model, restored from the checkpoint.
        Module resumed = tinyNet(99);
        StringWriter logText = new StringWriter();
        Trainer.Result rest = builder(resumed, new Adam(resumed.parameters(), 3e-2), (s, rng) -> batch(rng), 7)
                .checkpoint(ckpt, 2).log(TrainingLog.to(logText)).build().resume(saved);

        assertBitIdentical(weights(straight), weights(resumed));
        assertThat(rest.step()).isEqualTo(7);
        assertThat(Double.doubleToRawLongBits(rest.loss())).isEqualTo(Double.doubleToRawLongBits(full.loss()));
        assertThat(logText.toString()).startsWith("{\"event\":\"resume\",\"step\":4,");
        assertThat(logText.toString().lines().filter(l -> l.startsWith("{\"event\":\"step\"")).count()).isEqualTo(3);
        assertThat(Checkpoint.read(ckpt).step()).isEqualTo(7);
    }

    @Test
    void resumeRefusesAnotherSeed() throws IOException {
        Module m = tinyNet(1);
        Adam opt = new Adam(m.parameters(), 1e-2);
        Path ckpt = dir.resolve("a.ckpt");
        Checkpoint.write(ckpt, m, opt, 3, 5, Map.of());
        Trainer t = builder(m, opt, (s, rng) -> batch(rng), 6).build();
        assertThatThrownBy(() -> t.resume(Checkpoint.read(ckpt)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seed 5").hasMessageContaining("seed 11");
    }

    @Test
    void nanLossStopsNamingTheStepAndLeavesTheLastGoodCheckpoint() throws IOException {
        Module m = tinyNet(2);
        Adam opt = new Adam(m.parameters(), 1e-2);
        Path ckpt = dir.resolve("nan.ckpt");
        BatchSource poisoned = (s, rng) -> {
            Batch b = batch(rng);
            if (s < 4) return b;
            float[] v = b.target().toArray();
            v[3] = Float.NaN;
            return new Batch(b.input(), Tensor.fromArray(v, b.target().shape()));
        };
        StringWriter logText = new StringWriter();
        Trainer t = builder(m, opt, poisoned, 10).checkpoint(ckpt, 3).log(TrainingLog.to(logText)).build();
        assertThatThrownBy(t::run).isInstanceOf(NonFiniteLossException.class)
                .hasMessage("loss is NaN at step 5; training stopped, the last good checkpoint is " + ckpt + " (step 3)")
                .satisfies(e -> assertThat(((NonFiniteLossException) e).step()).isEqualTo(5));
        Checkpoint c = Checkpoint.read(ckpt);
        assertThat(c.step()).isEqualTo(3);
        for (Tensor w : c.model().values()) for (float v : w.toArray()) assertThat(Float.isFinite(v)).isTrue();
        assertThat(logText.toString()).contains("{\"event\":\"stopped\",\"step\":5,\"reason\":\"loss is NaN at step 5;");
        // the bad step did not touch the weights
        for (Tensor w : m.stateDict().values()) for (float v : w.toArray()) assertThat(Float.isFinite(v)).isTrue();
    }

    @Test
    void nanBeforeAnyCheckpointSaysSo() {
        Module m = tinyNet(2);
        BatchSource bad = (s, rng) -> new Batch(Tensor.zeros(1, 1, 3, 3, 3), Tensor.full(Float.POSITIVE_INFINITY, 1, 1, 3, 3, 3));
        assertThatThrownBy(() -> builder(m, new Adam(m.parameters(), 1e-2), bad, 3).build().run())
                .hasMessage("loss is Infinity at step 1; training stopped, no checkpoint was written");
    }

    /** ReLU maps NaN to 0, so a NaN input can leave the loss finite; the gradient norm still catches it. */
    @Test
    void nanGradientStopsToo() {
        Module m = tinyNet(2);
        BatchSource bad = (s, rng) -> {
            Batch b = batch(rng);
            if (s < 2) return b;
            float[] v = b.input().toArray();
            v[7] = Float.NaN;
            return new Batch(Tensor.fromArray(v, b.input().shape()), b.target());
        };
        assertThatThrownBy(() -> builder(m, new Adam(m.parameters(), 1e-2), bad, 5).build().run())
                .isInstanceOf(NonFiniteLossException.class).hasMessageContaining(" is NaN at step 3; training stopped");
        for (Tensor w : m.stateDict().values()) for (float v : w.toArray()) assertThat(Float.isFinite(v)).isTrue();
    }

    @Test
    void validationRunsInEvalModeWithoutGradients() throws IOException {
        Module m = tinyNet(3);
        List<Long> seen = new ArrayList<>();
        Validation v = Validation.of("val_score", model -> {
            assertThat(model.isTraining()).isFalse();
            assertThat(mrisr.engine.Grad.enabled()).isFalse();
            seen.add(1L);
            return 42.5;
        });
        StringWriter logText = new StringWriter();
        Trainer.Result r = builder(m, new Adam(m.parameters(), 1e-2), (s, rng) -> batch(rng), 5).validation(v, 2)
                .log(TrainingLog.to(logText)).build().run();
        assertThat(seen).hasSize(3); // steps 2, 4 and the last, 5
        assertThat(r.metric()).isEqualTo(42.5);
        assertThat(m.isTraining()).isTrue();
        assertThat(logText.toString()).contains("{\"event\":\"validation\",\"step\":4,\"val_score\":42.5}");
    }

    @Test
    void progressWritesPlainLinesWithEtaOffATerminal() throws IOException {
        Module m = tinyNet(4);
        StringWriter err = new StringWriter();
        builder(m, new Adam(m.parameters(), 1e-2), (s, rng) -> batch(rng), 40)
                .progress(new Progress(new PrintWriter(err), false, "train")).build().run();
        List<String> lines = err.toString().lines().toList();
        assertThat(err.toString()).doesNotContain("\r");
        assertThat(lines).hasSizeBetween(21, 23); // first, every 2nd step, last (plus rare time-based lines)
        assertThat(lines.getFirst()).startsWith("train: step 1/40  loss ");
        assertThat(lines.getLast()).startsWith("train: step 40/40  loss ").contains("step/s  ETA 0s");
    }

    @Test
    void progressRewritesOneLineOnATerminal() {
        StringWriter err = new StringWriter();
        Progress p = new Progress(new PrintWriter(err), true, "train");
        p.start(1);
        for (int s = 1; s <= 3; s++) p.step(s, 3, 0.5, 1e-3);
        p.message("checkpoint written");
        String text = err.toString();
        assertThat(text).startsWith("\rtrain: step 1/3  loss 0.50000  lr 1.00e-03");
        assertThat(text).contains("\rtrain: step 3/3").endsWith("\ntrain: checkpoint written\n");
    }

    @Test
    void durationsReadNaturally() {
        assertThat(Progress.duration(44.6)).isEqualTo("45s");
        assertThat(Progress.duration(725)).isEqualTo("12m05s");
        assertThat(Progress.duration(7380)).isEqualTo("2h03m");
    }

    @Test
    void stepGeneratorsArePureFunctionsOfSeedAndStep() {
        assertThat(Trainer.stepRng(3, 10).nextLong()).isEqualTo(Trainer.stepRng(3, 10).nextLong());
        assertThat(Trainer.stepRng(3, 10).nextLong()).isNotEqualTo(Trainer.stepRng(3, 11).nextLong());
        assertThat(Trainer.stepRng(3, 10).nextLong()).isNotEqualTo(Trainer.stepRng(4, 10).nextLong());
    }

    @Test
    void logWritesOneJsonObjectPerLine() {
        StringWriter w = new StringWriter();
        TrainingLog log = TrainingLog.to(w);
        log.record("step", new java.util.LinkedHashMap<>(Map.of("step", 3)));
        java.util.LinkedHashMap<String, Object> f = new java.util.LinkedHashMap<>();
        f.put("loss", Double.NaN);
        f.put("lr", 1e-4);
        f.put("note", "a \"quoted\"\nline");
        f.put("ok", true);
        f.put("none", null);
        log.record("stopped", f);
        assertThat(w.toString()).isEqualTo("{\"event\":\"step\",\"step\":3}\n"
                + "{\"event\":\"stopped\",\"loss\":\"NaN\",\"lr\":1.0E-4,\"note\":\"a \\\"quoted\\\"\\nline\",\"ok\":true,\"none\":null}\n");
    }

    @Test
    void appendedLogKeepsEarlierLines() throws IOException {
        Path file = dir.resolve("train.jsonl");
        try (TrainingLog log = TrainingLog.append(file)) {
            log.record("start", Map.of("step", 0));
        }
        try (TrainingLog log = TrainingLog.append(file)) {
            log.record("resume", Map.of("step", 2));
        }
        assertThat(Files.readAllLines(file)).containsExactly("{\"event\":\"start\",\"step\":0}", "{\"event\":\"resume\",\"step\":2}");
    }
}
