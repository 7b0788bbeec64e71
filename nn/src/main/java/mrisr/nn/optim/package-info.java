/**
 * Training machinery with PyTorch's exact update rules: optimisers ({@link mrisr.nn.optim.Sgd},
 * {@link mrisr.nn.optim.Adam}, {@link mrisr.nn.optim.AdamW}) over {@link mrisr.nn.optim.ParamGroup}s,
 * learning-rate schedules in closed form ({@link mrisr.nn.optim.StepLR},
 * {@link mrisr.nn.optim.CosineAnnealingLR}, {@link mrisr.nn.optim.LinearLR}, chained with
 * {@link mrisr.nn.optim.LrSchedule#then}) driven by an {@link mrisr.nn.optim.LrScheduler}, gradient
 * clipping ({@link mrisr.nn.optim.ClipGrad}) and weight averaging ({@link mrisr.nn.optim.Ema}).
 * Trajectories match PyTorch 1.13 to about 4e-7 relative over 20 steps ({@code OptimizerParityTest}).
 *
 * <pre>{@code
 * Optimizer opt = new AdamW(model.parameters(), 2e-4);
 * LrScheduler schedule = new LrScheduler(opt, new LinearLR(0.1, 1, 500).then(500, new CosineAnnealingLR(9500, 1e-6)));
 * for (int it = 0; it < 10000; it++) {
 *     opt.zeroGrad();
 *     loss(model).backward();
 *     ClipGrad.clipGradNorm(model.parameters(), 1.0);
 *     opt.step();
 *     schedule.step();
 * }
 * }</pre>
 */
package mrisr.nn.optim;
