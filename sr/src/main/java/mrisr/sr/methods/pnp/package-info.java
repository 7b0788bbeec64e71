/**
 * Plug-and-play super-resolution (survey §IV-A, Algorithm 1): model-based iterations on the forward
 * model {@code y = Hx + n} of {@link mrisr.sr.methods.SrContext#forwardModel()} whose prior is a
 * Gaussian denoiser {@code D_σ}, plugged in through {@link mrisr.sr.methods.pnp.Denoiser}.
 *
 * <ul>
 *   <li>{@link mrisr.sr.methods.pnp.PnpHqs} ({@code pnp-hqs}): half-quadratic splitting,
 *       alternating the data-consistency step {@code (HᵀH + μ_k I)x = Hᵀy + μ_k z} (warm-started CG)
 *       and the denoising step {@code z = D_{σ_k}(x)}.</li>
 *   <li>{@link mrisr.sr.methods.pnp.PnpAdmm} ({@code pnp-admm}): ADMM, the same two steps plus a
 *       scaled dual variable.</li>
 *   <li>{@link mrisr.sr.methods.pnp.Red} ({@code red}): regularisation by denoising, fixed-point
 *       iterations on {@code ½‖Hx − y‖² + (μ/2)xᵀ(x − D_σ(x))}.</li>
 * </ul>
 * σ decreases geometrically and μ grows as {@code 1/σ²} along a {@link mrisr.sr.methods.pnp.Schedule}
 * whose end is tied to the noise level estimated from the input. Denoisers:
 * {@link mrisr.sr.methods.pnp.TvDenoiser} (the isotropic 3-D TV proximal operator, FISTA on the
 * dual; the default), {@link mrisr.sr.methods.pnp.NlmDenoiser} (3-D non-local means) and
 * {@link mrisr.sr.methods.pnp.LearnedDenoiser} (a network taking the volume and a σ map, such as
 * {@link mrisr.sr.nets.DnCnn}); {@link mrisr.sr.methods.pnp.DenoiserOption} parses the command-line
 * choice {@code tv|nlm|learned|FILE.safetensors}. The registered methods use the DnCNN shipped with
 * mrisr ({@code dncnn.safetensors} of {@link mrisr.sr.methods.BundledModels}) when the build has one
 * and TV otherwise, and their description and first progress line say which. All methods normalise
 * each frame by its largest magnitude,
 * start from the cubic B-spline interpolation, report one progress line per iteration to
 * {@link mrisr.sr.methods.SrContext#progress()}, and give bit-identical results for any thread count.
 *
 * <h2>How the defaults were chosen</h2>
 * The schedules were tuned for the TV prior (a shipped learned denoiser runs with the same ones),
 * only on the brain phantom ({@link mrisr.sr.data.Phantoms#brain}, seed 1) — never on the real
 * evaluation volume ({@code ch2}): a central 96×112×96 crop of the 160×192×160, 1 mm phantom,
 * degraded 4× through-plane with the default Gaussian slice profile and 1 % Gaussian noise (0 % and
 * 3 % to check robustness), TV denoiser, PSNR against the phantom (cubic B-spline: 25.87 dB at 1 %,
 * 26.02 dB at 0 %, 24.87 dB at 3 %). One-at-a-time sweeps over K ∈ {6, 8, 12, 16}, the start σ ∈
 * {0.05, 0.1, 0.2}, σ_end/σ̂ ∈ {0.25, 0.5, 0.75, 1, 2, 3, 4} and λ ∈ {0.03 … 10}:
 * <ul>
 *   <li>{@code pnp-hqs}: K = 8, σ 0.1 → 0.75·σ̂, λ = 0.3 (28.10 dB at 1 %, 27.16 dB at 3 %). The
 *       optimum is a ridge in (σ_end/σ̂, λ): 0.5/0.3, 0.5/1, 1/0.1 and 1/0.3 were all within
 *       0.1 dB at 1 %; 0.75 kept the 3 % case within 0.06 dB of its best and suits the NLM prior
 *       too (28.98 dB, against 28.36 dB at 0.5). K = 12 or 16 gained ≤ 0.04 dB; the start σ moved
 *       the result by ≤ 0.08 dB.</li>
 *   <li>{@code pnp-admm}: K = 8, σ 0.1 → 0.75·σ̂, λ = 0.5 (28.20 dB at 1 %, 28.40 dB at 0 %,
 *       27.21 dB at 3 %); neighbouring settings were within 0.1 dB.</li>
 *   <li>{@code red}: K = 15, σ = 0.5·σ̂, λ = 1 (27.97 dB at 1 %, 28.18 dB at 0 %, 26.89 dB at 3 %).
 *       The fixed point depends mostly on the product of λ and σ_end/σ̂; a small σ with a large λ
 *       was the most robust to the noise level (larger σ over-fitted the 3 % case by up to 0.6 dB).</li>
 *   <li>Smallest σ_end 0.005 (for clean inputs); CG at most {@value mrisr.sr.methods.pnp.PnpMethod#DEFAULT_CG_ITERATIONS}
 *       iterations to a relative residual of 1e-4 per step (warm-started, it needs 1–6); TV prox at
 *       most 50 FISTA iterations to a relative change of 1e-4, weight 1·σ.</li>
 * </ul>
 *
 * <h2>Measured on the whole phantom</h2>
 * 160×192×160 brain phantom (seed 1), 4× through-plane, Gaussian profile, 1 % noise (noise seed 3),
 * PSNR over the whole volume: cubic B-spline 30.17 dB; {@code pnp-hqs} 32.09 dB, {@code pnp-admm}
 * 32.12 dB, {@code red} 31.99 dB (the {@code tv} method: 32.02 dB); with the NLM prior
 * {@code pnp-hqs} 32.92 dB, {@code pnp-admm} 32.50 dB, {@code red} 31.54 dB. Wall times on 2 cores
 * shared with other jobs (load about 15) were 95–107 s for the TV prior and 97–265 s for NLM (one
 * NLM pass over the volume: about 8 s).
 *
 * <pre>{@code
 * Volume lr = Degradation.builder().factors(1, 1, 4).noise(0.01).build().apply(hr);
 * Volume sr = Methods.get("pnp-admm").run(lr, SrContext.of(1, 1, 4).withProgress(System.err::println));
 * Volume nlm = DenoiserOption.apply(Methods.get("pnp-hqs"), "nlm", BundledModels.classpath()).run(lr, SrContext.of(1, 1, 4));
 * }</pre>
 */
package mrisr.sr.methods.pnp;
