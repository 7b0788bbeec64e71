/**
 * Trained super-resolution networks (survey §V supervised / degradation-based learning, §VI-B/C
 * upsamplers and residual learning): {@link mrisr.sr.nets.Srcnn3d} and {@link mrisr.sr.nets.Edsr3d},
 * their {@link mrisr.sr.nets.Architecture}, the model file ({@link mrisr.sr.nets.SrModel}), training
 * batches and validation ({@link mrisr.sr.nets.SrBatches}, {@link mrisr.sr.nets.SrValidation}; the
 * loop itself is {@link mrisr.nn.train.Trainer}), tiled inference ({@link mrisr.sr.nets.SlidingWindow})
 * and the registered methods {@code srcnn3d} and {@code edsr3d} ({@link mrisr.sr.nets.NetworkMethod}).
 * The package also holds the networks other methods train or load themselves:
 * {@link mrisr.sr.nets.DnCnn} (the plug-and-play denoiser), {@link mrisr.sr.nets.SmoreNet} and
 * {@link mrisr.sr.nets.ZssrNet} (self-supervised SMORE and ZSSR).
 *
 * <h2>What the networks compute</h2>
 * Every network predicts a residual over the cubic B-spline interpolation {@code U} of the input
 * {@code y} (global residual learning), on intensities divided by the input's 99.5th percentile
 * ({@link mrisr.sr.data.IntensityScale}):
 * <pre>
 *   pre-upsampling:  x̂ = U(y) + R_θ(U(y))        layers on the high-resolution grid
 *   sub-pixel:       x̂ = U(y) + shuffle_r(R_θ(y)) layers on the low-resolution grid
 * </pre>
 * The output layer starts at zero, so an untrained network is the B-spline baseline and training only
 * ever adds to it.
 *
 * <h2>Pre-upsampling or sub-pixel</h2>
 * Sub-pixel networks are {@code r³} times cheaper per layer (for {@code 2,2,2}, 8×) and see
 * {@code r} times more context for the same receptive field, but {@link mrisr.nn.PixelShuffle3d}
 * shuffles the same factor on every axis. For anisotropic acquisitions — thick slices, {@code 1,1,4}
 * — the natural choice is pre-upsampling: {@code U(y)} is already on the target grid, the network
 * works there and only has to restore what the slice profile removed along the slice axis. So
 * {@code mrisr train} defaults to sub-pixel when all factors are equal and to pre-upsampling
 * otherwise ({@link mrisr.sr.nets.Upsampling#defaultFor}); a pre-upsampling model also runs at
 * factors it was not trained for (with a warning), a sub-pixel one only at its own.
 *
 * <h2>Training data</h2>
 * {@link mrisr.sr.data.PatchSampler} cuts a region around each patch from a high-resolution volume,
 * flips it and permutes equivalent axes, degrades it with the forward model of {@code mrisr degrade}
 * ({@link mrisr.sr.data.TrainingDegradation}) and interpolates it; its margins make the patches equal
 * to what whole-volume degradation and interpolation give, so training sees what inference sees.
 *
 * <h2>Memory of inference</h2>
 * {@link mrisr.sr.nets.SlidingWindow} runs tiles of {@code P³} input voxels with an overlap of twice
 * the receptive-field radius (which makes the tiled result equal to a whole-volume pass). Besides the
 * input, its B-spline interpolation and the output (three arrays of the output's size for
 * pre-upsampling, 4 bytes a voxel each), a tile needs about {@code 4·C·P³} floats of activations for
 * EDSR-3D ({@code (C₁ + C₂ + r³)·P³} for SRCNN-3D) plus its output: with {@code mrisr sr}'s default
 * {@code --patch 96} (output voxels) and the default EDSR-3D ({@code C = 16}) that is about 35 MB for
 * sub-pixel ×2 (48³ tiles) and 230 MB for pre-upsampling (96³ tiles), whatever the volume size; a
 * smaller {@code --patch} lowers it with the cube of the tile edge.
 *
 * <h2>Defaults and what they reach</h2>
 * {@code mrisr train --method edsr3d --data phantom}: EDSR-3D with 16 features and 2 blocks, sub-pixel
 * ×2, patches of 24³ high-resolution voxels, batch 4, L1 loss, Adam at 3·10⁻³ after a 100-step linear
 * warm-up with cosine decay to 1 %, 2000 steps on four 160×192×160 brain phantoms. Measured on a
 * shared two-core machine: 173 s of training; on a held-out phantom ({@code mrisr phantom --seed 7},
 * degraded with {@code mrisr degrade --factor 2,2,2}) PSNR 34.87 dB against 31.84 dB for the cubic
 * B-spline (+3.04 dB), SSIM 0.986 against 0.968, HFEN 0.073 against 0.244. What the tuning runs
 * showed (validation patches): the warm-up was worth about +0.5 dB at 600 steps; 16 features beat 8
 * (+2.9 against +1.9 dB after 3000 steps); 3·10⁻³ beat 2·10⁻³, 5·10⁻³ and 8·10⁻³ for the small
 * network; L1 beat MSE for EDSR-3D, while SRCNN-3D needs MSE (with L1 its ReLUs collapsed onto the
 * zero residual, the median of the targets).
 *
 * <h2>The plug-and-play denoiser</h2>
 * {@code mrisr train --method dncnn --data phantom} trains {@link mrisr.sr.nets.DnCnn} on clean
 * 32³ patches ({@link mrisr.sr.data.CleanPatchSampler}, each volume divided by its maximum as the
 * plug-and-play methods normalise) plus Gaussian noise of a level {@code σ ~ U(0, 0.1]} that it also
 * takes as its second input ({@link mrisr.sr.nets.DenoiserBatches}), and scores held-out patches at
 * σ = 0.01, 0.03 and 0.1 against the noisy input ({@link mrisr.sr.nets.DenoiserValidation}). The
 * default network, 6 layers of 16 channels, is sized for plug-and-play, which calls it on the whole
 * volume at every iteration: one call on a 181×217×181 volume took 10 s on two cores shared with
 * other jobs (load about 5), against 17 s for 5 × 24 and 24 s for 6 × 24. Measured with the defaults
 * (800 steps of 4 patches, L1 loss, Adam at 10⁻³; 207 s on two shared cores): mean validation PSNR
 * 36.11 dB against 30.15 dB for the noisy input — 42.99 / 36.25 / 29.08 dB at σ = 0.01 / 0.03 /
 * 0.1 against 40.00 / 30.45 / 20.00 dB. The mean squared error instead of L1 let the large-σ
 * patches dominate: after 300 steps it gained +0.02 dB at σ = 0.01, L1 +2.0 dB. As the prior of
 * {@code pnp-hqs} on a held-out 160×192×160 phantom (seed 7; 1,1,4, Gaussian profile, 1 % Rician
 * noise) it scored 31.88 dB against 31.69 dB for TV and 30.13 dB for the B-spline with the default
 * schedule, which was tuned for TV (λ = 0.3); with {@code --lambda 3}, 32.15 dB (57 s for the 8
 * iterations).
 *
 * <pre>{@code
 * SrModel m = SrModel.load(Path.of("edsr3d.safetensors"));
 * Volume sr = NetworkMethod.named("edsr3d").withModel(m, 48, -1).run(lr, SrContext.of(2, 2, 2));
 * }</pre>
 */
package mrisr.sr.nets;
