package mrisr.sr.methods.unfolding;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.Parameter;
import mrisr.nn.StateDictException;
import mrisr.nn.io.SafeTensors;
import mrisr.sr.data.IntensityScale;
import mrisr.sr.methods.pnp.PnpHqs;
import mrisr.sr.methods.pnp.Schedule;
import mrisr.sr.nets.DnCnn;
import mrisr.sr.physics.LinearOperator;

/**
 * The training entry of the {@code unfolded} method, for {@code mrisr train --method unfolded}: builds
 * the {@link UnfoldedNetwork} from its hyper-parameters, runs it on low-resolution batches through a
 * forward model, exposes its parameters to an optimiser and saves/loads it as safetensors with its
 * hyper-parameters in the metadata.
 *
 * <p>A training step: draw high-resolution patches {@code x} (grid {@code n}, each {@code n_a} a
 * multiple of the factor), simulate {@code y = Hx + noise} with {@code H = degradation.operator(n,
 * spacing)}, and minimise a loss of {@link #forward(Tensor, LinearOperator) forward(y, H)} against
 * {@code x}. The data-consistency step of each operator is built once and cached (by identity of the
 * operator), so a fixed patch shape costs one structure probe per run; {@link #bind} gives a
 * {@link mrisr.nn.Module} whose {@code forward(y)} does the same, for {@code nn.train.Trainer}.
 *
 * <p>Model-file metadata: {@code method = unfolded}, {@code format = 1}, {@code stages},
 * {@code features}, plus any notes given to {@link #save} (training settings, validation scores).
 *
 * <pre>{@code
 * UnfoldedTraining t = UnfoldedTraining.create(new UnfoldedTraining.Hyper(5, 16), new Rng(0));
 * Adam adam = new Adam(t.parameters(), 1e-3);
 * Tensor loss = new L1Loss().compute(t.forward(lr, h), hr);   // lr [N,1,m…], hr [N,1,n…]
 * loss.backward(); adam.step(); adam.zeroGrad();
 * t.save(Path.of("unfolded.safetensors"), Map.of("train.factor", "1,1,4"));
 * Volume sr = new Unfolded().withModel(UnfoldedTraining.load(Path.of("unfolded.safetensors"))).run(lrVolume, ctx);
 * }</pre>
 */
public final class UnfoldedTraining {
    /** The {@code method} metadata entry of model files. */
    public static final String METHOD = "unfolded";
    /** The {@code format} metadata entry written by {@link #save}. */
    public static final String FORMAT = "1";
    /**
     * The metadata entry naming the intensity normalisation ({@link UnfoldedNetwork#normalisation()});
     * files without it were normalised by the maximum.
     */
    public static final String NORMALISATION = "normalisation";
    /** Default number of stages of a trained network. */
    public static final int DEFAULT_STAGES = 5;
    /** Default hidden channels of each stage prior. */
    public static final int DEFAULT_FEATURES = 16;

    /** The {@code prior} metadata entry of networks whose stages share one DnCNN. */
    public static final String SHARED_DNCNN = "shared-dncnn";
    /** The noise level assumed for the plug-and-play start schedule of a shared-denoiser network. */
    public static final double START_NOISE = 0.01;

    /**
     * The hyper-parameters that define the network's shape.
     *
     * @param stages        {@code K}, 1 to {@value UnfoldedNetwork#MAX_STAGES}
     * @param features      hidden channels per prior, 1 to {@value UnfoldedNetwork#MAX_FEATURES}
     * @param denoiserDepth 0 for a small prior per stage, else the layers (2 to 64) of the DnCNN of
     *                      {@code features} channels that every stage shares
     */
    public record Hyper(int stages, int features, int denoiserDepth) {
        public Hyper {
            if (stages < 1 || stages > UnfoldedNetwork.MAX_STAGES) {
                throw new UnfoldedModelException("unfolded: stages = " + stages + ", must be in 1.." + UnfoldedNetwork.MAX_STAGES);
            }
            if (features < 1 || features > UnfoldedNetwork.MAX_FEATURES) {
                throw new UnfoldedModelException("unfolded: features = " + features + ", must be in 1.." + UnfoldedNetwork.MAX_FEATURES);
            }
            if (denoiserDepth != 0 && (denoiserDepth < 2 || denoiserDepth > 64)) {
                throw new UnfoldedModelException("unfolded: shared denoiser depth = " + denoiserDepth + ", must be in 2..64");
            }
        }

        /** {@code stages} stages, each with its own prior of {@code features} channels. */
        public Hyper(int stages, int features) {
            this(stages, features, 0);
        }

        /** Whether the stages share one DnCNN. */
        public boolean sharedDenoiser() {
            return denoiserDepth > 0;
        }

        /** {@value #DEFAULT_STAGES} stages of {@value #DEFAULT_FEATURES} features. */
        public static Hyper defaults() {
            return new Hyper(DEFAULT_STAGES, DEFAULT_FEATURES);
        }

        /** The model-file metadata of these hyper-parameters. */
        public Map<String, String> metadata() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("method", METHOD);
            m.put("format", FORMAT);
            m.put("stages", Integer.toString(stages));
            m.put("features", Integer.toString(features));
            if (sharedDenoiser()) {
                m.put("prior", SHARED_DNCNN);
                m.put("prior_depth", Integer.toString(denoiserDepth));
            }
            return m;
        }

        /**
         * Reads the hyper-parameters back from model-file metadata.
         *
         * @param source names the file in error messages
         * @throws UnfoldedModelException when the metadata is not an unfolded model's
         */
        public static Hyper fromMetadata(Map<String, String> meta, String source) {
            String method = meta.get("method");
            if (!METHOD.equals(method)) {
                throw new UnfoldedModelException(source + ": metadata 'method' is " + (method == null ? "missing" : "'" + method + "'")
                        + ", expected '" + METHOD + "'");
            }
            String format = meta.get("format");
            if (!FORMAT.equals(format)) {
                throw new UnfoldedModelException(source + ": metadata 'format' is " + (format == null ? "missing" : "'" + format + "'")
                        + ", this version reads format " + FORMAT);
            }
            String prior = meta.get("prior");
            if (prior != null && !prior.equals(SHARED_DNCNN)) {
                throw new UnfoldedModelException(source + ": metadata 'prior' is '" + prior + "', this version knows '" + SHARED_DNCNN
                        + "' (or no entry: a small prior per stage)");
            }
            return new Hyper(integer(meta, "stages", source), integer(meta, "features", source),
                    prior == null ? 0 : integer(meta, "prior_depth", source));
        }

        private static int integer(Map<String, String> meta, String key, String source) {
            String v = meta.get(key);
            if (v == null) throw new UnfoldedModelException(source + ": metadata '" + key + "' is missing");
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new UnfoldedModelException(source + ": metadata '" + key + "' is '" + v + "', expected an integer", e);
            }
        }
    }

    private final Hyper hyper;
    private final UnfoldedNetwork network;
    private final Map<String, String> notes;
    private LinearOperator cachedOperator;
    private DataConsistency cachedDc;

    private UnfoldedTraining(Hyper hyper, UnfoldedNetwork network, Map<String, String> notes) {
        this.hyper = hyper;
        this.network = network;
        this.notes = Map.copyOf(notes);
    }

    /** A freshly initialised model (see {@link UnfoldedNetwork}'s initialisation), weights drawn from {@code rng}. */
    public static UnfoldedTraining create(Hyper hyper, Rng rng) {
        return new UnfoldedTraining(hyper, network(hyper, rng), Map.of());
    }

    /**
     * A model whose {@code stages} stages share {@code denoiser} (e.g. a trained
     * {@code mrisr train --method dncnn} model, to fine-tune end to end), started on the
     * {@linkplain mrisr.sr.methods.pnp.PnpHqs#DEFAULT_SCHEDULE plug-and-play HQS schedule} for a noise
     * level of {@value #START_NOISE}: {@code λ_k = σ_k} and {@code μ_k/γ = λ·(σ_end/σ_k)²}. Before
     * training it is plug-and-play HQS with an exact data-consistency step.
     */
    public static UnfoldedTraining fromDenoiser(int stages, DnCnn denoiser) {
        return new UnfoldedTraining(new Hyper(stages, denoiser.width(), denoiser.depth()), sharing(stages, denoiser), Map.of());
    }

    /** {@code stages} stages sharing {@code denoiser}, on the plug-and-play start schedule ({@link #fromDenoiser}). */
    private static UnfoldedNetwork sharing(int stages, DnCnn denoiser) {
        Schedule s = PnpHqs.DEFAULT_SCHEDULE.withIterations(stages);
        double[] mu = new double[stages], lambda = new double[stages];
        for (int k = 0; k < stages; k++) {
            lambda[k] = s.sigma(k + 1, START_NOISE);
            mu[k] = s.mu(k + 1, START_NOISE, 1);
        }
        return new UnfoldedNetwork(denoiser, mu, lambda);
    }

    private static UnfoldedNetwork network(Hyper hyper, Rng rng) {
        if (!hyper.sharedDenoiser()) return new UnfoldedNetwork(hyper.stages(), hyper.features(), rng);
        return sharing(hyper.stages(), new DnCnn(hyper.denoiserDepth(), hyper.features(), rng));
    }

    /**
     * Reads a model written by {@link #save}.
     *
     * @throws UnfoldedModelException naming the file when it cannot be read, is not an unfolded model,
     *     or its tensors do not fit its hyper-parameters
     */
    public static UnfoldedTraining load(Path file) {
        String source = "--model " + file;
        SafeTensors.Contents contents;
        try {
            contents = SafeTensors.read(file);
        } catch (IOException e) {
            throw new UnfoldedModelException(source + ": " + (e instanceof NoSuchFileException ? "no such file" : e.getMessage()), e);
        }
        Hyper hyper = Hyper.fromMetadata(contents.metadata(), source);
        UnfoldedNetwork network = network(hyper, new Rng(0));
        String norm = contents.metadata().getOrDefault(NORMALISATION, UnfoldedNetwork.MAX_ABS);
        if (norm.equals(UnfoldedNetwork.MAX_ABS)) {
            network.normaliseByMaximum();
        } else if (!norm.equals(IntensityScale.NAME)) {
            throw new UnfoldedModelException(source + ": metadata '" + NORMALISATION + "' is '" + norm + "', this version knows '"
                    + IntensityScale.NAME + "' and '" + UnfoldedNetwork.MAX_ABS + "'");
        }
        try {
            network.loadStateDict(contents.tensors(), true);
        } catch (StateDictException e) {
            throw new UnfoldedModelException(source + ": " + e.getMessage(), e);
        }
        for (String key : List.of("log_mu", "log_lambda")) {
            for (int k = 0; k < hyper.stages(); k++) {
                float v = contents.tensors().get("stage" + k + "." + key).item();
                if (!Float.isFinite(v) || Math.abs(v) > 50) {
                    throw new UnfoldedModelException(String.format(Locale.ROOT, "%s: stage%d.%s = %s, expected a finite value in [-50, 50]",
                            source, k, key, v));
                }
            }
        }
        Map<String, String> notes = new LinkedHashMap<>(contents.metadata());
        notes.keySet().removeAll(hyper.metadata().keySet());
        notes.remove(NORMALISATION);
        return new UnfoldedTraining(hyper, network, notes);
    }

    /**
     * Writes the parameters as float32 safetensors with the hyper-parameters and {@code notes} in
     * the metadata (atomically: temporary file, then rename).
     *
     * @param notes extra string pairs (e.g. training settings); must not redefine the hyper-parameter keys
     * @throws IOException when the file cannot be written
     */
    public void save(Path file, Map<String, String> notes) throws IOException {
        Map<String, String> meta = hyper.metadata();
        meta.put(NORMALISATION, network.normalisation());
        for (var e : notes.entrySet()) {
            if (meta.containsKey(e.getKey())) {
                throw new IllegalArgumentException("unfolded: note '" + e.getKey() + "' would overwrite a hyper-parameter");
            }
            meta.put(e.getKey(), e.getValue());
        }
        SafeTensors.save(file, network, meta);
    }

    /** The hyper-parameters. */
    public Hyper hyper() {
        return hyper;
    }

    /** The network (its parameters are the ones trained). */
    public UnfoldedNetwork network() {
        return network;
    }

    /** The trainable parameters, in state-dict order. */
    public List<Parameter> parameters() {
        return network.parameters();
    }

    /** Metadata read from a model file other than the hyper-parameters (empty for a new model). */
    public Map<String, String> notes() {
        return notes;
    }

    /** Hyper-parameters and notes, as {@link #save} would write them. */
    public Map<String, String> metadata() {
        Map<String, String> m = hyper.metadata();
        m.put(NORMALISATION, network.normalisation());
        notes.forEach(m::putIfAbsent);
        return m;
    }

    /**
     * {@code x_K} for data {@code lr} seen through {@code h}, started from the B-spline interpolation
     * of {@code lr}; differentiable in the parameters.
     *
     * @param lr {@code [N, 1, m₀, m₁, m₂]} or {@code [m₀, m₁, m₂]} on {@code h}'s output grid (not modified)
     * @param h  the forward model
     * @return {@code x_K} on {@code h}'s input grid, {@code lr}'s rank
     */
    public Tensor forward(Tensor lr, LinearOperator h) {
        return network.forward(lr, null, dataConsistency(h));
    }

    /** The network bound to {@code h} (sharing the parameters): a {@code Module} whose {@code forward(lr)} is {@link #forward}. */
    public UnfoldedNetwork bind(LinearOperator h) {
        return network.bind(dataConsistency(h));
    }

    /** As {@link #bind(LinearOperator)} for data already normalised by their volume's scale ({@link UnfoldedNetwork#bind(DataConsistency, boolean)}). */
    public UnfoldedNetwork bindNormalised(LinearOperator h) {
        return network.bind(dataConsistency(h), true);
    }

    /** The data-consistency step of {@code h}, built once per operator (the last one is cached). */
    public synchronized DataConsistency dataConsistency(LinearOperator h) {
        if (h != cachedOperator) {
            cachedDc = DataConsistency.of(h);
            cachedOperator = h;
        }
        return cachedDc;
    }
}
