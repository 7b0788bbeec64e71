package mrisr.nn.deq;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import mrisr.engine.Tensor;

/**
 * An iterative solver for the fixed point {@code z* = f(z*)} of a map {@code f : ℝⁿ → ℝⁿ} on
 * tensors of one shape.
 *
 * <p>Contract shared by {@link Picard}, {@link Anderson} and {@link Broyden}:
 * <ul>
 *   <li>each evaluation of {@code f} at an iterate {@code z_k} is one <em>iteration</em>; its relative
 *       residual {@code r_k = ‖f(z_k) − z_k‖₂ / ‖f(z_k)‖₂} (both norms in double; {@code 0/0 = 0}) is
 *       appended to the history;</li>
 *   <li>the solver stops as soon as {@code r_k ≤ tolerance} (converged) or after
 *       {@code maxIterations} evaluations, or when {@code f} returns a non-finite value;</li>
 *   <li>it always returns the iterate with the lowest residual seen, never silently the last one;
 *       when it did not converge it also sends one warning line to the {@code warnings} sink
 *       naming the solver, the residual reached and the iteration returned;</li>
 *   <li>{@code f} is called with a fresh tensor it may keep; it must not modify its argument and
 *       must return a tensor of the same shape. Work is sequential and sums run in a fixed order,
 *       so results do not depend on the thread count.</li>
 * </ul>
 *
 * <pre>{@code
 * FixedPointSolver s = Anderson.defaults().withStopping(1e-5, 100);
 * FixedPointResult r = s.solve(z -> a.matmul(z).add(b), Tensor.zeros(n, 1));
 * System.err.println(r.summary());   // "anderson(m=5, beta=1, lambda=1e-08): converged in 12 iterations, ..."
 * }</pre>
 */
public sealed interface FixedPointSolver permits Picard, Anderson, Broyden {

    /** Stop when the relative residual is at or below this value ({@code > 0}). */
    double tolerance();

    /** The most evaluations of {@code f} ({@code ≥ 1}). */
    int maxIterations();

    /** This solver with another stopping rule (other settings unchanged). */
    FixedPointSolver withStopping(double tolerance, int maxIterations);

    /** The solver and its settings in one short string, e.g. {@code anderson(m=5, beta=1, lambda=1e-08)}. */
    String describe();

    /**
     * Iterates from {@code z0}.
     *
     * @param f        the map (see the class contract)
     * @param z0       the start (not modified)
     * @param warnings receives one line when the solver stops without converging
     * @return the best iterate and the residual history
     * @throws mrisr.engine.MemoryBudgetException before allocating a history over the memory budget
     * @throws mrisr.engine.ShapeException when {@code f} returns a tensor of another shape
     */
    FixedPointResult solve(UnaryOperator<Tensor> f, Tensor z0, Consumer<String> warnings);

    /** {@link #solve(UnaryOperator, Tensor, Consumer)} with warnings printed to {@code System.err}. */
    default FixedPointResult solve(UnaryOperator<Tensor> f, Tensor z0) {
        return solve(f, z0, System.err::println);
    }
}
