package mrisr.nn.deq;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import mrisr.engine.Tensor;

/**
 * Anderson acceleration (type II, Walker &amp; Ni 2011) of the fixed-point iteration {@code z = f(z)}.
 *
 * <p>With the last {@code m_k ≤ m} iterates {@code z_i}, their images {@code f_i = f(z_i)} and
 * residuals {@code g_i = f_i − z_i}, each step solves the regularised, constrained least-squares
 * problem
 * <pre>
 *   α = argmin ‖Σ α_i g_i‖² + λ·max_i‖g_i‖²·‖α‖²   subject to Σ α_i = 1
 *     = w / Σ w_i   with (GᵀG + λ·max_i(GᵀG)_ii·I) w = 1          (Cholesky, in double)
 * </pre>
 * and mixes {@code z_{k+1} = Σ α_i (β f_i + (1 − β) z_i) = Σ α_i (f_i − (1 − β) g_i)}. The Gram
 * matrix {@code GᵀG} is updated with one new row per step ({@code m} dot products). For a linear
 * map the method is equivalent to GMRES on {@code (I − A) z = b} (restarted every {@code m} steps in
 * effect), so it converges far faster than plain iteration on ill-conditioned contractions.
 *
 * <p>Breakdown and restart: when the Cholesky factorisation meets a non-positive pivot, the
 * weights are not finite, {@code |Σ w| } vanishes relative to {@code ‖w‖₁}, or the extrapolation
 * {@code ‖α‖₁} exceeds {@value #MAX_ALPHA_NORM} (the history has become nearly linearly dependent),
 * the history is discarded except the newest pair and the step is the damped plain step
 * {@code β f_k + (1 − β) z_k}; the result counts these restarts.
 *
 * <p>Memory: {@code 2m} float vectors of the iterate's size (histories of {@code f_i} and
 * {@code g_i}), checked against the memory budget first.
 *
 * <pre>{@code
 * FixedPointSolver s = new Anderson(5, 1.0, 1e-8, 1e-4, 50);
 * FixedPointResult r = s.solve(f, z0);
 * }</pre>
 *
 * @param memory         history length {@code m ≥ 1}
 * @param mixing         damping {@code β ∈ (0, 1]}
 * @param regularization {@code λ ≥ 0}, relative to the largest squared residual norm in the history
 * @param tolerance      stop at relative residual {@code ≤ tolerance} ({@code > 0})
 * @param maxIterations  the most evaluations of {@code f} ({@code ≥ 1})
 */
public record Anderson(int memory, double mixing, double regularization, double tolerance, int maxIterations)
        implements FixedPointSolver {
    /** Extrapolation weights with a larger ℓ₁ norm mean a breakdown. */
    public static final double MAX_ALPHA_NORM = 1e6;

    /** Validates the settings. */
    public Anderson {
        if (memory < 1) throw new IllegalArgumentException("anderson: memory m = " + memory + ", must be >= 1");
        Picard.checkMixing("anderson", mixing);
        if (!(regularization >= 0) || Double.isInfinite(regularization)) {
            throw new IllegalArgumentException("anderson: regularization = " + regularization + ", must be finite and >= 0");
        }
        Picard.checkStopping("anderson", tolerance, maxIterations);
    }

    /** {@code m = 5, β = 1, λ = 1e-8}, tolerance {@code 1e-4}, at most 50 iterations. */
    public static Anderson defaults() {
        return new Anderson(5, 1.0, 1e-8, 1e-4, 50);
    }

    @Override
    public Anderson withStopping(double tolerance, int maxIterations) {
        return new Anderson(memory, mixing, regularization, tolerance, maxIterations);
    }

    @Override
    public String describe() {
        return "anderson(m=" + memory + ", beta=" + Iteration.format(mixing) + ", lambda="
                + Iteration.format(regularization) + ")";
    }

    @Override
    public FixedPointResult solve(UnaryOperator<Tensor> f, Tensor z0, Consumer<String> warnings) {
        Iteration it = new Iteration(this, f, z0, 2L * memory);
        float[][] fs = new float[memory][], gs = new float[memory][];
        double[][] gram = new double[memory][memory];
        int next = 0; // ring slot for the newest pair
        float[] z = z0.toArray();
        while (true) {
            float[] fz = it.evaluate(z);
            if (it.record(z, fz)) break;
            float[] g = Iteration.sub(fz, z);
            int slot = next;
            next = (next + 1) % memory;
            fs[slot] = fz;
            gs[slot] = g;
            for (int j = 0; j < memory; j++) {
                if (gs[j] == null) continue;
                double d = Iteration.dot(g, gs[j]);
                gram[slot][j] = d;
                gram[j][slot] = d;
            }
            double[] alpha = weights(gs, gram);
            if (alpha == null) {
                it.restarted();
                for (int j = 0; j < memory; j++) {
                    if (j != slot) {
                        fs[j] = null;
                        gs[j] = null;
                    }
                }
                z = Iteration.mix(fz, z, mixing);
            } else {
                z = combine(fs, gs, alpha, it.size());
            }
        }
        return it.finish(warnings);
    }

    /** {@code α} over the filled slots (0 elsewhere), or null on breakdown. */
    private double[] weights(float[][] gs, double[][] gram) {
        int[] used = new int[memory];
        int c = 0;
        double maxDiag = 0;
        for (int j = 0; j < memory; j++) {
            if (gs[j] != null) {
                used[c++] = j;
                maxDiag = Math.max(maxDiag, gram[j][j]);
            }
        }
        double[] alpha = new double[memory];
        if (c == 1) {
            alpha[used[0]] = 1;
            return alpha;
        }
        if (!(maxDiag > 0) || Double.isInfinite(maxDiag)) return null;
        double[][] a = new double[c][c];
        for (int p = 0; p < c; p++) {
            for (int q = 0; q < c; q++) a[p][q] = gram[used[p]][used[q]] / maxDiag; // scaled: diag ≤ 1
            a[p][p] += regularization;
        }
        double[] w = new double[c];
        Arrays.fill(w, 1);
        if (!choleskySolve(a, w)) return null;
        double sum = 0, abs = 0;
        for (double v : w) {
            sum += v;
            abs += Math.abs(v);
        }
        if (!Double.isFinite(sum) || !(Math.abs(sum) > 1e-12 * abs)) return null;
        double norm1 = abs / Math.abs(sum);
        if (!(norm1 <= MAX_ALPHA_NORM)) return null;
        for (int p = 0; p < c; p++) alpha[used[p]] = w[p] / sum;
        return alpha;
    }

    /** {@code Σ α_j (f_j − (1 − β) g_j)}, accumulated in double per element. */
    private float[] combine(float[][] fs, float[][] gs, double[] alpha, int n) {
        double[] acc = new double[n];
        for (int j = 0; j < memory; j++) {
            if (fs[j] == null || alpha[j] == 0) continue;
            double aj = alpha[j], damp = aj * (1 - mixing);
            float[] fj = fs[j], gj = gs[j];
            if (damp == 0) {
                for (int i = 0; i < n; i++) acc[i] += aj * fj[i];
            } else {
                for (int i = 0; i < n; i++) acc[i] += aj * fj[i] - damp * gj[i];
            }
        }
        float[] z = new float[n];
        for (int i = 0; i < n; i++) z[i] = (float) acc[i];
        return z;
    }

    /**
     * Solves {@code a x = b} in place ({@code b} becomes {@code x}) for symmetric {@code a} by Cholesky;
     * false when a pivot is not safely positive (then the system is treated as singular).
     */
    static boolean choleskySolve(double[][] a, double[] b) {
        int c = b.length;
        double[][] l = new double[c][c];
        for (int i = 0; i < c; i++) {
            for (int j = 0; j <= i; j++) {
                double s = a[i][j];
                for (int k = 0; k < j; k++) s -= l[i][k] * l[j][k];
                if (i == j) {
                    if (!(s > 1e-14 * Math.max(1, Math.abs(a[i][i])))) return false;
                    l[i][i] = Math.sqrt(s);
                } else {
                    l[i][j] = s / l[j][j];
                }
            }
        }
        for (int i = 0; i < c; i++) {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i][k] * b[k];
            b[i] = s / l[i][i];
        }
        for (int i = c - 1; i >= 0; i--) {
            double s = b[i];
            for (int k = i + 1; k < c; k++) s -= l[k][i] * b[k];
            b[i] = s / l[i][i];
        }
        return true;
    }
}
