package mrisr.nn.loss;

import java.util.List;
import mrisr.engine.Ops;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.nn.Module;

/**
 * Style (texture) loss, survey Eq. 10: the squared Frobenius distance between Gram matrices of
 * feature maps, {@code L = Σ_l w_l·mean_n ‖G^(l)(x̂) − G^(l)(x)‖²_F} with
 * {@code G_ij = ⟨vec φ_i, vec φ_j⟩ / (C·M)} for the {@code C} channels of a feature map
 * {@code φ^(l)} of {@code M} positions (Johnson et al.'s normalisation, which keeps the scale
 * independent of the layer size). Features come from consecutive stages as in {@link PerceptualLoss}.
 */
public final class StyleLoss implements Loss {
    private final FeatureStages features;

    /** One feature module. */
    public StyleLoss(Module features) {
        this(List.of(features), new double[] {1});
    }

    /**
     * @param stages  consecutive parts of the feature network
     * @param weights one weight per stage
     */
    public StyleLoss(List<? extends Module> stages, double[] weights) {
        this.features = new FeatureStages("StyleLoss", stages, weights);
    }

    /**
     * The normalised Gram matrix of each sample: {@code [N, C, …] → [N, C, C]}.
     *
     * @param f feature maps with at least 3 dimensions (not modified)
     */
    public static Tensor gram(Tensor f) {
        if (f.dim() < 3) throw new ShapeException("StyleLoss", "feature map " + Shape.format(f.shape()) + " must be [N, C, …]");
        int n = f.size(0), c = f.size(1), m = f.numel() / (n * c);
        Tensor flat = f.reshape(n, c, m);
        return Ops.bmm(flat, flat.transpose(1, 2)).mul(1.0 / ((double) c * m));
    }

    @Override
    public Tensor compute(Tensor prediction, Tensor target) {
        Losses.sameShape("StyleLoss", prediction, target);
        List<Tensor> fp = features.features(prediction), ft = features.targetFeatures(target);
        Tensor total = null;
        for (int l = 0; l < fp.size(); l++) {
            Tensor d = gram(fp.get(l)).sub(gram(ft.get(l)));
            Tensor term = d.mul(d).sum(new int[] {1, 2}, false).mean().mul(features.weights[l]);
            total = total == null ? term : total.add(term);
        }
        return total;
    }
}
