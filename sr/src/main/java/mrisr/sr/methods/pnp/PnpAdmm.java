package mrisr.sr.methods.pnp;

import java.util.function.Consumer;
import mrisr.sr.methods.BundledModels;

/**
 * Plug-and-play super-resolution by the alternating direction method of multipliers (Venkatakrishnan
 * et al. 2013; survey §IV-A). With the scaled dual variable {@code u}:
 *
 * <pre>
 *   x_k = argmin_x ½‖Hx − y‖² + (μ_k/2)‖x − (z_{k−1} − u_{k−1})‖²    (CG on (HᵀH + μ_k I)x = Hᵀy + μ_k(z − u))
 *   z_k = D_{σ_k}(x_k + u_{k−1})
 *   u_k = u_{k−1} + x_k − z_k
 * </pre>
 *
 * from {@code z_0} = the cubic B-spline interpolation and {@code u_0 = 0}, with {@code σ_k} and
 * {@code μ_k} from the {@link Schedule}. When μ changes, {@code u} is rescaled by
 * {@code μ_{k−1}/μ_k} so that the unscaled multiplier {@code μu} carries over. The result is
 * {@code z_K}. The dual variable corrects the bias that a finite μ leaves in {@link PnpHqs}, at the
 * cost of one more volume in memory.
 *
 * <p>Defaults ({@link #DEFAULT_SCHEDULE}, TV denoiser) were chosen on the brain phantom (never on
 * real data); see the package notes.
 *
 * <pre>{@code
 * Volume sr = new PnpAdmm().run(lr, SrContext.of(1, 1, 4));
 * }</pre>
 */
public final class PnpAdmm extends PnpMethod {
    /** The registered name. */
    public static final String NAME = "pnp-admm";
    /** The default schedule. */
    public static final Schedule DEFAULT_SCHEDULE = new Schedule(8, 0.1, 0.75, 0.005, 0.5);

    /**
     * TV denoiser, {@link #DEFAULT_SCHEDULE}. The registered method also looks for the bundled learned
     * denoiser ({@link #withBundledModels}).
     */
    public PnpAdmm() {
        this(new TvDenoiser(), DEFAULT_SCHEDULE, DEFAULT_CG_ITERATIONS, DEFAULT_CG_TOLERANCE, null);
    }

    private PnpAdmm(Denoiser denoiser, Schedule schedule, int cgIterations, double cgTolerance, BundledModels bundled) {
        super(denoiser, schedule, cgIterations, cgTolerance, bundled);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    String summary() {
        return "plug-and-play ADMM: data consistency, denoiser and dual update with a decreasing sigma schedule";
    }

    @Override
    public PnpAdmm withDenoiser(Denoiser d) {
        return new PnpAdmm(d, schedule, cgIterations, cgTolerance, null);
    }

    @Override
    public PnpAdmm withBundledModels(BundledModels models) {
        return new PnpAdmm(denoiser, schedule, cgIterations, cgTolerance, models);
    }

    @Override
    public PnpAdmm withSchedule(Schedule s) {
        return new PnpAdmm(denoiser, s, cgIterations, cgTolerance, bundled);
    }

    @Override
    public PnpAdmm withCg(int iterations, double tolerance) {
        return new PnpAdmm(denoiser, schedule, iterations, tolerance, bundled);
    }

    @Override
    float[] solve(PnpProblem.Frame f, Consumer<String> progress) {
        long start = System.nanoTime();
        int[] shape = f.dc().shape();
        float[] x = f.x0(), z = f.x0();
        int n = x.length;
        float[] u = new float[n], centre = new float[n];
        int total = schedule.iterations();
        double muPrev = 0;
        for (int k = 1; k <= total; k++) {
            double sigma = schedule.sigma(k, f.noise()), mu = schedule.mu(k, f.noise(), f.gain());
            if (k > 1 && mu != muPrev) {
                float r = (float) (muPrev / mu);
                for (int i = 0; i < n; i++) u[i] *= r;
            }
            for (int i = 0; i < n; i++) centre[i] = z[i] - u[i];
            DataConsistency.Step step = f.dc().solve(mu, centre, x, cgIterations, cgTolerance);
            x = step.x();
            for (int i = 0; i < n; i++) centre[i] = x[i] + u[i];
            z = denoise(centre, shape, sigma);
            for (int i = 0; i < n; i++) u[i] += x[i] - z[i];
            muPrev = mu;
            progress.accept(line(k, total, sigma, mu, step, f.dc().relativeDataResidual(z), start));
        }
        return z;
    }
}
