package mrisr.nn.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.Module;
import mrisr.nn.io.SafeTensors;
import mrisr.nn.optim.Adam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    /** A model and optimiser after {@code steps} updates, so the optimiser has moments to save. */
    static Adam trained(Module m, int steps) {
        Adam opt = new Adam(m.parameters(), 1e-2);
        Rng rng = new Rng(5);
        for (int i = 0; i < steps; i++) {
            opt.zeroGrad();
            Batch b = TrainerTest.batch(rng);
            m.forward(b.input()).sub(b.target()).abs().mean().backward();
            opt.step();
        }
        return opt;
    }

    @Test
    void roundTripsWeightsOptimizerStateStepSeedAndMetadata() throws IOException {
        Module m = TrainerTest.tinyNet(1);
        Adam opt = trained(m, 2);
        Path file = dir.resolve("c.ckpt");
        Checkpoint.write(file, m, opt, 2, 77, Map.of("method", "tiny"));
        Checkpoint c = Checkpoint.read(file);
        assertThat(c.step()).isEqualTo(2);
        assertThat(c.seed()).isEqualTo(77);
        assertThat(c.metadata()).containsExactly(Map.entry("method", "tiny"));
        assertThat(c.model().keySet()).containsExactlyElementsOf(m.stateDict().keySet());
        assertThat(c.optimizer().keySet()).containsExactlyElementsOf(opt.stateDict().keySet());
        Module other = TrainerTest.tinyNet(2);
        Adam otherOpt = new Adam(other.parameters(), 1e-2);
        c.restore(other, otherOpt);
        var a = m.stateDict().values().iterator();
        for (Tensor t : other.stateDict().values()) assertThat(t.toArray()).containsExactly(a.next().toArray());
        var s = opt.stateDict().values().iterator();
        for (Tensor t : otherOpt.stateDict().values()) assertThat(t.toArray()).containsExactly(s.next().toArray());
    }

    @Test
    void refusesAFileThatIsNotACheckpoint() throws IOException {
        Path plain = dir.resolve("weights.safetensors");
        SafeTensors.write(plain, Map.of("w", Tensor.zeros(2)));
        assertThatThrownBy(() -> Checkpoint.read(plain)).isInstanceOf(CheckpointException.class)
                .hasMessage(plain + ": not a training checkpoint (no 'mrisr.checkpoint.version' in the metadata)");
        Path future = dir.resolve("future.ckpt");
        SafeTensors.write(future, Map.of("model.w", Tensor.zeros(2)), Map.of(Checkpoint.VERSION_KEY, "9"), mrisr.engine.DType.FLOAT32);
        assertThatThrownBy(() -> Checkpoint.read(future)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("format version 9");
        Path noStep = dir.resolve("nostep.ckpt");
        SafeTensors.write(noStep, Map.of("model.w", Tensor.zeros(2)), Map.of(Checkpoint.VERSION_KEY, "1"), mrisr.engine.DType.FLOAT32);
        assertThatThrownBy(() -> Checkpoint.read(noStep)).hasMessageContaining("lacks 'mrisr.checkpoint.step'");
    }

    @Test
    void reservedMetadataKeysAreRefused() {
        Module m = TrainerTest.tinyNet(1);
        assertThatThrownBy(() -> Checkpoint.write(dir.resolve("x"), m, new Adam(m.parameters(), 1e-3), 0, 0,
                Map.of("mrisr.checkpoint.step", "5"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
    }

    /**
     * A child JVM writing a second checkpoint is killed (SIGKILL) while its temporary file is half
     * written; the first checkpoint must still load unchanged, and the leftover temporary file must be
     * recognised as stale.
     */
    @Test
    void aWriterKilledMidWriteLeavesThePreviousCheckpointLoadable() throws Exception {
        Path file = dir.resolve("run.ckpt");
        Module m = TrainerTest.tinyNet(CheckpointCrashChild.MODEL_SEED);
        Adam opt = trained(m, CheckpointCrashChild.FIRST_STEPS);
        Checkpoint.write(file, m, opt, CheckpointCrashChild.FIRST_STEPS, 3, Map.of());
        byte[] before = Files.readAllBytes(file);

        Process child = javaProcess(CheckpointCrashChild.class, "-D" + Checkpoint.PAUSE_PROPERTY + "=60000", file.toString());
        try (BufferedReader err = new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
            List<String> seen = new ArrayList<>();
            String line;
            while ((line = err.readLine()) != null && !line.equals(Checkpoint.PAUSE_MARKER)) seen.add(line);
            assertThat(line).as("child stderr: %s", seen).isEqualTo(Checkpoint.PAUSE_MARKER);
            List<Path> temps = temporaries(file);
            assertThat(temps).hasSize(1);
            assertThat(Files.size(temps.getFirst())).as("the temporary file is partly written").isGreaterThan(8);
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }

        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        Checkpoint c = Checkpoint.read(file);
        assertThat(c.step()).isEqualTo(CheckpointCrashChild.FIRST_STEPS);
        Module restored = TrainerTest.tinyNet(123);
        c.restore(restored, new Adam(restored.parameters(), 1e-2));
        var a = m.stateDict().values().iterator();
        for (Tensor t : restored.stateDict().values()) assertThat(t.toArray()).containsExactly(a.next().toArray());

        assertThat(Checkpoint.deleteStaleTemporaries(file)).hasSize(1);
        assertThat(temporaries(file)).isEmpty();
    }

    private List<Path> temporaries(Path file) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("." + file.getFileName() + ".")).toList();
        }
    }

    /** Starts {@code main} of a test class in a new JVM with the test class path. */
    static Process javaProcess(Class<?> main, String property, String... args) throws IOException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", property, "-cp", classPath, main.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
