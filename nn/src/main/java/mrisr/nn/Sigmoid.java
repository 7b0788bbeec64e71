package mrisr.nn;

import mrisr.engine.Ops;
import mrisr.engine.Tensor;

/** Logistic sigmoid {@code σ(x) = 1/(1 + e^{−x})}. */
public final class Sigmoid extends Activation {
    @Override
    public Tensor forward(Tensor x) {
        return Ops.sigmoid(x);
    }
}
