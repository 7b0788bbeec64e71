package mrisr.nn.loss;

import mrisr.engine.Tensor;

/**
 * A training objective comparing a prediction with a target, differentiable in the prediction
 * (and in the target where that makes sense). Implementations validate shapes and throw
 * {@link mrisr.engine.ShapeException} naming the loss.
 *
 * <pre>{@code
 * Loss loss = new CharbonnierLoss(1e-3);
 * loss.compute(model.forward(lr), hr).backward();
 * }</pre>
 */
@FunctionalInterface
public interface Loss {
    /**
     * @param prediction the network output x̂ (not modified)
     * @param target     the reference x (not modified)
     * @return the loss, a 0-d tensor unless the loss was built with {@link Reduction#NONE}
     */
    Tensor compute(Tensor prediction, Tensor target);
}
