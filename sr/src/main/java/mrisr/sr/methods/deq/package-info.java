/**
 * Deep-equilibrium super-resolution (survey §IV-C, Eq. 5): {@link mrisr.sr.methods.deq.DeqMethod}
 * ({@code --method deq}) computes the fixed point of {@code x = R_θ(x + γHᵀ(y − Hx))} with the
 * domain-free solvers and implicit-differentiation layer of {@link mrisr.nn.deq};
 * {@link mrisr.sr.methods.deq.DeqPrior} is the prior network {@code R_θ} (a trained one from a
 * safetensors file: {@code --model}, else the {@code deq.safetensors} shipped with mrisr
 * ({@link mrisr.sr.methods.BundledModels}) when the build has one, else a fixed smoothing prior), and
 * {@link mrisr.sr.methods.deq.DeqNetwork} the whole pipeline as a trainable module.
 *
 * <p><b>Training.</b> {@code mrisr train --method deq} trains {@code R_θ} end to end through the
 * fixed point (implicit differentiation; {@code --gradient jacobian-free} for the cheaper
 * approximation) on 32³ patches each degraded alone, starting from the smoothing prior, with a
 * penalty on the gain of the map at the training fixed points ({@link mrisr.sr.methods.deq.DeqNetwork#gain})
 * that keeps the iteration convergent. With {@code --factor 1,1,4 --profile gaussian --noise 0.01
 * --rician} and the defaults (8 hidden channels, 300 steps of 2 patches, mean squared error, Adam at
 * 10⁻³; 442 s on two cores shared with other jobs) the held-out patches scored 26.79 dB against
 * 26.43 dB for the smoothing prior and 24.69 dB for the B-spline; on a held-out 160×192×160 phantom
 * (seed 7, same acquisition, noise seed 3) {@code mrisr sr --method deq --model} reached 32.30 dB
 * against 31.21 dB without a model and 30.13 dB for the B-spline, converging in 15 Anderson
 * iterations to a relative residual of 8.6·10⁻⁵.
 *
 * <pre>{@code
 * Volume sr = new DeqMethod().run(lr, SrContext.of(1, 1, 4));
 * }</pre>
 */
package mrisr.sr.methods.deq;
