package mrisr.nn.train;

import mrisr.engine.Rng;

/**
 * Where a {@link Trainer} gets its batches. A source must be a pure function of the step number and
 * the generator it is given: all randomness (which sample, which crop, which augmentation, which
 * noise) is drawn from {@code rng}, which the trainer derives from the run's seed and the step
 * ({@link Trainer#stepRng}). That is what makes a resumed run bit-identical to an uninterrupted one
 * without saving any generator state.
 *
 * <pre>{@code
 * BatchSource source = (step, rng) -> {
 *     Tensor x = Tensor.randn(rng, 8, 1, 12, 12, 12);
 *     return new Batch(x, x.mul(2));
 * };
 * }</pre>
 */
@FunctionalInterface
public interface BatchSource {
    /**
     * The batch for 0-based step {@code step}.
     *
     * @param rng the step's generator (advanced; the source may draw as much as it needs)
     */
    Batch batch(long step, Rng rng);
}
