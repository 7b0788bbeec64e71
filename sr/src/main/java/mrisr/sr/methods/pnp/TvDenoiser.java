package mrisr.sr.methods.pnp;

import java.util.Locale;
import mrisr.engine.Memory;
import mrisr.engine.Shape;
import mrisr.engine.Tensor;
import mrisr.engine.cpu.CpuBackend;
import mrisr.kernels.Parallel;

/**
 * The proximal operator of isotropic 3-D total variation, used as a denoiser:
 *
 * <pre>
 *   prox_{w·TV}(v) = argmin_x ½‖x − v‖² + w·TV(x),   TV(x) = Σ_voxels |(∇x)_v|₂,   w = strength·σ
 * </pre>
 *
 * <p>{@code ∇} is the forward difference with a Neumann boundary, in voxel units:
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
 * {@code p = r = 0}. It stops when the relative change {@code ‖x⁺ − x‖/‖x⁺‖} falls to the tolerance
 * or after the iteration cap. The duality gap of the returned pair is what certifies the result;
 * {@code TvDenoiserTest} checks it against an exhaustive 1-D minimiser and an independent 2-D solver.
 *
 * <p>The denoiser's noise level σ sets the weight {@code w = strength·σ} (both in intensity units;
 * scaling the image and σ together scales the result). Float32 voxels; the extrapolated dual is
 * formed on the fly, so the working set is {@code 8N} floats (two duals, the primal, the input
 * copy). Work is split over rows along {@code k} and every voxel is computed alike whatever the
 * split; the stopping test sums per-row doubles in row order, so the result does not depend on the
 * thread count.
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
        double lipschitz = gradientNormSquared(shape);
        if (weight == 0 || lipschitz == 0) return CpuBackend.wrap(v, shape);
        Memory.check(Math.multiplyExact(7L, v.length), "TV prox working set " + Shape.format(shape));
        return CpuBackend.wrap(new Solver(shape, v, (float) weight, lipschitz).run(iterations, tolerance), shape);
    }

    /** The exact {@code ‖∇‖²} on a grid: the largest eigenvalue of the Neumann Laplacian. */
    static double gradientNormSquared(int[] shape) {
        double sum = 0;
        for (int n : shape) {
            double s = Math.sin(Math.PI * (n - 1) / (2.0 * n));
            sum += 4 * s * s;
        }
        return sum;
    }

    /** One prox evaluation: the dual iterates and the primal, component-major {@code p[a·N + v]}. */
    private static final class Solver {
        private final int nx, ny, nz, n;
        private final float[] v, x;
        private float[] p, pPrev;
        private final float weight, step;
        private final double[] rowChange, rowNorm;

        Solver(int[] shape, float[] v, float weight, double lipschitz) {
            nx = shape[0];
            ny = shape[1];
            nz = shape[2];
            n = v.length;
            this.v = v;
            this.weight = weight;
            this.step = (float) (1 / (weight * lipschitz));
            x = v.clone();
            p = new float[3 * n];
            pPrev = new float[3 * n];
            rowChange = new double[nx * ny];
            rowNorm = new double[nx * ny];
        }

        float[] run(int iterations, double tolerance) {
            double t = 1;
            float beta = 0;
            for (int it = 0; it < iterations; it++) {
                primal(beta);
                dual(beta);
                float[] swap = p;
                p = pPrev;
                pPrev = swap;
                double tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
                beta = (float) ((t - 1) / tNext);
                t = tNext;
                double change = 0, norm = 0;
                for (int r = 0; r < rowChange.length; r++) {
                    change += rowChange[r];
                    norm += rowNorm[r];
                }
                if (it > 0 && change <= tolerance * tolerance * norm) break;
            }
            primal(0);
            return x;
        }

        private void forRows(Parallel.RangeBody body) {
            int rows = nx * ny;
            Parallel.forRange(rows, Parallel.grain(rows, 24L * nz), body);
        }

        /** {@code x ← v − w∇ᵀr} with {@code r = (1 + β)p − β·pPrev}; records the change of {@code x} per row. */
        private void primal(float beta) {
            float a = 1 + beta, b = -beta, w = weight;
            int sI = ny * nz, n1 = n, n2 = 2 * n;
            float[] p = this.p, q = this.pPrev;
            forRows((r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    int i = r / ny, j = r % ny, base = r * nz;
                    boolean firstI = i == 0, lastI = i == nx - 1, firstJ = j == 0, lastJ = j == ny - 1;
                    double change = 0, norm = 0;
                    for (int k = 0; k < nz; k++) {
                        int c = base + k;
                        float d0 = (firstI ? 0f : a * p[c - sI] + b * q[c - sI]) - (lastI ? 0f : a * p[c] + b * q[c]);
                        float d1 = (firstJ ? 0f : a * p[n1 + c - nz] + b * q[n1 + c - nz]) - (lastJ ? 0f : a * p[n1 + c] + b * q[n1 + c]);
                        float d2 = (k == 0 ? 0f : a * p[n2 + c - 1] + b * q[n2 + c - 1]) - (k == nz - 1 ? 0f : a * p[n2 + c] + b * q[n2 + c]);
                        float xNew = v[c] - w * (d0 + d1 + d2);
                        double dx = xNew - x[c];
                        change += dx * dx;
                        norm += (double) xNew * xNew;
                        x[c] = xNew;
                    }
                    rowChange[r] = change;
                    rowNorm[r] = norm;
                }
            });
        }

        /** {@code pPrev ← proj(r + step·∇x)}: the new dual iterate, written over the oldest one. */
        private void dual(float beta) {
            float a = 1 + beta, b = -beta, s = step;
            int sI = ny * nz, n1 = n, n2 = 2 * n;
            float[] p = this.p, q = this.pPrev;
            forRows((r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    int i = r / ny, j = r % ny, base = r * nz;
                    boolean lastI = i == nx - 1, lastJ = j == ny - 1;
                    for (int k = 0; k < nz; k++) {
                        int c = base + k;
                        float xc = x[c];
                        float g0 = lastI ? 0f : x[c + sI] - xc;
                        float g1 = lastJ ? 0f : x[c + nz] - xc;
                        float g2 = k == nz - 1 ? 0f : x[c + 1] - xc;
                        float u0 = a * p[c] + b * q[c] + s * g0;
                        float u1 = a * p[n1 + c] + b * q[n1 + c] + s * g1;
                        float u2 = a * p[n2 + c] + b * q[n2 + c] + s * g2;
                        float m2 = u0 * u0 + u1 * u1 + u2 * u2;
                        if (m2 > 1f) {
                            float inv = (float) (1 / Math.sqrt(m2));
                            u0 *= inv;
                            u1 *= inv;
                            u2 *= inv;
                        }
                        q[c] = u0;
                        q[n1 + c] = u1;
                        q[n2 + c] = u2;
                    }
                }
            });
        }
    }
}
