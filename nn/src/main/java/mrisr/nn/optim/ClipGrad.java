package mrisr.nn.optim;

import java.util.List;
import mrisr.engine.Grad;
import mrisr.engine.Ops;
import mrisr.engine.Tensor;
import mrisr.nn.Parameter;

/**
 * Gradient clipping, PyTorch's {@code clip_grad_norm_}: the total norm is the p-norm of all gradients
 * taken together, {@code N = (Σ_params Σ_i |g_i|^p)^(1/p)} (the maximum |g_i| for p = ∞), and every
 * gradient is scaled by {@code min(1, maxNorm/(N + 1e-6))}.
 *
 * <pre>{@code
 * loss.backward();
 * double norm = ClipGrad.clipGradNorm(model.parameters(), 1.0);
 * opt.step();
 * }</pre>
 */
public final class ClipGrad {
    private ClipGrad() {}

    /** Clips by the global 2-norm; returns the norm before clipping. */
    public static double clipGradNorm(List<Parameter> params, double maxNorm) {
        return clipGradNorm(params, maxNorm, 2);
    }

    /**
     * Clips by the global {@code normType}-norm.
     *
     * @param params   their gradients are scaled in place (parameters without a gradient are skipped)
     * @param maxNorm  the largest allowed norm, ≥ 0
     * @param normType p ≥ 1, or {@code Double.POSITIVE_INFINITY}
     * @return the total norm before clipping (0 when no parameter has a gradient; may be infinite or NaN)
     */
    public static double clipGradNorm(List<Parameter> params, double maxNorm, double normType) {
        if (!(maxNorm >= 0)) throw new IllegalArgumentException("max norm must be >= 0, got " + maxNorm);
        if (!(normType >= 1)) throw new IllegalArgumentException("norm type must be >= 1 or infinity, got " + normType);
        try (var _ = Grad.off()) {
            double total = 0;
            for (Parameter p : params) {
                Tensor grad = p.grad();
                if (grad == null) continue;
                Tensor a = grad.abs();
                if (normType == Double.POSITIVE_INFINITY) {
                    total = Math.max(total, Ops.amax(a, new int[0], false).item());
                } else {
                    total += a.backend().sumAll(normType == 2 ? a.mul(a) : a.pow(normType));
                }
            }
            if (normType != Double.POSITIVE_INFINITY) total = Math.pow(total, 1 / normType);
            double coefficient = Math.min(1.0, maxNorm / (total + 1e-6));
            for (Parameter p : params) {
                Tensor grad = p.grad();
                if (grad != null) p.setGrad(grad.mul(coefficient));
            }
            return total;
        }
    }
}
