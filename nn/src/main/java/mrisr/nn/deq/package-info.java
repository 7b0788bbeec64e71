/**
 * Deep equilibrium layers and the fixed-point solvers behind them; domain-free (no MRI here).
 *
 * <p>{@link mrisr.nn.deq.FixedPointSolver} finds {@code z* = f(z*)}: {@link mrisr.nn.deq.Picard}
 * (plain iteration), {@link mrisr.nn.deq.Anderson} (Anderson acceleration with memory {@code m},
 * mixing {@code β}, regularised least squares and restart on breakdown) and
 * {@link mrisr.nn.deq.Broyden} (limited-memory Broyden). Each reports the relative residual history
 * {@code ‖f(z)−z‖/‖f(z)‖}, stops at a tolerance or an iteration limit, and on non-convergence warns
 * and returns the iterate with the lowest residual.
 *
 * <p>{@link mrisr.nn.deq.DeepEquilibrium} makes a fixed point one autograd op: forward by a solver
 * without a graph, backward by implicit differentiation (an adjoint fixed point solved with
 * vector–Jacobian products) or Jacobian-free backpropagation.
 *
 * <pre>{@code
 * DeepEquilibrium deq = DeepEquilibrium.of(Anderson.defaults().withStopping(1e-5, 100));
 * Equilibrium eq = deq.solve((z, in) -> in[0].matmul(z).add(in[1]).tanh(), Tensor.zeros(8, 1), w, x);
 * eq.z().sum().backward();
 * }</pre>
 */
package mrisr.nn.deq;
