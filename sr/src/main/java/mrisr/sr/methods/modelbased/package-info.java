/**
 * Model-based super-resolution: MAP estimation under the physics forward model (survey §II-B,
 * Eq. 3), {@code x̂ = argmin_x ‖y − Hx‖_p^q + λR(x)} with Gaussian noise ({@code p = q = 2}) and
 * {@code H} the acquisition of {@link mrisr.sr.physics.Degradation} — the same operator
 * {@code mrisr degrade} applies, taken from {@link mrisr.sr.methods.SrContext#forwardModel()}.
 *
 * <ul>
 *   <li>{@link mrisr.sr.methods.modelbased.Tikhonov} ({@code tikhonov}): smoothness prior
 *       {@code ‖∇x‖²}, conjugate gradients on the normal equations.</li>
 *   <li>{@link mrisr.sr.methods.modelbased.TotalVariation} ({@code tv}): isotropic 3-D total
 *       variation, Chambolle–Pock primal–dual iterations with a duality-gap stopping rule.</li>
 * </ul>
 * Both start from the cubic B-spline interpolation, work on the high-resolution grid of
 * {@link mrisr.sr.methods.SrMethod} ({@code round(m·f)} voxels, affine
 * {@code Volume.resampledAffine(lr.affine(), f)}), process each frame of a series alike, check the
 * memory budget for their whole working set before allocating, and give bit-identical results for
 * any thread count (fixed-chunk reductions, {@link mrisr.kernels.Parallel}).
 *
 * <h2>How the defaults were chosen</h2>
 * Only on synthetic phantoms — never on the real evaluation volume ({@code ch2}): {@code n³}
 * volumes of overlapping rotated ellipsoids with logistic edges 0.4 voxel wide (the test phantom,
 * {@code n} = 48 and 64, seeds 1–4), degraded 4× through-plane with Gaussian and rect slice
 * profiles and 1 % Gaussian noise (0.5 % and 2 % to check robustness). PSNR against the
 * phantom:
 * <ul>
 *   <li>Tikhonov, λ ∈ {0.05, 0.1, 0.15, 0.2}: the maximum lay at 0.1–0.15 for every seed and profile
 *       (within 0.1 dB across that range; 0.2 was best for smoother edges); default λ = 0.1, which
 *       was 1.0–1.8 dB above cubic B-spline. The optimum grows with the noise (0.1 at 0.5 %, ≥ 0.4
 *       at 2 %). CG tolerance 10⁻⁴ on {@code ‖r‖/‖Hᵀy‖}: tighter tolerances changed PSNR by
 *       &lt; 0.01 dB.</li>
 *   <li>TV, λ ∈ {0.005, 0.01, 0.015, 0.02}: 0.01 was best or within 0.05 dB of the best for every
 *       seed and profile, 3–5 dB above cubic B-spline. Stopping at a relative duality gap of 5 %
 *       (about 110 iterations at 48³) gave PSNR equal to, or up to 0.3 dB above, running to 1 %
 *       (about 220 iterations): the warm start from the B-spline image and early stopping regularise
 *       a little more, at half the cost. The step ratio {@code ρ = 1/√(λγ_H)} was within a factor 2
 *       of the fastest-converging fixed ratio for λ from 0.003 to 0.03.</li>
 * </ul>
 *
 * <pre>{@code
 * Volume lr = Degradation.builder().factors(1, 1, 4).noise(0.01).build().apply(hr);
 * Volume sr = new TotalVariation().run(lr, SrContext.of(1, 1, 4));
 * Volume smooth = ((RegularizedMethod) Methods.get("tikhonov")).withLambda(0.3).run(lr, SrContext.of(1, 1, 4));
 * }</pre>
 */
package mrisr.sr.methods.modelbased;
