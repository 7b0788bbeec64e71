package mrisr.nn.loss;

import java.util.ArrayList;
import java.util.List;
import mrisr.engine.Grad;
import mrisr.engine.Tensor;
import mrisr.nn.Module;

/** A feature network cut into consecutive stages; {@code φ^(l)} is the output of stage {@code l}. */
final class FeatureStages {
    final List<Module> stages;
    final double[] weights;

    FeatureStages(String loss, List<? extends Module> stages, double[] weights) {
        if (stages.isEmpty()) throw new IllegalArgumentException(loss + ": needs at least one feature stage");
        if (weights.length != stages.size()) {
            throw new IllegalArgumentException(loss + ": " + weights.length + " weights for " + stages.size() + " stages");
        }
        this.stages = List.copyOf(stages);
        this.weights = weights.clone();
    }

    /** Each stage's output, in order. */
    List<Tensor> features(Tensor x) {
        List<Tensor> out = new ArrayList<>(stages.size());
        Tensor f = x;
        for (Module m : stages) {
            f = m.forward(f);
            out.add(f);
        }
        return out;
    }

    /** Target features need no graph. */
    List<Tensor> targetFeatures(Tensor target) {
        try (var _ = Grad.off()) {
            return features(target.detach());
        }
    }
}
