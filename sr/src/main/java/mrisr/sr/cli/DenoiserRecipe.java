package mrisr.sr.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mrisr.engine.Rng;
import mrisr.nn.Module;
import mrisr.nn.train.BatchSource;
import mrisr.nn.train.Validation;
import mrisr.sr.InputException;
import mrisr.sr.data.CleanPatchSampler;
import mrisr.sr.data.TrainingSet;
import mrisr.sr.methods.pnp.PnpAdmm;
import mrisr.sr.methods.pnp.PnpHqs;
import mrisr.sr.nets.DenoiserBatches;
import mrisr.sr.nets.DenoiserValidation;
import mrisr.sr.nets.DnCnn;
import picocli.CommandLine.Option;

/**
 * {@code mrisr train --method dncnn}: the plug-and-play denoiser {@link DnCnn} (noise level as the
 * second input channel, residual), for {@code mrisr sr --method pnp-hqs|pnp-admm|red --denoiser FILE}
 * ({@link mrisr.sr.methods.pnp.LearnedDenoiser#load}).
 *
 * <p>Pairs ({@link DenoiserBatches}): clean high-resolution patches {@code x}, each volume divided by
 * its largest magnitude as the plug-and-play methods normalise ({@link CleanPatchSampler}), flipped
 * and with permuted axes; {@code σ ~ U(0, σ_max]} per patch; input {@code [x + σ·n, σ·𝟙]}, target
 * {@code x}. The default {@code σ_max} is the largest start σ of the plug-and-play schedules (0.1 for
 * {@code pnp-hqs} and {@code pnp-admm}): their σ decreases from there to {@code max(0.75·σ̂, 0.005)}
 * for an input with estimated noise level σ̂ (about 0.01–0.03 for 1–3 % noise), so training covers
 * every σ they ask for. Validation ({@link DenoiserValidation}): PSNR of the denoised held-out
 * patches against the noisy ones at σ = 0.1, 0.3 and 1 times {@code σ_max}.
 *
 * <p>Defaults: the network of {@link DnCnn} ({@value DnCnn#DEFAULT_DEPTH} layers of
 * {@value DnCnn#DEFAULT_WIDTH} channels: plug-and-play calls it on the whole volume at every
 * iteration), 800 steps of 4 patches of 32³ voxels, Adam at 1e-3, L1 loss — with the mean squared
 * error the large-σ patches dominated and the network learned almost nothing at σ = 0.01 (+0.02 dB
 * against +2.0 dB with L1 after 300 steps).
 */
final class DenoiserRecipe implements TrainingRecipe {
    /** The options only this method takes. */
    static final List<String> OPTIONS = List.of("--depth", "--sigma-max");
    /** Default {@code σ_max}: the largest start σ of the plug-and-play schedules. */
    static final double DEFAULT_SIGMA_MAX = Math.max(PnpHqs.DEFAULT_SCHEDULE.start(), PnpAdmm.DEFAULT_SCHEDULE.start());
    /** The validation noise levels as fractions of {@code σ_max}. */
    static final double[] VALIDATION_LEVELS = {0.1, 0.3, 1.0};

    /** The method's own command-line options; a picocli mixin of {@link TrainCommand}. */
    static final class Options {
        @Option(names = "--depth", paramLabel = "L", description = "dncnn: convolution layers (default: " + DnCnn.DEFAULT_DEPTH + ").")
        Integer depth;

        @Option(names = "--sigma-max", paramLabel = "S",
                description = "dncnn: largest training noise level, a fraction of the intensity maximum; sigma ~ U(0, S] "
                        + "per patch (default: 0.1, where the plug-and-play schedules start).")
        Double sigmaMax;
    }

    private final Options given;
    private final Integer features;
    private int depth, width;
    private double sigmaMax;
    private DnCnn net;
    private DenoiserBatches batches;
    private DenoiserValidation validation;
    private int[] patch;

    /** @param features the {@code --features} given (the network's width), or null */
    DenoiserRecipe(Options given, Integer features) {
        this.given = given;
        this.features = features;
    }

    @Override
    public Defaults defaults() {
        return new Defaults(800, 32, 4, 1e-3, "l1");
    }

    @Override
    public void configure(TrainOptions o) {
        depth = o.integer("--depth", given.depth, DnCnn.DEFAULT_DEPTH, 2, 64);
        width = o.integer("--features", features, DnCnn.DEFAULT_WIDTH, 1, 1024);
        sigmaMax = o.positive("--sigma-max", given.sigmaMax, DEFAULT_SIGMA_MAX);
        if (sigmaMax > 1) {
            throw new InputException("--sigma-max " + sigmaMax + " must be <= 1: intensities are divided by their maximum");
        }
    }

    @Override
    public void build(TrainingSet set, Common c) {
        patch = new int[] {c.patch(), c.patch(), c.patch()};
        CleanPatchSampler train = new CleanPatchSampler(set.training(), patch, true);
        CleanPatchSampler held = new CleanPatchSampler(List.of(set.validation()), patch, false);
        net = new DnCnn(depth, width, new Rng(c.seed()));
        batches = new DenoiserBatches(train, sigmaMax, c.batch());
        double[] levels = new double[VALIDATION_LEVELS.length];
        for (int l = 0; l < levels.length; l++) levels[l] = VALIDATION_LEVELS[l] * sigmaMax;
        validation = new DenoiserValidation(held, levels, VALIDATION_PATCHES, c.batch(), c.seed() ^ 0x5EEDL);
    }

    @Override
    public Module module() {
        return net;
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
        return new Baseline("noisy input", "noisy", validation.baselinePsnr());
    }

    @Override
    public int[] samplePatch() {
        return patch.clone();
    }

    @Override
    public Map<String, String> modelMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("architecture", DnCnn.ARCHITECTURE);
        m.put("depth", Integer.toString(depth));
        m.put("width", Integer.toString(width));
        m.put("sigma_max", Double.toString(sigmaMax));
        m.put("normalisation", "max-abs");
        return m;
    }

    @Override
    public String title() {
        return String.format(Locale.ROOT, "dncnn (depth %d, width %d, sigma <= %.3g)", depth, width, sigmaMax);
    }

    @Override
    public List<String> describe() {
        return List.of(title() + ", " + net.trainableParameterCount() + " parameters, receptive field " + (2 * net.receptiveRadius() + 1)
                        + "^3",
                String.format(Locale.ROOT, "clean patches %d^3 divided by the volume's maximum, sigma ~ U(0, %.3g]", patch[0], sigmaMax));
    }

    @Override
    public String report() {
        return validation.describe(net);
    }

    @Override
    public void save(Path file, Map<String, String> notes) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(modelMetadata());
        meta.putAll(notes);
        net.save(file, meta);
    }
}
