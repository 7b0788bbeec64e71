package mrisr.sr.methods.selfsup;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.Module;
import mrisr.nn.loss.L1Loss;
import mrisr.nn.optim.Adam;
import mrisr.nn.optim.CosineAnnealingLR;
import mrisr.nn.optim.LrScheduler;
import mrisr.nn.optim.Optimizer;

/**
 * The per-volume training loop shared by the self-supervised methods: {@code steps} Adam updates of
 * the L1 loss {@code mean |net(x) − y|} on batches of patches drawn from a {@link PairSet}, with the
 * learning rate annealed by a half cosine from {@code lr} to 0 over the steps.
 *
 * <p>Everything random comes from the given {@link Rng}, and the engine's kernels do not depend on
 * the thread count, so the trained weights are bit-identical for the same seed, unless the time
 * limit cuts training short (then the step count depends on the machine's speed). A progress line
 * (step, mean loss since the last line, elapsed time, estimated time left) goes out about every
 * tenth of the steps.
 *
 * <p>Small inputs are not trained past {@link #MAX_PASSES} passes over their pixels: the step count
 * is {@code min(steps, ⌈MAX_PASSES · pixels / (batch · p²)⌉)} (see {@link #steps}), which only
 * volumes of a few thousand in-plane voxels reach.
 */
final class PatchTraining {
    /** Progress lines per training run (plus the final one). */
    static final int REPORTS = 10;

    /** The most times the patches of one run cover the training pixels, on average. */
    static final int MAX_PASSES = 50;

    private PatchTraining() {}

    /** The steps a run takes: the budget's, capped at {@value #MAX_PASSES} passes over the pairs' pixels. */
    static int steps(Budget budget, PairSet pairs) {
        int p = pairs.patchSide(budget.patch());
        double perStep = (double) budget.batch() * p * p;
        double cap = Math.ceil(MAX_PASSES * (double) pairs.pixels() / perStep);
        return (int) Math.max(1, Math.min(budget.steps(), cap));
    }

    /**
     * What a training run did.
     *
     * @param losses the loss of each step taken, in order
     * @param timedOut whether the time limit stopped training before the planned steps
     */
    record Log(double[] losses, boolean timedOut) {
        int steps() {
            return losses.length;
        }
    }

    /**
     * Trains {@code net} in place.
     *
     * @param net      the network, {@code [N, 1, p, p] → [N, 1, p, p]} (its parameters are modified)
     * @param pairs    the training pairs (not modified)
     * @param budget   steps (capped by {@link #steps}), batch, patch side, learning rate and time limit
     * @param rng      draws the patches (advanced)
     * @param method   names the method in progress lines
     * @param data     describes the pairs in the first progress line, e.g. {@code "48 in-plane slices"}
     * @param progress receives the progress lines
     */
    static Log train(Module net, PairSet pairs, Budget budget, Rng rng, String method, String data, Consumer<String> progress) {
        int steps = steps(budget, pairs), batch = budget.batch();
        int p = pairs.patchSide(budget.patch());
        progress.accept(String.format(Locale.ROOT, "%s: training a %d-parameter network on %s, %d steps of %d patches %dx%d%s", method,
                net.parameterCount(), data, steps, batch, p, p, steps < budget.steps()
                        ? " (capped at " + MAX_PASSES + " passes over the " + pairs.pixels() + " training pixels)" : ""));
        Optimizer opt = new Adam(net.parameters(), budget.learningRate());
        LrScheduler schedule = new LrScheduler(opt, new CosineAnnealingLR(steps, 0));
        L1Loss l1 = new L1Loss();
        float[] in = new float[batch * p * p], out = new float[batch * p * p];
        double[] losses = new double[steps];
        int every = Math.max(1, (steps + REPORTS - 1) / REPORTS);
        long start = System.nanoTime();
        double sinceReport = 0;
        int taken = 0;
        boolean timedOut = false;
        net.train();
        while (taken < steps) {
            pairs.sample(rng, batch, p, in, out);
            Tensor x = Tensor.fromArray(in, batch, 1, p, p);
            Tensor y = Tensor.fromArray(out, batch, 1, p, p);
            opt.zeroGrad();
            Tensor loss = l1.compute(net.forward(x), y);
            loss.backward();
            opt.step();
            schedule.step();
            losses[taken] = loss.item();
            sinceReport += losses[taken];
            taken++;
            double elapsed = (System.nanoTime() - start) / 1e9;
            timedOut = budget.timeLimitSeconds() > 0 && elapsed >= budget.timeLimitSeconds() && taken < steps;
            if (taken % every == 0 || taken == steps || timedOut) {
                int n = taken % every == 0 ? every : taken % every;
                progress.accept(String.format(Locale.ROOT, "%s: training step %d/%d, loss %.4g, %s elapsed, ETA %s", method, taken,
                        steps, sinceReport / n, seconds(elapsed), seconds(elapsed / taken * (steps - taken))));
                sinceReport = 0;
            }
            if (timedOut) {
                progress.accept(String.format(Locale.ROOT, "%s: time limit of %s reached, stopping after %d of %d steps", method,
                        seconds(budget.timeLimitSeconds()), taken, steps));
                break;
            }
        }
        net.eval();
        return new Log(Arrays.copyOf(losses, taken), timedOut);
    }

    /** {@code 12 s}, {@code 3 min 05 s}. */
    static String seconds(double s) {
        long r = Math.round(s);
        return r < 60 ? r + " s" : String.format(Locale.ROOT, "%d min %02d s", r / 60, r % 60);
    }
}
