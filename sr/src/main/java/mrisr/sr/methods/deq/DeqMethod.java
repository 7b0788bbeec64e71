package mrisr.sr.methods.deq;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;
import mrisr.engine.Grad;
import mrisr.engine.Memory;
import mrisr.engine.Tensor;
import mrisr.nn.deq.Anderson;
import mrisr.nn.deq.DeepEquilibrium;
import mrisr.nn.deq.Equilibrium;
import mrisr.nn.deq.EquilibriumMap;
import mrisr.nn.deq.FixedPointSolver;
import mrisr.sr.InputException;
import mrisr.sr.methods.BundledModels;
import mrisr.sr.methods.LearnedMethod;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.baseline.Interpolation;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.LinearOperator;
import mrisr.sr.volume.Volume;

/**
 * Deep-equilibrium super-resolution (survey §IV-C, Eq. 5; Gilton, Ongie &amp; Willett 2021): the
 * output is the fixed point
 * <pre>
 *   x* = f(x*),   f(x) = R_θ(x + γ Hᵀ(y − H x)),   γ = 1 / ‖H‖²
 * </pre>
 * of a gradient step on the data term {@code ½‖Hx − y‖²} followed by the prior network
 * {@link DeqPrior R_θ}, found by Anderson acceleration (forward) and differentiated implicitly
 * (training, through {@link DeepEquilibrium}).
 *
 * <p><b>Forward model.</b> {@code H} is {@link SrContext#forwardModel()}: the acquisition given
 * with the context (as {@code mrisr sr --profile/--kspace} describe it), else the default of
 * {@code mrisr degrade} for the factors (Gaussian slice profile, FWHM = low-resolution voxel size),
 * from the output grid (spacing {@code lrSpacing/f}) to the input grid. When a non-integer
 * {@code m·f} makes {@code round(m·f)} voxels too few to explain all {@code m} input voxels, the
 * problem is solved on the smallest grid that does and cropped (as the model-based methods do).
 * {@code ‖H‖} comes from {@value #POWER_ITERATIONS} power iterations (seed 0), inflated by 1%
 * because the power method approaches it from below, so {@code γ‖H‖² < 1}: the data step
 * {@code I − γHᵀH} is non-expansive with spectrum in {@code [0, 1]}.
 *
 * <p><b>The default prior</b> (no model file): {@link DeqPrior#smoothing} with strength
 * {@value #DEFAULT_STRENGTH}, a fixed linear filter {@code R = I − α h∗} that damps second
 * differences along the super-resolved axes only. With it the map is a contraction ({@code ‖R‖ ≤ 1},
 * and {@code R} strictly contracts what {@code H} cannot see), so the fixed point is unique, and it
 * satisfies {@code (R⁻¹ − I) x* = γ Hᵀ(y − H x*)}: data consistency balanced against a quadratic
 * through-plane smoothness penalty ({@code R⁻¹ − I ≈ α h} for small {@code α}). In other words,
 * until a model is trained, {@code deq} is a physics-consistent, mildly regularised iterative
 * back-projection (on the noisy 48³ brain phantom, 4× through-plane: +0.57 dB PSNR over cubic
 * B-spline interpolation, see {@code DeqMethodTest}). {@code mrisr train --method deq} (the
 * trainer) is to train {@code θ}: {@link DeqNetwork} wraps this pipeline as a {@code Module} for a
 * generic training loop, started from {@link DeqPrior#trainable}; the saved parameters load with
 * {@link #withModel}.
 *
 * <p><b>The shipped prior.</b> {@link #withBundledModels} (what the {@link mrisr.sr.methods.Methods}
 * registry does, so {@code mrisr sr --method deq} without {@code --model}) makes each run use
 * {@code deq.safetensors} of {@link BundledModels} when the build ships one and the smoothing prior
 * otherwise; the description, {@link #prior()} and the first progress line say which.
 *
 * <p><b>Iteration.</b> Intensities are divided by {@code s = max|y|} before solving and the result
 * is multiplied back (the default prior is scale-invariant; a trained one sees the range it was
 * trained on). Start: trilinear interpolation of {@code y}. Solver: Anderson, {@code m = 5},
 * {@code β = 1}, {@code λ = 1e-8}, relative residual {@code ‖f(x) − x‖/‖f(x)‖ ≤} {@value #TOLERANCE},
 * at most {@value #MAX_ITERATIONS} iterations. One line naming the prior, then one per volume
 * (solver, iterations, residual) go to {@link SrContext#progress()} ({@code mrisr sr} prints it on stderr), and so does the
 * solver's warning when it stops without converging (the best iterate is returned). Series
 * {@code [nx, ny, nz, nt]} are solved frame by frame.
 *
 * <pre>{@code
 * Volume sr = new DeqMethod().run(lr, SrContext.of(1, 1, 4).withProgress(System.err::println));
 * Volume srTrained = DeqMethod.withModel(Path.of("deq.safetensors")).run(lr, SrContext.of(1, 1, 4));
 * }</pre>
 */
public final class DeqMethod implements LearnedMethod {
    /** The command-line name. */
    public static final String NAME = "deq";
    /** {@code α} of the default smoothing prior. */
    public static final double DEFAULT_STRENGTH = 0.25;
    /** Default stopping tolerance on the relative residual. */
    public static final double TOLERANCE = 1e-4;
    /** Default iteration limit. */
    public static final int MAX_ITERATIONS = 50;
    /** Power iterations for {@code ‖H‖}. */
    public static final int POWER_ITERATIONS = 30;

    private final DeqPrior model; // null: the bundled prior if any, else the smoothing prior for the context's factors
    private final FixedPointSolver solver;
    private final BundledModels bundled; // where to look for a prior when none is given, or null

    /**
     * The default: smoothing prior, Anderson solver. The registered method also looks for the bundled
     * prior ({@link #withBundledModels}).
     */
    public DeqMethod() {
        this(null, defaultSolver());
    }

    /**
     * @param model  the trained prior (used as is, not copied), or null for the default smoothing prior
     * @param solver the forward solver
     */
    public DeqMethod(DeqPrior model, FixedPointSolver solver) {
        this(model, solver, null);
    }

    private DeqMethod(DeqPrior model, FixedPointSolver solver, BundledModels bundled) {
        this.model = model;
        this.solver = Objects.requireNonNull(solver, "solver");
        this.bundled = bundled;
    }

    /** Anderson with {@code m = 5, β = 1, λ = 1e-8}, tolerance {@value #TOLERANCE}, {@value #MAX_ITERATIONS} iterations. */
    public static Anderson defaultSolver() {
        return new Anderson(5, 1.0, 1e-8, TOLERANCE, MAX_ITERATIONS);
    }

    /**
     * The method with a trained prior read from a safetensors file (see {@link DeqPrior#load}).
     *
     * @throws DeqModelException naming the file when it cannot be used
     */
    public static DeqMethod withModel(Path file) {
        return new DeqMethod(DeqPrior.load(file), defaultSolver());
    }

    /** This method with another solver. */
    public DeqMethod withSolver(FixedPointSolver s) {
        return new DeqMethod(model, s, bundled);
    }

    /**
     * This method using {@code models}' {@code deq.safetensors} as the prior when it exists (read at
     * each run) and the smoothing prior otherwise; drops a prior given to the constructor.
     */
    @Override
    public DeqMethod withBundledModels(BundledModels models) {
        return new DeqMethod(null, solver, Objects.requireNonNull(models, "models"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        String smoothing = "default R damps what H cannot see";
        return "deep equilibrium (Eq. 5): fixed point of x = R(x + γHᵀ(y − Hx)) by Anderson acceleration; "
                + (model != null ? "trained R " + model
                        : bundled == null ? smoothing
                        : usesBundled() ? "trained R (" + bundled.describe(BundledModels.Model.DEQ) + ")"
                        : smoothing + " (no bundled model)");
    }

    /** {@inheritDoc} {@code "bundled deq"}, {@code "smoothing fallback"}, {@code "smoothing"} or {@code "trained DeqPrior(hidden=C)"}. */
    @Override
    public String prior() {
        if (model != null) return "trained " + model;
        if (bundled == null) return "smoothing";
        return usesBundled() ? "bundled " + BundledModels.Model.DEQ.id() : "smoothing fallback";
    }

    private boolean usesBundled() {
        return bundled != null && bundled.contains(BundledModels.Model.DEQ);
    }

    /** {@inheritDoc} Factors must be ≥ 1 (the forward model only downsamples). The seed is not used. */
    @Override
    public Volume run(Volume lr, SrContext ctx) {
        double[] factors = ctx.factors();
        Degradation d = ctx.forwardModel();
        int[] shape = lr.shape();
        int[] m = {shape[0], shape[1], shape[2]};
        int nt = shape.length == 4 ? shape[3] : 1;
        int[] out = Arrays.copyOf(ctx.outputShape(shape), 3);
        double[] lrSpacing = lr.spacing(), hrSpacing = new double[3];
        for (int a = 0; a < 3; a++) hrSpacing[a] = lrSpacing[a] / factors[a];
        int nOut = out[0] * out[1] * out[2];
        Memory.check(Math.multiplyExact((long) nOut, nt), "deq output " + Arrays.toString(ctx.outputShape(shape)));
        DeqProblem problem = DeqProblem.of(d, m, out, hrSpacing);
        float[] lrValues = lr.data().toArray();
        for (float v : lrValues) {
            if (!Float.isFinite(v)) throw new InputException("deq: the input has a non-finite value (" + v + "); expected finite intensities");
        }
        DeqPrior prior = model != null ? model : bundled != null ? bundled.read(BundledModels.Model.DEQ, DeqPrior::load).orElse(null) : null;
        String origin = model != null ? "trained " + model
                : prior != null ? "trained " + prior + " (" + bundled.describe(BundledModels.Model.DEQ) + ")"
                : "smoothing, strength " + DEFAULT_STRENGTH + (bundled != null ? " (no bundled model)" : "");
        Consumer<String> progress = ctx.progress();
        if (prior != null) LearnedMethod.acquisitionWarning(prior.fileMetadata(), ctx).ifPresent(w -> progress.accept("deq: " + w));
        else prior = DeqPrior.smoothing(factors, DEFAULT_STRENGTH);
        progress.accept("deq: prior R " + origin);
        float[] init = Interpolation.linear().run(lr, new SrContext(factors, 0)).data().toArray();
        int nLr = m[0] * m[1] * m[2];
        float[] result = nt == 1 ? null : new float[Math.multiplyExact(nOut, nt)];
        for (int t = 0; t < nt; t++) {
            String frame = nt == 1 ? "" : " frame " + (t + 1) + "/" + nt;
            DeepEquilibrium layer = new DeepEquilibrium(solver, solver, DeepEquilibrium.Gradient.IMPLICIT,
                    line -> progress.accept(line + (nt == 1 ? "" : " (" + frame.trim() + ")")));
            Reconstruction r;
            try (var g = Grad.off()) {
                r = problem.solve(layer, prior, Tensor.fromArray(frame(lrValues, nLr, nt, t), m),
                        Tensor.fromArray(frame(init, nOut, nt, t), out));
            }
            progress.accept("deq" + frame + ": " + r.equilibrium().forward().summary());
            float[] x = r.x().toArray();
            if (nt == 1) {
                result = x;
            } else {
                for (int v = 0; v < nOut; v++) result[v * nt + t] = x[v];
            }
        }
        int[] outShape = nt == 1 ? out : new int[] {out[0], out[1], out[2], nt};
        return lr.withGrid(Tensor.fromArray(result, outShape), Volume.resampledAffine(lr.affine(), factors));
    }

    private static float[] frame(float[] data, int voxels, int frames, int t) {
        if (frames == 1) return data;
        float[] f = new float[voxels];
        for (int v = 0; v < voxels; v++) f[v] = data[v * frames + t];
        return f;
    }

    /** {@code γ = 1/(1.01·‖H‖)²} with {@code ‖H‖} from {@value #POWER_ITERATIONS} power iterations (seed 0). */
    public static double stepSize(LinearOperator h) {
        double norm = h.normEstimate(POWER_ITERATIONS, 0) * 1.01;
        return norm > 0 ? 1 / (norm * norm) : 1;
    }

    /**
     * Solves {@code x* = R_θ(x* + γHᵀ(y − Hx*))} for one volume. Differentiable with respect to the
     * prior's parameters when recording is on (implicit differentiation through {@code layer}),
     * which is how the trainer fits {@code θ}; {@code y} and {@code z0} are data (no gradient).
     *
     * @param layer  the DEQ layer (solvers, gradient mode, warning sink)
     * @param prior  {@code R_θ}
     * @param h      the forward model, {@code [nx, ny, nz] → y}'s shape
     * @param gamma  the step size, {@code 0 < γ < 2/‖H‖²}
     * @param y      the low-resolution volume (not modified)
     * @param z0     the start on {@code h}'s input grid (not modified), e.g. an interpolation of {@code y}
     * @return the fixed point in {@code y}'s units, and the solver reports
     */
    public static Reconstruction reconstruct(DeepEquilibrium layer, DeqPrior prior, LinearOperator h, double gamma, Tensor y,
            Tensor z0) {
        double scale = 0;
        for (float v : y.toArray()) scale = Math.max(scale, Math.abs(v));
        if (scale == 0) scale = 1;
        double s = scale;
        Tensor yn = y.detach().mul(1 / s);
        Equilibrium eq = layer.solve(map(h, gamma, yn), z0.detach().mul(1 / s), prior.weights());
        return new Reconstruction(eq.z().mul(s), eq, yn);
    }

    /**
     * {@code f(x; θ) = R_θ(x + γHᵀ(y − Hx))} on {@code h}'s input grid, the prior's weights {@code θ}
     * ({@link DeqPrior#weights()}) as the map's inputs.
     *
     * @param y the normalised data (captured; no gradient flows to it)
     */
    static EquilibriumMap map(LinearOperator h, double gamma, Tensor y) {
        int[] hr = h.inputShape();
        int[] batched = {1, 1, hr[0], hr[1], hr[2]};
        return (x, w) -> {
            Tensor residual = y.sub(OperatorAutograd.apply(h, x));
            Tensor u = x.add(OperatorAutograd.adjoint(h, residual).mul(gamma));
            return DeqPrior.apply(u.reshape(batched), w).reshape(hr);
        };
    }

    /**
     * A solved volume.
     *
     * @param x           the fixed point in the data's units on the output grid (differentiable with respect to θ
     *                    when it was recorded)
     * @param equilibrium the normalised fixed point and the solver reports
     * @param data        the normalised data {@code y/max|y|} the fixed point solves for
     */
    public record Reconstruction(Tensor x, Equilibrium equilibrium, Tensor data) {}
}
