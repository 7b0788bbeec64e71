package mrisr.nn.optim;

import java.util.List;
import mrisr.nn.Parameter;

/**
 * Parameters that share a learning rate and weight decay inside one {@link Optimizer} (PyTorch's
 * {@code param_groups}), e.g. no weight decay on biases and normalisation parameters. The learning
 * rate is mutable (schedulers set it); {@link #initialLr()} is the value the schedulers scale.
 *
 * <pre>{@code
 * var groups = List.of(new ParamGroup(weights, 1e-3, 0.05), new ParamGroup(biases, 1e-3, 0));
 * Optimizer opt = new AdamW(groups, 0.9, 0.999, 1e-8, false);
 * }</pre>
 */
public final class ParamGroup {
    private final List<Parameter> params;
    private final double initialLr;
    private final double weightDecay;
    private double lr;

    /**
     * @param params      the group's parameters (not modified)
     * @param lr          learning rate, ≥ 0
     * @param weightDecay weight decay, ≥ 0 (its meaning depends on the optimiser: L2 penalty or decoupled)
     */
    public ParamGroup(List<Parameter> params, double lr, double weightDecay) {
        if (!(lr >= 0)) throw new IllegalArgumentException("learning rate must be >= 0, got " + lr);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        this.params = List.copyOf(params);
        this.lr = lr;
        this.initialLr = lr;
        this.weightDecay = weightDecay;
    }

    public List<Parameter> params() {
        return params;
    }

    /** The current learning rate. */
    public double lr() {
        return lr;
    }

    /** Sets the current learning rate (schedulers call this). */
    public void setLr(double lr) {
        if (!(lr >= 0)) throw new IllegalArgumentException("learning rate must be >= 0, got " + lr);
        this.lr = lr;
    }

    /** The learning rate the group was created with (PyTorch's {@code initial_lr}). */
    public double initialLr() {
        return initialLr;
    }

    public double weightDecay() {
        return weightDecay;
    }
}
