package mrisr.sr.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.Module;
import mrisr.nn.loss.Loss;
import mrisr.nn.deq.DeepEquilibrium;
import mrisr.nn.deq.Equilibrium;
import mrisr.nn.deq.FixedPointResult;
import mrisr.nn.train.Validation;
import mrisr.sr.InputException;
import mrisr.sr.methods.deq.DeqMethod;
import mrisr.sr.methods.deq.DeqNetwork;
import mrisr.sr.methods.deq.DeqPrior;
import mrisr.sr.nets.SrValidation;
import picocli.CommandLine.Option;

/**
 * {@code mrisr train --method deq}: the prior {@code R_θ} of deep-equilibrium super-resolution,
 * trained end to end through the fixed point {@code x* = R_θ(x* + γHᵀ(y − Hx*))} ({@link DeqNetwork}:
 * Anderson acceleration forward, implicit differentiation backward, or the Jacobian-free
 * approximation with {@code --gradient jacobian-free}) on patches {@code y = H x + noise} degraded
 * alone (see {@link PhysicsRecipe}). The prior starts as the default smoothing prior of
 * {@link DeqMethod} ({@link DeqPrior#trainable}); the model loads with {@link DeqPrior#load} and runs
 * with {@code mrisr sr --method deq --model FILE}.
 *
 * <p><b>Keeping the iteration convergent.</b> Nothing in {@code R_θ}'s architecture makes the map
 * {@code f} a contraction, and a prior that sharpens what {@code H} cannot see makes it expansive: the
 * iteration then stops converging (a prior trained with a too large step reached a gain of 1.02
 * and no longer converged in 50 iterations). So the loss adds a penalty on the gain of {@code f} at
 * each training fixed point, {@code w·mean(max(0, g − ρ)²)} with {@code g} from
 * {@link DeqNetwork#gain} ({@value #GAIN_ITERATIONS} power iterations), {@code w} =
 * {@value #PENALTY_WEIGHT} and {@code ρ = --contraction} (default {@value #DEFAULT_CONTRACTION}, the
 * estimate for the smoothing prior the training starts from). It is a soft constraint: with a
 * sensible learning rate it holds the estimate near ρ, with a far too large one it cannot.
 *
 * <p>Validation solves the held-out patches as {@code mrisr sr} does (Anderson, tolerance
 * {@value DeqMethod#TOLERANCE}, at most {@value DeqMethod#MAX_ITERATIONS} iterations) with the
 * trained prior, and the final report says how well those solves converged and what gain the map has
 * there, with a warning when a solve did not converge.
 */
final class DeqRecipe extends PhysicsRecipe {
    /** The options only this method takes (besides the acquisition's). */
    static final List<String> OPTIONS = List.of("--gradient", "--contraction");
    /** Default hidden channels of the prior. */
    static final int DEFAULT_HIDDEN = 8;
    /**
     * Default largest gain of the fixed-point map before the penalty acts: what the estimate gives for
     * the smoothing prior the training starts from (0.950 with {@value #GAIN_ITERATIONS} power iterations,
     * 0.963 converged, on 24³ and 32³ brain phantoms at 1,1,4), whose iteration converges in 12
     * Anderson steps. A prior trained with too large a step (gain 1.02) no longer converged.
     */
    static final double DEFAULT_CONTRACTION = 0.95;
    /** Weight of the contraction penalty. */
    static final double PENALTY_WEIGHT = 10;
    /**
     * Power iterations of the gain estimate: the top of the spectrum is clustered, so the estimate
     * approaches the spectral radius slowly (8 iterations: 0.92, 20: 0.950, 200: 0.963 for the smoothing prior).
     */
    static final int GAIN_ITERATIONS = 20;

    /** The method's own command-line options; a picocli mixin of {@link TrainCommand}. */
    static final class Options {
        @Option(names = "--gradient", paramLabel = "implicit|jacobian-free",
                description = "deq: gradient through the fixed point: exact implicit differentiation (default) or the cheaper "
                        + "Jacobian-free approximation.")
        String gradient;

        @Option(names = "--contraction", paramLabel = "RHO",
                description = "deq: penalise gains of the fixed-point map above RHO at the training fixed points, "
                        + "keeping the trained prior contractive so the iteration converges (default: 0.95).")
        Double contraction;
    }

    private final Options given;
    private final Integer features;
    private int hidden;
    private DeepEquilibrium.Gradient gradient;
    private double contraction;
    private DeqPrior prior;
    private DeqNetwork network, inference;
    private final Tracking tracking = new Tracking();
    private long forwardFailures, backwardFailures;

    /** @param features the {@code --features} given (hidden channels of the prior), or null */
    DeqRecipe(DegradationOptions acquisition, Options given, Integer features) {
        super(acquisition);
        this.given = given;
        this.features = features;
    }

    @Override
    public Defaults defaults() {
        return new Defaults(300, 32, 2, 1e-3, "mse");
    }

    @Override
    void configureModel(TrainOptions o) {
        hidden = o.integer("--features", features, DEFAULT_HIDDEN, 2, DeqPrior.MAX_HIDDEN);
        String g = o.choice("--gradient", given.gradient, "implicit", "implicit", "jacobian-free");
        gradient = g.equals("implicit") ? DeepEquilibrium.Gradient.IMPLICIT : DeepEquilibrium.Gradient.JACOBIAN_FREE;
        contraction = o.positive("--contraction", given.contraction, DEFAULT_CONTRACTION);
        if (contraction > 1) throw new InputException("--contraction " + contraction + " must be in (0, 1]: a gain above 1 does not contract");
    }

    @Override
    void buildModel(double[] hrSpacing, long seed) {
        int[] f = degradation.factors();
        prior = DeqPrior.trainable(hidden, new double[] {f[0], f[1], f[2]}, DeqMethod.DEFAULT_STRENGTH, new Rng(seed));
        network = new DeqNetwork(prior, degradation.noiseFree(), hrSpacing,
                new DeepEquilibrium(DeqMethod.defaultSolver(), DeqMethod.defaultSolver(), gradient, this::countFailure));
        inference = new DeqNetwork(prior, degradation.noiseFree(), hrSpacing,
                new DeepEquilibrium(DeqMethod.defaultSolver(), DeqMethod.defaultSolver(), DeepEquilibrium.Gradient.IMPLICIT, line -> { }));
    }

    /** Counts a solver warning of the training layer ({@code deq forward: …} or {@code deq backward: …}). */
    private void countFailure(String warning) {
        if (warning.startsWith("deq backward")) {
            backwardFailures++;
        } else {
            forwardFailures++;
        }
    }

    @Override
    public Module module() {
        return network;
    }

    /**
     * {@inheritDoc} Plus {@code w·mean(max(0, g − ρ)²)} over the batch, {@code g} the gain of the map at
     * each training fixed point ({@link DeqNetwork#gain}), ρ = {@code --contraction}.
     */
    @Override
    public Loss loss(Loss chosen) {
        return (prediction, target) -> {
            Tensor excess = network.gain(GAIN_ITERATIONS).sub(contraction).relu();
            return chosen.compute(prediction, target).add(excess.pow(2).mean().mul(PENALTY_WEIGHT));
        };
    }

    /** {@inheritDoc} Solves with the inference solver, sharing the trained prior, and keeps the solver reports. */
    @Override
    public Validation validation() {
        SrValidation heldOut = heldOut();
        return Validation.of(heldOut.metric(), m -> {
            tracking.results.clear();
            tracking.largestGain = 0;
            return heldOut.evaluate(tracking);
        });
    }

    @Override
    public Map<String, String> modelMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("method", DeqPrior.METHOD);
        m.put("hidden", Integer.toString(hidden));
        m.putAll(degradation.metadata());
        return m;
    }

    @Override
    public String title() {
        return String.format(Locale.ROOT, "deq (prior of %d hidden channels, %s gradient)", hidden,
                gradient == DeepEquilibrium.Gradient.IMPLICIT ? "implicit" : "Jacobian-free");
    }

    @Override
    public List<String> describe() {
        return List.of(title() + ", " + network.trainableParameterCount() + " parameters; solver " + DeqMethod.defaultSolver().describe(),
                patchLine());
    }

    @Override
    public String report() {
        if (tracking.results.isEmpty()) validation().evaluate(network);
        int converged = 0, most = 0;
        double worst = 0;
        for (FixedPointResult r : tracking.results) {
            if (r.converged()) converged++;
            most = Math.max(most, r.iterations());
            worst = Math.max(worst, r.residual());
        }
        String line = String.format(Locale.ROOT, "fixed points of the %d validation patches: %d converged, at most %d iterations, "
                + "relative residual <= %.2g, estimated gain of the map <= %.3f; solves of this session's training that did not "
                + "converge: %d forward, %d backward",
                tracking.results.size(), converged, most, worst, tracking.largestGain, forwardFailures, backwardFailures);
        if (converged == tracking.results.size()) return line;
        return line + System.lineSeparator() + "warning: the trained prior's iteration did not converge on " + (tracking.results.size() - converged)
                + " validation patches; train with a lower --lr or --contraction";
    }

    @Override
    public void save(Path file, Map<String, String> notes) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>(degradation.metadata());
        meta.putAll(notes);
        prior.save(file, meta);
    }

    /** The inference network, keeping the forward solver report of every patch it solves. */
    private final class Tracking extends Module {
        final List<FixedPointResult> results = new ArrayList<>();
        double largestGain;

        @Override
        public Tensor forward(Tensor lr) {
            Tensor x = inference.forward(lr);
            for (Equilibrium e : inference.lastEquilibria()) results.add(e.forward());
            for (float g : inference.gain(GAIN_ITERATIONS).toArray()) largestGain = Math.max(largestGain, g);
            return x;
        }
    }
}
