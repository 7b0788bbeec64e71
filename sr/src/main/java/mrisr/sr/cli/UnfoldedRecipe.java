package mrisr.sr.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mrisr.engine.Rng;
import mrisr.nn.Module;
import mrisr.sr.InputException;
import mrisr.sr.methods.BundledModels;
import mrisr.sr.methods.unfolding.UnfoldedNetwork;
import mrisr.sr.methods.unfolding.UnfoldedTraining;
import mrisr.sr.nets.DnCnn;
import picocli.CommandLine.Option;

/**
 * {@code mrisr train --method unfolded}: the learned stages of deep unfolding
 * ({@link UnfoldedTraining}: per stage a data-consistency step with a learned weight {@code μ_k} and
 * a small residual CNN prior conditioned on a learned {@code λ_k}), trained end to end on patches
 * {@code y = H x + noise} degraded alone (see {@link PhysicsRecipe}), with {@code H} on the patch grid
 * bound to the network ({@link UnfoldedTraining#bind}). The model loads with
 * {@link UnfoldedTraining#load} and runs with {@code mrisr sr --method unfolded --model FILE}.
 */
final class UnfoldedRecipe extends PhysicsRecipe {
    /** The options only this method takes (besides the acquisition's). */
    static final List<String> OPTIONS = List.of("--stages", "--prior", "--init-denoiser");
    /** Default stages with a shared DnCNN prior: as many as the plug-and-play HQS schedule's iterations. */
    static final int DEFAULT_SHARED_STAGES = 8;

    /** The method's own command-line options; a picocli mixin of {@link TrainCommand}. */
    static final class Options {
        @Option(names = "--stages", paramLabel = "K", description = "unfolded: stages (default: " + UnfoldedTraining.DEFAULT_STAGES + ").")
        Integer stages;

        @Option(names = "--prior", paramLabel = "stage|dncnn",
                description = "unfolded: 'stage' gives each stage its own small CNN prior (trained from scratch); 'dncnn' makes "
                        + "every stage share one DnCNN denoiser with the stage's learned noise level as its input, started "
                        + "from --init-denoiser and the plug-and-play HQS schedule, then fine-tuned end to end (default: stage).")
        String prior;

        @Option(names = "--init-denoiser", paramLabel = "FILE",
                description = "unfolded --prior dncnn: the DnCNN to start from (from 'mrisr train --method dncnn'; "
                        + "default: the bundled dncnn.safetensors).")
        Path initDenoiser;
    }

    private final Options given;
    private final Integer features;
    private UnfoldedTraining.Hyper hyper;
    private UnfoldedTraining model;
    private UnfoldedNetwork bound;
    private boolean shared;
    private UnfoldedTraining initial;

    /** @param features the {@code --features} given (channels of each stage's prior), or null */
    UnfoldedRecipe(DegradationOptions acquisition, Options given, Integer features) {
        super(acquisition);
        this.given = given;
        this.features = features;
    }

    @Override
    public Defaults defaults() {
        return new Defaults(600, 32, 2, 1e-3, "l1");
    }

    @Override
    void configureModel(TrainOptions o) {
        shared = o.choice("--prior", given.prior, "stage", "stage", "dncnn").equals("dncnn");
        int k = o.integer("--stages", given.stages, shared ? DEFAULT_SHARED_STAGES : UnfoldedTraining.DEFAULT_STAGES, 1, UnfoldedNetwork.MAX_STAGES);
        if (shared) {
            if (features != null) throw new InputException("--features: with --prior dncnn the width is the --init-denoiser's");
            String file = o.text("--init-denoiser", given.initDenoiser == null ? null : given.initDenoiser.toAbsolutePath().normalize().toString(),
                    "bundled");
            DnCnn d = file.equals("bundled")
                    ? BundledModels.classpath().read(BundledModels.Model.DNCNN, UnfoldedRecipe::loadDenoiser).orElseThrow(() -> new InputException(
                            "--prior dncnn: this build has no bundled dncnn.safetensors; give --init-denoiser FILE"))
                    : loadDenoiser(Path.of(file));
            initial = UnfoldedTraining.fromDenoiser(k, d);
            hyper = initial.hyper();
        } else {
            if (given.initDenoiser != null) throw new InputException("--init-denoiser needs --prior dncnn");
            int f = o.integer("--features", features, UnfoldedTraining.DEFAULT_FEATURES, 1, UnfoldedNetwork.MAX_FEATURES);
            hyper = new UnfoldedTraining.Hyper(k, f);
        }
    }

    private static DnCnn loadDenoiser(Path file) {
        try {
            return DnCnn.load(file);
        } catch (IOException | IllegalArgumentException e) {
            throw new InputException("--init-denoiser " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    void buildModel(double[] hrSpacing, long seed) {
        model = shared ? initial : UnfoldedTraining.create(hyper, new Rng(seed));
        // the patch sampler divides each volume by its scale: the view must not normalise each patch again
        bound = model.bindNormalised(degradation.noiseFree().operator(hrPatch, hrSpacing));
    }

    @Override
    public Module module() {
        return bound;
    }

    @Override
    public Map<String, String> modelMetadata() {
        Map<String, String> m = model.metadata();
        m.putAll(degradation.metadata());
        return m;
    }

    @Override
    public String title() {
        return hyper.sharedDenoiser()
                ? String.format(Locale.ROOT, "unfolded (%d stages sharing a DnCNN of %d layers x %d features)", hyper.stages(),
                        hyper.denoiserDepth(), hyper.features())
                : String.format(Locale.ROOT, "unfolded (%d stages of %d features)", hyper.stages(), hyper.features());
    }

    @Override
    public List<String> describe() {
        return List.of(title() + ", " + bound.trainableParameterCount() + " parameters; " + bound.boundTo().describe(), patchLine());
    }

    @Override
    public String report() {
        StringBuilder b = new StringBuilder("learned mu_k/gamma");
        for (double v : bound.relativeMu()) b.append(String.format(Locale.ROOT, " %.3g", v));
        b.append(", lambda_k");
        for (double v : bound.lambda()) b.append(String.format(Locale.ROOT, " %.3g", v));
        return b.toString();
    }

    @Override
    public void save(Path file, Map<String, String> notes) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(degradation.metadata());
        meta.putAll(notes);
        model.save(file, meta);
    }
}
