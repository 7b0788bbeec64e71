package mrisr.sr.nets;

import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.Conv3d;
import mrisr.nn.Cost;
import mrisr.nn.Init;
import mrisr.nn.Module;
import mrisr.nn.PixelShuffle3d;
import mrisr.nn.ReLU;
import mrisr.nn.Residual;
import mrisr.nn.Sequential;

/**
 * A small EDSR (Lim et al. 2017) in 3-D: no batch normalisation, residual scaling, a long skip over
 * the body, all convolutions 3³ with size-keeping zero padding and without biases:
 * <pre>
 *   h = head(x)                                   [N,1,D,H,W] → [N,C,D,H,W]
 *   b = h + conv(block_B(… block_1(h)))           block(u) = u + s·conv(relu(conv(u)))
 *   R(x) = tail(b)                                [N,C,…] → [N,r³,…], then PixelShuffle3d(r) when r > 1
 * </pre>
 * It outputs the residual over the B-spline interpolation (see {@link Upsampling}), so together
 * with the caller's {@code U(y) +} it has EDSR's global residual. State-dict keys: {@code head.*},
 * {@code body.<i>.body.{0,2}.*} for the blocks, {@code body.<B>.*} for the body's last convolution,
 * {@code tail.*}. Receptive-field radius {@code 2B + 3} input voxels.
 *
 * <p>Bias-free (Mohan et al. 2020): with ReLUs and no biases the network is positively homogeneous,
 * {@code R(α·x) = α·R(x)} for {@code α > 0}, so it behaves the same at every intensity scale and maps
 * an empty region to an exactly zero residual — with biases, the background of a head (most of the
 * volume, never well represented in foreground-biased training patches) got a small spurious offset
 * that cost SSIM there. Initialisation: PyTorch's defaults, except the tail, which starts at zero so that an untrained network returns the B-spline
 * interpolation and training starts from the baseline instead of from random residuals (as with
 * zero-initialised residual branches, Goyal et al. 2017); the tail's gradient is not zero, so the
 * rest of the network starts learning from the second step.
 *
 * <pre>{@code
 * Module net = new Edsr3d(16, 3, 1.0, 2, new Rng(0));        // sub-pixel x2
 * Tensor residual = net.forward(lrPatch);                   // [N,1,2D,2H,2W]
 * }</pre>
 */
public final class Edsr3d extends Module {
    private final Conv3d head, tail;
    private final Sequential body;
    private final PixelShuffle3d shuffle;

    /**
     * @param features      channels of every hidden layer
     * @param blocks        residual blocks
     * @param residualScale scale {@code s} on each block's branch
     * @param scale         sub-pixel factor {@code r} (1 for pre-upsampling)
     * @param rng           draws PyTorch's default initialisation
     */
    public Edsr3d(int features, int blocks, double residualScale, int scale, Rng rng) {
        head = registerModule("head", conv(1, features, 3, rng));
        Sequential b = new Sequential();
        for (int i = 0; i < blocks; i++) {
            b.add(new Residual(new Sequential(conv(features, features, 3, rng), new ReLU(), conv(features, features, 3, rng)),
                    residualScale));
        }
        b.add(conv(features, features, 3, rng));
        body = registerModule("body", b);
        tail = registerModule("tail", conv(features, scale * scale * scale, 3, rng));
        Init.zeros(tail.weight());
        shuffle = scale > 1 ? registerModule("shuffle", new PixelShuffle3d(scale)) : null;
    }

    /** A bias-free {@code k³} convolution with size-keeping zero padding. */
    static Conv3d conv(int in, int out, int k, Rng rng) {
        int[] ones = {1, 1, 1};
        return new Conv3d(in, out, new int[] {k, k, k}, ones, new int[] {k / 2, k / 2, k / 2}, ones, 1, false, rng);
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = head.forward(x);
        Tensor y = tail.forward(h.add(body.forward(h)));
        return shuffle == null ? y : shuffle.forward(y);
    }

    @Override
    public Cost cost(int... in) {
        Cost h = head.cost(in);
        Cost c = h.then(body.cost(h.outputShape()));
        c = c.then(tail.cost(c.outputShape()));
        return shuffle == null ? c : c.then(shuffle.cost(c.outputShape()));
    }
}
