package mrisr.nn.deq;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import mrisr.engine.Tensor;

/**
 * Limited-memory ("good") Broyden's method for the root of {@code g(z) = f(z) − z}, as in deep
 * equilibrium models (Bai, Kolter &amp; Koltun 2019).
 *
 * <p>The inverse Jacobian of {@code g} is approximated by {@code B⁻¹ = −I + Σ u_i v_iᵀ} (so the
 * first step is the plain step {@code z + g(z) = f(z)}); each step is {@code z_{k+1} = z_k − B⁻¹ g_k}
 * and then, with {@code Δz = z_{k+1} − z_k}, {@code Δg = g_{k+1} − g_k}, the Sherman–Morrison update
 * <pre>
 *   u = (Δz − B⁻¹Δg) / (Δzᵀ B⁻¹ Δg),   vᵀ = Δzᵀ B⁻¹
 * </pre>
 * is appended. When {@code m} pairs are stored the approximation is reset to {@code −I} before the
 * next pair is added: every stored pair was computed against the ones before it, so dropping only
 * the oldest leaves an inconsistent update (tried: it stalls and diverges on ill-conditioned linear
 * maps where the reset converges). When the denominator is not safely away from zero
 * ({@code |Δzᵀ B⁻¹ Δg| ≤ 1e-12·‖B⁻ᵀΔz‖‖Δg‖}) or not finite, the approximation is reset too, and
 * that counts as a restart in the result. With unlimited memory Broyden's method terminates on a
 * linear map in at most {@code 2n} steps in exact arithmetic.
 *
 * <p>Memory: {@code 2m} float vectors of the iterate's size, checked against the memory budget.
 *
 * <pre>{@code
 * FixedPointResult r = new Broyden(8, 1e-4, 50).solve(f, z0);
 * }</pre>
 *
 * @param memory        the most update pairs kept, {@code m ≥ 1}
 * @param tolerance     stop at relative residual {@code ≤ tolerance} ({@code > 0})
 * @param maxIterations the most evaluations of {@code f} ({@code ≥ 1})
 */
public record Broyden(int memory, double tolerance, int maxIterations) implements FixedPointSolver {

    /** Validates the settings. */
    public Broyden {
        if (memory < 1) throw new IllegalArgumentException("broyden: memory m = " + memory + ", must be >= 1");
        Picard.checkStopping("broyden", tolerance, maxIterations);
    }

    /** {@code m = 20}, tolerance {@code 1e-4}, at most 50 iterations. */
    public static Broyden defaults() {
        return new Broyden(20, 1e-4, 50);
    }

    @Override
    public Broyden withStopping(double tolerance, int maxIterations) {
        return new Broyden(memory, tolerance, maxIterations);
    }

    @Override
    public String describe() {
        return "broyden(m=" + memory + ")";
    }

    @Override
    public FixedPointResult solve(UnaryOperator<Tensor> f, Tensor z0, Consumer<String> warnings) {
        Iteration it = new Iteration(this, f, z0, 2L * memory + 3);
        int n = it.size();
        float[][] us = new float[memory][], vs = new float[memory][];
        int count = 0;
        float[] z = z0.toArray();
        float[] fz = it.evaluate(z);
        if (it.record(z, fz)) return it.finish(warnings);
        float[] g = Iteration.sub(fz, z);
        while (true) {
            // step p = −B⁻¹ g = g − Σ u_i (v_i · g)
            float[] p = applyInverse(us, vs, g, n, -1);
            float[] zNew = new float[n];
            for (int i = 0; i < n; i++) zNew[i] = z[i] + p[i];
            float[] fNew = it.evaluate(zNew);
            if (it.record(zNew, fNew)) break;
            float[] gNew = Iteration.sub(fNew, zNew);
            float[] dz = Iteration.sub(zNew, z), dg = Iteration.sub(gNew, g);
            float[] bDg = applyInverse(us, vs, dg, n, 1); // B⁻¹Δg = −Δg + Σ u_i (v_i · Δg)
            float[] v = applyInverseTransposed(us, vs, dz, n); // B⁻ᵀΔz = −Δz + Σ v_i (u_i · Δz)
            double den = Iteration.dot(v, dg);
            double scale = Math.sqrt(Iteration.dot(v, v)) * Math.sqrt(Iteration.dot(dg, dg));
            if (!Double.isFinite(den) || !(Math.abs(den) > 1e-12 * scale)) {
                it.restarted();
                Arrays.fill(us, null);
                Arrays.fill(vs, null);
                count = 0;
            } else {
                float[] u = new float[n];
                for (int i = 0; i < n; i++) u[i] = (float) ((dz[i] - (double) bDg[i]) / den);
                if (count == memory) {
                    Arrays.fill(us, null);
                    Arrays.fill(vs, null);
                    count = 0;
                }
                us[count] = u;
                vs[count] = v;
                count++;
            }
            z = zNew;
            g = gNew;
        }
        return it.finish(warnings);
    }

    /** {@code sign·B⁻¹x} with {@code B⁻¹x = −x + Σ u_i (v_i · x)}: sign +1 gives {@code B⁻¹x}, −1 the step {@code −B⁻¹x}. */
    private static float[] applyInverse(float[][] us, float[][] vs, float[] x, int n, int sign) {
        double[] acc = new double[n];
        for (int i = 0; i < n; i++) acc[i] = -sign * (double) x[i];
        for (int j = 0; j < us.length; j++) {
            if (us[j] == null) continue;
            double c = sign * Iteration.dot(vs[j], x);
            float[] u = us[j];
            for (int i = 0; i < n; i++) acc[i] += c * u[i];
        }
        return round(acc);
    }

    /** {@code B⁻ᵀx = −x + Σ v_i (u_i · x)}. */
    private static float[] applyInverseTransposed(float[][] us, float[][] vs, float[] x, int n) {
        double[] acc = new double[n];
        for (int i = 0; i < n; i++) acc[i] = -(double) x[i];
        for (int j = 0; j < us.length; j++) {
            if (us[j] == null) continue;
            double c = Iteration.dot(us[j], x);
            float[] v = vs[j];
            for (int i = 0; i < n; i++) acc[i] += c * v[i];
        }
        return round(acc);
    }

    private static float[] round(double[] a) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) out[i] = (float) a[i];
        return out;
    }
}
