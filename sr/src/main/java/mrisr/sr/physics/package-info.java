/**
 * Physics forward models of MRI super-resolution (survey §II, Eq. 1–2, and §XIII-H): the
 * degradation {@code y = D_s(K ⊗ Γ(x)) + n} as composable linear operators with exact adjoints.
 *
 * <ul>
 *   <li>{@link mrisr.sr.physics.LinearOperator}: {@code apply}, {@code adjoint}, composition, normal
 *       operator, power-method norm and CG Tikhonov solve; every operator is listed in
 *       {@link mrisr.sr.physics.Operators#catalogue()}, which the adjoint and norm tests iterate over.</li>
 *   <li>Blur {@code K}: {@link mrisr.sr.physics.Blur} with {@link mrisr.sr.physics.SliceProfile}s
 *       (rect, Gaussian, trapezoid; FWHM = slice thickness) and {@link mrisr.sr.physics.Boundary} modes.</li>
 *   <li>Sampling {@code ↓s}: {@link mrisr.sr.physics.Downsampling} (decimation, area weights, fused
 *       profile sampling) and {@link mrisr.sr.physics.KSpaceTruncation}; {@link mrisr.sr.physics.FourierTransform}.</li>
 *   <li>Geometry {@code Γ}: {@link mrisr.sr.physics.RigidTransform}; intensity bias: {@link mrisr.sr.physics.BiasField}.</li>
 *   <li>Noise {@code n}: {@link mrisr.sr.physics.Noise} (Gaussian, Rician).</li>
 *   <li>{@link mrisr.sr.physics.Degradation}: the whole model with pinned defaults, used by {@code mrisr degrade}.</li>
 * </ul>
 *
 * <p>Operators work on CPU volumes {@code [nx, ny, nz]} in float32 and accumulate in double. Results
 * do not depend on the number of threads.
 */
package mrisr.sr.physics;
