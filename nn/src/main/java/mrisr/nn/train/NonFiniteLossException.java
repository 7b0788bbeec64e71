package mrisr.nn.train;

import java.nio.file.Path;

/**
 * Training stopped because the loss, the gradient or (after an overflowing update) a parameter became
 * NaN or infinite. No checkpoint was written after it: the last checkpoint (if any) holds the last
 * good state. The message names the step, the value and that checkpoint, e.g.
 * {@code loss is NaN at step 37; training stopped, the last good checkpoint is run.ckpt (step 30)}.
 */
public final class NonFiniteLossException extends RuntimeException {
    private final long step;
    private final Path lastCheckpoint;
    private final long lastCheckpointStep;

    /**
     * @param what               what became non-finite: "loss", "gradient norm", "a parameter after the update"
     * @param step               1-based number of the step that failed
     * @param value              the non-finite value
     * @param lastCheckpoint     the last checkpoint written or resumed from, or null
     * @param lastCheckpointStep its step (ignored when there is none)
     */
    public NonFiniteLossException(String what, long step, double value, Path lastCheckpoint, long lastCheckpointStep) {
        super(what + " is " + value + " at step " + step + "; training stopped, "
                + (lastCheckpoint == null ? "no checkpoint was written" : "the last good checkpoint is " + lastCheckpoint
                        + " (step " + lastCheckpointStep + ")"));
        this.step = step;
        this.lastCheckpoint = lastCheckpoint;
        this.lastCheckpointStep = lastCheckpointStep;
    }

    /** The 1-based step at which the value became non-finite. */
    public long step() {
        return step;
    }

    /** The last good checkpoint, or null when none was written. */
    public Path lastCheckpoint() {
        return lastCheckpoint;
    }

    /** The step of {@link #lastCheckpoint()}, or -1 when there is none. */
    public long lastCheckpointStep() {
        return lastCheckpoint == null ? -1 : lastCheckpointStep;
    }
}
