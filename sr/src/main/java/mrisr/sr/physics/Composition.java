package mrisr.sr.physics;

import java.util.Arrays;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;

/** {@code outer ∘ inner}, with adjoint {@code innerᵀ ∘ outerᵀ}. */
final class Composition implements LinearOperator {
    private final LinearOperator outer, inner;

    Composition(LinearOperator outer, LinearOperator inner) {
        if (!Arrays.equals(inner.outputShape(), outer.inputShape())) {
            throw new ShapeException("compose", outer.name() + " takes " + Shape.format(outer.inputShape()) + " but "
                    + inner.name() + " gives " + Shape.format(inner.outputShape()));
        }
        this.outer = outer;
        this.inner = inner;
    }

    @Override
    public Tensor apply(Tensor x) {
        return outer.apply(inner.apply(x));
    }

    @Override
    public Tensor adjoint(Tensor y) {
        return inner.adjoint(outer.adjoint(y));
    }

    @Override
    public int[] inputShape() {
        return inner.inputShape();
    }

    @Override
    public int[] outputShape() {
        return outer.outputShape();
    }

    @Override
    public String name() {
        return outer.name() + " ∘ " + inner.name();
    }
}
