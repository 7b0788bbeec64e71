package mrisr.sr.methods.pnp;

import java.util.Locale;
import java.util.function.Consumer;
import mrisr.engine.Tensor;
import mrisr.engine.cpu.CpuBackend;
import mrisr.sr.methods.SrContext;
import mrisr.sr.InputException;
import mrisr.sr.methods.SrMethod;
import mrisr.sr.volume.Volume;

/**
 * What the plug-and-play methods share: a {@link Denoiser} as the prior, a {@link Schedule}, the
 * conjugate-gradient settings of the data-consistency step, and the per-frame driver (grid,
 * normalisation, B-spline start, progress lines; see {@code PnpProblem}).
 *
 * <p>{@code H} is the context's {@link SrContext#forwardModel() acquisition model}; one progress
 * line per iteration goes to {@link SrContext#progress()}. {@link #lambda()}, {@link #maxIterations()}
 * and their {@code with…} methods have the signatures of
 * {@link mrisr.sr.methods.modelbased.RegularizedMethod}, so that {@code mrisr sr --lambda} (the
 * schedule's λ) and {@code --iters} (its K) can address them alike. The methods are immutable; the
 * {@code with…} methods return configured copies, which is how the prior is chosen
 * ({@link DenoiserOption}):
 *
 * <pre>{@code
 * PnpMethod m = new PnpHqs().withDenoiser(DenoiserOption.parse("nlm"));
 * Volume sr = m.run(lr, SrContext.of(1, 1, 4));
 * }</pre>
 */
public abstract sealed class PnpMethod implements SrMethod permits PnpHqs, PnpAdmm, Red {
    /** Default cap on CG iterations per data-consistency step (warm-started, so few are needed). */
    public static final int DEFAULT_CG_ITERATIONS = 8;
    /** Default CG tolerance relative to the norm of the right-hand side. */
    public static final double DEFAULT_CG_TOLERANCE = 1e-4;

    final Denoiser denoiser;
    final Schedule schedule;
    final int cgIterations;
    final double cgTolerance;

    PnpMethod(Denoiser denoiser, Schedule schedule, int cgIterations, double cgTolerance) {
        if (denoiser == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": no denoiser");
        if (schedule == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": no schedule");
        this.denoiser = denoiser;
        this.schedule = schedule;
        this.cgIterations = Checks.atLeast(getClass().getSimpleName(), "CG iterations", cgIterations, 1);
        this.cgTolerance = Checks.positive(getClass().getSimpleName(), "CG tolerance", cgTolerance);
    }

    /** The prior. */
    public final Denoiser denoiser() {
        return denoiser;
    }

    /** The σ/μ schedule. */
    public final Schedule schedule() {
        return schedule;
    }

    /** The schedule's λ: the final penalty weight relative to the gain of {@code H}. */
    public final double lambda() {
        return schedule.lambda();
    }

    /** The schedule's number of iterations K (the methods run exactly K). */
    public final int maxIterations() {
        return schedule.iterations();
    }

    /**
     * This method with the schedule's λ replaced.
     *
     * @throws InputException unless {@code lambda} is finite and &gt; 0 (μ = 0 would drop the prior)
     */
    public final PnpMethod withLambda(double lambda) {
        if (!(lambda > 0) || Double.isInfinite(lambda)) {
            throw new InputException(name() + ": lambda " + lambda + " must be a finite number > 0");
        }
        return withSchedule(schedule.withLambda(lambda));
    }

    /**
     * This method with K iterations.
     *
     * @throws InputException unless {@code iterations ≥ 1}
     */
    public final PnpMethod withMaxIterations(int iterations) {
        if (iterations < 1) throw new InputException(name() + ": iterations " + iterations + " must be >= 1");
        return withSchedule(schedule.withIterations(iterations));
    }

    /** This method with another denoiser. */
    public abstract PnpMethod withDenoiser(Denoiser d);

    /** This method with another schedule. */
    public abstract PnpMethod withSchedule(Schedule s);

    /**
     * This method with other CG settings for the data-consistency step.
     *
     * @param iterations cap per step (≥ 1)
     * @param tolerance  relative residual to stop at (&gt; 0)
     */
    public abstract PnpMethod withCg(int iterations, double tolerance);

    @Override
    public final Volume run(Volume lr, SrContext ctx) {
        PnpProblem problem = PnpProblem.of(name(), lr, ctx, ctx.forwardModel());
        Consumer<String> progress = ctx.progress();
        progress.accept(name() + ": " + denoiser.describe() + "; " + schedule + "; forward model " + problem.operator().name());
        return problem.solveAll(lr, progress, this::solve);
    }

    /** Runs the iteration on one normalised frame; returns the estimate on the output grid. */
    abstract float[] solve(PnpProblem.Frame frame, Consumer<String> progress);

    /** {@code D_σ(x)} on the output grid. */
    final float[] denoise(float[] x, int[] shape, double sigma) {
        Tensor d = denoiser.denoise(CpuBackend.wrap(x, shape), sigma);
        return CpuBackend.denseData(d);
    }

    /** One progress line. */
    static String line(int k, int total, double sigma, double mu, DataConsistency.Step step, double misfit, long startNanos) {
        return String.format(Locale.ROOT, "iteration %d/%d: sigma %.4f, mu %.4g, CG %d it (residual %.1e), |Hx-y|/|y| %.4f, %.1f s",
                k, total, sigma, mu, step.iterations(), step.relativeResidual(), misfit, (System.nanoTime() - startNanos) / 1e9);
    }

    @Override
    public String toString() {
        return name() + " [" + denoiser.describe() + "; " + schedule + "; CG <= " + cgIterations + " it, tol " + cgTolerance + "]";
    }
}
