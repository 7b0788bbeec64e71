package mrisr.sr.methods.unfolding;

import mrisr.engine.cpu.CpuBackend;
import mrisr.kernels.Parallel;
import mrisr.sr.methods.modelbased.FiniteDifferences;

/**
 * The proximal operator of isotropic 3-D total variation, the fixed prior step of the default
 * {@code unfolded} method:
 * <pre>
 *   prox_{τTV}(v) = argmin_x ½‖x − v‖² + τ Σ_v |(∇x)_v|₂ = v − τ∇ᵀq*,
 *   q* = argmin_{|q_v|₂ ≤ 1} ½‖v − τ∇ᵀq‖²,
 * </pre>
 * by the fast gradient projection of Beck and Teboulle (2009) on the dual {@code q ∈ ℝ^[3, n]}: with
 * {@code L = τ²‖∇‖²} the Lipschitz constant of the dual gradient,
 * {@code q⁺ = P(r + ∇(v − τ∇ᵀr)/(τ‖∇‖²))}, {@code t⁺ = (1 + √(1 + 4t²))/2},
 * {@code r = q⁺ + ((t − 1)/t⁺)(q⁺ − q)}, where {@code P} scales each voxel's 3-vector back into the
 * unit ball. {@code ∇} is {@link FiniteDifferences} (forward differences, Neumann boundary, weighted
 * by voxel size). The dual is warm-started from the caller's array, so successive stages of the
 * unrolled iteration, whose thresholds change slowly, converge in a few iterations each.
 *
 * <p>Float32 per-voxel arithmetic split in fixed chunks: results do not depend on the thread count.
 */
final class TvDenoiser {
    private static final int CHUNK = 1 << 13;
    private final FiniteDifferences grad;
    private final int[] shape;
    private final int n, iterations;
    private final double normSquared;

    /**
     * @param shape      volume shape {@code [n₀, n₁, n₂]}
     * @param spacingMm  voxel sizes (weights of the differences)
     * @param iterations dual iterations per call (≥ 1)
     */
    TvDenoiser(int[] shape, double[] spacingMm, int iterations) {
        this.grad = new FiniteDifferences(shape, spacingMm);
        this.shape = shape.clone();
        this.n = shape[0] * shape[1] * shape[2];
        this.iterations = iterations;
        this.normSquared = Math.max(grad.normSquared(), 1e-12);
    }

    /** A zero dual variable for {@link #denoise}: {@code 3·n} values. */
    float[] newDual() {
        return new float[3 * n];
    }

    /**
     * {@code prox_{τTV}(v)}.
     *
     * @param v    the noisy volume (not modified)
     * @param tau  threshold {@code τ ≥ 0} (0 returns a copy of {@code v})
     * @param dual warm start on entry, the final dual on exit (modified; from {@link #newDual()})
     * @return a new array
     */
    float[] denoise(float[] v, double tau, float[] dual) {
        if (tau == 0) return v.clone();
        float[] q = dual, r = dual.clone(), previous = new float[q.length];
        float step = (float) (1 / (tau * normSquared)), tauF = (float) tau;
        double t = 1;
        for (int it = 0; it < iterations; it++) {
            float[] x = primal(v, r, tauF);
            float[] g = CpuBackend.denseData(grad.apply(CpuBackend.wrap(x, shape)));
            System.arraycopy(q, 0, previous, 0, q.length);
            project(r, g, step, q);
            double tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
            float momentum = (float) ((t - 1) / tNext);
            forChunks(q.length, (lo, hi) -> {
                for (int i = lo; i < hi; i++) r[i] = q[i] + momentum * (q[i] - previous[i]);
            });
            t = tNext;
        }
        return primal(v, q, tauF);
    }

    /** {@code v − τ∇ᵀq}. */
    private float[] primal(float[] v, float[] q, float tau) {
        float[] div = CpuBackend.denseData(grad.adjoint(CpuBackend.wrap(q, 3, shape[0], shape[1], shape[2])));
        float[] x = new float[n];
        forChunks(n, (lo, hi) -> {
            for (int i = lo; i < hi; i++) x[i] = v[i] - tau * div[i];
        });
        return x;
    }

    /** {@code out = P(r + step·g)}: each voxel's 3-vector scaled into the unit ball. */
    private void project(float[] r, float[] g, float step, float[] out) {
        forChunks(n, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                float a = r[i] + step * g[i], b = r[n + i] + step * g[n + i], c = r[2 * n + i] + step * g[2 * n + i];
                float norm = (float) Math.sqrt(a * a + b * b + c * c);
                float s = norm > 1 ? 1 / norm : 1;
                out[i] = a * s;
                out[n + i] = b * s;
                out[2 * n + i] = c * s;
            }
        });
    }

    private static void forChunks(int length, Parallel.RangeBody body) {
        int chunks = (length + CHUNK - 1) / CHUNK;
        Parallel.forRange(chunks, 1, (c0, c1) -> body.run(c0 * CHUNK, Math.min(length, c1 * CHUNK)));
    }
}
