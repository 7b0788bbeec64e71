package mrisr.sr.methods.deq;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import mrisr.engine.Grad;
import mrisr.engine.Memory;
import mrisr.engine.Tensor;
import mrisr.nn.deq.Anderson;
import mrisr.nn.deq.DeepEquilibrium;
import mrisr.nn.deq.Equilibrium;
import mrisr.nn.deq.FixedPointSolver;
import mrisr.sr.methods.FactorException;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.SrMethod;
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
 * <p><b>Forward model.</b> {@code H} is the default degradation of {@code mrisr degrade}
 * ({@link Degradation} with the context's factors: Gaussian slice profile with FWHM = low-resolution
 * slice spacing along the slice axis, the same profile kind with FWHM = low-resolution voxel size
 * on other downsampled axes, decimation, symmetric boundaries) from the output grid
 * ({@code round(n·f)} voxels, spacing {@code lrSpacing/f}) to the input grid. {@code ‖H‖} comes
 * from 30 power iterations (seed 0), inflated by 1% because the power method approaches it from
 * below, so {@code γ‖H‖² < 1}: the data step {@code I − γHᵀH} is non-expansive with spectrum in
 * {@code [0, 1]}.
 *
 * <p><b>The default prior</b> (no model file): {@link DeqPrior#smoothing} with strength
 * {@value #DEFAULT_STRENGTH}, a fixed linear filter {@code R = I − α h∗} that damps second
 * differences along the super-resolved axes only. With it the fixed point is unique (the map is a
 * contraction on the whole space: {@code ‖R‖ ≤ 1} and {@code R} strictly contracts the null space
 * of {@code H}), and it is the minimiser-like balance
 * {@code (R⁻¹ − I) x* = γ Hᵀ(y − H x*)}: data consistency regularised by a quadratic smoothness
 * penalty through-plane ({@code R⁻¹ − I ≈ α h} for small {@code α}). In other words, until a model
 * is trained, {@code deq} is a physics-consistent, mildly regularised iterative back-projection.
 * {@code mrisr train --method deq} (the trainer) trains {@code θ} from the trainable initialisation
 * {@link DeqPrior#trainable} and saves it with {@link DeqPrior#save}; {@link #withModel} loads it.
 *
 * <p><b>Iteration.</b> Intensities are divided by {@code s = max|y|} before solving and the result
 * is multiplied back (the default prior is scale-invariant; a trained one sees the range it was
 * trained on). Start: trilinear interpolation of {@code y}. Solver: Anderson, {@code m = 5},
 * {@code β = 1}, {@code λ = 1e-8}, relative residual {@code ‖f(x) − x‖/‖f(x)‖ ≤} {@value #TOLERANCE},
 * at most {@value #MAX_ITERATIONS} iterations; one line per volume (iterations, residual) goes to
 * the log sink ({@code System.err} by default), and a warning when the solver stops early (the best
 * iterate is returned). Series {@code [nx, ny, nz, nt]} are solved frame by frame.
 *
 * <pre>{@code
 * Volume sr = new DeqMethod().run(lr, SrContext.of(1, 1, 4));
 * Volume srTrained = DeqMethod.withModel(Path.of("deq.safetensors")).run(lr, SrContext.of(1, 1, 4));
 * }</pre>
 */
public final class DeqMethod implements SrMethod {
    /** The command-line name. */
    public static final String NAME = "deq";
    /** {@code α} of the default smoothing prior. */
    public static final double DEFAULT_STRENGTH = 0.25;
    /** Default stopping tolerance on the relative residual. */
    public static final double TOLERANCE = 1e-4;
    /** Default iteration limit. */
    public static final int MAX_ITERATIONS = 50;
    /** Power iterations for {@code ‖H‖}. */
    static final int POWER_ITERATIONS = 30;

    private final DeqPrior model; // null: the smoothing prior for the context's factors
    private final FixedPointSolver solver;
    private final Consumer<String> log;

    /** The default: smoothing prior, Anderson solver, log lines to {@code System.err}. */
    public DeqMethod() {
        this(null, new Anderson(5, 1.0, 1e-8, TOLERANCE, MAX_ITERATIONS), System.err::println);
    }

    /**
     * @param model  the trained prior, or null for the default smoothing prior
     * @param solver the forward solver
     * @param log    receives one line per solved volume and the solver's warnings
     */
    public DeqMethod(DeqPrior model, FixedPointSolver solver, Consumer<String> log) {
        this.model = model;
        this.solver = Objects.requireNonNull(solver, "solver");
        this.log = Objects.requireNonNull(log, "log");
    }

    /**
     * The method with a trained prior read from a safetensors file (see {@link DeqPrior#load}).
     *
     * @throws DeqModelException naming the file when it cannot be used
     */
    public static DeqMethod withModel(Path file) {
        return new DeqMethod(DeqPrior.load(file), new Anderson(5, 1.0, 1e-8, TOLERANCE, MAX_ITERATIONS),
                System.err::println);
    }

    /** This method with another solver. */
    public DeqMethod withSolver(FixedPointSolver s) {
        return new DeqMethod(model, s, log);
    }

    /** This method logging to {@code sink}. */
    public DeqMethod withLog(Consumer<String> sink) {
        return new DeqMethod(model, solver, sink);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "deep equilibrium (Eq. 5): fixed point of x = R(x + γHᵀ(y − Hx)) by Anderson acceleration; "
                + (model == null ? "default R damps what H cannot see (a trained R: --model)" : "trained R " + model);
    }

    /** {@inheritDoc} Factors must be ≥ 1 (the forward model only downsamples). The seed is not used. */
    @Override
    public Volume run(Volume lr, SrContext ctx) {
        double[] factors = ctx.factors();
        int[] shape = lr.shape();
        int[] lrShape = {shape[0], shape[1], shape[2]};
        int nt = shape.length == 4 ? shape[3] : 1;
        LinearOperator h = forwardModel(lrShape, lr.spacing(), factors);
        int[] hrShape = h.inputShape();
        int n = hrShape[0] * hrShape[1] * hrShape[2];
        Memory.check(Math.multiplyExact((long) n, nt), "deq output " + Arrays.toString(ctx.outputShape(shape)));
        double gamma = stepSize(h);
        DeqPrior prior = model != null ? model : DeqPrior.smoothing(factors, DEFAULT_STRENGTH);
        DeepEquilibrium layer = new DeepEquilibrium(solver, solver, DeepEquilibrium.Gradient.IMPLICIT, log);
        float[] lrValues = lr.data().toArray();
        float[] out = new float[Math.multiplyExact(n, nt)];
        for (int t = 0; t < nt; t++) {
            float[] y = new float[lrShape[0] * lrShape[1] * lrShape[2]];
            for (int i = 0; i < y.length; i++) y[i] = lrValues[i * nt + t];
            Volume frame = Volume.of(Tensor.fromArray(y, lrShape), lr.affine());
            Tensor z0 = Interpolation.linear().run(frame, ctx).data();
            Reconstruction r;
            try (var g = Grad.off()) {
                r = reconstruct(layer, prior, h, gamma, Tensor.fromArray(y, lrShape), z0);
            }
            log.accept(String.format(Locale.ROOT, "deq%s: %s", nt == 1 ? "" : " frame " + t,
                    r.equilibrium().forward().summary()));
            float[] x = r.x().toArray();
            for (int i = 0; i < n; i++) out[i * nt + t] = x[i];
        }
        int[] outShape = nt == 1 ? hrShape : new int[] {hrShape[0], hrShape[1], hrShape[2], nt};
        return lr.withGrid(Tensor.fromArray(out, outShape), Volume.resampledAffine(lr.affine(), factors));
    }

    /**
     * The forward model {@code H} this method assumes: {@link Degradation}'s default with
     * {@code factors}, from the output grid of an input of {@code lrShape} voxels of
     * {@code lrSpacingMm} to that input grid.
     *
     * @throws FactorException when a factor is below 1, or the output grid would not map back onto the input grid
     */
    public static LinearOperator forwardModel(int[] lrShape, double[] lrSpacingMm, double[] factors) {
        int[] hrShape = new SrContext(factors, 0).outputShape(lrShape);
        double[] hrSpacing = new double[3];
        for (int a = 0; a < 3; a++) {
            if (factors[a] < 1) {
                throw new FactorException("deq: factor along axis " + a + " is " + factors[a]
                        + ", must be >= 1 (the forward model only downsamples)");
            }
            hrSpacing[a] = lrSpacingMm[a] / factors[a];
        }
        LinearOperator h = Degradation.builder().factors(factors).build().operator(hrShape, hrSpacing);
        if (!Arrays.equals(h.outputShape(), lrShape)) {
            throw new FactorException("deq: factors " + Arrays.toString(factors) + " give an output grid "
                    + Arrays.toString(hrShape) + " that the forward model samples to " + Arrays.toString(h.outputShape())
                    + ", not the input grid " + Arrays.toString(lrShape) + "; use factors with n·f a whole number");
        }
        return h;
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
        int[] hr = h.inputShape();
        double scale = 0;
        for (float v : y.toArray()) scale = Math.max(scale, Math.abs(v));
        if (scale == 0) scale = 1;
        double s = scale;
        Tensor yn = y.detach().mul(1 / s);
        int[] batched = {1, 1, hr[0], hr[1], hr[2]};
        Equilibrium eq = layer.solve((x, w) -> {
            Tensor residual = yn.sub(OperatorAutograd.apply(h, x));
            Tensor u = x.add(OperatorAutograd.adjoint(h, residual).mul(gamma));
            return DeqPrior.apply(u.reshape(batched), w).reshape(hr);
        }, z0.detach().mul(1 / s), prior.weights());
        return new Reconstruction(eq.z().mul(s), eq);
    }

    /**
     * A solved volume.
     *
     * @param x           the fixed point in the data's units on the output grid (differentiable with respect to θ
     *                    when it was recorded)
     * @param equilibrium the normalised fixed point and the solver reports
     */
    public record Reconstruction(Tensor x, Equilibrium equilibrium) {}
}
