package mrisr.nn.loss;

import mrisr.engine.Index;
import mrisr.engine.Tensor;

/** Finite differences over the spatial axes, shared by the TV and edge losses. */
final class Gradients {
    private Gradients() {}

    /**
     * The forward difference {@code x[i+1] − x[i]} along tensor dimension {@code dim}, zero at the
     * last index (Neumann boundary), same shape as {@code x}; null when that axis has length 1.
     */
    static Tensor forwardDifference(Tensor x, int dim) {
        int n = x.size(dim);
        if (n == 1) return null;
        Tensor d = x.narrow(dim, 1, n - 1).sub(x.narrow(dim, 0, n - 1));
        int[] pad = new int[2 * (x.dim() - dim)];
        pad[pad.length - 1] = 1; // after the last element of `dim`
        return Index.pad(d, pad);
    }
}
