package mrisr.sr.methods.pnp;

import java.util.function.Consumer;
import mrisr.sr.methods.BundledModels;

/**
 * Regularisation by denoising (Romano, Elad and Milanfar 2017): the explicit objective
 *
 * <pre>
 *   E(x) = ½‖Hx − y‖² + (μ/2)·xᵀ(x − D_σ(x))
 * </pre>
 *
 * minimised by the fixed-point iteration that sets the RED gradient
 * {@code Hᵀ(Hx − y) + μ(x − D_σ(x))} to zero with the denoiser frozen at the current iterate:
 *
 * <pre>
 *   (HᵀH + μI) x_{k+1} = Hᵀy + μ·D_σ(x_k)        (CG, warm-started from x_k)
 * </pre>
 *
 * from {@code x_0} = the cubic B-spline interpolation, with the fixed {@code σ = σ_end} and
 * {@code μ = λγ} of the {@link Schedule} (its start σ is not used). The result is {@code x_K}, which
 * is data-consistent by construction. (The gradient form of RED assumes a denoiser with a symmetric
 * Jacobian; the fixed point is what the iteration finds for any denoiser, which is how RED is used
 * with TV and NLM.)
 *
 * <p>Defaults ({@link #DEFAULT_SCHEDULE}, TV denoiser) were chosen on the brain phantom (never on
 * real data); see the package notes.
 *
 * <pre>{@code
 * Volume sr = new Red().run(lr, SrContext.of(1, 1, 4));
 * }</pre>
 */
public final class Red extends PnpMethod {
    /** The registered name. */
    public static final String NAME = "red";
    /** The default schedule (start σ unused). */
    public static final Schedule DEFAULT_SCHEDULE = new Schedule(15, 0.1, 0.5, 0.005, 1.0);

    /**
     * TV denoiser, {@link #DEFAULT_SCHEDULE}. The registered method also looks for the bundled learned
     * denoiser ({@link #withBundledModels}).
     */
    public Red() {
        this(new TvDenoiser(), DEFAULT_SCHEDULE, DEFAULT_CG_ITERATIONS, DEFAULT_CG_TOLERANCE, null);
    }

    private Red(Denoiser denoiser, Schedule schedule, int cgIterations, double cgTolerance, BundledModels bundled) {
        super(denoiser, schedule, cgIterations, cgTolerance, bundled);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    String summary() {
        return "regularisation by denoising: fixed-point iterations on 1/2|Hx-y|^2 + mu/2 x'(x - D(x))";
    }

    @Override
    public Red withDenoiser(Denoiser d) {
        return new Red(d, schedule, cgIterations, cgTolerance, null);
    }

    @Override
    public Red withBundledModels(BundledModels models) {
        return new Red(denoiser, schedule, cgIterations, cgTolerance, models);
    }

    @Override
    public Red withSchedule(Schedule s) {
        return new Red(denoiser, s, cgIterations, cgTolerance, bundled);
    }

    @Override
    public Red withCg(int iterations, double tolerance) {
        return new Red(denoiser, schedule, iterations, tolerance, bundled);
    }

    @Override
    float[] solve(PnpProblem.Frame f, Consumer<String> progress) {
        long start = System.nanoTime();
        int[] shape = f.dc().shape();
        int total = schedule.iterations();
        double sigma = schedule.end(f.noise()), mu = schedule.mu(total, f.noise(), f.gain());
        float[] x = f.x0();
        for (int k = 1; k <= total; k++) {
            float[] d = denoise(x, shape, sigma);
            DataConsistency.Step step = f.dc().solve(mu, d, x, cgIterations, cgTolerance);
            x = step.x();
            progress.accept(line(k, total, sigma, mu, step, f.dc().relativeDataResidual(x), start));
        }
        return x;
    }
}
