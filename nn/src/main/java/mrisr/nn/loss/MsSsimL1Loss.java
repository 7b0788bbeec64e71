package mrisr.nn.loss;

import mrisr.engine.Pool;
import mrisr.engine.Tensor;

/**
 * The MS-SSIM + ℓ₁ mix of Zhao et al. ("Loss functions for image restoration with neural
 * networks"): {@code L = α·(1 − MS-SSIM(x̂, x)) + (1 − α)·mean|x̂ − x|}, α = 0.84 by default.
 *
 * <p>MS-SSIM over {@code M} scales (Wang et al. 2003): at scales {@code 1 … M−1} the contrast-structure
 * term {@code CS_j}, at scale {@code M} the full SSIM, the images halved by 2×2(×2) average pooling
 * between scales (odd sizes floored), combined per sample and channel as
 * {@code Π_{j<M} CS_j^{w_j} · SSIM_M^{w_M}} and averaged. Terms are clamped below at 1e-6 before the
 * power so that negative correlations give no NaN (the reference implementation uses a ReLU).
 * Default weights are the five of Wang et al. {@code (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)}; with
 * the default 11-wide window the input then needs at least 176 voxels per axis, so 3-D patches use
 * fewer scales or a smaller window. The plain ℓ₁ term is used (Zhao et al. weight it with the
 * last scale's Gaussian, a refinement left out here).
 */
public final class MsSsimL1Loss implements Loss {
    /** Wang et al.'s five scale weights. */
    public static final double[] DEFAULT_WEIGHTS = {0.0448, 0.2856, 0.3001, 0.2363, 0.1333};

    private final double alpha;
    private final double[] weights;
    private final Ssim ssim;

    /** α = 0.84, five scales, window 11, σ = 1.5, data range 1. */
    public MsSsimL1Loss() {
        this(0.84, DEFAULT_WEIGHTS, 11, 1.5, 1.0);
    }

    /**
     * @param alpha     weight of the MS-SSIM term in [0, 1]
     * @param weights   one exponent per scale (at least one)
     * @param window    odd window width, at most the smallest size at the coarsest scale
     * @param sigma     Gaussian standard deviation in voxels
     * @param dataRange the intensity range {@code L}
     */
    public MsSsimL1Loss(double alpha, double[] weights, int window, double sigma, double dataRange) {
        if (!(alpha >= 0 && alpha <= 1)) throw new IllegalArgumentException("MsSsimL1Loss: alpha must be in [0, 1], got " + alpha);
        if (weights.length == 0) throw new IllegalArgumentException("MsSsimL1Loss: needs at least one scale weight");
        this.alpha = alpha;
        this.weights = weights.clone();
        this.ssim = new Ssim(window, sigma, dataRange, 0.01, 0.03);
    }

    /** MS-SSIM itself (1 for identical inputs), a 0-d tensor. */
    public Tensor msSsim(Tensor prediction, Tensor target) {
        Losses.sameShape("MsSsimL1Loss", prediction, target);
        int spatial = Losses.spatialDims("MsSsimL1Loss", prediction);
        ssim.checkFits("MsSsimL1Loss", prediction, weights.length - 1);
        Tensor x = prediction, y = target, product = null;
        for (int j = 0; j < weights.length; j++) {
            Tensor[] sc = ssim.ssimAndCs(x, y);
            boolean last = j == weights.length - 1;
            Tensor term = (last ? sc[0] : sc[1]).clamp(1e-6, Double.POSITIVE_INFINITY).pow(weights[j]);
            product = product == null ? term : product.mul(term);
            if (!last) {
                x = spatial == 2 ? Pool.avgPool2d(x, 2) : Pool.avgPool3d(x, 2);
                y = spatial == 2 ? Pool.avgPool2d(y, 2) : Pool.avgPool3d(y, 2);
            }
        }
        return product.mean();
    }

    @Override
    public Tensor compute(Tensor prediction, Tensor target) {
        Tensor structural = msSsim(prediction, target).neg().add(1).mul(alpha);
        if (alpha == 1) return structural;
        return structural.add(new L1Loss().compute(prediction, target).mul(1 - alpha));
    }
}
