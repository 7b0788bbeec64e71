package mrisr.nn;

/**
 * Base of the pointwise nonlinearities ({@link ReLU}, {@link LeakyReLU}, {@link GELU}, {@link SiLU},
 * {@link Sigmoid}, {@link Tanh}): no parameters, output shape = input shape, zero MACs.
 */
public abstract class Activation extends Module {
    Activation() {}

    @Override
    public final Cost cost(int... inputShape) {
        return new Cost(inputShape, 0);
    }
}
