package mrisr.nn;

import mrisr.engine.Ops;
import mrisr.engine.Tensor;

/** Hyperbolic tangent. */
public final class Tanh extends Activation {
    @Override
    public Tensor forward(Tensor x) {
        return Ops.tanh(x);
    }
}
