package mrisr.nn.deq;

import java.util.Arrays;
import java.util.Locale;
import mrisr.engine.Tensor;

/**
 * The outcome of a {@link FixedPointSolver} run.
 *
 * @param z             the returned iterate: the one with the lowest relative residual (a fresh tensor)
 * @param residuals     relative residual {@code ‖f(z_k) − z_k‖ / ‖f(z_k)‖} of every evaluated iterate,
 *                      in order ({@code residuals.length} evaluations of {@code f}; NaN where {@code f}
 *                      returned a non-finite value); copied
 * @param bestIteration index into {@code residuals} of the returned iterate (0 is the start {@code z0})
 * @param converged     whether the returned iterate's residual is at or below the tolerance
 * @param restarts      how many times the solver discarded its history after a breakdown
 * @param solver        {@link FixedPointSolver#describe()} of the solver that produced this
 */
public record FixedPointResult(Tensor z, double[] residuals, int bestIteration, boolean converged, int restarts,
        String solver) {

    /** Copies the history. */
    public FixedPointResult {
        residuals = residuals.clone();
    }

    /** The residual history (a copy). */
    @Override
    public double[] residuals() {
        return residuals.clone();
    }

    /** The number of evaluations of {@code f}. */
    public int iterations() {
        return residuals.length;
    }

    /** The relative residual of the returned iterate ({@code +∞} when no iterate had a finite one). */
    public double residual() {
        return bestIteration < 0 ? Double.POSITIVE_INFINITY : residuals[bestIteration];
    }

    /** One line: solver, outcome, iterations and the residual of the returned iterate. */
    public String summary() {
        return String.format(Locale.ROOT, "%s: %s in %d iterations, relative residual %.3g (iteration %d)%s", solver,
                converged ? "converged" : "not converged", iterations(), residual(), bestIteration,
                restarts == 0 ? "" : ", " + restarts + " restarts");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FixedPointResult r && z.equals(r.z) && Arrays.equals(residuals, r.residuals)
                && bestIteration == r.bestIteration && converged == r.converged && restarts == r.restarts
                && solver.equals(r.solver);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(residuals) + bestIteration;
    }

    @Override
    public String toString() {
        return "FixedPointResult[" + summary() + "]";
    }
}
