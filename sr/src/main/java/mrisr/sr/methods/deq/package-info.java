/**
 * Deep-equilibrium super-resolution (survey §IV-C, Eq. 5): {@link mrisr.sr.methods.deq.DeqMethod}
 * ({@code --method deq}) computes the fixed point of {@code x = R_θ(x + γHᵀ(y − Hx))} with the
 * domain-free solvers and implicit-differentiation layer of {@link mrisr.nn.deq};
 * {@link mrisr.sr.methods.deq.DeqPrior} is the prior network {@code R_θ} (a trained one from a
 * safetensors file: {@code --model}, else the {@code deq.safetensors} shipped with mrisr
 * ({@link mrisr.sr.methods.BundledModels}) when the build has one, else a fixed smoothing prior), and
 * {@link mrisr.sr.methods.deq.DeqNetwork} the whole pipeline as a trainable module.
 *
 * <pre>{@code
 * Volume sr = new DeqMethod().run(lr, SrContext.of(1, 1, 4));
 * }</pre>
 */
package mrisr.sr.methods.deq;
