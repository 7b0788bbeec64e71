/**
 * Attention blocks for super-resolution networks (survey §VI-B.5), as {@link mrisr.nn.Module}s whose
 * parameter names follow the reference implementations, so their PyTorch checkpoints load with
 * {@link mrisr.nn.Module#loadStateDict}:
 * <ul>
 *   <li>channel attention: {@link mrisr.nn.attention.ChannelAttention} (squeeze-and-excitation, RCAN's
 *       {@code CALayer}; CBAM's average-and-max variant);</li>
 *   <li>spatial attention: {@link mrisr.nn.attention.SpatialAttention} (CBAM's channel mean and max,
 *       a {@code k×k} convolution and a sigmoid);</li>
 *   <li>joint spatial-channel attention: {@link mrisr.nn.attention.Cbam} (channel, then spatial);</li>
 *   <li>self-attention: {@link mrisr.nn.attention.MultiHeadSelfAttention} over token sequences, and
 *       {@link mrisr.nn.attention.WindowAttention} with Swin's relative position bias inside
 *       (shifted) windows, assembled into {@link mrisr.nn.attention.SwinTransformerBlock} for 2-D
 *       images and 3-D volumes;</li>
 *   <li>cross-attention between two feature streams: {@link mrisr.nn.attention.CrossAttention} and the
 *       pre-norm {@link mrisr.nn.attention.CrossAttentionBlock};</li>
 *   <li>plumbing: {@link mrisr.nn.attention.Windows} (roll, window partition and merge, relative position
 *       index, shifted-window mask), {@link mrisr.nn.attention.Tokens} (maps ↔ token sequences) and the
 *       transformer {@link mrisr.nn.attention.Mlp}.</li>
 * </ul>
 * Channel and spatial gates take channels-first maps {@code [N, C, H, W]} or {@code [N, C, D, H, W]};
 * token layers take {@code [B, L, C]}. None of the blocks has dropout. Parity with PyTorch 1.13 is
 * tested against fixtures made by {@code nn/src/test/python/make_parity_fixtures.py}.
 */
package mrisr.nn.attention;
