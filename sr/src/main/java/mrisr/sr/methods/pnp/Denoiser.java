package mrisr.sr.methods.pnp;

import mrisr.engine.Tensor;

/**
 * A Gaussian denoiser {@code D_σ}: the prior of the plug-and-play and RED methods.
 *
 * <p>{@code D_σ(v)} estimates a clean volume from {@code v = x + n}, {@code n ~ N(0, σ²)} per voxel.
 * The PnP methods call it on intensities normalised to about {@code [0, 1]} (see {@link PnpHqs}),
 * so σ is a fraction of the intensity range. Contract: the input is not modified; the output is a
 * new tensor of the input's shape; the same input and σ give bit-identical output for any thread
 * count; {@code σ = 0} may return a copy of the input.
 *
 * <pre>{@code
 * Denoiser d = new TvDenoiser();
 * Tensor clean = d.denoise(noisy, 0.03);     // noisy: [nx, ny, nz], noise σ = 3 % of the range
 * }</pre>
 */
public interface Denoiser {

    /**
     * Denoises {@code volume}.
     *
     * @param volume a 3-D volume {@code [nx, ny, nz]} (not modified)
     * @param sigma  the standard deviation of the noise to remove, in the volume's intensity units
     *               (finite, ≥ 0)
     * @return a new tensor of shape {@code [nx, ny, nz]}
     */
    Tensor denoise(Tensor volume, double sigma);

    /** A short description for progress lines and reports, e.g. {@code "TV prox, weight 1.0·σ"}. */
    default String describe() {
        return getClass().getSimpleName();
    }
}
