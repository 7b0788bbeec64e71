package mrisr.nn.optim;

import java.util.List;
import java.util.Map;
import mrisr.engine.Ops;
import mrisr.engine.Tensor;

/** The Adam step shared by {@link Adam} and {@link AdamW}; they differ only in how weight decay enters. */
abstract class AdamBase extends Optimizer {
    private final double beta1, beta2, eps;
    private final boolean amsgrad;

    AdamBase(List<ParamGroup> groups, double beta1, double beta2, double eps, boolean amsgrad) {
        super(groups);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
        if (!(eps >= 0)) throw new IllegalArgumentException("eps must be >= 0, got " + eps);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.amsgrad = amsgrad;
    }

    /**
     * PyTorch's single-tensor Adam step on {@code param} with gradient {@code g}:
     * {@code m ← β₁m + (1−β₁)g}, {@code v ← β₂v + (1−β₂)g²}, then
     * {@code p ← p − (lr/(1−β₁ᵗ))·m / (√v/√(1−β₂ᵗ) + ε)} (with {@code v} replaced by its running
     * maximum under AMSGrad).
     */
    final Tensor adamStep(double lr, Tensor param, Tensor g, Map<String, Tensor> state) {
        Tensor stepT = state.get("step");
        double step = (stepT == null ? 0 : stepT.item()) + 1;
        Tensor m = state.get("exp_avg"), v = state.get("exp_avg_sq");
        if (m == null) {
            m = Tensor.fullLike(param, 0f);
            v = Tensor.fullLike(param, 0f);
        }
        m = m.mul(beta1).add(g.mul(1 - beta1));
        v = v.mul(beta2).add(g.mul(g).mul(1 - beta2));
        state.put("step", Tensor.scalar((float) step));
        state.put("exp_avg", m);
        state.put("exp_avg_sq", v);
        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        Tensor second = v;
        if (amsgrad) {
            Tensor max = state.get("max_exp_avg_sq");
            second = max == null ? v : Ops.maximum(max, v);
            state.put("max_exp_avg_sq", second);
        }
        Tensor denom = second.sqrt().div(biasCorrection2Sqrt).add(eps);
        return param.sub(m.div(denom).mul(lr / biasCorrection1));
    }
}
