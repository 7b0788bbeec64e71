package mrisr.sr.methods.unfolding;

import mrisr.engine.Memory;
import mrisr.kernels.Parallel;

/**
 * The proximal operator of isotropic 3-D total variation, the fixed prior step of the default
 * {@code unfolded} method:
 * <pre>
 *   prox_{τTV}(v) = argmin_x ½‖x − v‖² + τ Σ_v |(∇x)_v|₂ = v − τ∇ᵀq*,
 *   q* = argmin_{|q_v|₂ ≤ 1} ½‖v − τ∇ᵀq‖²,
 * </pre>
 * by the fast gradient projection of Beck and Teboulle (2009) on the dual {@code q ∈ ℝ^[3, n]}:
 * <pre>
 *   x = v − τ∇ᵀr,   q⁺ = P(r + ∇x/(τ‖∇‖²)),   t⁺ = (1 + √(1 + 4t²))/2,   r = q⁺ + ((t − 1)/t⁺)(q⁺ − q),
 * </pre>
 * where {@code P} scales each voxel's 3-vector back into the unit ball and {@code ‖∇‖²} is the exact
 * largest eigenvalue of the Neumann Laplacian. {@code ∇} is the forward-difference gradient of
 * {@link mrisr.sr.methods.modelbased.FiniteDifferences}: {@code (∇x)_a[v] = w_a(x[v + e_a] − x[v])},
 * 0 on the last plane of axis {@code a}, {@code w_a = min h / h_a} for voxel sizes {@code h}. The
 * dual is warm-started from the caller's array, so successive stages of the unrolled iteration,
 * whose thresholds change slowly, need few iterations each.
 *
 * <p>Each iteration is two fused passes over the volume without allocation (divergence and primal
 * update; gradient, projection and momentum), in float32, parallel over lines along the last axis;
 * every voxel is computed by one task, so results do not depend on the thread count.
 */
final class TvDenoiser {
    private final int n0, n1, n2, n, iterations;
    private final float w0, w1, w2;
    private final double normSquared;

    /**
     * @param shape      volume shape {@code [n₀, n₁, n₂]}
     * @param spacingMm  voxel sizes (weights of the differences)
     * @param iterations dual iterations per call (≥ 1)
     */
    TvDenoiser(int[] shape, double[] spacingMm, int iterations) {
        n0 = shape[0];
        n1 = shape[1];
        n2 = shape[2];
        n = Math.multiplyExact(Math.multiplyExact(n0, n1), n2);
        Memory.check(Math.multiplyExact(3L, n), "unfolded TV dual " + n0 + "x" + n1 + "x" + n2);
        double min = Math.min(spacingMm[0], Math.min(spacingMm[1], spacingMm[2]));
        double[] w = {min / spacingMm[0], min / spacingMm[1], min / spacingMm[2]};
        w0 = (float) w[0];
        w1 = (float) w[1];
        w2 = (float) w[2];
        double sum = 0;
        for (int a = 0; a < 3; a++) {
            double sin = Math.sin(Math.PI * (shape[a] - 1) / (2.0 * shape[a]));
            sum += 4 * w[a] * w[a] * sin * sin;
        }
        this.normSquared = Math.max(sum, 1e-12);
        this.iterations = iterations;
    }

    /** A zero dual variable for {@link #denoise}: {@code 3·n} values, component-major. */
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
        float[] q = dual, r = dual.clone(), x = new float[n];
        float step = (float) (1 / (tau * normSquared)), tauF = (float) tau;
        double t = 1;
        for (int it = 0; it < iterations; it++) {
            primal(v, r, tauF, x);
            double tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
            dualStep(x, r, q, step, (float) ((t - 1) / tNext));
            t = tNext;
        }
        primal(v, q, tauF, x);
        return x;
    }

    /** {@code x = v − τ∇ᵀq}, with {@code (∇ᵀq)[v] = Σ_a w_a(q_a[v − e_a]·[v_a > 0] − q_a[v]·[v_a < n_a − 1])}. */
    private void primal(float[] v, float[] q, float tau, float[] x) {
        int s0 = n1 * n2, c1 = n, c2 = 2 * n;
        forLines((lo, hi) -> {
            for (int line = lo; line < hi; line++) {
                int i = line / n1, j = line % n1, base = line * n2;
                boolean firstI = i == 0, lastI = i == n0 - 1, firstJ = j == 0, lastJ = j == n1 - 1;
                for (int k = 0; k < n2; k++) {
                    int p = base + k;
                    float d0 = (firstI ? 0f : q[p - s0]) - (lastI ? 0f : q[p]);
                    float d1 = (firstJ ? 0f : q[c1 + p - n2]) - (lastJ ? 0f : q[c1 + p]);
                    float d2 = (k == 0 ? 0f : q[c2 + p - 1]) - (k == n2 - 1 ? 0f : q[c2 + p]);
                    x[p] = v[p] - tau * (w0 * d0 + w1 * d1 + w2 * d2);
                }
            }
        });
    }

    /** {@code q⁺ = P(r + step·∇x)}, then {@code r = q⁺ + momentum·(q⁺ − q)} and {@code q = q⁺}, voxel by voxel in place. */
    private void dualStep(float[] x, float[] r, float[] q, float step, float momentum) {
        int s0 = n1 * n2, c1 = n, c2 = 2 * n;
        forLines((lo, hi) -> {
            for (int line = lo; line < hi; line++) {
                int i = line / n1, j = line % n1, base = line * n2;
                boolean lastI = i == n0 - 1, lastJ = j == n1 - 1;
                for (int k = 0; k < n2; k++) {
                    int p = base + k;
                    float xv = x[p];
                    float a = r[p] + step * (lastI ? 0f : w0 * (x[p + s0] - xv));
                    float b = r[c1 + p] + step * (lastJ ? 0f : w1 * (x[p + n2] - xv));
                    float c = r[c2 + p] + step * (k == n2 - 1 ? 0f : w2 * (x[p + 1] - xv));
                    float norm = (float) Math.sqrt(a * a + b * b + c * c);
                    if (norm > 1) {
                        a /= norm;
                        b /= norm;
                        c /= norm;
                    }
                    r[p] = a + momentum * (a - q[p]);
                    r[c1 + p] = b + momentum * (b - q[c1 + p]);
                    r[c2 + p] = c + momentum * (c - q[c2 + p]);
                    q[p] = a;
                    q[c1 + p] = b;
                    q[c2 + p] = c;
                }
            }
        });
    }

    private void forLines(Parallel.RangeBody body) {
        int lines = n0 * n1;
        Parallel.forRange(lines, Parallel.grain(lines, 12L * n2), body);
    }
}
