package mrisr.nn;

import mrisr.engine.Ops;
import mrisr.engine.Tensor;

/** Exact GELU {@code x·Φ(x) = x/2·(1 + erf(x/√2))} (PyTorch's default, {@code approximate="none"}). */
public final class GELU extends Activation {
    @Override
    public Tensor forward(Tensor x) {
        return Ops.gelu(x);
    }
}
