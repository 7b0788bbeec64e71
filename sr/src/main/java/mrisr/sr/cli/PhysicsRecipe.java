package mrisr.sr.cli;

import java.util.List;
import java.util.Locale;
import mrisr.nn.train.BatchSource;
import mrisr.nn.train.Validation;
import mrisr.sr.data.PatchSampler;
import mrisr.sr.data.TrainingDegradation;
import mrisr.sr.data.TrainingSet;
import mrisr.sr.nets.Architecture;
import mrisr.sr.nets.SrBatches;
import mrisr.sr.nets.SrValidation;

/**
 * What the physics-based methods ({@link UnfoldedRecipe}, {@link DeqRecipe}) share: they learn to
 * invert an acquisition given by {@link DegradationOptions}, and their networks take the
 * low-resolution data and apply the forward model {@code H} themselves. So each sample is a patch
 * degraded on its own ({@link PatchSampler.Simulation#PATCH}: {@code y = H x + noise} with {@code H}
 * on the patch grid, exactly the operator of the network's data-consistency steps), the batches pair
 * {@code y} with {@code x} ({@link SrBatches#direct}), and validation scores the network's estimate
 * against the held-out truth, compared with the cubic B-spline interpolation of the same {@code y}
 * ({@link SrValidation#direct}).
 */
abstract class PhysicsRecipe implements TrainingRecipe {
    private final DegradationOptions acquisition;
    /** The acquisition, once configured. */
    TrainingDegradation degradation;
    /** Patch sizes per axis, once built. */
    int[] lrPatch, hrPatch;
    private SrBatches batches;
    private SrValidation validation;

    PhysicsRecipe(DegradationOptions acquisition) {
        this.acquisition = acquisition;
    }

    @Override
    public final void configure(TrainOptions o) {
        degradation = acquisition.resolve(o);
        configureModel(o);
    }

    /** Resolves the network's options (after the acquisition's). */
    abstract void configureModel(TrainOptions o);

    @Override
    public final void build(TrainingSet set, Common c) {
        lrPatch = SrNetworkRecipe.lrPatch(degradation.factors(), c.patch());
        PatchSampler train = new PatchSampler(set.training(), degradation, lrPatch, true, PatchSampler.Simulation.PATCH);
        PatchSampler held = new PatchSampler(List.of(set.validation()), degradation, lrPatch, false, PatchSampler.Simulation.PATCH);
        hrPatch = train.hrPatch();
        // H in voxel units does not depend on the voxel size (the profiles' FWHM is the low-resolution voxel),
        // so one operator serves volumes of any spacing
        buildModel(set.validation().spacing(), c.seed());
        batches = SrBatches.direct(train, c.batch());
        validation = SrValidation.direct(held, VALIDATION_PATCHES, c.batch(), c.seed() ^ 0x5EEDL);
    }

    /**
     * Makes the network for patches of {@link #hrPatch} voxels.
     *
     * @param hrSpacing voxel sizes of the high-resolution grid in mm
     * @param seed      the run's seed (initial weights)
     */
    abstract void buildModel(double[] hrSpacing, long seed);

    @Override
    public final BatchSource batches() {
        return batches;
    }

    /** The held-out validation of the estimate ({@link SrValidation#direct}). */
    final SrValidation heldOut() {
        return validation;
    }

    @Override
    public Validation validation() {
        return validation;
    }

    @Override
    public final Baseline baseline() {
        return new Baseline("B-spline", "bspline", validation.baselinePsnr());
    }

    @Override
    public final int[] samplePatch() {
        return hrPatch.clone();
    }

    /** The line describing the samples. */
    final String patchLine() {
        return String.format(Locale.ROOT, "patches %s -> %s, each degraded alone (%s)", Architecture.format(hrPatch),
                Architecture.format(lrPatch), degradation.describe());
    }
}
