/**
 * Full-reference image-quality metrics for MR volumes and images, pinned to named references.
 *
 * <p>{@link mrisr.sr.metrics.Psnr}, {@link mrisr.sr.metrics.Ssim} (2-D and 3-D) and
 * {@link mrisr.sr.metrics.Nrmse} equal scikit-image's {@code peak_signal_noise_ratio},
 * {@code structural_similarity(gaussian_weights=True, sigma=1.5, use_sample_covariance=False)} and
 * {@code normalized_root_mse}; {@link mrisr.sr.metrics.Hfen} uses
 * {@code scipy.ndimage.gaussian_laplace(σ = 1.5)}; {@link mrisr.sr.metrics.Vif} is the
 * {@code vifp_mscale} reference; {@link mrisr.sr.metrics.MsSsim} follows Wang et al. 2003 on top of
 * the SSIM definition; {@link mrisr.sr.metrics.Cnr} is {@code |μ_ROI − μ_BG| / σ_BG}. The golden
 * values come from {@code sr/src/test/python/make_metric_fixtures.py}. Every metric takes
 * {@code float[]} + shape or {@link mrisr.sr.volume.Volume}s, optionally with a mask; filtering is
 * separable, parallel over lines and in double precision, and results are the same for every thread
 * count. {@link mrisr.sr.metrics.Evaluation} computes them all, as {@code mrisr eval} prints them.
 *
 * <pre>{@code
 * double ssim = Ssim.compute(hr, sr, mask);
 * Evaluation.Report report = Evaluation.evaluate(hr, sr, labels, Evaluation.Options.defaults(), null);
 * }</pre>
 */
package mrisr.sr.metrics;
