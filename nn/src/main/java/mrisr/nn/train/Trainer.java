package mrisr.nn.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import mrisr.engine.Grad;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.Module;
import mrisr.nn.Parameter;
import mrisr.nn.loss.Loss;
import mrisr.nn.optim.ClipGrad;
import mrisr.nn.optim.LrSchedule;
import mrisr.nn.optim.Optimizer;
import mrisr.nn.optim.ParamGroup;

/**
 * The generic training loop: for steps {@code t = s₀ … T−1}
 * <pre>
 *   rng   = stepRng(seed, t)                      fresh generator, a pure function of (seed, t)
 *   (x,y) = source.batch(t, rng)
 *   lr_g  = schedule.lr(initialLr_g, t)           for every parameter group g (constant without a schedule)
 *   L     = loss(model(x), y);  ∇ = ∂L/∂θ         stop if L or ‖∇‖₂ is NaN/∞ (θ not updated)
 *   clip ∇ to maxNorm (optional);  optimizer.step()  stop if a parameter became NaN/∞ (an overflowing update)
 * </pre>
 * with, after step {@code t + 1}: a progress line, a JSON-lines record ({@link TrainingLog}), a
 * validation score every {@code validateEvery} steps and a {@link Checkpoint} every
 * {@code checkpointEvery} steps (both also after the last step of the run or of the session).
 *
 * <p>Determinism and resuming: the batch of step {@code t} depends only on the seed and {@code t},
 * and everything else a step reads — weights, optimiser moments and step counts, learning rates —
 * is in the checkpoint as exact float32. So {@link #resume} from a checkpoint of step {@code k}
 * produces bit-identical weights to an uninterrupted run (the engine's kernels are deterministic for
 * any thread count). No generator state needs saving: generators never outlive their step.
 *
 * <p>Failure: a non-finite loss or gradient norm throws {@link NonFiniteLossException} naming the
 * step before the bad update is applied; an update that makes a parameter non-finite throws it right
 * after. Either way no checkpoint of that step is written, so the last checkpoint holds the last good
 * state.
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder(model, new Adam(model.parameters(), 1e-3), new L1Loss(), source)
 *         .steps(2000).seed(7).schedule(new CosineAnnealingLR(2000, 0))
 *         .checkpoint(Path.of("run.ckpt"), 100).log(TrainingLog.append(Path.of("run.jsonl")))
 *         .validation(Validation.of("val_psnr", m -> psnr(m)), 100)
 *         .build();
 * Trainer.Result r = trainer.run();      // or trainer.resume(Checkpoint.read(Path.of("run.ckpt")))
 * }</pre>
 */
public final class Trainer {
    private final Module model;
    private final Optimizer optimizer;
    private final Loss loss;
    private final BatchSource source;
    private final long steps, seed;
    private final LrSchedule schedule;
    private final double clipNorm;
    private final Path checkpointPath;
    private final int checkpointEvery;
    private final TrainingLog log;
    private final Progress progress;
    private final Validation validation;
    private final int validateEvery;
    private final Map<String, String> metadata;
    private final long stopAfter;

    private Trainer(Builder b) {
        model = b.model;
        optimizer = b.optimizer;
        loss = b.loss;
        source = b.source;
        steps = b.steps;
        seed = b.seed;
        schedule = b.schedule;
        clipNorm = b.clipNorm;
        checkpointPath = b.checkpointPath;
        checkpointEvery = b.checkpointEvery;
        log = b.log;
        progress = b.progress;
        validation = b.validation;
        validateEvery = b.validateEvery;
        metadata = Map.copyOf(b.metadata);
        stopAfter = b.stopAfter;
    }

    /**
     * A builder for a run of {@code model} trained by {@code optimizer} (which must own the model's
     * trainable parameters) on batches from {@code source}, minimising {@code loss}.
     */
    public static Builder builder(Module model, Optimizer optimizer, Loss loss, BatchSource source) {
        return new Builder(model, optimizer, loss, source);
    }

    /**
     * The generator of step {@code step} of a run seeded {@code seed}: {@code Rng(mix(mix(seed) + step·φ))}
     * with SplitMix64's finaliser {@code mix} and the golden-ratio increment φ, so neighbouring steps
     * and seeds give unrelated streams.
     */
    public static Rng stepRng(long seed, long step) {
        return new Rng(mix(mix(seed) + step * 0x9E3779B97F4A7C15L));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * What a run ended with.
     *
     * @param step     completed steps
     * @param finished whether all configured steps are done (false when the session stopped early, see
     *                 {@link Builder#stopAfter})
     * @param loss     the loss of the last step of this session (NaN when no step ran)
     * @param metric   the last validation score of this session (NaN when none was computed)
     * @param seconds  wall time of this session
     */
    public record Result(long step, boolean finished, double loss, double metric, double seconds) {}

    /** Trains from step 0. */
    public Result run() throws IOException {
        return train(0, null);
    }

    /**
     * Restores {@code checkpoint} into the model and optimiser and continues to the configured step
     * count; a checkpoint at or past it returns at once.
     *
     * @throws IllegalArgumentException when the checkpoint's seed differs from this run's
     */
    public Result resume(Checkpoint checkpoint) throws IOException {
        if (checkpoint.seed() != seed) {
            throw new IllegalArgumentException("the checkpoint was written by a run with seed " + checkpoint.seed()
                    + ", this run has seed " + seed + "; resuming with another seed would not continue the same run");
        }
        checkpoint.restore(model, optimizer);
        return train(checkpoint.step(), checkpoint);
    }

    private Result train(long start, Checkpoint from) throws IOException {
        long t0 = System.nanoTime();
        Path lastCheckpoint = null;
        long lastCheckpointStep = -1;
        if (checkpointPath != null) {
            for (Path p : Checkpoint.deleteStaleTemporaries(checkpointPath)) {
                message("deleted " + p.getFileName() + ", a temporary file left by an interrupted checkpoint write");
            }
        }
        if (from != null && checkpointPath != null) {
            lastCheckpoint = checkpointPath;
            lastCheckpointStep = start;
        }
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("step", start);
        head.put("steps", steps);
        head.put("seed", seed);
        head.put("parameters", model.trainableParameterCount());
        head.putAll(metadata);
        record(from == null ? "start" : "resume", head);
        if (start >= steps) {
            message("the checkpoint is at step " + start + ", nothing left to do for " + steps + " steps");
            return new Result(start, true, Double.NaN, Double.NaN, 0);
        }
        if (progress != null) progress.start(start + 1);
        List<Parameter> params = optimizer.params();
        double value = Double.NaN, metric = Double.NaN;
        long end = stopAfter > 0 ? Math.min(steps, start + stopAfter) : steps;
        model.train();
        for (long t = start; t < end; t++) {
            long stepNo = t + 1;
            Batch batch = source.batch(t, stepRng(seed, t));
            double lr = setLearningRates(t);
            optimizer.zeroGrad();
            Tensor l = loss.compute(model.forward(batch.input()), batch.target());
            value = l.item();
            if (!Double.isFinite(value)) stop("loss", stepNo, value, lastCheckpoint, lastCheckpointStep);
            l.backward();
            double gradNorm = gradientNorm(params);
            if (!Double.isFinite(gradNorm)) stop("gradient norm", stepNo, gradNorm, lastCheckpoint, lastCheckpointStep);
            if (clipNorm > 0) ClipGrad.clipGradNorm(params, clipNorm);
            optimizer.step();
            optimizer.zeroGrad();
            float bad = firstNonFinite(params);
            if (!Float.isFinite(bad)) stop("a parameter after the update", stepNo, bad, lastCheckpoint, lastCheckpointStep);
            double seconds = (System.nanoTime() - t0) / 1e9;
            record("step", fields("step", stepNo, "loss", value, "lr", lr, "grad_norm", gradNorm, "seconds", seconds));
            if (progress != null) progress.step(stepNo, steps, value, lr);
            boolean last = stepNo == end;
            if (validation != null && (last || stepNo % validateEvery == 0)) {
                metric = validate();
                record("validation", fields("step", stepNo, validation.metric(), metric));
                if (progress != null) progress.metric(validation.metric(), metric);
            }
            if (checkpointPath != null && (last || stepNo % checkpointEvery == 0)) {
                Checkpoint.write(checkpointPath, model, optimizer, stepNo, seed, metadata);
                lastCheckpoint = checkpointPath;
                lastCheckpointStep = stepNo;
                record("checkpoint", fields("step", stepNo, "path", checkpointPath.toString()));
            }
        }
        if (progress != null) progress.finish();
        double seconds = (System.nanoTime() - t0) / 1e9;
        boolean finished = end == steps;
        record(finished ? "end" : "paused", fields("step", end, "loss", value, "seconds", seconds));
        return new Result(end, finished, value, metric, seconds);
    }

    private double setLearningRates(long t) {
        if (schedule != null) {
            int epoch = (int) Math.min(t, Integer.MAX_VALUE);
            for (ParamGroup g : optimizer.paramGroups()) g.setLr(schedule.lr(g.initialLr(), epoch));
        }
        return optimizer.lr();
    }

    /** The first NaN or infinite parameter value, or 0 when all are finite. */
    private static float firstNonFinite(List<Parameter> params) {
        for (Parameter p : params) {
            for (float v : p.data().toArray()) if (!Float.isFinite(v)) return v;
        }
        return 0;
    }

    /** {@code ‖∇‖₂} over all parameters, accumulated in double in parameter order. */
    private static double gradientNorm(List<Parameter> params) {
        double sum = 0;
        for (Parameter p : params) {
            Tensor g = p.grad();
            if (g == null) continue;
            for (float v : g.toArray()) sum += (double) v * v;
        }
        return Math.sqrt(sum);
    }

    private double validate() {
        model.eval();
        try (var _ = Grad.off()) {
            return validation.evaluate(model);
        } finally {
            model.train();
        }
    }

    private void stop(String what, long stepNo, double value, Path lastCheckpoint, long lastCheckpointStep) {
        optimizer.zeroGrad();
        NonFiniteLossException e = new NonFiniteLossException(what, stepNo, value, lastCheckpoint, lastCheckpointStep);
        record("stopped", fields("step", stepNo, "reason", e.getMessage()));
        if (progress != null) progress.finish();
        throw e;
    }

    private void message(String text) {
        if (progress != null) progress.message(text);
    }

    private void record(String event, Map<String, ?> fields) {
        if (log != null) log.record(event, fields);
    }

    private static Map<String, Object> fields(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    /** Options of a {@link Trainer}; only the step count is required besides the constructor's arguments. */
    public static final class Builder {
        private final Module model;
        private final Optimizer optimizer;
        private final Loss loss;
        private final BatchSource source;
        private long steps = -1, seed;
        private LrSchedule schedule;
        private double clipNorm;
        private Path checkpointPath;
        private int checkpointEvery;
        private TrainingLog log;
        private Progress progress;
        private Validation validation;
        private int validateEvery;
        private long stopAfter;
        private final Map<String, String> metadata = new LinkedHashMap<>();

        private Builder(Module model, Optimizer optimizer, Loss loss, BatchSource source) {
            this.model = Objects.requireNonNull(model, "model");
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
            this.loss = Objects.requireNonNull(loss, "loss");
            this.source = Objects.requireNonNull(source, "source");
        }

        /** Total number of optimisation steps of the run (≥ 1), counted from step 0 also when resuming. */
        public Builder steps(long steps) {
            if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
            this.steps = steps;
            return this;
        }

        /** The seed every step's generator derives from (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Learning rate per step, scaling each group's initial rate (default: constant). */
        public Builder schedule(LrSchedule schedule) {
            this.schedule = schedule;
            return this;
        }

        /** Clips the global gradient 2-norm to {@code maxNorm} before each update (0 = off, the default). */
        public Builder clipGradNorm(double maxNorm) {
            if (!(maxNorm >= 0) || Double.isInfinite(maxNorm)) {
                throw new IllegalArgumentException("max gradient norm must be finite and >= 0, got " + maxNorm);
            }
            this.clipNorm = maxNorm;
            return this;
        }

        /** Writes a {@link Checkpoint} to {@code file} every {@code every} steps and after the last one. */
        public Builder checkpoint(Path file, int every) {
            if (every < 1) throw new IllegalArgumentException("checkpoint interval must be >= 1 step, got " + every);
            this.checkpointPath = Objects.requireNonNull(file, "file");
            this.checkpointEvery = every;
            return this;
        }

        /** Records every event in {@code log} (not closed by the trainer). */
        public Builder log(TrainingLog log) {
            this.log = log;
            return this;
        }

        /** Reports progress there (default: none). */
        public Builder progress(Progress progress) {
            this.progress = progress;
            return this;
        }

        /**
         * Ends this session after {@code steps} steps (≥ 1) even if the run is not finished, writing a
         * checkpoint and validating as after a last step; {@link #resume} continues it. Default: no limit.
         */
        public Builder stopAfter(long steps) {
            if (steps < 1) throw new IllegalArgumentException("steps per session must be >= 1, got " + steps);
            this.stopAfter = steps;
            return this;
        }

        /** Scores the model every {@code every} steps and after the last one. */
        public Builder validation(Validation validation, int every) {
            if (every < 1) throw new IllegalArgumentException("validation interval must be >= 1 step, got " + every);
            this.validation = Objects.requireNonNull(validation, "validation");
            this.validateEvery = every;
            return this;
        }

        /** String pairs stored in every checkpoint and in the log's start record (copied). */
        public Builder metadata(Map<String, String> metadata) {
            this.metadata.putAll(metadata);
            return this;
        }

        public Trainer build() {
            if (steps < 1) throw new IllegalStateException("Trainer: set the number of steps");
            return new Trainer(this);
        }
    }
}
