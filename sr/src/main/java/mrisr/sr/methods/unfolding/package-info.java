/**
 * Deep unfolding for MRI super-resolution (survey §IV-B, Algorithm 2): the {@code unfolded} method
 * ({@link mrisr.sr.methods.unfolding.Unfolded}), its learned network
 * ({@link mrisr.sr.methods.unfolding.UnfoldedNetwork}) and training entry
 * ({@link mrisr.sr.methods.unfolding.UnfoldedTraining}), and the differentiable data-consistency
 * step ({@link mrisr.sr.methods.unfolding.DataConsistency}) with its circulant forward model
 * ({@link mrisr.sr.methods.unfolding.CirculantSampling}).
 *
 * <p><b>Which DC solver.</b> {@code DataConsistency.of(H)} recognises the operator's structure with one
 * adjoint probe and verifies it on a random vector: a separable circular-boundary filter followed by
 * keeping every {@code f_a}-th sample ({@code f_a} integer, dividing the grid) gets the Fourier closed
 * form of Zhao et al. (2016) / USRNet; a symmetric-boundary one with kernels even about the sampling
 * centre — every image-space {@code Degradation} without motion or bias field and with integer factors
 * dividing the grid, i.e. what {@code mrisr degrade} produces — gets the same closed form on the
 * mirror extension of the filtered axes, exactly; k-space truncation with integer factors turns out to
 * be circulant too and is solved in closed form; everything else (zero boundaries, non-integer
 * factors, grids not divisible by the factor, rigid motion, bias fields) uses conjugate gradients.
 * On 16×16×32 with factors 1,1,4 and a Gaussian profile, the closed form matches a double-precision
 * CG reference to about 1e-7 (relative), circular or mirrored.
 *
 * <p><b>Defaults.</b> Without {@code --model} the registered method uses the {@code unfolded.safetensors}
 * shipped with mrisr ({@link mrisr.sr.methods.BundledModels}) when the build has one. Without any
 * model the priors are a fixed TV proximal step (half-quadratic
 * splitting, 8 stages, {@code μ_k/γ_H} from 0.1 to 10 geometrically, λ = 0.005), chosen on a 48³
 * ellipsoid phantom and a 48³ brain phantom (4× through-plane, Gaussian profile, 1 % noise), where it
 * scored 38.9 and 24.4 dB against B-spline's 35.4 and 23.3 dB and the {@code tv} method's 38.9 and
 * 24.5 dB (0.4–1.0 s against 0.5–2.6 s on a shared two-core machine). On a 160×192×160 brain phantom
 * it scored 30.9 dB (B-spline 29.2, {@code tv} 31.0) in about a minute, as long as {@code tv}: each
 * stage costs one closed-form solve (two FFTs along the slice axis of the mirror-extended volume) and
 * 20 TV dual iterations.
 *
 * <p><b>Training.</b> {@code mrisr train --method unfolded} trains the learned stages end to end
 * ({@link mrisr.sr.methods.unfolding.UnfoldedTraining#bind}) on 32³ high-resolution patches, each
 * degraded alone through the acquisition of {@code --factor/--profile/--noise/--rician} so that the
 * pairs match the network's own data-consistency operator on the patch grid exactly. With
 * {@code --factor 1,1,4 --profile gaussian --noise 0.01 --rician} and the defaults (5 stages of 16
 * features, 600 steps of 2 patches, L1, Adam at 10⁻³; 653 s on two cores shared with other jobs,
 * load about 8) the held-out patches scored 27.46 dB against 24.69 dB for the B-spline and 26.04 dB
 * after the first 10 steps; the learned {@code μ_k/γ_H} stayed close to their 0.1 … 10
 * initialisation. On a held-out 160×192×160 phantom (seed 7, same acquisition, noise seed 3)
 * {@code mrisr sr --method unfolded --model} reached 33.08 dB against 31.58 dB for the fixed TV
 * prior and 30.13 dB for the B-spline (30 s against 15 s). Those numbers are for per-stage
 * priors on brain phantoms, normalised by the maximum, before the changes below.
 *
 * <p><b>Shared denoiser.</b> With {@code --prior dncnn} every stage's prior is one DnCNN (the
 * plug-and-play denoiser, {@code --init-denoiser}) with the stage's {@code λ_k} as its noise level,
 * started on the plug-and-play HQS schedule and fine-tuned end to end: before training the network
 * is plug-and-play HQS with an exact data-consistency step. The shipped model is of this kind (8
 * stages, head phantoms with PSF blur, 400 steps at 10⁻⁴): 34.34 dB on {@code ch2} with 4× Gaussian
 * slices and 1 % Rician noise, against 33.37 dB for {@code pnp-hqs} with the same denoiser and
 * 32.91 dB for {@code tv}; small per-stage priors trained from scratch reached 33.1 dB at best (see
 * {@code docs/decisions.md}).
 */
package mrisr.sr.methods.unfolding;
