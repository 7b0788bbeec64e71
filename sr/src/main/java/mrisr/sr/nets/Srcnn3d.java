package mrisr.sr.nets;

import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.Conv3d;
import mrisr.nn.Cost;
import mrisr.nn.Init;
import mrisr.nn.Module;
import mrisr.nn.PixelShuffle3d;

/**
 * SRCNN in 3-D: patch extraction, non-linear mapping and reconstruction as three convolutions with
 * kernels 9³, 1³ and 5³ ("9-1-5", Dong et al. 2014; in 3-D as Pham et al. 2017), ReLU after the
 * first two, zero padding that keeps the size:
 * <pre>
 *   R(x) = W₃ * relu(W₂ * relu(W₁ * x))                      [N,1,D,H,W] → [N,r³,D,H,W]
 * </pre>
 * followed, for sub-pixel upsampling ({@code r > 1}), by {@link PixelShuffle3d} to {@code [N,1,rD,rH,rW]}.
 * Unlike the original, which outputs the image with biased layers, it outputs the residual over the
 * B-spline interpolation (see {@link Upsampling}) and has no biases, so that, like {@link Edsr3d}, it
 * is positively homogeneous and leaves empty regions exactly empty. State-dict keys: {@code conv1.*}, {@code conv2.*},
 * {@code conv3.*}. Receptive-field radius 6 input voxels. Initialisation: PyTorch's defaults, except
 * {@code conv3}, which starts at zero so that an untrained network returns the B-spline
 * interpolation.
 *
 * <pre>{@code
 * Module net = new Srcnn3d(32, 16, 1, new Rng(0));          // pre-upsampling
 * Tensor residual = net.forward(upsampledPatch);           // same shape as the patch
 * }</pre>
 */
public final class Srcnn3d extends Module {
    private final Conv3d conv1, conv2, conv3;
    private final PixelShuffle3d shuffle;

    /**
     * @param features1 channels after the first layer
     * @param features2 channels after the second layer
     * @param scale     sub-pixel factor {@code r} (1 for pre-upsampling)
     * @param rng       draws PyTorch's default initialisation
     */
    public Srcnn3d(int features1, int features2, int scale, Rng rng) {
        int[] k = Architecture.SRCNN_KERNELS;
        conv1 = registerModule("conv1", Edsr3d.conv(1, features1, k[0], rng));
        conv2 = registerModule("conv2", Edsr3d.conv(features1, features2, k[1], rng));
        conv3 = registerModule("conv3", Edsr3d.conv(features2, scale * scale * scale, k[2], rng));
        Init.zeros(conv3.weight());
        shuffle = scale > 1 ? registerModule("shuffle", new PixelShuffle3d(scale)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor y = conv3.forward(conv2.forward(conv1.forward(x).relu()).relu());
        return shuffle == null ? y : shuffle.forward(y);
    }

    @Override
    public Cost cost(int... in) {
        Cost c = conv1.cost(in);
        c = c.then(conv2.cost(c.outputShape()));
        c = c.then(conv3.cost(c.outputShape()));
        return shuffle == null ? c : c.then(shuffle.cost(c.outputShape()));
    }
}
