package mrisr.nn.optim;

import java.util.List;
import java.util.Map;
import mrisr.engine.Tensor;
import mrisr.nn.Parameter;

/**
 * Stochastic gradient descent with PyTorch's momentum, dampening, Nesterov and L2 weight decay:
 * <pre>
 *   g ← ∇ + wd·p
 *   b ← g                         (first step)
 *   b ← μ·b + (1 − dampening)·g   (later steps)
 *   g ← g + μ·b  (Nesterov)   or   g ← b
 *   p ← p − lr·g
 * </pre>
 * Without momentum ({@code μ = 0}) this is plain {@code p ← p − lr·(∇ + wd·p)}. State: {@code momentum_buffer}.
 * Defaults as PyTorch: momentum 0, dampening 0, weight decay 0, no Nesterov.
 *
 * <pre>{@code
 * Optimizer opt = new Sgd(model.parameters(), 0.1, 0.9, 0, 1e-4, true);
 * }</pre>
 */
public final class Sgd extends Optimizer {
    private final double momentum, dampening;
    private final boolean nesterov;

    /** Plain SGD. */
    public Sgd(List<Parameter> params, double lr) {
        this(params, lr, 0, 0, 0, false);
    }

    /**
     * @param momentum    μ ≥ 0
     * @param dampening   damps the gradient's contribution to the buffer after the first step
     * @param weightDecay L2 penalty coefficient added to the gradient
     * @param nesterov    Nesterov momentum (needs μ &gt; 0 and zero dampening)
     */
    public Sgd(List<Parameter> params, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        this(single(params, lr, weightDecay), momentum, dampening, nesterov);
    }

    /** SGD over parameter groups, each with its own learning rate and weight decay. */
    public Sgd(List<ParamGroup> groups, double momentum, double dampening, boolean nesterov) {
        super(groups);
        if (!(momentum >= 0)) throw new IllegalArgumentException("momentum must be >= 0, got " + momentum);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires a momentum > 0 and zero dampening");
        }
        this.momentum = momentum;
        this.dampening = dampening;
        this.nesterov = nesterov;
    }

    @Override
    protected Tensor update(ParamGroup group, Tensor param, Tensor grad, Map<String, Tensor> state) {
        Tensor g = group.weightDecay() != 0 ? grad.add(param.mul(group.weightDecay())) : grad;
        if (momentum != 0) {
            Tensor buf = state.get("momentum_buffer");
            buf = buf == null ? g : buf.mul(momentum).add(g.mul(1 - dampening));
            state.put("momentum_buffer", buf);
            g = nesterov ? g.add(buf.mul(momentum)) : buf;
        }
        return param.sub(g.mul(group.lr()));
    }
}
