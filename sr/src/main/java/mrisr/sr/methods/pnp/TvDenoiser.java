package mrisr.sr.methods.pnp;

import java.util.Locale;
import mrisr.engine.Memory;
import mrisr.engine.Shape;
import mrisr.engine.Tensor;
import mrisr.engine.cpu.CpuBackend;
import mrisr.kernels.Parallel;
import mrisr.sr.methods.modelbased.FiniteDifferences;

/**
 * The proximal operator of isotropic 3-D total variation, used as a denoiser:
 *
 * <pre>
 *   prox_{w·TV}(v) = argmin_x ½‖x − v‖² + w·TV(x),   TV(x) = Σ_voxels |(∇x)_v|₂,   w = strength·σ
 * </pre>
 *
 * <p>{@code ∇} is {@link FiniteDifferences} on a unit grid (the gradient the {@code tv} method
 * uses): forward differences in voxel units with a Neumann boundary,
 * {@code (∇x)_a[v] = x[v + e_a] − x[v]}, 0 on the last plane of axis {@code a}. The problem is
 * solved on its dual (Chambolle 2004; Beck and Teboulle's fast gradient projection, 2009):
 * {@code x = v − w∇ᵀp} where {@code p ∈ ℝ^[3,nx,ny,nz]} minimises {@code ½‖v − w∇ᵀp‖²} subject to
 * {@code |p_v|₂ ≤ 1}. One FISTA step on the dual:
 *
 * <pre>
 *   x  ← v − w∇ᵀr
 *   p⁺ ← proj_{|·| ≤ 1}(r + ∇x / (w·L))
 *   t⁺ ← (1 + sqrt(1 + 4t²))/2,   r ← p⁺ + ((t − 1)/t⁺)(p⁺ − p)
 * </pre>
 *
 * with {@code L = ‖∇‖² = Σ_a 4 sin²(π(n_a − 1)/(2n_a))} (exact, &lt; 12), starting from
 * {@code p = r = 0}; the result is {@code v − w∇ᵀp} for the last dual iterate. It stops when the
 * relative change {@code ‖x⁺ − x‖/‖x⁺‖} falls to the tolerance or after the iteration cap. The
 * objective error after {@code k} iterations is {@code O(1/k²)} (FISTA's rate on the dual);
 * {@code TvDenoiserTest} checks the result against an exhaustive 1-D minimiser and an independent
 * 2-D solver.
 *
 * <p>The denoiser's noise level σ sets the weight {@code w = strength·σ} (both in intensity units;
 * scaling the image and σ together scales the result). Float32 voxels; the working set is about
 * {@code 15N} floats (three duals, the gradient, the primal, the input copy). Element-wise loops
 * write disjoint elements and the stopping test sums fixed chunks in order, so the result does not
 * depend on the thread count.
 *
 * <pre>{@code
 * TvDenoiser tv = new TvDenoiser();                 // strength 1, 50 iterations, tolerance 1e-4
 * Tensor clean = tv.denoise(noisy, 0.02);           // w = 0.02
 * Tensor exact = tv.withIterations(500, 1e-7).prox(noisy, 0.05);
 * }</pre>
 */
public final class TvDenoiser implements Denoiser {
    /** Default TV weight per unit of noise σ. */
    public static final double DEFAULT_STRENGTH = 1.0;
    /** Default iteration cap. */
    public static final int DEFAULT_ITERATIONS = 50;
    /** Default tolerance on the relative change of {@code x} per iteration. */
    public static final double DEFAULT_TOLERANCE = 1e-4;
    private static final double[] UNIT_SPACING = {1, 1, 1};

    private final double strength;
    private final int iterations;
    private final double tolerance;

    /** The default denoiser: weight {@code 1·σ}, at most 50 iterations, tolerance 1e-4. */
    public TvDenoiser() {
        this(DEFAULT_STRENGTH, DEFAULT_ITERATIONS, DEFAULT_TOLERANCE);
    }

    /**
     * @param strength   TV weight per unit of σ (finite, &gt; 0)
     * @param iterations iteration cap (≥ 1)
     * @param tolerance  stop when {@code ‖x⁺ − x‖ ≤ tolerance·‖x⁺‖} (≥ 0; 0 runs all iterations)
     */
    public TvDenoiser(double strength, int iterations, double tolerance) {
        this.strength = Checks.positive("TV denoiser", "strength", strength);
        this.iterations = Checks.atLeast("TV denoiser", "iteration cap", iterations, 1);
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("TV denoiser: tolerance is " + tolerance + ", must be finite and >= 0");
        }
        this.tolerance = tolerance;
    }

    /** This denoiser with another weight per unit of σ. */
    public TvDenoiser withStrength(double newStrength) {
        return new TvDenoiser(newStrength, iterations, tolerance);
    }

    /** This denoiser with another iteration cap and tolerance. */
    public TvDenoiser withIterations(int newIterations, double newTolerance) {
        return new TvDenoiser(strength, newIterations, newTolerance);
    }

    /** TV weight per unit of σ. */
    public double strength() {
        return strength;
    }

    @Override
    public Tensor denoise(Tensor volume, double sigma) {
        return prox(volume, strength * Checks.sigma("TV denoiser", sigma));
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "TV prox (weight %.3g·σ, FISTA on the dual, <= %d iterations)", strength, iterations);
    }

    /**
     * {@code prox_{w·TV}(v)}.
     *
     * @param volume {@code v}, a volume {@code [nx, ny, nz]} (not modified)
     * @param weight {@code w} (finite, ≥ 0; 0 returns a copy)
     * @return a new tensor of the same shape
     */
    public Tensor prox(Tensor volume, double weight) {
        int[] shape = Checks.volume("TV prox", volume);
        if (!(weight >= 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("TV prox: weight is " + weight + ", must be finite and >= 0");
        }
        float[] v = volume.toArray();
        if ((float) weight == 0 || !Solver.hasGradient(shape)) return CpuBackend.wrap(v, shape); // also weights below float range
        Memory.check(Math.multiplyExact(15L, v.length), "TV prox working set " + Shape.format(shape));
        return CpuBackend.wrap(new Solver(shape, v, (float) weight).run(iterations, tolerance), shape);
    }

    /** One prox evaluation: the dual iterates {@code [3, nx, ny, nz]} (component-major) and the primal. */
    private static final class Solver {
        private final FiniteDifferences gradient;
        private final int[] shape, dualShape;
        private final int n;
        private final float[] v, r;
        private float[] p, pPrev, x;
        private final float weight, step;

        Solver(int[] shape, float[] v, float weight) {
            this.shape = shape;
            this.dualShape = new int[] {3, shape[0], shape[1], shape[2]};
            this.gradient = new FiniteDifferences(shape, UNIT_SPACING);
            this.n = v.length;
            this.v = v;
            this.weight = weight;
            this.step = (float) (1 / (weight * gradient.normSquared()));
            p = new float[3 * n];
            pPrev = new float[3 * n];
            r = new float[3 * n];
            x = v;
        }

        /** Whether {@code ‖∇‖ > 0}: false on a single voxel, where the prox is the identity. */
        static boolean hasGradient(int[] shape) {
            return shape[0] > 1 || shape[1] > 1 || shape[2] > 1;
        }

        float[] run(int iterations, double tolerance) {
            double t = 1;
            float beta = 0;
            for (int it = 0; it < iterations; it++) {
                extrapolate(beta);
                float[] previous = x;
                primal(r);
                dual();
                float[] swap = p;
                p = pPrev;
                pPrev = swap;
                double tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
                beta = (float) ((t - 1) / tNext);
                t = tNext;
                double[] change = Sums.ofDifference(x, previous);
                if (it > 0 && change[0] <= tolerance * tolerance * change[1]) break;
            }
            primal(p);
            return x;
        }

        /** {@code r ← (1 + β)p − β·pPrev}. */
        private void extrapolate(float beta) {
            float a = 1 + beta, b = -beta;
            float[] pc = p, pp = pPrev;
            Parallel.forRange(r.length, Sums.CHUNK, (lo, hi) -> {
                for (int i = lo; i < hi; i++) r[i] = a * pc[i] + b * pp[i];
            });
        }

        /** {@code x ← v − w∇ᵀq} (a new array). */
        private void primal(float[] q) {
            float[] div = CpuBackend.denseData(gradient.adjoint(CpuBackend.wrap(q, dualShape)));
            float w = weight;
            Parallel.forRange(n, Sums.CHUNK, (lo, hi) -> {
                for (int i = lo; i < hi; i++) div[i] = v[i] - w * div[i];
            });
            x = div;
        }

        /** {@code pPrev ← proj_{|·| ≤ 1}(r + step·∇x)}: the new dual iterate, written over the oldest one. */
        private void dual() {
            float[] g = CpuBackend.denseData(gradient.apply(CpuBackend.wrap(x, shape)));
            float[] out = pPrev;
            float s = step;
            int n1 = n, n2 = 2 * n;
            Parallel.forRange(n, Sums.CHUNK, (lo, hi) -> {
                for (int c = lo; c < hi; c++) {
                    float u0 = r[c] + s * g[c], u1 = r[n1 + c] + s * g[n1 + c], u2 = r[n2 + c] + s * g[n2 + c];
                    float m2 = u0 * u0 + u1 * u1 + u2 * u2;
                    if (m2 > 1f) {
                        float inv = (float) (1 / Math.sqrt(m2));
                        u0 *= inv;
                        u1 *= inv;
                        u2 *= inv;
                    }
                    out[c] = u0;
                    out[n1 + c] = u1;
                    out[n2 + c] = u2;
                }
            });
        }
    }
}
