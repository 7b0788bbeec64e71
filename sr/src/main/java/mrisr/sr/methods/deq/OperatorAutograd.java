package mrisr.sr.methods.deq;

import mrisr.engine.Autograd;
import mrisr.engine.Tensor;
import mrisr.sr.physics.LinearOperator;

/**
 * A {@link LinearOperator} as autograd ops: the gradient of {@code x ↦ A x} is {@code g ↦ Aᵀ g} and
 * that of {@code y ↦ Aᵀ y} is {@code g ↦ A g}, so physics can sit inside a differentiated map
 * (the operator itself has no parameters and is exact to the adjoint test's tolerance).
 */
final class OperatorAutograd {
    private OperatorAutograd() {}

    /** {@code A x}, recorded as op {@code "linear_operator"} when {@code x} requires a gradient. */
    static Tensor apply(LinearOperator a, Tensor x) {
        Tensor out = a.apply(x.detach());
        return Autograd.record("linear_operator", out, g -> new Tensor[] {a.adjoint(g)}, x);
    }

    /** {@code Aᵀ y}, recorded as op {@code "linear_operator_adjoint"} when {@code y} requires a gradient. */
    static Tensor adjoint(LinearOperator a, Tensor y) {
        Tensor out = a.adjoint(y.detach());
        return Autograd.record("linear_operator_adjoint", out, g -> new Tensor[] {a.apply(g)}, y);
    }
}
