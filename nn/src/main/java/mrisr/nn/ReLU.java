package mrisr.nn;

import mrisr.engine.Ops;
import mrisr.engine.Tensor;

/** {@code max(x, 0)}, with {@code relu'(0) = 0}. */
public final class ReLU extends Activation {
    @Override
    public Tensor forward(Tensor x) {
        return Ops.relu(x);
    }
}
