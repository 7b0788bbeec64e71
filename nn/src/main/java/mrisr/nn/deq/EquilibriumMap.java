package mrisr.nn.deq;

import mrisr.engine.Tensor;

/**
 * The map {@code f(z; inputs)} whose fixed point a {@link DeepEquilibrium} layer computes.
 *
 * <p>Contract: {@code f} computes its value from {@code z} and {@code inputs} only, using engine
 * ops, so that autograd sees every dependence. Anything it captures from outside (operators,
 * constants) is treated as a constant and must not require a gradient: pass parameters and
 * injected features through {@code inputs}. {@code f} returns a tensor of {@code z}'s shape and
 * modifies neither argument. The layer calls it with stand-ins for {@code inputs} (same values, cut
 * from the caller's graph), so it must read them from the array it is given.
 *
 * <pre>{@code
 * EquilibriumMap f = (z, in) -> in[0].matmul(z).add(in[1]).tanh();   // z = tanh(W z + x)
 * }</pre>
 */
@FunctionalInterface
public interface EquilibriumMap {
    /**
     * @param z      the current iterate (not modified)
     * @param inputs the tensors {@code f} depends on besides {@code z}, in the order given to the layer (not modified)
     * @return {@code f(z; inputs)}, of {@code z}'s shape
     */
    Tensor apply(Tensor z, Tensor[] inputs);
}
