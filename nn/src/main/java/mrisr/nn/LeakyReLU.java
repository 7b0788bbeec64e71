package mrisr.nn;

import mrisr.engine.Ops;
import mrisr.engine.Tensor;

/** {@code x} for {@code x > 0}, {@code slope·x} otherwise (PyTorch's default slope 0.01). */
public final class LeakyReLU extends Activation {
    private final double negativeSlope;

    /** Slope 0.01. */
    public LeakyReLU() {
        this(0.01);
    }

    public LeakyReLU(double negativeSlope) {
        this.negativeSlope = negativeSlope;
    }

    public double negativeSlope() {
        return negativeSlope;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Ops.leakyRelu(x, negativeSlope);
    }

    @Override
    protected String extraRepr() {
        return "negative_slope=" + negativeSlope;
    }
}
