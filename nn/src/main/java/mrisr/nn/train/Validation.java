package mrisr.nn.train;

import java.util.Objects;
import java.util.function.ToDoubleFunction;
import mrisr.nn.Module;

/**
 * A held-out score the {@link Trainer} computes every few steps, e.g. PSNR on held-out patches. The
 * trainer calls it with the model in evaluation mode and gradient recording off, and puts the model
 * back in training mode afterwards. It must not draw from the training generator, so validating
 * does not change the training run.
 *
 * <pre>{@code
 * Validation v = Validation.of("val_mse", model -> heldOut.mse(model));
 * }</pre>
 */
public interface Validation {
    /** The metric's name in logs and progress lines, e.g. {@code val_psnr}. */
    String metric();

    /**
     * Scores {@code model} on held-out data.
     *
     * @param model in evaluation mode (not modified)
     */
    double evaluate(Module model);

    /** A validation from a name and a scoring function. */
    static Validation of(String metric, ToDoubleFunction<Module> score) {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(score, "score");
        return new Validation() {
            @Override
            public String metric() {
                return metric;
            }

            @Override
            public double evaluate(Module model) {
                return score.applyAsDouble(model);
            }
        };
    }
}
