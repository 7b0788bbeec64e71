package mrisr.sr.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mrisr.engine.Rng;
import mrisr.nn.Module;
import mrisr.nn.train.BatchSource;
import mrisr.nn.train.Validation;
import mrisr.sr.data.PatchSampler;
import mrisr.sr.data.TrainingDegradation;
import mrisr.sr.data.TrainingSet;
import mrisr.sr.nets.Architecture;
import mrisr.sr.nets.SrBatches;
import mrisr.sr.nets.SrModel;
import mrisr.sr.nets.SrValidation;
import mrisr.sr.nets.Upsampling;
import picocli.CommandLine.Option;

/**
 * {@code mrisr train --method srcnn3d|edsr3d}: a super-resolution network ({@link Architecture})
 * trained on patches degraded on the fly ({@link PatchSampler}: windows of the whole degraded volume,
 * flips and axis permutations, B-spline interpolation), predicting the residual over the B-spline
 * ({@link SrBatches}), validated by PSNR on held-out patches against the B-spline
 * ({@link SrValidation}), saved as an {@link SrModel} for {@code mrisr sr --model}.
 *
 * <p>Loss: L1 for EDSR-3D, mean squared error for SRCNN-3D (as in their papers; with L1, SRCNN-3D's
 * ReLUs collapsed onto the zero residual, the median of the targets). Defaults: 2000 steps, patches
 * of 24³ high-resolution voxels, batch 4, learning rate 1e-3 (SRCNN-3D) or 3e-3 (EDSR-3D).
 */
final class SrNetworkRecipe implements TrainingRecipe {
    /** The options only this family takes (besides the acquisition's). */
    static final List<String> OPTIONS = List.of("--upsampling", "--blocks");

    /** The family's own command-line options; a picocli mixin of {@link TrainCommand}. */
    static final class Options {
        @Option(names = "--upsampling", paramLabel = "pre|subpixel",
                description = "srcnn3d, edsr3d: where the network upsamples (default: subpixel when all factors are equal, else pre).")
        String upsampling;

        @Option(names = "--blocks", paramLabel = "B", description = "edsr3d: residual blocks (default: 2).")
        Integer blocks;
    }

    private final String method;
    private final DegradationOptions acquisition;
    private final Options given;
    private final Integer features;
    private TrainingDegradation degradation;
    private Architecture arch;
    private SrModel model;
    private SrBatches batches;
    private SrValidation validation;
    private int[] lrPatch, hrPatch;

    /**
     * @param method   {@value Architecture#SRCNN3D} or {@value Architecture#EDSR3D}
     * @param features the {@code --features} given, or null
     */
    SrNetworkRecipe(String method, DegradationOptions acquisition, Options given, Integer features) {
        this.method = method;
        this.acquisition = acquisition;
        this.given = given;
        this.features = features;
    }

    @Override
    public Defaults defaults() {
        boolean srcnn = method.equals(Architecture.SRCNN3D);
        return new Defaults(2000, 24, 4, srcnn ? 1e-3 : 3e-3, srcnn ? "mse" : "l1");
    }

    @Override
    public void configure(TrainOptions o) {
        degradation = acquisition.resolve(o);
        int[] f = degradation.factors();
        Upsampling up = Upsampling.parse(o.text("--upsampling", given.upsampling == null ? null : Upsampling.parse(given.upsampling).cliName(),
                Upsampling.defaultFor(f).cliName()));
        Architecture defaults = Architecture.defaults(method, up, f);
        int feat = o.integer("--features", features, defaults.features(), 1, 1024);
        int bl = o.integer("--blocks", given.blocks, defaults.blocks(), 0, 256);
        arch = new Architecture(method, up, f, feat, bl, 1);
    }

    @Override
    public void build(TrainingSet set, Common c) {
        lrPatch = lrPatch(arch.factors(), c.patch());
        PatchSampler trainSampler = new PatchSampler(set.training(), degradation, lrPatch, true);
        PatchSampler valSampler = new PatchSampler(List.of(set.validation()), degradation, lrPatch, false);
        hrPatch = trainSampler.hrPatch();
        model = SrModel.create(arch, degradation, new Rng(c.seed()));
        batches = new SrBatches(trainSampler, arch.upsampling(), c.batch());
        validation = new SrValidation(valSampler, arch.upsampling(), VALIDATION_PATCHES, c.batch(), c.seed() ^ 0x5EEDL);
    }

    /** The low-resolution patch for a high-resolution patch edge {@code p}: {@code ⌈p/f⌉} per axis. */
    static int[] lrPatch(int[] factors, int p) {
        return new int[] {(p + factors[0] - 1) / factors[0], (p + factors[1] - 1) / factors[1], (p + factors[2] - 1) / factors[2]};
    }

    @Override
    public Module module() {
        return model.network();
    }

    @Override
    public BatchSource batches() {
        return batches;
    }

    @Override
    public Validation validation() {
        return validation;
    }

    @Override
    public Baseline baseline() {
        return new Baseline("B-spline", "bspline", validation.baselinePsnr());
    }

    @Override
    public int[] samplePatch() {
        return hrPatch.clone();
    }

    @Override
    public Map<String, String> modelMetadata() {
        return model.metadata();
    }

    @Override
    public String title() {
        return arch.describe();
    }

    @Override
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add(arch.describe() + ", " + model.network().trainableParameterCount() + " parameters; " + degradation.describe());
        lines.add(String.format(Locale.ROOT, "patches %s -> %s", Architecture.format(lrPatch), Architecture.format(hrPatch)));
        return lines;
    }

    @Override
    public void save(Path file, Map<String, String> notes) throws IOException {
        model.withNotes(notes).save(file);
    }
}
