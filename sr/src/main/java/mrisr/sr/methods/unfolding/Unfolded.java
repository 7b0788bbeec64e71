package mrisr.sr.methods.unfolding;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import mrisr.engine.Tensor;
import mrisr.engine.cpu.CpuBackend;
import mrisr.sr.InputException;
import mrisr.sr.methods.BundledModels;
import mrisr.sr.methods.LearnedMethod;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.modelbased.RegularizedMethod;
import mrisr.sr.volume.Volume;

/**
 * Deep unfolding for super-resolution (survey §IV-B, Algorithm 2): {@code K} stages, each a
 * data-consistency step and a prior step,
 * <pre>
 *   z_k = argmin_z ‖Hz − y‖² + μ_k‖z − x_{k−1}‖²        ({@link DataConsistency}: Fourier closed form or CG)
 *   x_k = prior_k(z_k; λ_k)
 * </pre>
 * from the cubic B-spline interpolation {@code x₀} of {@code y}, returning {@code x_K}. {@code H} is
 * the acquisition model of the {@link SrContext} (what {@code mrisr degrade} applies); the rule for
 * its DC solver is {@link DataConsistency}'s: the closed form for image-space degradations with
 * integer factors dividing the grid (circular or symmetric boundary), conjugate gradients otherwise.
 *
 * <p><b>Without a model (the default)</b> the priors are fixed: half-quadratic splitting of
 * <pre>
 *   min_x ½‖Hx − y‖² + λ·γ_H·r·TV(x),    γ_H = ‖H𝟙‖²/‖𝟙‖²,   r = max y − min y,
 * </pre>
 * ({@link mrisr.sr.methods.modelbased.TotalVariation}'s normalisation, so λ means the same there),
 * with {@code μ_k = γ_H·ρ_k} on the geometric schedule {@code ρ_k} from
 * {@value #DEFAULT_RHO_FIRST} to {@value #DEFAULT_RHO_LAST} and
 * {@code x_k = prox_{(λγ_H r/μ_k)·TV}(z_k)} ({@value #TV_ITERATIONS} warm-started dual iterations
 * per stage): strong smoothing in the first stages, data fidelity in the last — the hand-set schedule
 * of plug-and-play/USRNet. Defaults {@value #DEFAULT_STAGES} stages, λ = {@value #DEFAULT_LAMBDA},
 * chosen on synthetic ellipsoid phantoms (4× through-plane, Gaussian profile, 1 % noise; never on
 * real data). {@code mrisr sr --lambda} sets λ and {@code --iters} the number of stages.
 *
 * <p><b>With a model</b> ({@link #withModel}) the stages are the learned ones of
 * {@link UnfoldedNetwork} (learned {@code μ_k}, {@code λ_k} and CNN priors, trained by
 * {@link UnfoldedTraining}); data consistency runs on the whole volume (it couples all voxels), the
 * CNN priors on tiles of {@value #PRIOR_TILE}³ voxels with a margin of their receptive field.
 *
 * <p><b>The shipped model.</b> {@link #withBundledModels} (what the {@link mrisr.sr.methods.Methods}
 * registry does, so {@code mrisr sr --method unfolded} without {@code --model}) makes each run use
 * {@code unfolded.safetensors} of {@link BundledModels} when the build ships one and the fixed prior
 * otherwise; the description, {@link #prior()} and the first progress line say which. Setting
 * {@code --lambda} or {@code --iters} ({@link #withLambda}, {@link #withMaxIterations}) asks for the
 * fixed prior, whose parameters they are, and so drops the bundled model.
 *
 * <p>Intensities are divided by {@code max|y|} before the stages and multiplied back after. Results
 * do not depend on the thread count.
 *
 * <pre>{@code
 * Volume sr = new Unfolded().run(lr, SrContext.of(1, 1, 4).withProgress(System.err::println));
 * Volume learned = new Unfolded().withModel(Path.of("unfolded.safetensors")).run(lr, ctx);
 * }</pre>
 */
public final class Unfolded implements RegularizedMethod, LearnedMethod {
    /** Default number of stages of the fixed-prior iteration. */
    public static final int DEFAULT_STAGES = 8;
    /** Default TV weight λ (relative to {@code γ_H} and the intensity range of {@code y}). */
    public static final double DEFAULT_LAMBDA = 0.005;
    /** {@code μ_1/γ_H} of the default schedule. */
    public static final double DEFAULT_RHO_FIRST = 0.1;
    /** {@code μ_K/γ_H} of the default schedule. */
    public static final double DEFAULT_RHO_LAST = 10;
    /** Tile edge (voxels) of the learned priors at inference: bounds the CNN's working memory on whole volumes. */
    public static final int PRIOR_TILE = 64;
    /** Dual iterations of the TV proximal step per stage. */
    public static final int TV_ITERATIONS = 20;

    private final int stages;
    private final double lambda;
    private final UnfoldedTraining model;
    private final BundledModels bundled; // where to look for a model when none is given, or null

    /**
     * The fixed-prior default: {@value #DEFAULT_STAGES} stages, λ = {@value #DEFAULT_LAMBDA}. The
     * registered method also looks for the bundled model ({@link #withBundledModels}).
     */
    public Unfolded() {
        this(DEFAULT_STAGES, DEFAULT_LAMBDA, null, null);
    }

    private Unfolded(int stages, double lambda, UnfoldedTraining model, BundledModels bundled) {
        this.stages = stages;
        this.lambda = lambda;
        this.model = model;
        this.bundled = bundled;
    }

    /** This method with the learned stages of {@code model}. */
    public Unfolded withModel(UnfoldedTraining model) {
        return new Unfolded(stages, lambda, Objects.requireNonNull(model, "model"), null);
    }

    /**
     * This method using {@code models}' {@code unfolded.safetensors} when it exists (read at each
     * run) and the fixed prior otherwise; drops a model given with {@link #withModel}.
     */
    @Override
    public Unfolded withBundledModels(BundledModels models) {
        return new Unfolded(stages, lambda, null, Objects.requireNonNull(models, "models"));
    }

    /**
     * This method with the learned stages read from {@code file} ({@code mrisr sr --model}).
     *
     * @throws UnfoldedModelException naming the file when it is not a usable unfolded model
     */
    public Unfolded withModel(Path file) {
        return withModel(UnfoldedTraining.load(file));
    }

    /** The model given with {@link #withModel}, or null (the fixed prior, or a bundled model read at each run). */
    public UnfoldedTraining model() {
        return model;
    }

    @Override
    public String name() {
        return "unfolded";
    }

    @Override
    public String description() {
        String head = "deep unfolding: K stages of data consistency (Fourier closed form or CG) and a prior; ";
        String fixed = "fixed TV prior (half-quadratic splitting, lambda, --iters stages)";
        if (model != null) return head + "learned stages (" + describe(model) + ")";
        if (bundled == null) return head + fixed;
        return head + (usesBundled() ? "learned stages (" + bundled.describe(BundledModels.Model.UNFOLDED) + ")"
                : fixed + ", no bundled model");
    }

    /** {@inheritDoc} {@code "bundled unfolded"}, {@code "tv fallback"}, {@code "tv"} or {@code "trained, K stages"}. */
    @Override
    public String prior() {
        if (model != null) return "trained, " + model.hyper().stages() + " stages";
        if (bundled == null) return "tv";
        return usesBundled() ? "bundled " + BundledModels.Model.UNFOLDED.id() : "tv fallback";
    }

    private boolean usesBundled() {
        return bundled != null && bundled.contains(BundledModels.Model.UNFOLDED);
    }

    private static String describe(UnfoldedTraining m) {
        UnfoldedTraining.Hyper h = m.hyper();
        return h.sharedDenoiser()
                ? h.stages() + " learned stages sharing a DnCNN of " + h.denoiserDepth() + " layers x " + h.features() + " features"
                : h.stages() + " learned stages of " + h.features() + " features";
    }

    /** The TV weight of the fixed prior. */
    @Override
    public double lambda() {
        return lambda;
    }

    /** The number of stages {@code K}: of the model when one is given, else of the fixed prior. */
    @Override
    public int maxIterations() {
        return model != null ? model.hyper().stages() : stages;
    }

    /**
     * The fixed prior with TV weight {@code lambda} (a bundled model is no longer looked for).
     *
     * @throws InputException when λ is not finite and ≥ 0, or a trained model is bound (its λ_k are learned)
     */
    @Override
    public Unfolded withLambda(double lambda) {
        if (model != null) throw new InputException("unfolded: --lambda applies to the fixed prior; the model's lambda_k are learned");
        if (!Double.isFinite(lambda) || !(lambda >= 0)) throw new InputException("unfolded: lambda is " + lambda + ", must be a finite number >= 0");
        return new Unfolded(stages, lambda, null, null);
    }

    /**
     * The fixed prior with {@code iterations} stages (a bundled model is no longer looked for).
     *
     * @throws InputException unless 1 ≤ iterations ≤ {@value UnfoldedNetwork#MAX_STAGES}, or when a trained model
     *     (whose stage count is fixed) is bound
     */
    @Override
    public Unfolded withMaxIterations(int iterations) {
        if (model != null) throw new InputException("unfolded: --iters applies to the fixed prior; the model has " + maxIterations() + " stages");
        if (iterations < 1 || iterations > UnfoldedNetwork.MAX_STAGES) {
            throw new InputException("unfolded: stages (--iters) is " + iterations + ", must be in 1.." + UnfoldedNetwork.MAX_STAGES);
        }
        return new Unfolded(iterations, lambda, null, null);
    }

    /** {@inheritDoc} The seed is not used: the method is deterministic. */
    @Override
    public Volume run(Volume lr, SrContext ctx) {
        UnfoldingGrid grid = UnfoldingGrid.of(name(), lr, ctx);
        DataConsistency dc = DataConsistency.of(grid.h);
        UnfoldedTraining learned = model;
        String prior = learned != null ? describe(learned) : null;
        if (bundled != null) {
            learned = bundled.read(BundledModels.Model.UNFOLDED, UnfoldedTraining::load).orElse(null);
            prior = learned != null ? describe(learned) + " (" + bundled.describe(BundledModels.Model.UNFOLDED) + ")" : null;
        }
        if (learned == null) {
            prior = String.format(Locale.ROOT, "%d stages, fixed TV prior, lambda %s", stages, lambda) + (bundled != null ? " (no bundled model)" : "");
        }
        ctx.progress().accept(name() + ": " + prior + "; " + dc.describe());
        if (learned != null) LearnedMethod.acquisitionWarning(learned.notes(), ctx).ifPresent(w -> ctx.progress().accept(name() + ": " + w));
        UnfoldedTraining m = learned;
        return grid.solveAll(lr, ctx.progress(), (y, x0, progress) -> m == null
                ? reconstruct(dc, y, x0, grid.hrSpacing, progress)
                : learned(m, dc, y, x0, progress));
    }

    private Tensor learned(UnfoldedTraining m, DataConsistency dc, Tensor y, Tensor x0, Consumer<String> progress) {
        Tensor x = m.network().reconstruct(y, x0, dc, PRIOR_TILE);
        progress.accept(name() + ": " + m.hyper().stages() + " learned stages done");
        return x;
    }

    /**
     * The fixed-prior iteration (see the class comment) on one volume.
     *
     * @param dc        the data-consistency step of {@code H}
     * @param y         data on {@code H}'s output grid (not modified)
     * @param x0        start on {@code H}'s input grid (not modified)
     * @param spacingMm voxel sizes of {@code H}'s input grid (weights of the TV differences)
     * @param progress  receives one line per stage
     * @return {@code x_K}, a new tensor on {@code H}'s input grid
     */
    public Tensor reconstruct(DataConsistency dc, Tensor y, Tensor x0, double[] spacingMm, Consumer<String> progress) {
        int[] n = dc.operator().inputShape();
        float[] ys = CpuBackend.denseData(y);
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY, max = 0;
        for (float v : ys) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
            max = Math.max(max, Math.abs(v));
        }
        double scale = max > 0 ? max : 1, range = (hi - lo) / scale;
        float inv = (float) (1 / scale);
        float[] yn = new float[ys.length];
        for (int i = 0; i < ys.length; i++) yn[i] = ys[i] * inv;
        float[] hty = CpuBackend.denseData(dc.adjoint(CpuBackend.wrap(yn, dc.operator().outputShape())));
        float[] x = CpuBackend.denseData(x0).clone();
        for (int i = 0; i < x.length; i++) x[i] *= inv;
        TvDenoiser tv = new TvDenoiser(n, spacingMm, TV_ITERATIONS);
        float[] dual = tv.newDual();
        double[] rho = schedule(stages, DEFAULT_RHO_FIRST, DEFAULT_RHO_LAST);
        double gain = dc.gain();
        float[] b = new float[x.length];
        for (int k = 0; k < stages; k++) {
            float mu = (float) (gain * rho[k]);
            for (int i = 0; i < b.length; i++) b[i] = hty[i] + mu * x[i];
            float[] z = CpuBackend.denseData(dc.solve(CpuBackend.wrap(b, n), mu));
            x = tv.denoise(z, lambda * range / rho[k], dual);
            progress.accept(String.format(Locale.ROOT, "%s: stage %d/%d, mu/gamma %.3g, TV threshold %.3g", name(), k + 1, stages, rho[k],
                    lambda * range / rho[k]));
        }
        float s = (float) scale;
        for (int i = 0; i < x.length; i++) x[i] *= s;
        return CpuBackend.wrap(x, n);
    }

    /** {@code count} values from {@code first} to {@code last} in geometric progression ({@code first} alone for one). */
    static double[] schedule(int count, double first, double last) {
        double[] r = new double[count];
        for (int k = 0; k < count; k++) r[k] = count == 1 ? first : first * Math.pow(last / first, (double) k / (count - 1));
        return r;
    }

    @Override
    public String toString() {
        return name();
    }
}
