package mrisr.nn.train;

import java.util.Objects;
import mrisr.engine.Tensor;

/**
 * One training batch: the network input and the target its output is compared with.
 *
 * <pre>{@code
 * Batch b = new Batch(Tensor.randn(rng, 4, 1, 16, 16, 16), Tensor.zeros(4, 1, 32, 32, 32));
 * }</pre>
 *
 * @param input  what {@code model.forward} receives, e.g. {@code [N, C, D, H, W]}
 * @param target what the loss compares the output with, the output's shape
 */
public record Batch(Tensor input, Tensor target) {
    public Batch {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(target, "target");
    }
}
