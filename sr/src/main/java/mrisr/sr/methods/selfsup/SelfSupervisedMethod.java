package mrisr.sr.methods.selfsup;

import mrisr.sr.methods.LearnedMethod;

/**
 * A super-resolution method that trains a small network on the input volume itself (survey
 * §V-A.3) and so needs no external data: {@link Smore} (through-plane) and {@link Zssr} (in-plane).
 * Settings are immutable; each {@code with…} returns a copy.
 *
 * <p>Cost: training does {@code steps · batch · patch²} pixel updates, and applying the network
 * touches every output voxel once per orientation; both scale with the network's
 * multiply-accumulates per pixel ({@code ≈ 18·blocks·channels²} for SMORE, {@code 9·blocks·channels²}
 * for ZSSR), so {@code steps},
 * {@code channels} and {@code blocks} trade time for quality.
 *
 * <pre>{@code
 * SelfSupervisedMethod quick = new Smore().withSteps(200).withChannels(8);
 * Volume sr = quick.run(lr, new SrContext(new double[] {1, 1, 4}, 42));
 * }</pre>
 */
public sealed interface SelfSupervisedMethod extends LearnedMethod permits Smore, Zssr {

    /** {@inheritDoc} {@code "trained on the input, 1000 steps"}: there is no shipped model to bind. */
    @Override
    default String prior() {
        return "trained on the input, " + steps() + " steps";
    }

    /** Adam updates (one batch of patches each). */
    int steps();

    /** Feature channels of the network. */
    int channels();

    /** Residual blocks (SMORE) or hidden convolution layers (ZSSR). */
    int blocks();

    /** Side of the square training patches in voxels (smaller when the images are). */
    int patch();

    /** Patches per update. */
    int batch();

    /** Adam's initial learning rate (annealed to 0 by a half cosine over the steps). */
    double learningRate();

    /** Training stops after this many seconds (0 = no limit); a run cut short is not reproducible. */
    double timeLimitSeconds();

    /** @param steps ≥ 1 */
    SelfSupervisedMethod withSteps(int steps);

    /** @param channels ≥ 1 */
    SelfSupervisedMethod withChannels(int channels);

    /** @param blocks ≥ 1 for SMORE, ≥ 0 for ZSSR */
    SelfSupervisedMethod withBlocks(int blocks);

    /** @param patch ≥ 3 */
    SelfSupervisedMethod withPatch(int patch);

    /** @param batch ≥ 1 */
    SelfSupervisedMethod withBatch(int batch);

    /** @param learningRate finite, &gt; 0 */
    SelfSupervisedMethod withLearningRate(double learningRate);

    /** @param seconds finite, ≥ 0; 0 removes the limit */
    SelfSupervisedMethod withTimeLimit(double seconds);
}
