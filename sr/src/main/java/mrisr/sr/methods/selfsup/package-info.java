/**
 * Self-supervised super-resolution (survey §V-A.3): methods that train a small network on the
 * input volume alone, using its own higher-resolution directions as the training signal.
 *
 * <ul>
 *   <li>{@link mrisr.sr.methods.selfsup.Smore} ({@code smore}) — through-plane: learns from the
 *       in-plane slices degraded by the slice profile, applies across the two in-plane axes.</li>
 *   <li>{@link mrisr.sr.methods.selfsup.Zssr} ({@code zssr}) — in-plane: learns from downscaled
 *       copies of the slices themselves.</li>
 * </ul>
 * Both train with one simple loop (L1 loss, Adam, seeded patch sampling) and report progress lines
 * (step, loss, elapsed time, time left) to {@link mrisr.sr.methods.SrContext#progress()}; the budget
 * ({@code steps}, {@code channels}, {@code blocks}, {@code patch}, {@code batch}, learning rate,
 * optional time limit) is set on the method objects ({@link mrisr.sr.methods.selfsup.SelfSupervisedMethod}).
 *
 * <p><b>How the defaults were chosen.</b> On the brain phantom ({@code mrisr phantom}, 96×112×96,
 * 1 mm) with degradation (b): 4× through-plane, Gaussian slice profile of FWHM 4 mm, 1 % Rician
 * noise (cubic B-spline: 27.10 dB, SSIM 0.621). The CPU cost was measured first (scalar
 * convolution kernels: a training step of 8 patches of 32² on a 16-channel, 4-block network takes
 * about 0.25 s of one core; applying it costs about 2 GMAC/s per core), which bounds the budget for
 * a 181×217×181 volume at about 1000 steps of that network plus two passes over the output.
 * Then: 1000 steps, 16 channels, 4 blocks, learning rate 1e-3 gave 28.50 dB / 0.670; a rate of
 * 3e-3 gave 28.46 / 0.668; adding noise to the training inputs so that they match the acquisition's
 * noise level gave 28.48 / 0.671 and was dropped as not worth its complexity. ZSSR's defaults
 * mirror SMORE's budget with ZSSR's plain convolution stack (2× in-plane on the same phantom:
 * B-spline 31.18 dB / 0.674, zssr 33.52 / 0.701).
 *
 * <p><b>Measured on a real volume</b> (once, after the defaults were fixed): the MNI {@code ch2} T1
 * template (181×217×181, cropped to 180 slices), degradation (b), seed 0: cubic B-spline 31.12 dB /
 * SSIM 0.738, smore 32.63 dB / 0.762, 357 s of CPU time on one thread. Reproduce with
 * {@code SelfSupervisedBenchmark} in the test sources.
 *
 * <pre>{@code
 * Volume sr = new Smore().withSteps(500).run(lr, SrContext.of(1, 1, 4).withProgress(System.err::println));
 * }</pre>
 */
package mrisr.sr.methods.selfsup;
