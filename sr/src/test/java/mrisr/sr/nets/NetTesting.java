package mrisr.sr.nets;

import mrisr.engine.Grad;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.Module;
import mrisr.nn.Parameter;

/** Shared helpers for the network tests. */
final class NetTesting {
    private NetTesting() {}

    /**
     * {@code arch}'s network with every parameter redrawn from {@code N(0, 0.3²)} — the output layer
     * starts at zero otherwise, which would make every comparison trivially true.
     */
    static Module randomNetwork(Architecture arch, long seed) {
        Module net = arch.build(new Rng(seed));
        Rng rng = new Rng(seed + 1);
        for (Parameter p : net.parameters()) p.copyFrom(Tensor.randn(rng, p.shape()).mul(0.3));
        net.eval();
        return net;
    }

    /** The whole-volume forward pass {@code [nx, ny, nz] -> [s·nx, s·ny, s·nz]} as one tile. */
    static float[] wholeVolume(Module net, float[] input, int[] shape) {
        try (var _ = Grad.off()) {
            return net.forward(Tensor.fromArray(input, 1, 1, shape[0], shape[1], shape[2])).toArray();
        }
    }

    static float[] randomVolume(int[] shape, long seed) {
        Rng rng = new Rng(seed);
        float[] v = new float[shape[0] * shape[1] * shape[2]];
        for (int i = 0; i < v.length; i++) v[i] = rng.nextFloat();
        return v;
    }
}
