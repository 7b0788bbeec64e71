package mrisr.nn.train;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mrisr.engine.DType;
import mrisr.engine.Tensor;
import mrisr.nn.Module;
import mrisr.nn.io.SafeTensors;
import mrisr.nn.optim.Optimizer;

/**
 * A training checkpoint: everything a {@link Trainer} needs to continue a run bit-identically —
 * the model's state dict, the optimiser's state, the number of completed steps and the seed from
 * which every step's generator is derived ({@link Trainer#stepRng}; a generator is never saved
 * because none outlives its step) — plus free-form metadata describing the run.
 *
 * <p>File format: one safetensors file. Tensors are stored as exact float32 under
 * {@code model.<state-dict key>} and {@code optimizer.<state key>} (see {@link Optimizer#stateDict});
 * the {@code __metadata__} map holds {@value #VERSION_KEY} = {@value #VERSION}, {@value #STEP_KEY},
 * {@value #SEED_KEY} and the caller's entries. Writing goes through {@link SafeTensors#write}: a
 * temporary file in the same directory, forced to disk, then renamed over the target, then the
 * directory is forced — so a crash or kill at any moment leaves either the previous checkpoint or the
 * new one, never a torn file. A killed writer can leave its hidden temporary file
 * ({@code .NAME.<digits>.tmp}); {@link #deleteStaleTemporaries} removes those.
 *
 * <p>Test hook: when the system property {@value #PAUSE_PROPERTY} is a number of milliseconds, a
 * write prints {@value #PAUSE_MARKER} on {@code System.err} and sleeps that long after the first
 * tensor's bytes have reached the temporary file, so a test can kill the process mid-write. (The
 * pause sits in the iteration of the tensor map's values, which {@link SafeTensors#write} walks
 * while streaming the data region; the crash test checks that the temporary file is partly written
 * when the marker appears.)
 *
 * <pre>{@code
 * Checkpoint.write(path, model, optimizer, 500, seed, Map.of("method", "edsr3d"));
 * Checkpoint c = Checkpoint.read(path);
 * c.restore(model, optimizer);          // then continue from step c.step()
 * }</pre>
 *
 * @param step      completed optimisation steps
 * @param seed      the run's seed
 * @param model     model state dict entries by key (without the {@code model.} prefix)
 * @param optimizer optimiser state entries by key (without the {@code optimizer.} prefix)
 * @param metadata  the caller's metadata (the reserved keys removed)
 */
public record Checkpoint(long step, long seed, Map<String, Tensor> model, Map<String, Tensor> optimizer,
        Map<String, String> metadata) {
    /** Metadata key naming the checkpoint format version. */
    public static final String VERSION_KEY = "mrisr.checkpoint.version";
    /** The format version this class writes and reads. */
    public static final String VERSION = "1";
    /** Metadata key of the number of completed steps. */
    public static final String STEP_KEY = "mrisr.checkpoint.step";
    /** Metadata key of the run's seed. */
    public static final String SEED_KEY = "mrisr.checkpoint.seed";
    /** System property (milliseconds) that makes a write pause half-way; for crash tests only. */
    public static final String PAUSE_PROPERTY = "mrisr.checkpoint.pauseMs";
    /** Printed on {@code System.err} when a write pauses because of {@link #PAUSE_PROPERTY}. */
    public static final String PAUSE_MARKER = "mrisr-checkpoint-write-paused";

    private static final String MODEL_PREFIX = "model.";
    private static final String OPTIMIZER_PREFIX = "optimizer.";

    public Checkpoint {
        if (step < 0) throw new IllegalArgumentException("checkpoint step must be >= 0, got " + step);
        model = Collections.unmodifiableMap(new LinkedHashMap<>(model));
        optimizer = Collections.unmodifiableMap(new LinkedHashMap<>(optimizer));
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /**
     * Writes a checkpoint of {@code model} and {@code optimizer} atomically.
     *
     * @param model     not modified
     * @param optimizer not modified
     * @param metadata  extra string pairs (must not use the reserved {@code mrisr.checkpoint.*} keys)
     * @throws IOException when writing fails; the previous file at {@code file}, if any, is unchanged
     */
    public static void write(Path file, Module model, Optimizer optimizer, long step, long seed,
            Map<String, String> metadata) throws IOException {
        LinkedHashMap<String, Tensor> tensors = new LinkedHashMap<>();
        for (var e : model.stateDict().entrySet()) tensors.put(MODEL_PREFIX + e.getKey(), e.getValue());
        for (var e : optimizer.stateDict().entrySet()) tensors.put(OPTIMIZER_PREFIX + e.getKey(), e.getValue());
        LinkedHashMap<String, String> meta = new LinkedHashMap<>();
        meta.put(VERSION_KEY, VERSION);
        meta.put(STEP_KEY, Long.toString(step));
        meta.put(SEED_KEY, Long.toString(seed));
        for (var e : metadata.entrySet()) {
            if (e.getKey().startsWith("mrisr.checkpoint.")) {
                throw new IllegalArgumentException("metadata key '" + e.getKey() + "' is reserved for the checkpoint format");
            }
            meta.put(e.getKey(), e.getValue());
        }
        String pause = System.getProperty(PAUSE_PROPERTY);
        Map<String, Tensor> body = pause == null ? tensors : new PausingMap(tensors, Long.parseLong(pause));
        SafeTensors.write(file, body, meta, DType.FLOAT32);
    }

    /**
     * Reads a checkpoint written by {@link #write}.
     *
     * @throws CheckpointException when the file is valid safetensors but not a checkpoint of this version
     * @throws mrisr.nn.io.SafeTensorsException when the file is not valid safetensors
     * @throws IOException          when the file cannot be read
     */
    public static Checkpoint read(Path file) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(file);
        Map<String, String> meta = c.metadata();
        String version = meta.get(VERSION_KEY);
        if (version == null) {
            throw new CheckpointException(file + ": not a training checkpoint (no '" + VERSION_KEY + "' in the metadata)");
        }
        if (!version.equals(VERSION)) {
            throw new CheckpointException(file + ": checkpoint format version " + version + ", this build reads version " + VERSION);
        }
        long step = parseLong(file, meta, STEP_KEY);
        long seed = parseLong(file, meta, SEED_KEY);
        if (step < 0) throw new CheckpointException(file + ": " + STEP_KEY + " = " + step + ", must be >= 0");
        Map<String, Tensor> model = new LinkedHashMap<>(), optimizer = new LinkedHashMap<>();
        for (var e : c.tensors().entrySet()) {
            String k = e.getKey();
            if (k.startsWith(MODEL_PREFIX)) model.put(k.substring(MODEL_PREFIX.length()), e.getValue());
            else if (k.startsWith(OPTIMIZER_PREFIX)) optimizer.put(k.substring(OPTIMIZER_PREFIX.length()), e.getValue());
            else throw new CheckpointException(file + ": tensor '" + k + "' is neither 'model.*' nor 'optimizer.*'");
        }
        Map<String, String> user = new LinkedHashMap<>(meta);
        user.keySet().removeIf(k -> k.startsWith("mrisr.checkpoint."));
        return new Checkpoint(step, seed, model, optimizer, user);
    }

    private static long parseLong(Path file, Map<String, String> meta, String key) throws CheckpointException {
        String v = meta.get(key);
        if (v == null) throw new CheckpointException(file + ": checkpoint metadata lacks '" + key + "'");
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new CheckpointException(file + ": checkpoint metadata '" + key + "' = '" + v + "' is not an integer");
        }
    }

    /**
     * Copies the saved state into {@code model} and {@code optimizer}. The model is checked and loaded
     * first (strictly; a refused state dict leaves it unchanged), then the optimiser.
     *
     * @param model     modified in place
     * @param optimizer modified in place
     * @throws mrisr.nn.StateDictException when the saved weights do not fit the model
     * @throws IllegalArgumentException    when the saved optimiser state does not fit the optimiser
     */
    public void restore(Module model, Optimizer optimizer) {
        model.loadStateDict(this.model, true);
        optimizer.loadStateDict(this.optimizer);
    }

    /**
     * Deletes the hidden temporary files ({@code .NAME.*.tmp}) that a killed writer of {@code file}
     * may have left in its directory.
     *
     * @return the deleted files
     */
    public static List<Path> deleteStaleTemporaries(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        List<Path> deleted = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) return deleted;
        String prefix = "." + abs.getFileName() + ".";
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, p -> {
            String n = p.getFileName().toString();
            return n.startsWith(prefix) && n.endsWith(".tmp") && n.substring(prefix.length(), n.length() - 4).matches("[0-9]+");
        })) {
            for (Path p : files) {
                if (Files.deleteIfExists(p)) deleted.add(p);
            }
        }
        return deleted;
    }

    /**
     * The tensors in order; iterating the values pauses before the second one (the writer has then
     * written the header and the first tensor to its temporary file). Only used for crash tests.
     */
    private static final class PausingMap extends LinkedHashMap<String, Tensor> {
        private final long pauseMs;

        PausingMap(Map<String, Tensor> tensors, long pauseMs) {
            super(tensors);
            this.pauseMs = pauseMs;
        }

        @Override
        public Collection<Tensor> values() {
            Collection<Tensor> values = super.values();
            return new AbstractCollection<>() {
                @Override
                public Iterator<Tensor> iterator() {
                    Iterator<Tensor> it = values.iterator();
                    return new Iterator<>() {
                        private int index;

                        @Override
                        public boolean hasNext() {
                            return it.hasNext();
                        }

                        @Override
                        public Tensor next() {
                            if (index++ == 1) pause();
                            return it.next();
                        }
                    };
                }

                @Override
                public int size() {
                    return values.size();
                }
            };
        }

        private void pause() {
            PrintStream err = System.err;
            err.println(PAUSE_MARKER);
            err.flush();
            try {
                Thread.sleep(pauseMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
