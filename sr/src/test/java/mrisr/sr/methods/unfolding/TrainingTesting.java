package mrisr.sr.methods.unfolding;

import java.util.Map;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.Parameter;

/** Helpers of the training tests. */
final class TrainingTesting {
    private TrainingTesting() {}

    /**
     * Gives every stage's zero-initialised last layer small random weights, so that every parameter
     * influences the output (as after some training).
     */
    static void randomiseLastLayers(UnfoldedTraining model, long seed) {
        Rng rng = new Rng(seed);
        for (Map.Entry<String, Parameter> e : model.network().namedParameters().entrySet()) {
            if (!e.getKey().contains("conv3")) continue;
            Parameter p = e.getValue();
            p.copyFrom(Tensor.randn(rng, p.shape()).mul(0.05));
        }
    }
}
