/**
 * The generic training loop and its plumbing, independent of what is being learned:
 * {@link mrisr.nn.train.Trainer} (steps, learning-rate schedule, gradient clipping, validation,
 * checkpoints, resume, NaN guard), {@link mrisr.nn.train.BatchSource} (batches as a pure function of
 * the step and its generator), {@link mrisr.nn.train.Checkpoint} (atomic safetensors checkpoints of
 * weights, optimiser state, step and seed), {@link mrisr.nn.train.TrainingLog} (JSON lines) and
 * {@link mrisr.nn.train.Progress} (a progress line with ETA).
 *
 * <pre>{@code
 * Trainer.builder(model, new Adam(model.parameters(), 1e-3), new L1Loss(), source)
 *         .steps(1000).seed(1).checkpoint(Path.of("run.ckpt"), 100).build().run();
 * }</pre>
 */
package mrisr.nn.train;
