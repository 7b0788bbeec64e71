package mrisr.nn.loss;

import mrisr.engine.Tensor;

/**
 * Metric-based loss from SSIM, survey Eq. 17: {@code L = 1 − SSIM(x̂, x)}, or
 * {@code (1 − SSIM)²} (the equation's literal form, {@code ‖M(x,x) − M(x,x̂)‖²} with
 * {@code M(x,x) = 1}) when {@code squared}. SSIM is the mean over samples, channels and positions of
 * the local SSIM map with a separable Gaussian window (valid filtering, no padding) on
 * {@code [N, C, H, W]} or {@code [N, C, D, H, W]}; defaults as Wang et al.: window 11, σ = 1.5,
 * {@code k₁ = 0.01}, {@code k₂ = 0.03}, and data range {@code L = 1}.
 *
 * <pre>{@code
 * Loss ssim = new SsimLoss(7, 1.5, 1.0, false);      // a smaller window for 3-D patches
 * }</pre>
 */
public final class SsimLoss implements Loss {
    private final Ssim ssim;
    private final boolean squared;

    /** Window 11, σ = 1.5, data range 1, {@code 1 − SSIM}. */
    public SsimLoss() {
        this(11, 1.5, 1.0, false);
    }

    /**
     * @param window    odd window width (per axis), at most the smallest spatial size
     * @param sigma     Gaussian standard deviation in voxels
     * @param dataRange the intensity range {@code L} (max − min of the data)
     * @param squared   return {@code (1 − SSIM)²} instead of {@code 1 − SSIM}
     */
    public SsimLoss(int window, double sigma, double dataRange, boolean squared) {
        this.ssim = new Ssim(window, sigma, dataRange, 0.01, 0.03);
        this.squared = squared;
    }

    /** The mean SSIM itself (1 for identical inputs), a 0-d tensor. */
    public Tensor ssim(Tensor prediction, Tensor target) {
        Losses.sameShape("SsimLoss", prediction, target);
        Losses.spatialDims("SsimLoss", prediction);
        ssim.checkFits("SsimLoss", prediction, 0);
        return ssim.ssimAndCs(prediction, target)[0].mean();
    }

    @Override
    public Tensor compute(Tensor prediction, Tensor target) {
        Tensor gap = ssim(prediction, target).neg().add(1);
        return squared ? gap.mul(gap) : gap;
    }
}
