package mrisr.nn.train;

import java.io.IOException;

/** A file that is valid safetensors but not a training checkpoint this build can resume from; the message names the file and the problem. */
public final class CheckpointException extends IOException {
    public CheckpointException(String message) {
        super(message);
    }
}
