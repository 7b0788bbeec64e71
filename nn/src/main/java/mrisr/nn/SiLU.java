package mrisr.nn;

import mrisr.engine.Ops;
import mrisr.engine.Tensor;

/** SiLU (swish) {@code x·σ(x)}. */
public final class SiLU extends Activation {
    @Override
    public Tensor forward(Tensor x) {
        return Ops.silu(x);
    }
}
