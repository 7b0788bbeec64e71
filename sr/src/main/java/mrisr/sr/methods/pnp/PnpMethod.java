package mrisr.sr.methods.pnp;

import java.util.Locale;
import java.util.Optional;
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
 * What the plug-and-play methods share: a {@link Denoiser} as the prior, a {@link Schedule}, the
 * conjugate-gradient settings of the data-consistency step, and the per-frame driver (grid,
 * normalisation, B-spline start, progress lines; see {@code PnpProblem}).
 *
 * <p>{@code H} is the context's {@link SrContext#forwardModel() acquisition model}; one progress
 * line per iteration goes to {@link SrContext#progress()}, after a first line naming the prior. The
 * methods are {@link RegularizedMethod}s: they solve the MAP problem
 * {@code min ½‖Hx − y‖² + R(x)} with the prior known through its denoiser, {@code mrisr sr --lambda}
 * sets the schedule's λ (the final penalty weight, which must be &gt; 0 here) and {@code --iters}
 * its K.
 *
 * <p><b>The prior.</b> The constructors use {@link TvDenoiser}; {@link #withDenoiser} sets another.
 * {@link #withBundledModels} (what the {@link mrisr.sr.methods.Methods} registry does) makes each run
 * use the shipped learned denoiser {@code dncnn.safetensors} when the build has one and the current
 * denoiser (TV) otherwise; the description, {@link #prior()} and the first progress line say which
 * ({@code "learned denoiser (bundled dncnn.safetensors, …)"} or {@code "TV prior (no bundled model)"}).
 * The methods are immutable; the {@code with…} methods return configured copies, which is how the
 * prior is chosen ({@link DenoiserOption}):
 *
 * <pre>{@code
 * PnpMethod m = new PnpHqs().withDenoiser(DenoiserOption.parse("nlm", BundledModels.classpath()));
 * Volume sr = m.run(lr, SrContext.of(1, 1, 4));
 * }</pre>
 */
public abstract sealed class PnpMethod implements RegularizedMethod, LearnedMethod permits PnpHqs, PnpAdmm, Red {
    /** Default cap on CG iterations per data-consistency step (warm-started, so few are needed). */
    public static final int DEFAULT_CG_ITERATIONS = 8;
    /** Default CG tolerance relative to the norm of the right-hand side. */
    public static final double DEFAULT_CG_TOLERANCE = 1e-4;

    final Denoiser denoiser;
    final Schedule schedule;
    final int cgIterations;
    final double cgTolerance;
    final BundledModels bundled; // where to look for the learned denoiser first, or null

    PnpMethod(Denoiser denoiser, Schedule schedule, int cgIterations, double cgTolerance, BundledModels bundled) {
        if (denoiser == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": no denoiser");
        if (schedule == null) throw new IllegalArgumentException(getClass().getSimpleName() + ": no schedule");
        this.denoiser = denoiser;
        this.schedule = schedule;
        this.cgIterations = Checks.atLeast(getClass().getSimpleName(), "CG iterations", cgIterations, 1);
        this.cgTolerance = Checks.positive(getClass().getSimpleName(), "CG tolerance", cgTolerance);
        this.bundled = bundled;
    }

    /**
     * The denoiser of the constructor or {@link #withDenoiser}: the prior of every run, unless
     * {@link #withBundledModels} found a learned one (then this is the fallback).
     */
    public final Denoiser denoiser() {
        return denoiser;
    }

    /** The σ/μ schedule. */
    public final Schedule schedule() {
        return schedule;
    }

    /** The schedule's λ: the final penalty weight relative to the gain of {@code H}. */
    @Override
    public final double lambda() {
        return schedule.lambda();
    }

    /** The schedule's number of iterations K (the methods run exactly K). */
    @Override
    public final int maxIterations() {
        return schedule.iterations();
    }

    /**
     * This method with the schedule's λ replaced.
     *
     * @throws InputException unless {@code lambda} is finite and &gt; 0 (μ = 0 would drop the prior)
     */
    @Override
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
    @Override
    public final PnpMethod withMaxIterations(int iterations) {
        if (iterations < 1) throw new InputException(name() + ": iterations " + iterations + " must be >= 1");
        return withSchedule(schedule.withIterations(iterations));
    }

    /** This method with the prior {@code d} (no bundled model is looked for). */
    public abstract PnpMethod withDenoiser(Denoiser d);

    /**
     * This method using {@code models}' {@code dncnn.safetensors} as the prior when it exists (read
     * at each run) and the current {@link #denoiser()} otherwise.
     */
    @Override
    public abstract PnpMethod withBundledModels(BundledModels models);

    /** This method with another schedule. */
    public abstract PnpMethod withSchedule(Schedule s);

    /**
     * This method with other CG settings for the data-consistency step.
     *
     * @param iterations cap per step (≥ 1)
     * @param tolerance  relative residual to stop at (&gt; 0)
     */
    public abstract PnpMethod withCg(int iterations, double tolerance);

    /** {@inheritDoc} E.g. {@code "bundled dncnn"}, {@code "tv fallback"}, {@code "nlm"}, {@code "learned dncnn.safetensors"}. */
    @Override
    public final String prior() {
        if (bundled == null) return denoiserLabel();
        return bundled.contains(BundledModels.Model.DNCNN) ? "bundled " + BundledModels.Model.DNCNN.id() : denoiserLabel() + " fallback";
    }

    /** The method's one-line summary followed by the prior a run will use. */
    @Override
    public final String description() {
        String prior;
        if (bundled == null) {
            prior = "prior: " + denoiser.describe();
        } else if (bundled.contains(BundledModels.Model.DNCNN)) {
            prior = "learned denoiser (" + bundled.describe(BundledModels.Model.DNCNN) + ")";
        } else {
            prior = fallback();
        }
        return summary() + "; " + prior;
    }

    /** What the method does, without the prior (the start of {@link #description()}). */
    abstract String summary();

    /** {@code tv}, {@code nlm}, {@code learned FILE} or the denoiser's class name: its label in {@link #prior()}. */
    private String denoiserLabel() {
        return switch (denoiser) {
            case TvDenoiser _ -> "tv";
            case NlmDenoiser _ -> "nlm";
            case LearnedDenoiser l -> l.origin() == null ? "learned" : "learned " + l.origin();
            default -> denoiser.getClass().getSimpleName();
        };
    }

    /** {@code "TV prior (no bundled model)"}: the prior when the bundle has no denoiser. */
    private String fallback() {
        String label = denoiserLabel();
        return (denoiser instanceof TvDenoiser || denoiser instanceof NlmDenoiser ? label.toUpperCase(Locale.ROOT) : label)
                + " prior (no bundled model)";
    }

    @Override
    public final Volume run(Volume lr, SrContext ctx) {
        PnpProblem problem = PnpProblem.of(name(), lr, ctx, ctx.forwardModel());
        PnpMethod m = this;
        String prior = denoiser.describe();
        if (bundled != null) {
            String origin = bundled.describe(BundledModels.Model.DNCNN);
            Optional<LearnedDenoiser> learned = bundled.read(BundledModels.Model.DNCNN, f -> LearnedDenoiser.load(f).withOrigin(origin));
            if (learned.isPresent()) {
                m = withDenoiser(learned.get());
                prior = m.denoiser.describe();
            } else {
                prior = fallback() + ": " + prior;
            }
        }
        Consumer<String> progress = ctx.progress();
        progress.accept(name() + ": " + prior + "; " + schedule + "; forward model " + problem.operator().name());
        return problem.solveAll(lr, progress, m::solve);
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
        return name() + " [" + (bundled == null ? "" : prior() + ": ") + denoiser.describe() + "; " + schedule + "; CG <= " + cgIterations
                + " it, tol " + cgTolerance + "]";
    }
}
