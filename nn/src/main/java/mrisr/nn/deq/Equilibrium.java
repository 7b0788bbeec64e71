package mrisr.nn.deq;

import java.util.Optional;
import mrisr.engine.Tensor;

/**
 * What {@link DeepEquilibrium#solve} returns: the fixed point {@code z*} (recorded in the autograd
 * graph when an input needs a gradient), the forward solver's report and, once {@code backward} has
 * run through it, the adjoint solver's report.
 *
 * <pre>{@code
 * Equilibrium eq = deq.solve(f, z0, w, x);
 * loss(eq.z()).backward();
 * System.err.println(eq.forward().summary() + "; backward " + eq.adjoint().map(FixedPointResult::summary).orElse("-"));
 * }</pre>
 */
public final class Equilibrium {
    private final Tensor z;
    private final FixedPointResult forward;
    private volatile FixedPointResult adjoint;

    Equilibrium(Tensor z, FixedPointResult forward) {
        this.z = z;
        this.forward = forward;
    }

    /** The fixed point {@code z*} (the forward solver's best iterate). */
    public Tensor z() {
        return z;
    }

    /** The forward solve: iterations, residual history, convergence. */
    public FixedPointResult forward() {
        return forward;
    }

    /**
     * The latest adjoint solve {@code g = (∂f/∂z)ᵀ g + ∂L/∂z*}; empty before {@code backward} and with
     * {@link DeepEquilibrium.Gradient#JACOBIAN_FREE}.
     */
    public Optional<FixedPointResult> adjoint() {
        return Optional.ofNullable(adjoint);
    }

    void adjoint(FixedPointResult r) {
        adjoint = r;
    }
}
