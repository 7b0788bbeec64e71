package mrisr.sr.methods.pnp;

import java.util.function.Consumer;
import mrisr.sr.methods.BundledModels;

/**
 * Plug-and-play super-resolution by half-quadratic splitting (survey §IV-A, Algorithm 1; Zhang et
 * al.'s DPIR schedule). For the MAP problem {@code min ½‖Hx − y‖² + R(x)} with the prior {@code R}
 * known only through a denoiser {@code D_σ}, alternate
 *
 * <pre>
 *   x_k = argmin_x ½‖Hx − y‖² + (μ_k/2)‖x − z_{k−1}‖²     (data consistency: CG on (HᵀH + μ_k I)x = Hᵀy + μ_k z_{k−1})
 *   z_k = D_{σ_k}(x_k)                                     (denoising)
 * </pre>
 *
 * for {@code k = 1 … K} from {@code z_0} = the cubic B-spline interpolation, with {@code σ_k} and
 * {@code μ_k} from the {@link Schedule}; the result is {@code z_K}. {@code H} is the context's
 * acquisition model (default: {@code mrisr degrade}'s Gaussian slice profile for the factors).
 * Intensities are normalised per frame to {@code [−1, 1]} (see {@link PnpMethod}).
 *
 * <p>Defaults ({@link #DEFAULT_SCHEDULE}, TV denoiser) were chosen on the brain phantom (never on
 * real data); see the package notes for the search and the measured PSNRs.
 *
 * <pre>{@code
 * Volume sr = new PnpHqs().run(lr, SrContext.of(1, 1, 4));
 * Volume nlm = new PnpHqs().withDenoiser(new NlmDenoiser()).run(lr, SrContext.of(1, 1, 4));
 * }</pre>
 */
public final class PnpHqs extends PnpMethod {
    /** The registered name. */
    public static final String NAME = "pnp-hqs";
    /** The default schedule. */
    public static final Schedule DEFAULT_SCHEDULE = new Schedule(8, 0.1, 0.75, 0.005, 0.3);

    /**
     * TV denoiser, {@link #DEFAULT_SCHEDULE}. The registered method also looks for the bundled learned
     * denoiser ({@link #withBundledModels}).
     */
    public PnpHqs() {
        this(new TvDenoiser(), DEFAULT_SCHEDULE, DEFAULT_CG_ITERATIONS, DEFAULT_CG_TOLERANCE, null);
    }

    private PnpHqs(Denoiser denoiser, Schedule schedule, int cgIterations, double cgTolerance, BundledModels bundled) {
        super(denoiser, schedule, cgIterations, cgTolerance, bundled);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    String summary() {
        return "plug-and-play HQS: alternate a CG data-consistency step and a denoiser with a decreasing sigma schedule";
    }

    @Override
    public PnpHqs withDenoiser(Denoiser d) {
        return new PnpHqs(d, schedule, cgIterations, cgTolerance, null);
    }

    @Override
    public PnpHqs withBundledModels(BundledModels models) {
        return new PnpHqs(denoiser, schedule, cgIterations, cgTolerance, models);
    }

    @Override
    public PnpHqs withSchedule(Schedule s) {
        return new PnpHqs(denoiser, s, cgIterations, cgTolerance, bundled);
    }

    @Override
    public PnpHqs withCg(int iterations, double tolerance) {
        return new PnpHqs(denoiser, schedule, iterations, tolerance, bundled);
    }

    @Override
    float[] solve(PnpProblem.Frame f, Consumer<String> progress) {
        long start = System.nanoTime();
        int[] shape = f.dc().shape();
        float[] x = f.x0(), z = f.x0();
        int total = schedule.iterations();
        for (int k = 1; k <= total; k++) {
            double sigma = schedule.sigma(k, f.noise()), mu = schedule.mu(k, f.noise(), f.gain());
            DataConsistency.Step step = f.dc().solve(mu, z, x, cgIterations, cgTolerance);
            x = step.x();
            z = denoise(x, shape, sigma);
            progress.accept(line(k, total, sigma, mu, step, f.dc().relativeDataResidual(z), start));
        }
        return z;
    }
}
