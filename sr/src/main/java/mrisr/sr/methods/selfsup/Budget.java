package mrisr.sr.methods.selfsup;

import mrisr.sr.InputException;

/**
 * The size and training budget of a self-supervised method's network (see
 * {@link SelfSupervisedMethod} for what each value means).
 *
 * @param method           the method's name, for error messages
 * @param steps            Adam updates, ≥ 1
 * @param channels         feature channels, ≥ 1
 * @param blocks           residual blocks (SMORE) or hidden layers (ZSSR), ≥ 0 (each method may ask for more)
 * @param patch            side of the square training patches in voxels, ≥ 3
 * @param batch            patches per update, ≥ 1
 * @param learningRate     Adam's initial rate, finite and &gt; 0
 * @param timeLimitSeconds training stops after this many seconds; 0 = no limit
 */
record Budget(String method, int steps, int channels, int blocks, int patch, int batch, double learningRate,
        double timeLimitSeconds) {
    Budget {
        atLeast(method, "steps", steps, 1);
        atLeast(method, "channels", channels, 1);
        atLeast(method, "blocks", blocks, 0);
        atLeast(method, "patch", patch, 3);
        atLeast(method, "batch", batch, 1);
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new InputException(method + ": learning rate is " + learningRate + ", must be a finite number > 0");
        }
        if (!(timeLimitSeconds >= 0) || Double.isInfinite(timeLimitSeconds)) {
            throw new InputException(method + ": time limit is " + timeLimitSeconds + " s, must be finite and >= 0 (0 = none)");
        }
    }

    private static void atLeast(String method, String what, int value, int min) {
        if (value < min) throw new InputException(method + ": " + what + " is " + value + ", must be >= " + min);
    }

    Budget withSteps(int v) {
        return new Budget(method, v, channels, blocks, patch, batch, learningRate, timeLimitSeconds);
    }

    Budget withChannels(int v) {
        return new Budget(method, steps, v, blocks, patch, batch, learningRate, timeLimitSeconds);
    }

    Budget withBlocks(int v) {
        return new Budget(method, steps, channels, v, patch, batch, learningRate, timeLimitSeconds);
    }

    Budget withPatch(int v) {
        return new Budget(method, steps, channels, blocks, v, batch, learningRate, timeLimitSeconds);
    }

    Budget withBatch(int v) {
        return new Budget(method, steps, channels, blocks, patch, v, learningRate, timeLimitSeconds);
    }

    Budget withLearningRate(double v) {
        return new Budget(method, steps, channels, blocks, patch, batch, v, timeLimitSeconds);
    }

    Budget withTimeLimit(double seconds) {
        return new Budget(method, steps, channels, blocks, patch, batch, learningRate, seconds);
    }
}
