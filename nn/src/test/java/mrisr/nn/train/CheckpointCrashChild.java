package mrisr.nn.train;

import java.nio.file.Path;
import java.util.Map;
import mrisr.nn.Module;
import mrisr.nn.optim.Adam;

/**
 * The child process of {@link CheckpointTest#aWriterKilledMidWriteLeavesThePreviousCheckpointLoadable}:
 * trains the test model further and overwrites the checkpoint given as the argument; run with
 * {@code -Dmrisr.checkpoint.pauseMs=…}, it pauses half-way through the write and waits to be killed.
 */
public final class CheckpointCrashChild {
    static final long MODEL_SEED = 7;
    static final int FIRST_STEPS = 2;

    private CheckpointCrashChild() {}

    public static void main(String[] args) throws Exception {
        Module m = TrainerTest.tinyNet(MODEL_SEED);
        Adam opt = CheckpointTest.trained(m, FIRST_STEPS + 3);
        Checkpoint.write(Path.of(args[0]), m, opt, FIRST_STEPS + 3, 3, Map.of());
        System.err.println("the write was not interrupted");
    }
}
