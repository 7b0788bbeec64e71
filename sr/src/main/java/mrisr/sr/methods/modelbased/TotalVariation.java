package mrisr.sr.methods.modelbased;

import java.util.Locale;
import java.util.function.Consumer;
import mrisr.engine.Shape;
import mrisr.engine.Tensor;
import mrisr.engine.cpu.CpuBackend;
import mrisr.sr.InputException;
import mrisr.sr.methods.SrContext;
import mrisr.sr.physics.LinearOperator;
import mrisr.sr.volume.Volume;

/**
 * MAP super-resolution with a Gaussian likelihood and an isotropic 3-D total-variation prior (survey
 * Eq. 3 with {@code p = q = 2}, {@code R = TV}):
 *
 * <pre>
 *   x̂ = argmin_{x ∈ B} ½‖Hx − y‖² + μ·TV(x),   TV(x) = Σ_v |(∇x)_v|₂,   μ = λ·γ_H·(max y − min y),
 * </pre>
 *
 * solved by the primal–dual algorithm of Chambolle and Pock (2011) from the cubic B-spline
 * interpolation of {@code y}. {@code H} is the acquisition model of the {@link SrContext}, {@code ∇}
 * the gradient of {@link FiniteDifferences}, {@code γ_H = ‖H𝟙‖²/‖𝟙‖²} the DC power gain of
 * {@code H}. Because the optimality condition {@code Hᵀ(Hx − y) ∈ −μ ∂TV(x)} scales with the
 * intensities and with {@code γ_H}, λ relative to both keeps its meaning across images and factors.
 * {@code B = [min y − r/2, max y + r/2]} (with {@code r = max y − min y}) is a box no sensible
 * reconstruction leaves; it costs one clamp per voxel and makes the duality gap finite.
 *
 * <p>Saddle-point form: {@code min_x max_{p,q} ⟨K x, (p, q)⟩ − f*(p) − δ_{|q_v| ≤ μ}(q) + δ_B(x)}
 * with {@code K = [cH; ∇]}, {@code f(u) = ½‖u/c − y‖²}, {@code f*(p) = (c²/2)‖p‖² + c⟨p, y⟩}. The
 * scale {@code c = ‖∇‖ / √γ_H} balances the two blocks (plain {@code [H; ∇]} would leave the data
 * block with a tiny step). One iteration:
 * <pre>
 *   p ← (p + σc(H x̄ − y)) / (1 + σc²)
 *   q ← proj_{|q_v| ≤ μ}(q + σ ∇x̄)
 *   x⁺ ← clamp_B(x − τ(c Hᵀp + ∇ᵀq)),   x̄ ← 2x⁺ − x
 * </pre>
 * with {@code τ = ρ/L}, {@code σ = 1/(ρL)}, {@code ρ = 1/sqrt(λγ_H)} (see {@link #stepRatio}), {@code L} the power-method estimate of {@code ‖K‖}
 * ({@value #POWER_ITERATIONS} iterations) enlarged by {@value #STEP_SAFETY} to stay on the safe side
 * of {@code στ‖K‖² < 1}. {@code H x̄ = 2Hx⁺ − Hx} is formed by linearity, so each iteration applies
 * {@code H} and {@code Hᵀ} once.
 *
 * <p>Stopping: relative change {@code ‖x⁺ − x‖/‖x⁺‖ ≤ }{@value #DEFAULT_TOLERANCE} or relative
 * primal–dual gap {@code (P(x) − D(p, q)) / P(x) ≤ }{@value #DEFAULT_GAP_TOLERANCE} (checked every
 * {@value #CHECK_EVERY} iterations), or the iteration cap {@value #DEFAULT_MAX_ITERATIONS}.
 * Default λ = {@value #DEFAULT_LAMBDA}: chosen on synthetic phantoms (never on real data), see the
 * package notes. Float32 images with double-precision sums combined in a fixed order: results do not
 * depend on the thread count.
 *
 * <pre>{@code
 * Volume sr = new TotalVariation().run(lr, SrContext.of(1, 1, 4).withProgress(System.err::println));
 * }</pre>
 */
public final class TotalVariation implements RegularizedMethod {
    /** Default regularisation weight λ (relative to the DC gain of {@code H} and the intensity range of {@code y}). */
    public static final double DEFAULT_LAMBDA = 0.01;
    /** Default iteration cap. */
    public static final int DEFAULT_MAX_ITERATIONS = 300;
    /** Default tolerance on the relative change of the image per iteration. */
    public static final double DEFAULT_TOLERANCE = 1e-5;
    /** Default tolerance on the relative primal–dual gap. */
    public static final double DEFAULT_GAP_TOLERANCE = 0.05;
    /** The gap is evaluated, and a progress line printed, every this many iterations. */
    public static final int CHECK_EVERY = 10;
    /** Power iterations for {@code ‖K‖}. */
    static final int POWER_ITERATIONS = 10;
    /** Factor applied to the power-method estimate of {@code ‖K‖} (it approaches the norm from below). */
    static final double STEP_SAFETY = 1.1;
    /** Bounds of the primal/dual step ratio {@code ρ = τL = 1/(σL)}. */
    static final double MIN_STEP_RATIO = 1, MAX_STEP_RATIO = 1000;
    /** Seed of the power method's start vector (fixed: the method is deterministic). */
    private static final long POWER_SEED = 0x5EED_7E57L;

    private final double lambda, tolerance, gapTolerance;
    private final int maxIterations;

    /** TV with the default weight, cap and tolerances. */
    public TotalVariation() {
        this(DEFAULT_LAMBDA, DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE, DEFAULT_GAP_TOLERANCE);
    }

    private TotalVariation(double lambda, int maxIterations, double tolerance, double gapTolerance) {
        this.lambda = lambda;
        this.maxIterations = maxIterations;
        this.tolerance = tolerance;
        this.gapTolerance = gapTolerance;
    }

    /** What the solver reports every {@value #CHECK_EVERY} iterations and at the end. */
    public record Checkpoint(int iteration, double primal, double dual, double relativeChange) {
        /** The duality gap {@code P − D ≥ 0}. */
        public double gap() {
            return primal - dual;
        }

        /** {@code (P − D) / P}. */
        public double relativeGap() {
            return primal > 0 ? gap() / primal : 0;
        }
    }

    @Override
    public String name() {
        return "tv";
    }

    @Override
    public String description() {
        return "MAP with a 3-D total-variation prior, argmin 1/2|Hx-y|^2 + lambda TV(x), by primal-dual iterations";
    }

    @Override
    public double lambda() {
        return lambda;
    }

    @Override
    public int maxIterations() {
        return maxIterations;
    }

    /** The tolerance on the relative change per iteration. */
    public double tolerance() {
        return tolerance;
    }

    /** The tolerance on the relative primal–dual gap. */
    public double gapTolerance() {
        return gapTolerance;
    }

    @Override
    public TotalVariation withLambda(double lambda) {
        if (!Double.isFinite(lambda) || !(lambda >= 0)) {
            throw new InputException("tv: lambda is " + lambda + ", must be a finite number >= 0");
        }
        return new TotalVariation(lambda, maxIterations, tolerance, gapTolerance);
    }

    @Override
    public TotalVariation withMaxIterations(int iterations) {
        if (iterations < 1) throw new InputException("tv: iterations is " + iterations + ", must be >= 1");
        return new TotalVariation(lambda, iterations, tolerance, gapTolerance);
    }

    /**
     * The same method with stopping tolerances {@code change} (relative change per iteration) and
     * {@code gap} (relative duality gap); 0 disables a criterion.
     *
     * @throws InputException unless both lie in {@code [0, 1)}
     */
    public TotalVariation withTolerances(double change, double gap) {
        if (!(change >= 0 && change < 1)) throw new InputException("tv: change tolerance is " + change + ", must be in [0, 1)");
        if (!(gap >= 0 && gap < 1)) throw new InputException("tv: gap tolerance is " + gap + ", must be in [0, 1)");
        return new TotalVariation(lambda, maxIterations, change, gap);
    }

    /** {@inheritDoc} The seed is not used: the method is deterministic. */
    @Override
    public Volume run(Volume lr, SrContext ctx) {
        SrProblem problem = SrProblem.of(name(), lr, ctx);
        Vectors.checkWorkingSet(9L * problem.solveVoxels(), name() + " " + Shape.format(problem.solveShape));
        return problem.solveAll(lr, ctx.progress(), (p, y, x0, progress) -> solve(p.h, y, x0, p.hrSpacing, progress));
    }

    /**
     * Solves {@code argmin_{x∈B} ½‖Hx − y‖² + λγ_H(max y − min y)·TV(x)} by primal–dual iterations
     * from {@code x0}.
     *
     * @param h         the forward model {@code H}
     * @param y         data on {@code h}'s output grid (not modified)
     * @param x0        start on {@code h}'s input grid (not modified)
     * @param spacingMm voxel sizes of the input grid (weights of {@code ∇}, see {@link FiniteDifferences})
     * @param progress  receives a line every {@value #CHECK_EVERY} iterations and a final summary
     */
    public Solution solve(LinearOperator h, Tensor y, Tensor x0, double[] spacingMm, Consumer<String> progress) {
        return solve(h, y, x0, spacingMm, progress, c -> {});
    }

    /** As {@link #solve(LinearOperator, Tensor, Tensor, double[], Consumer)}, also handing every checkpoint to {@code monitor}. */
    Solution solve(LinearOperator h, Tensor y, Tensor x0, double[] spacingMm, Consumer<String> progress, Consumer<Checkpoint> monitor) {
        int[] shape = h.inputShape();
        Tikhonov.requireShape("start image", x0, shape);
        Tikhonov.requireShape("data", y, h.outputShape());
        FiniteDifferences grad = new FiniteDifferences(shape, spacingMm);
        int n = grad.voxels();
        float[] ys = y.toArray();
        int m = ys.length;
        double[] yRange = Vectors.range(ys);
        double r = yRange[1] - yRange[0];
        float lo = (float) (yRange[0] - r / 2), hi = (float) (yRange[1] + r / 2);
        double gamma = SrProblem.dcGain(h);
        double mu = lambda * gamma * r;
        double c = Math.sqrt(grad.normSquared() / gamma);
        double norm = new Stacked(h, grad, c).normEstimate(POWER_ITERATIONS, POWER_SEED) * STEP_SAFETY;
        if (!(norm > 0)) norm = 1; // K = 0 only for an empty operator: any step is safe
        double rho = stepRatio(lambda * gamma);
        float tau = (float) (rho / norm), sigma = (float) (1 / (rho * norm));
        float cf = (float) c, muF = (float) mu;
        float pScale = (float) (1 / (1 + (double) sigma * c * c));

        float[] x = clamp(x0.toArray(), lo, hi);
        float[] xOld = x.clone();
        float[] hx = CpuBackend.denseData(h.apply(CpuBackend.wrap(x, shape)));
        float[] hxOld = hx.clone();
        float[] p = new float[m], q = new float[3 * n];

        int it = 0;
        Checkpoint last = null;
        String reason;
        boolean converged;
        while (true) {
            dualDataStep(p, hx, hxOld, ys, sigma * cf, pScale);
            dualTvStep(grad, x, xOld, q, sigma, muF);
            float[] htp = CpuBackend.denseData(h.adjoint(CpuBackend.wrap(p, h.outputShape())));
            double[] sums = primalStep(grad, x, xOld, htp, q, cf, tau, lo, hi); // the new iterate overwrites xOld
            float[] previous = x;
            x = xOld;
            xOld = previous;
            hxOld = hx;
            hx = CpuBackend.denseData(h.apply(CpuBackend.wrap(x, shape)));
            it++;
            double change = sums[1] > 0 ? Math.sqrt(sums[0] / sums[1]) : Math.sqrt(sums[0]);
            boolean small = change <= tolerance;
            if (it % CHECK_EVERY == 0 || small || it == maxIterations) {
                last = checkpoint(it, grad, x, hx, ys, p, mu, c, sums[2], change);
                monitor.accept(last);
                progress.accept(String.format(Locale.ROOT, "%s: iteration %d/%d, relative change %.3g, relative gap %.3g", name(), it,
                        maxIterations, change, last.relativeGap()));
                if (small) {
                    reason = String.format(Locale.ROOT, "relative change %.3g <= %.3g", change, tolerance);
                    converged = true;
                    break;
                }
                if (last.relativeGap() <= gapTolerance) {
                    reason = String.format(Locale.ROOT, "relative gap %.3g <= %.3g", last.relativeGap(), gapTolerance);
                    converged = true;
                    break;
                }
                if (it == maxIterations) {
                    reason = String.format(Locale.ROOT, "iteration cap %d reached, relative change %.3g, relative gap %.3g", maxIterations,
                            change, last.relativeGap());
                    converged = false;
                    break;
                }
            }
        }
        double dataResidual = Vectors.relativeDistance(hx, ys);
        progress.accept(String.format(Locale.ROOT, "%s: %s after %d iteration%s (%s); |Hx - y|/|y| = %.4g", name(),
                converged ? "converged" : "stopped", it, it == 1 ? "" : "s", reason, dataResidual));
        return new Solution(CpuBackend.wrap(x, shape), it, converged, dataResidual, reason);
    }

    /**
     * The primal/dual step ratio {@code ρ = sqrt(τ/σ)}: the ratio of the typical primal magnitude
     * ({@code r}, the intensity range) to the dual one ({@code μ = λγ_H r}), {@code 1/sqrt(λγ_H)},
     * clamped to [{@value #MIN_STEP_RATIO}, {@value #MAX_STEP_RATIO}]. On the test phantoms this was
     * within a factor 2 of the ratio that shrinks the gap fastest for λ from 0.003 to 0.03.
     */
    static double stepRatio(double lambdaGamma) {
        double rho = lambdaGamma > 0 ? 1 / Math.sqrt(lambdaGamma) : MAX_STEP_RATIO;
        return Math.max(MIN_STEP_RATIO, Math.min(MAX_STEP_RATIO, rho));
    }

    private static float[] clamp(float[] x, float lo, float hi) {
        Vectors.forEach(x.length, (a, b) -> {
            for (int i = a; i < b; i++) x[i] = Math.min(hi, Math.max(lo, x[i]));
        });
        return x;
    }

    /** {@code p ← (p + σc(2Hx − Hx_old − y)) / (1 + σc²)}, the resolvent of the data term's conjugate at {@code H x̄}. */
    private static void dualDataStep(float[] p, float[] hx, float[] hxOld, float[] y, float sigmaC, float pScale) {
        Vectors.forEach(p.length, (a, b) -> {
            for (int j = a; j < b; j++) p[j] = (p[j] + sigmaC * (2 * hx[j] - hxOld[j] - y[j])) * pScale;
        });
    }

    /** {@code q ← proj_{|q_v|₂ ≤ μ}(q + σ∇(2x − xOld))}, fused: {@code x̄} is never stored. */
    private static void dualTvStep(FiniteDifferences grad, float[] x, float[] xOld, float[] q, float sigma, float mu) {
        int[] s = grad.inputShape();
        int ny = s[1], nz = s[2], nx = s[0], n = grad.voxels(), sI = ny * nz;
        double[] w = grad.weights();
        float w0 = (float) w[0] * sigma, w1 = (float) w[1] * sigma, w2 = (float) w[2] * sigma;
        grad.forRows((r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int i = r / ny, j = r % ny, base = r * nz;
                for (int k = 0; k < nz; k++) {
                    int v = base + k;
                    float xv = 2 * x[v] - xOld[v];
                    float q0 = q[v] + (i == nx - 1 ? 0f : w0 * (2 * x[v + sI] - xOld[v + sI] - xv));
                    float q1 = q[n + v] + (j == ny - 1 ? 0f : w1 * (2 * x[v + nz] - xOld[v + nz] - xv));
                    float q2 = q[2 * n + v] + (k == nz - 1 ? 0f : w2 * (2 * x[v + 1] - xOld[v + 1] - xv));
                    float mag = (float) Math.sqrt(q0 * q0 + q1 * q1 + q2 * q2);
                    float scale = mag > mu ? mu / mag : 1f;
                    q[v] = q0 * scale;
                    q[n + v] = q1 * scale;
                    q[2 * n + v] = q2 * scale;
                }
            }
        });
    }

    /**
     * {@code out ← clamp(x − τ(c·htp + ∇ᵀq), lo, hi)}; returns {@code {‖out − x‖², ‖out‖², G*(−z)}}
     * with {@code z = c·htp + ∇ᵀq} and {@code G*(−z) = Σ_v max(−z_v·lo, −z_v·hi)}, the conjugate of
     * the box indicator.
     */
    private static double[] primalStep(FiniteDifferences grad, float[] x, float[] out, float[] htp, float[] q, float c, float tau,
            float lo, float hi) {
        int nz = grad.rowLength();
        return Vectors.rowSums(grad.rows(), 3, 12L * nz, (r, acc) -> {
            float[] div = new float[nz];
            grad.adjointRow(q, r, div, 0);
            int base = r * nz;
            double change = 0, size = 0, conj = 0;
            for (int k = 0; k < nz; k++) {
                int v = base + k;
                float z = c * htp[v] + div[k];
                float xn = Math.min(hi, Math.max(lo, x[v] - tau * z));
                double d = (double) xn - x[v];
                change += d * d;
                size += (double) xn * xn;
                conj += Math.max(-(double) z * lo, -(double) z * hi);
                out[v] = xn;
            }
            acc[0] = change;
            acc[1] = size;
            acc[2] = conj;
        });
    }

    /** Primal value {@code P(x) = ½‖Hx − y‖² + μTV(x)} and dual value {@code D = −f*(p) − G*(−z)}. */
    private static Checkpoint checkpoint(int it, FiniteDifferences grad, float[] x, float[] hx, float[] y, float[] p, double mu, double c,
            double conjugate, double change) {
        double[] s = Vectors.sums(y.length, 3, (a, b, acc) -> {
            double res = 0, pp = 0, py = 0;
            for (int j = a; j < b; j++) {
                double d = (double) hx[j] - y[j];
                res += d * d;
                pp += (double) p[j] * p[j];
                py += (double) p[j] * y[j];
            }
            acc[0] = res;
            acc[1] = pp;
            acc[2] = py;
        });
        double primal = 0.5 * s[0] + mu * grad.totalVariation(x);
        double dual = -(0.5 * c * c * s[1] + c * s[2]) - conjugate;
        return new Checkpoint(it, primal, dual, change);
    }

    @Override
    public String toString() {
        return name() + "(lambda=" + lambda + ", iterations<=" + maxIterations + ", tol=" + tolerance + ", gap tol=" + gapTolerance + ")";
    }

    /** {@code K = [cH; ∇]} with the output flattened to {@code [M + 3N]}, for the power method. */
    private static final class Stacked implements LinearOperator {
        private final LinearOperator h;
        private final FiniteDifferences grad;
        private final double c;
        private final int m, n;

        Stacked(LinearOperator h, FiniteDifferences grad, double c) {
            this.h = h;
            this.grad = grad;
            this.c = c;
            this.m = (int) Shape.numelLong(h.outputShape());
            this.n = grad.voxels();
        }

        @Override
        public Tensor apply(Tensor x) {
            float[] hx = CpuBackend.denseData(h.apply(x));
            float[] out = new float[Math.addExact(m, 3 * n)];
            for (int j = 0; j < m; j++) out[j] = (float) (c * hx[j]);
            float[] g = new float[3 * n];
            grad.gradientInto(CpuBackend.denseData(x.contiguous()), g);
            System.arraycopy(g, 0, out, m, 3 * n);
            return CpuBackend.wrap(out, out.length);
        }

        @Override
        public Tensor adjoint(Tensor v) {
            float[] vs = CpuBackend.denseData(v.contiguous());
            float[] data = new float[m];
            System.arraycopy(vs, 0, data, 0, m);
            float[] g = new float[3 * n];
            System.arraycopy(vs, m, g, 0, 3 * n);
            float[] out = CpuBackend.denseData(h.adjoint(CpuBackend.wrap(data, h.outputShape()))).clone();
            float[] div = new float[n];
            grad.adjointInto(g, div);
            for (int i = 0; i < n; i++) out[i] = (float) (c * out[i]) + div[i];
            return CpuBackend.wrap(out, h.inputShape());
        }

        @Override
        public int[] inputShape() {
            return h.inputShape();
        }

        @Override
        public int[] outputShape() {
            return new int[] {m + 3 * n};
        }
    }
}
