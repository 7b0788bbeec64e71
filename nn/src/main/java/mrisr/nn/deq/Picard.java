package mrisr.nn.deq;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import mrisr.engine.Tensor;

/**
 * Plain (Picard / Krasnosel'skii–Mann) fixed-point iteration {@code z_{k+1} = β·f(z_k) + (1 − β)·z_k}.
 * Converges linearly at rate {@code ≈ L} for a contraction with Lipschitz constant {@code L} (with
 * {@code β = 1}); the baseline the accelerated solvers are measured against.
 *
 * <pre>{@code
 * FixedPointResult r = new Picard(1.0, 1e-5, 500).solve(f, z0);
 * }</pre>
 *
 * @param mixing        damping {@code β ∈ (0, 1]}
 * @param tolerance     stop at relative residual {@code ≤ tolerance} ({@code > 0})
 * @param maxIterations the most evaluations of {@code f} ({@code ≥ 1})
 */
public record Picard(double mixing, double tolerance, int maxIterations) implements FixedPointSolver {

    /** Validates the settings. */
    public Picard {
        checkMixing("picard", mixing);
        checkStopping("picard", tolerance, maxIterations);
    }

    @Override
    public Picard withStopping(double tolerance, int maxIterations) {
        return new Picard(mixing, tolerance, maxIterations);
    }

    @Override
    public String describe() {
        return "picard(beta=" + Iteration.format(mixing) + ")";
    }

    @Override
    public FixedPointResult solve(UnaryOperator<Tensor> f, Tensor z0, Consumer<String> warnings) {
        Iteration it = new Iteration(this, f, z0, 0);
        float[] z = z0.toArray();
        while (true) {
            float[] fz = it.evaluate(z);
            if (it.record(z, fz)) break;
            z = Iteration.mix(fz, z, mixing);
        }
        return it.finish(warnings);
    }

    static void checkMixing(String solver, double beta) {
        if (!(beta > 0 && beta <= 1)) {
            throw new IllegalArgumentException(solver + ": mixing beta = " + beta + ", must be in (0, 1]");
        }
    }

    static void checkStopping(String solver, double tolerance, int maxIterations) {
        if (!(tolerance > 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException(solver + ": tolerance = " + tolerance + ", must be finite and > 0");
        }
        if (maxIterations < 1) {
            throw new IllegalArgumentException(solver + ": maxIterations = " + maxIterations + ", must be >= 1");
        }
    }
}
