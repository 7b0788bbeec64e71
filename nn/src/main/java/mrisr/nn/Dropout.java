package mrisr.nn;

import mrisr.engine.Norm;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;

/**
 * Inverted dropout: in training mode each element is zeroed with probability {@code p} and the rest
 * scaled by {@code 1/(1 − p)}; in evaluation mode the identity (see {@link Norm#dropout}). Masks come
 * from the layer's own {@link Rng}, so a seed fixes every mask of a training run. No parameters,
 * zero MACs.
 *
 * <pre>{@code
 * Dropout drop = new Dropout(0.1, rng.split());
 * }</pre>
 */
public final class Dropout extends Module {
    private final double p;
    private final Rng rng;

    /**
     * @param p   drop probability in [0, 1] (PyTorch's default 0.5)
     * @param rng the mask source, advanced by one draw per element in each training forward pass
     */
    public Dropout(double p, Rng rng) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("Dropout: probability must be in [0, 1], got " + p);
        this.p = p;
        this.rng = rng;
    }

    public double p() {
        return p;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Norm.dropout(x, p, isTraining(), rng);
    }

    @Override
    public Cost cost(int... inputShape) {
        return new Cost(inputShape, 0);
    }

    @Override
    protected String extraRepr() {
        return "p=" + p;
    }
}
