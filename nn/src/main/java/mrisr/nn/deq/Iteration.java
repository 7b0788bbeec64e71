package mrisr.nn.deq;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import mrisr.engine.Memory;
import mrisr.engine.MemoryBudgetException;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;

/**
 * The bookkeeping every solver shares: evaluating {@code f} on flat float arrays, the residual
 * history, the best iterate, the stopping rule and the non-convergence warning; plus the few
 * vector helpers the solvers need (sums in double, in index order).
 */
final class Iteration {
    private final String solver;
    private final double tolerance;
    private final int[] shape;
    private final int n;
    private final UnaryOperator<Tensor> f;
    private final double[] residuals;
    private int count;
    private float[] best;
    private double bestResidual = Double.POSITIVE_INFINITY;
    private int bestIteration = -1;
    private boolean nonFinite;
    private int restarts;

    /**
     * @param vectors how many length-n float vectors the solver keeps besides the current pair
     *                (checked against the memory budget before anything is allocated)
     */
    Iteration(FixedPointSolver s, UnaryOperator<Tensor> f, Tensor z0, long vectors) {
        this.solver = s.describe();
        this.tolerance = s.tolerance();
        this.shape = z0.shape();
        this.n = z0.numel();
        this.f = f;
        this.residuals = new double[s.maxIterations()];
        long total = (vectors + 3) * (long) n;
        Memory.check(n, solver + " iterate " + Shape.format(shape));
        if (total * 4 > Memory.budgetBytes()) {
            throw new MemoryBudgetException(solver + ": " + (vectors + 3) + " vectors of " + Shape.format(shape)
                    + " need " + Memory.human(total * 4) + ", over the memory budget of "
                    + Memory.human(Memory.budgetBytes()) + " (lower the memory m, or raise --max-memory or -Xmx)");
        }
    }

    int size() {
        return n;
    }

    /** {@code f(z)} as a fresh array; {@code z} is wrapped, not copied, and must not change afterwards. */
    float[] evaluate(float[] z) {
        Tensor out = f.apply(Tensor.fromArray(z, shape));
        if (!Arrays.equals(out.shape(), shape)) {
            throw new ShapeException(solver, "the map returned " + Shape.format(out.shape()) + " for an iterate of shape "
                    + Shape.format(shape) + "; a fixed-point map must keep the shape");
        }
        return out.toArray();
    }

    /**
     * Appends the residual of iterate {@code z} with image {@code fz}, remembering {@code z} (not
     * copied; the caller never modifies it afterwards) when it is the best so far.
     *
     * @return true when the solver must stop: converged, non-finite, or out of iterations
     */
    boolean record(float[] z, float[] fz) {
        double num = 0, den = 0;
        for (int i = 0; i < n; i++) {
            double d = (double) fz[i] - z[i];
            num += d * d;
            den += (double) fz[i] * fz[i];
        }
        double r = num == 0 ? 0 : Math.sqrt(num) / Math.sqrt(Math.max(den, Double.MIN_NORMAL));
        if (!Double.isFinite(num) || !Double.isFinite(den)) {
            r = Double.NaN;
            nonFinite = true;
        }
        residuals[count++] = r;
        if (r < bestResidual) {
            bestResidual = r;
            best = z;
            bestIteration = count - 1;
        }
        return nonFinite || r <= tolerance || count == residuals.length;
    }

    void restarted() {
        restarts++;
    }

    /** The result, warning first when the best iterate does not meet the tolerance. */
    FixedPointResult finish(Consumer<String> warnings) {
        boolean converged = bestResidual <= tolerance;
        double[] history = Arrays.copyOf(residuals, count);
        if (!converged) {
            String why = nonFinite
                    ? "the map returned a non-finite value at iteration " + (count - 1)
                    : "not converged after " + count + " iterations";
            warnings.accept(String.format(Locale.ROOT,
                    "warning: %s: %s: lowest relative residual %.3g > tolerance %s; returning the best iterate "
                            + "(iteration %d of %d)", solver, why, bestResidual, format(tolerance), bestIteration, count));
        }
        float[] z = best == null ? new float[n] : best;
        return new FixedPointResult(Tensor.fromArray(z.clone(), shape), history, bestIteration, converged, restarts,
                solver);
    }

    // ------------------------------------------------------------------ vector helpers

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    /** {@code a − b}. */
    static float[] sub(float[] a, float[] b) {
        float[] d = new float[a.length];
        for (int i = 0; i < d.length; i++) d[i] = a[i] - b[i];
        return d;
    }

    /** The damped step {@code β·fz + (1 − β)·z}. */
    static float[] mix(float[] fz, float[] z, double beta) {
        if (beta == 1) return fz; // arrays are never modified once filled, so sharing is safe
        float[] out = new float[z.length];
        for (int i = 0; i < out.length; i++) out[i] = (float) (beta * fz[i] + (1 - beta) * z[i]);
        return out;
    }

    /** {@code v} with 3 significant digits and no trailing zeros after the decimal point: 1, 0.5, 1e-08. */
    static String format(double v) {
        String s = String.format(Locale.ROOT, "%.3g", v);
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e), exponent = e < 0 ? "" : s.substring(e);
        if (mantissa.indexOf('.') >= 0) mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        return mantissa + exponent;
    }
}
