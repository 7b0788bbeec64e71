package mrisr.bench;

import java.util.ArrayList;
import java.util.List;
import mrisr.engine.Conv;
import mrisr.engine.Grad;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;

/**
 * The small residual super-resolution network of the {@code srnet-train-step} benchmark, written
 * with engine ops directly (3×3×3 convolutions with bias, padding 1):
 * <pre>
 *   h₀ = conv(x; 1 → C),   h_{i+1} = h_i + relu(conv(h_i; C → C))  for i &lt; blocks,   y = conv(h_blocks; C → 1)
 *   loss = mean((y − target)²),   θ ← θ − lr·∂loss/∂θ   (plain SGD)
 * </pre>
 * Weights are He-initialised ({@code N(0, 2/fan_in)}), biases start at 0. The peer script builds
 * the same network in PyTorch.
 *
 * <pre>{@code
 * SrNet net = new SrNet(new Rng(1), 32, 8);
 * double loss = net.trainStep(x, target, 1e-3);   // x, target [1, 1, 64, 64, 64]
 * }</pre>
 */
final class SrNet {
    private final List<Tensor> weights = new ArrayList<>();
    private final List<Tensor> biases = new ArrayList<>();

    /**
     * @param rng      weight initialisation stream (advanced)
     * @param channels feature channels C
     * @param blocks   residual blocks
     */
    SrNet(Rng rng, int channels, int blocks) {
        if (channels < 1 || blocks < 0) throw new IllegalArgumentException("channels >= 1 and blocks >= 0 needed");
        addConv(rng, 1, channels);
        for (int i = 0; i < blocks; i++) addConv(rng, channels, channels);
        addConv(rng, channels, 1);
    }

    private void addConv(Rng rng, int in, int out) {
        double std = Math.sqrt(2.0 / (in * 27));
        try (Grad g = Grad.off()) {
            weights.add(Tensor.randn(rng, out, in, 3, 3, 3).mul(std).requiresGrad(true));
        }
        biases.add(Tensor.zeros(out).requiresGrad(true));
    }

    /** Multiply-accumulates of one forward pass on a {@code size³} patch. */
    static long forwardMacs(int size, int channels, int blocks) {
        long voxels = (long) size * size * size;
        long perVoxel = 27L * (channels + (long) blocks * channels * channels + channels);
        return voxels * perVoxel;
    }

    /** The network's output for {@code x [N, 1, D, H, W]} (not modified). */
    Tensor forward(Tensor x) {
        int last = weights.size() - 1;
        Tensor h = Conv.conv3d(x, weights.get(0), biases.get(0), 1, 1);
        for (int i = 1; i < last; i++) h = h.add(Conv.conv3d(h, weights.get(i), biases.get(i), 1, 1).relu());
        return Conv.conv3d(h, weights.get(last), biases.get(last), 1, 1);
    }

    /**
     * One SGD step on the mean squared error; parameters are modified in place.
     *
     * @param x      input patch {@code [N, 1, D, H, W]} (not modified)
     * @param target wanted output, same shape (not modified)
     * @param lr     learning rate
     * @return the loss before the update
     */
    double trainStep(Tensor x, Tensor target, double lr) {
        Tensor diff = forward(x).sub(target);
        Tensor loss = diff.mul(diff).mean();
        for (Tensor p : parameters()) p.zeroGrad();
        loss.backward();
        try (Grad g = Grad.off()) {
            for (Tensor p : parameters()) p.copyFrom_(p.sub(p.grad().mul(lr)));
        }
        return loss.item();
    }

    private List<Tensor> parameters() {
        List<Tensor> all = new ArrayList<>(weights);
        all.addAll(biases);
        return all;
    }
}
