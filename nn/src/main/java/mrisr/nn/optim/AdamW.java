package mrisr.nn.optim;

import java.util.List;
import java.util.Map;
import mrisr.engine.Tensor;
import mrisr.nn.Parameter;

/**
 * AdamW (Loshchilov &amp; Hutter): Adam with decoupled weight decay, applied to the parameter before
 * the Adam step exactly as PyTorch does:
 * <pre>
 *   p ← p·(1 − lr·wd)                                   (i.e. p −= lr·wd·p)
 *   m ← β₁·m + (1 − β₁)·∇          v ← β₂·v + (1 − β₂)·∇²
 *   p ← p − (lr / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
 * </pre>
 * State as {@link Adam}. Defaults as PyTorch: β = (0.9, 0.999), ε = 1e-8, weight decay 0.01, no AMSGrad.
 *
 * <pre>{@code
 * Optimizer opt = new AdamW(model.parameters(), 1e-3);
 * }</pre>
 */
public final class AdamW extends AdamBase {
    /** AdamW with PyTorch's defaults (weight decay 0.01). */
    public AdamW(List<Parameter> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0.01, false);
    }

    /**
     * @param beta1       first-moment decay in [0, 1)
     * @param beta2       second-moment decay in [0, 1)
     * @param eps         added to the denominator, ≥ 0
     * @param weightDecay decoupled decay coefficient
     * @param amsgrad     use the running maximum of the second moment
     */
    public AdamW(List<Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay,
            boolean amsgrad) {
        this(single(params, lr, weightDecay), beta1, beta2, eps, amsgrad);
    }

    /** AdamW over parameter groups, each with its own learning rate and weight decay. */
    public AdamW(List<ParamGroup> groups, double beta1, double beta2, double eps, boolean amsgrad) {
        super(groups, beta1, beta2, eps, amsgrad);
    }

    @Override
    protected Tensor update(ParamGroup group, Tensor param, Tensor grad, Map<String, Tensor> state) {
        Tensor decayed = group.weightDecay() != 0 ? param.mul(1 - group.lr() * group.weightDecay()) : param;
        return adamStep(group.lr(), decayed, grad, state);
    }
}
