package mrisr.engine;

import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One registered op exercised on concrete inputs: a gradient check on {@code small} inputs and a
 * 1-vs-2-thread bit-identity check on {@code large} inputs (big enough to be split across threads).
 *
 * @param op    the name in {@link OpRegistry}
 * @param label what this case covers, e.g. {@code "conv3d stride 2 groups 2"}
 */
public record OpCase(String op, String label, Function<Tensor[], Tensor> fn, Supplier<Tensor[]> small,
        Supplier<Tensor[]> large, GradCheck.Options options) {

    public static OpCase of(String op, String label, Function<Tensor[], Tensor> fn, Supplier<Tensor[]> inputs) {
        return new OpCase(op, label, fn, inputs, inputs, GradCheck.Options.defaults());
    }

    /** The same case with other inputs for the determinism check. */
    public OpCase large(Supplier<Tensor[]> inputs) {
        return new OpCase(op, label, fn, small, inputs, options);
    }

    /** The same case with other gradient-check options. */
    public OpCase options(GradCheck.Options o) {
        return new OpCase(op, label, fn, small, large, o);
    }

    @Override
    public String toString() {
        return label;
    }
}
