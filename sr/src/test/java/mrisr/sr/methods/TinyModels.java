package mrisr.sr.methods;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import mrisr.engine.Rng;
import mrisr.sr.methods.deq.DeqPrior;
import mrisr.sr.methods.unfolding.UnfoldedTraining;
import mrisr.sr.nets.DnCnn;

/**
 * Tiny stand-ins for the shipped models, written into a folder that {@link BundledModels#in} then
 * treats as the bundle: a 2-layer, 2-channel DnCNN, a 2-stage unfolded model of 2 features, and a
 * DEQ prior equal to the smoothing prior of strength {@value #DEQ_STRENGTH} for factors 1, 1, 4
 * (not the default 0.25, so a test can tell the two apart).
 */
public final class TinyModels {
    /** The smoothing strength of the tiny DEQ prior. */
    public static final double DEQ_STRENGTH = 0.5;

    private TinyModels() {}

    /** Writes {@code dncnn.safetensors} into {@code dir}; returns the file. */
    public static Path dncnn(Path dir) {
        Path file = dir.resolve(BundledModels.Model.DNCNN.fileName());
        return write(() -> new DnCnn(2, 2, new Rng(11)).save(file, Map.of()), file);
    }

    /** Writes {@code unfolded.safetensors} into {@code dir}; returns the file. */
    public static Path unfolded(Path dir) {
        Path file = dir.resolve(BundledModels.Model.UNFOLDED.fileName());
        return write(() -> UnfoldedTraining.create(new UnfoldedTraining.Hyper(2, 2), new Rng(12)).save(file, Map.of()), file);
    }

    /** Writes {@code deq.safetensors} into {@code dir}; returns the file. */
    public static Path deq(Path dir) {
        Path file = dir.resolve(BundledModels.Model.DEQ.fileName());
        return write(() -> deqPrior().save(file), file);
    }

    /** The prior {@link #deq} writes. */
    public static DeqPrior deqPrior() {
        return DeqPrior.smoothing(new double[] {1, 1, 4}, DEQ_STRENGTH);
    }

    /** Writes all three into {@code dir}; returns {@code BundledModels.in(dir)}. */
    public static BundledModels all(Path dir) {
        dncnn(dir);
        unfolded(dir);
        deq(dir);
        return BundledModels.in(dir);
    }

    private interface Save {
        void run() throws IOException;
    }

    private static Path write(Save save, Path file) {
        try {
            save.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
