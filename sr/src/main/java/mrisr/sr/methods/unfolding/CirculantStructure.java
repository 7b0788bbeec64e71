package mrisr.sr.methods.unfolding;

import java.util.Locale;
import mrisr.engine.Rng;
import mrisr.engine.Shape;
import mrisr.engine.Tensor;
import mrisr.engine.cpu.CpuBackend;
import mrisr.sr.physics.LinearOperator;

/**
 * Recognises whether a forward model is a separable circulant sampling {@code S_f C_κ}
 * ({@link CirculantSampling}) with a circular boundary, or one with a symmetric (mirror) boundary
 * and kernels even about the sampling centre, from the operator itself rather than from how it was
 * built:
 * <ol>
 *   <li>the grids must be 3-D with {@code n_a = f_a·m_a} for integers {@code f_a};</li>
 *   <li>one adjoint probe {@code Hᵀ e_c} at the centre sample {@code c = ⌊m/2⌋} gives, for a separable
 *       operator, the rank-one product of the three centre rows, from which the per-axis kernels
 *       {@code κ_a[(i − c_a f_a) mod n_a]} are read off through the peak;</li>
 *   <li>the circular candidate, and failing that the mirrored candidate (the kernels unfolded on the
 *       period {@code 2n} of the even extension, only where they have more than one tap, and only if
 *       each is even about {@code (f − 1)/2} to {@value #EVEN_TOLERANCE} of its peak), is accepted
 *       when it reproduces {@code H x} on a seeded Gaussian {@code x} to {@value #MATCH_TOLERANCE}
 *       relative (float32 rounding).</li>
 * </ol>
 * Anything else (k-space windows, zero or partial boundaries, non-integer factors, motion, bias
 * fields) is reported with the reason, and the caller falls back to conjugate gradients.
 */
final class CirculantStructure {
    /** Relative mismatch {@code ‖H̃x − Hx‖/‖Hx‖} up to which a candidate is accepted. */
    static final double MATCH_TOLERANCE = 1e-5;
    /** Relative asymmetry of a kernel about the sampling centre up to which it counts as even. */
    static final double EVEN_TOLERANCE = 1e-6;
    private static final long PROBE_SEED = 0x0C1C_5EEDL;

    /** The outcome: a solver, or {@code null} with the reason. */
    record Result(FourierSolver solver, String reason) {}

    private CirculantStructure() {}

    static Result detect(LinearOperator h) {
        int[] n = h.inputShape(), m = h.outputShape();
        if (n.length != 3 || m.length != 3) {
            return fail("the operator maps " + Shape.format(n) + " to " + Shape.format(m) + ", not 3-D volumes");
        }
        int[] f = new int[3];
        for (int a = 0; a < 3; a++) {
            if (m[a] < 1 || n[a] % m[a] != 0) {
                return fail(String.format(Locale.ROOT, "axis %d maps %d voxels to %d, not an integer factor", a, n[a], m[a]));
            }
            f[a] = n[a] / m[a];
        }
        int[] c = {m[0] / 2, m[1] / 2, m[2] / 2};
        float[] e = new float[m[0] * m[1] * m[2]];
        e[(c[0] * m[1] + c[1]) * m[2] + c[2]] = 1;
        float[] t = CpuBackend.denseData(h.adjoint(CpuBackend.wrap(e, m)));
        int peak = 0;
        for (int i = 1; i < t.length; i++) if (Math.abs(t[i]) > Math.abs(t[peak])) peak = i;
        if (t[peak] == 0 || !Float.isFinite(t[peak])) return fail("the adjoint maps the centre sample to " + t[peak]);
        int[] p = {peak / (n[1] * n[2]), peak / n[2] % n[1], peak % n[2]};
        double[][] rows = new double[3][];
        for (int a = 0; a < 3; a++) {
            rows[a] = new double[n[a]];
            for (int i = 0; i < n[a]; i++) {
                int[] v = p.clone();
                v[a] = i;
                rows[a][i] = t[(v[0] * n[1] + v[1]) * n[2] + v[2]];
            }
        }
        // t = r₀ ⊗ r₁ ⊗ r₂ / t_p² for a separable operator: divide two of the rows by t_p
        for (int i = 0; i < n[0]; i++) rows[0][i] /= t[peak];
        for (int i = 0; i < n[1]; i++) rows[1][i] /= t[peak];

        Tensor x = Tensor.randn(new Rng(PROBE_SEED), n);
        float[] hx = CpuBackend.denseData(h.apply(x));
        double[][] circular = new double[3][];
        for (int a = 0; a < 3; a++) {
            circular[a] = new double[n[a]];
            for (int i = 0; i < n[a]; i++) circular[a][Math.floorMod(i - c[a] * f[a], n[a])] = rows[a][i];
        }
        CirculantSampling candidate = CirculantSampling.of("circulant model of " + h.name(), n, f, circular);
        double mismatch = mismatch(candidate.applyArray(CpuBackend.denseData(x)), hx);
        if (mismatch <= MATCH_TOLERANCE) return new Result(new FourierSolver(candidate, new boolean[3]), null);

        boolean[] mirrored = new boolean[3];
        int[] grid = n.clone();
        double[][] unfolded = new double[3][];
        for (int a = 0; a < 3; a++) {
            int taps = 0;
            for (double w : rows[a]) if (w != 0) taps++;
            if (taps <= 1) {
                unfolded[a] = circular[a];
                continue;
            }
            if (!even(rows[a], 2 * c[a] * f[a] + f[a] - 1)) {
                return fail(String.format(Locale.ROOT, "not circulant (mismatch %.2g on a random probe) and the kernel of axis %d"
                        + " is not even about its sampling centre, so a mirror extension does not apply", mismatch, a));
            }
            mirrored[a] = true;
            grid[a] = 2 * n[a];
            unfolded[a] = new double[grid[a]];
            for (int i = 0; i < n[a]; i++) unfolded[a][Math.floorMod(i - c[a] * f[a], grid[a])] = rows[a][i];
        }
        CirculantSampling extended = CirculantSampling.of("mirror-extended model of " + h.name(), grid, f, unfolded);
        double mirrorMismatch = mismatch(restricted(extended, n, m, CpuBackend.denseData(x)), hx);
        if (mirrorMismatch <= MATCH_TOLERANCE) return new Result(new FourierSolver(extended, mirrored), null);
        return fail(String.format(Locale.ROOT, "not a separable circulant sampling: a circular model misses H x by %.2g and a"
                + " mirrored one by %.2g (relative, random probe; tolerance %.0e)", mismatch, mirrorMismatch, MATCH_TOLERANCE));
    }

    private static Result fail(String reason) {
        return new Result(null, reason);
    }

    /**
     * Whether {@code r[i] = r[s − i]} wherever both lie inside and {@code r[i] = 0} where the mirror lies
     * outside: evenness about the sampling centre {@code s/2}.
     */
    private static boolean even(double[] r, long s) {
        double max = 0;
        for (double v : r) max = Math.max(max, Math.abs(v));
        for (int i = 0; i < r.length; i++) {
            long mirror = s - i;
            double other = mirror >= 0 && mirror < r.length ? r[(int) mirror] : 0;
            if (Math.abs(r[i] - other) > EVEN_TOLERANCE * max) return false;
        }
        return true;
    }

    /** The first {@code m} rows (per mirrored axis) of the extended operator applied to {@code E x}. */
    private static float[] restricted(CirculantSampling extended, int[] n, int[] m, float[] x) {
        int[] grid = extended.inputShape(), out = extended.outputShape();
        float[] e = new float[grid[0] * grid[1] * grid[2]];
        for (int i = 0; i < grid[0]; i++) {
            int si = i < n[0] ? i : 2 * n[0] - 1 - i;
            for (int j = 0; j < grid[1]; j++) {
                int sj = j < n[1] ? j : 2 * n[1] - 1 - j;
                for (int k = 0; k < grid[2]; k++) {
                    int sk = k < n[2] ? k : 2 * n[2] - 1 - k;
                    e[(i * grid[1] + j) * grid[2] + k] = x[(si * n[1] + sj) * n[2] + sk];
                }
            }
        }
        float[] y = extended.applyArray(e);
        float[] r = new float[m[0] * m[1] * m[2]];
        for (int i = 0; i < m[0]; i++) {
            for (int j = 0; j < m[1]; j++) {
                System.arraycopy(y, (i * out[1] + j) * out[2], r, (i * m[1] + j) * m[2], m[2]);
            }
        }
        return r;
    }

    private static double mismatch(float[] a, float[] b) {
        double d = 0, s = 0;
        for (int i = 0; i < a.length; i++) {
            double diff = (double) a[i] - b[i];
            d += diff * diff;
            s += (double) b[i] * b[i];
        }
        return s > 0 ? Math.sqrt(d / s) : (d > 0 ? Double.POSITIVE_INFINITY : 0);
    }
}
