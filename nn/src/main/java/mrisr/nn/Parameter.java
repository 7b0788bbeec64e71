package mrisr.nn;

import java.util.Arrays;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;

/**
 * A trainable tensor owned by a {@link Module}: a leaf that requires a gradient, updated in place by
 * optimisers, initialisers and {@link Module#loadStateDict}. Its name comes from where it is
 * registered ({@code body.0.conv1.weight}); the same {@code Parameter} may be registered in several
 * modules (weight tying) and is then updated once per step.
 *
 * <p>The tensor returned by {@link #data()} is the same object for the parameter's whole life, so
 * forward passes use it directly and it never needs re-fetching after an optimiser step.
 *
 * <pre>{@code
 * Parameter w = new Parameter(Tensor.zeros(8, 4));
 * Tensor y = x.matmul(w.data().transpose(0, 1));
 * y.sum().backward();                  // w.grad() is now set
 * }</pre>
 */
public final class Parameter {
    private final Tensor data;

    /**
     * Wraps {@code value} as a parameter. The value is copied into a fresh contiguous leaf, so the
     * caller's tensor is never aliased or modified.
     *
     * @param value initial values (not modified)
     */
    public Parameter(Tensor value) {
        this.data = value.backend().contiguous(value.detach()).requiresGrad(true);
    }

    /** The leaf tensor used in forward passes; the same object for the parameter's whole life. */
    public Tensor data() {
        return data;
    }

    /** The accumulated gradient, or null when none has been computed since the last {@link #zeroGrad()}. */
    public Tensor grad() {
        return data.grad();
    }

    /** Replaces the accumulated gradient (for gradient clipping and tests); null clears it. */
    public void setGrad(Tensor g) {
        data.setGrad(g);
    }

    /** Clears the accumulated gradient. */
    public void zeroGrad() {
        data.zeroGrad();
    }

    /** Whether backward computes a gradient for this parameter (false when frozen). */
    public boolean requiresGrad() {
        return data.requiresGrad();
    }

    /** Freezes ({@code false}) or unfreezes the parameter; returns {@code this} (modified). */
    public Parameter requiresGrad(boolean value) {
        data.requiresGrad(value);
        if (!value) data.zeroGrad();
        return this;
    }

    public int[] shape() {
        return data.shape();
    }

    public int numel() {
        return data.numel();
    }

    /**
     * Overwrites the values in place, outside autograd.
     *
     * @param values same shape as the parameter (not modified)
     * @throws ShapeException when the shapes differ
     */
    public void copyFrom(Tensor values) {
        if (!Arrays.equals(values.shape(), data.shape())) {
            throw new ShapeException("Parameter.copyFrom", "values " + Shape.format(values.shape())
                    + " for a parameter of shape " + Shape.format(data.shape()));
        }
        data.copyFrom_(values.detach());
    }

    @Override
    public String toString() {
        return "Parameter" + Shape.format(data.shape());
    }
}
