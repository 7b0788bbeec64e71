package mrisr.nn.loss;

import java.util.List;
import mrisr.engine.Tensor;
import mrisr.nn.Module;

/**
 * Perceptual (content) loss, survey Eq. 9: the ℓ₁ or ℓ₂ distance between the feature maps of a
 * fixed feature network, {@code L = Σ_l w_l·mean ℓ_p(φ^(l)(x̂) − φ^(l)(x))}, where the network is
 * given as consecutive stages and {@code φ^(l)} is the output of stage {@code l} (for example the
 * blocks of a pretrained VGG, or of any network trained on MRI). Gradients flow to the prediction
 * through the stages; the target's features are computed without a graph. The stages' parameters
 * are not frozen here: freeze them ({@code p.requiresGrad(false)}) and put them in evaluation mode
 * when they must not train.
 *
 * <pre>{@code
 * Loss content = new PerceptualLoss(List.of(block1, block2), new double[] {1, 0.5}, false);
 * }</pre>
 */
public final class PerceptualLoss implements Loss {
    private final FeatureStages features;
    private final boolean squared;

    /** One feature module, ℓ₁ distance. */
    public PerceptualLoss(Module features) {
        this(List.of(features), new double[] {1}, false);
    }

    /**
     * @param stages  consecutive parts of the feature network
     * @param weights one weight per stage
     * @param squared ℓ₂ (mean squared) instead of ℓ₁ (mean absolute) distance
     */
    public PerceptualLoss(List<? extends Module> stages, double[] weights, boolean squared) {
        this.features = new FeatureStages("PerceptualLoss", stages, weights);
        this.squared = squared;
    }

    @Override
    public Tensor compute(Tensor prediction, Tensor target) {
        Losses.sameShape("PerceptualLoss", prediction, target);
        List<Tensor> fp = features.features(prediction), ft = features.targetFeatures(target);
        Tensor total = null;
        for (int l = 0; l < fp.size(); l++) {
            Tensor d = fp.get(l).sub(ft.get(l));
            Tensor term = (squared ? d.mul(d) : d.abs()).mean().mul(features.weights[l]);
            total = total == null ? term : total.add(term);
        }
        return total;
    }
}
