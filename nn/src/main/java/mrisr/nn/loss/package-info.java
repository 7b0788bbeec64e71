/**
 * The loss functions of the survey's Table I (Section VI-A), each differentiable through the
 * engine's autograd:
 * <ul>
 *   <li>voxel-wise: {@link mrisr.nn.loss.L1Loss} (Eq. 6), {@link mrisr.nn.loss.MseLoss} (Eq. 7),
 *       {@link mrisr.nn.loss.CharbonnierLoss} (Eq. 8);</li>
 *   <li>feature-wise: {@link mrisr.nn.loss.PerceptualLoss} (Eq. 9), {@link mrisr.nn.loss.StyleLoss} (Eq. 10);</li>
 *   <li>GAN-based: {@link mrisr.nn.loss.AdversarialLoss} (Eq. 11: vanilla, non-saturating, relativistic
 *       average), {@link mrisr.nn.loss.CycleConsistencyLoss} (Eq. 12);</li>
 *   <li>prior-based: {@link mrisr.nn.loss.TotalVariationLoss} (Eq. 13), {@link mrisr.nn.loss.PhysicsLoss}
 *       (Eq. 14), {@link mrisr.nn.loss.HistogramLoss} (Eq. 15), {@link mrisr.nn.loss.EdgeLoss} (Eq. 16);</li>
 *   <li>metric-based: {@link mrisr.nn.loss.SsimLoss} (Eq. 17), {@link mrisr.nn.loss.MsSsimL1Loss}
 *       (Zhao et al.'s mix).</li>
 * </ul>
 * Inputs are batched images {@code [N, C, H, W]} or volumes {@code [N, C, D, H, W]} where the loss has
 * spatial structure; shapes are validated with {@link mrisr.engine.ShapeException}s naming the loss.
 */
package mrisr.nn.loss;
