package mrisr.nn.optim;

import java.util.List;
import java.util.Map;
import mrisr.engine.Tensor;
import mrisr.nn.Parameter;

/**
 * Adam (Kingma &amp; Ba) exactly as PyTorch computes it, with weight decay as an L2 term added to the
 * gradient:
 * <pre>
 *   g ← ∇ + wd·p
 *   m ← β₁·m + (1 − β₁)·g          v ← β₂·v + (1 − β₂)·g²          (v̂ ← max(v̂, v) with AMSGrad)
 *   p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 * Note where ε sits: added after the bias-corrected square root, as in PyTorch. State:
 * {@code step}, {@code exp_avg}, {@code exp_avg_sq} (and {@code max_exp_avg_sq}). Defaults as PyTorch:
 * β = (0.9, 0.999), ε = 1e-8, weight decay 0, no AMSGrad. For decoupled decay use {@link AdamW}.
 *
 * <pre>{@code
 * Optimizer opt = new Adam(model.parameters(), 1e-3);
 * }</pre>
 */
public final class Adam extends AdamBase {
    /** Adam with PyTorch's defaults. */
    public Adam(List<Parameter> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0, false);
    }

    /**
     * @param beta1       first-moment decay in [0, 1)
     * @param beta2       second-moment decay in [0, 1)
     * @param eps         added to the denominator, ≥ 0
     * @param weightDecay L2 penalty coefficient added to the gradient
     * @param amsgrad     use the running maximum of the second moment
     */
    public Adam(List<Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay,
            boolean amsgrad) {
        this(single(params, lr, weightDecay), beta1, beta2, eps, amsgrad);
    }

    /** Adam over parameter groups, each with its own learning rate and weight decay. */
    public Adam(List<ParamGroup> groups, double beta1, double beta2, double eps, boolean amsgrad) {
        super(groups, beta1, beta2, eps, amsgrad);
    }

    @Override
    protected Tensor update(ParamGroup group, Tensor param, Tensor grad, Map<String, Tensor> state) {
        Tensor g = group.weightDecay() != 0 ? grad.add(param.mul(group.weightDecay())) : grad;
        return adamStep(group.lr(), param, g, state);
    }
}
