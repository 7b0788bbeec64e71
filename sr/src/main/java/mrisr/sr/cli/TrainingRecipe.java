package mrisr.sr.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mrisr.nn.Module;
import mrisr.nn.loss.Loss;
import mrisr.nn.train.BatchSource;
import mrisr.nn.train.Validation;
import mrisr.sr.data.TrainingSet;

/**
 * What differs between the methods {@code mrisr train} trains: one implementation per family
 * ({@link SrNetworkRecipe}, {@link DenoiserRecipe}, {@link UnfoldedRecipe}, {@link DeqRecipe}).
 * {@link TrainCommand} owns the common options, the data, the optimiser, the schedule and the
 * {@link mrisr.nn.train.Trainer}; a recipe owns the rest. Its life cycle:
 * <ol>
 *   <li>{@link #configure}: resolve and validate the method's own options (before any data is made);</li>
 *   <li>{@link #build}: make the module, batches and validation on the data;</li>
 *   <li>the trainer trains {@link #module()} on {@link #batches()} with {@link #loss};</li>
 *   <li>{@link #save}: write the model file the method loads.</li>
 * </ol>
 */
interface TrainingRecipe {
    /** Patches scored at each validation. */
    int VALIDATION_PATCHES = 16;

    /**
     * The method's defaults of the common options.
     *
     * @param steps optimisation steps
     * @param patch edge of a training patch in high-resolution voxels
     * @param batch patches per step
     * @param lr    Adam's learning rate after the warm-up
     * @param loss  {@code l1}, {@code mse} or {@code charbonnier}
     */
    record Defaults(long steps, int patch, int batch, double lr, String loss) {}

    /**
     * A score to beat on the validation patches.
     *
     * @param name  in the report, e.g. {@code B-spline}
     * @param key   in model metadata ({@code val_psnr_<key>})
     * @param psnr  the baseline's validation PSNR in dB
     */
    record Baseline(String name, String key, double psnr) {}

    /**
     * The common options as resolved for the run.
     *
     * @param patch edge of a training patch in high-resolution voxels
     * @param batch patches per step
     * @param seed  seed of initialisation, sampling, augmentation and noise
     */
    record Common(int patch, int batch, long seed) {}

    Defaults defaults();

    /**
     * Resolves the method's own options through {@code options} (which records them for the
     * checkpoint and refuses values that conflict with a resumed run) and validates them.
     *
     * @throws mrisr.sr.InputException for a bad value
     */
    void configure(TrainOptions options);

    /**
     * Makes the module, training batches and validation on {@code set}.
     *
     * @throws mrisr.sr.InputException when the data does not fit (e.g. volumes smaller than a patch)
     */
    void build(TrainingSet set, Common common);

    /** What the trainer optimises and checkpoints. */
    Module module();

    /** The training batches (a pure function of the step and its generator). */
    BatchSource batches();

    /** The training loss, given the one {@code --loss} names (recipes may add terms to it). */
    default Loss loss(Loss chosen) {
        return chosen;
    }

    /** The held-out score, higher is better. */
    Validation validation();

    /** What the validation score is compared with. */
    Baseline baseline();

    /** High-resolution voxels per axis of one training sample (for {@code --epochs}). */
    int[] samplePatch();

    /** Metadata describing the model, stored in checkpoints with the options. */
    Map<String, String> modelMetadata();

    /** A short name of the model, e.g. {@code edsr3d (subpixel x2,2,2, 16 features, 2 blocks)}. */
    String title();

    /** Lines describing the run before it starts (model size, data, patches). */
    List<String> describe();

    /** More about the trained model for the final report, or empty; the module is in eval mode, recording off. */
    default String report() {
        return "";
    }

    /**
     * Writes the trained model in the file format the method loads.
     *
     * @param notes training provenance for the metadata (options, steps, validation scores)
     */
    void save(Path file, Map<String, String> notes) throws IOException;
}
