package mrisr.sr.methods.pnp;

import java.util.Arrays;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.cpu.CpuBackend;
import mrisr.sr.physics.LinearOperator;

/**
 * The data-consistency step of the plug-and-play methods (survey Algorithm 1, step 3):
 *
 * <pre>
 *   x = argmin_x ½‖Hx − y‖² + (μ/2)‖x − z‖²   ⇔   (HᵀH + μI) x = Hᵀy + μz
 * </pre>
 *
 * solved by conjugate gradients warm-started from a given {@code x₀} (the previous iterate, so a
 * few iterations suffice), with vectors in double precision. {@code HᵀH + μI} has condition number
 * at most {@code (‖H‖² + μ)/μ}, so CG converges quickly for the μ the methods use. {@code Hᵀy} is
 * computed once. Sums run sequentially in a fixed order, so the result does not depend on the
 * thread count.
 */
final class DataConsistency {
    /** The result of one solve: the solution and what CG did. */
    record Step(float[] x, int iterations, double relativeResidual) {}

    private final LinearOperator h;
    private final int[] shape;
    private final double[] hty;
    private final float[] y;

    /**
     * @param h the forward model {@code H}
     * @param y data on {@code h.outputShape()} (kept, not modified)
     */
    DataConsistency(LinearOperator h, float[] y) {
        this.h = h;
        this.shape = h.inputShape();
        if (y.length != Shape.numel(h.outputShape())) {
            throw new ShapeException("data consistency", y.length + " data values, the forward model gives " + Shape.format(h.outputShape()));
        }
        this.y = y;
        float[] b = CpuBackend.denseData(h.adjoint(CpuBackend.wrap(y, h.outputShape())));
        hty = new double[b.length];
        for (int i = 0; i < b.length; i++) hty[i] = b[i];
    }

    /** The grid of {@code x}. */
    int[] shape() {
        return shape.clone();
    }

    /** {@code Hx} (x not modified). */
    float[] forward(float[] x) {
        return CpuBackend.denseData(h.apply(CpuBackend.wrap(x, shape)));
    }

    /** {@code Hᵀ H x} (x not modified). */
    float[] normal(float[] x) {
        return CpuBackend.denseData(h.adjoint(h.apply(CpuBackend.wrap(x, shape))));
    }

    /** {@code ‖Hx − y‖ / ‖y‖} (1 when {@code y = 0} and {@code Hx ≠ 0}, 0 when both vanish). */
    double relativeDataResidual(float[] x) {
        float[] hx = forward(x);
        double r = 0, n = 0;
        for (int i = 0; i < hx.length; i++) {
            double d = (double) hx[i] - y[i];
            r += d * d;
            n += (double) y[i] * y[i];
        }
        return n > 0 ? Math.sqrt(r / n) : (r > 0 ? 1 : 0);
    }

    /**
     * Solves {@code (HᵀH + μI) x = Hᵀy + μz}.
     *
     * @param mu       μ &gt; 0
     * @param z        the proximal centre (not modified)
     * @param x0       the start (not modified)
     * @param maxIters CG iteration cap (≥ 1)
     * @param relTol   stop when {@code ‖r‖ ≤ relTol·‖Hᵀy + μz‖}
     */
    Step solve(double mu, float[] z, float[] x0, int maxIters, double relTol) {
        int n = hty.length;
        if (z.length != n || x0.length != n) {
            throw new ShapeException("data consistency", "centre has " + z.length + " and start " + x0.length + " values, expected " + n);
        }
        double[] x = new double[n], r = new double[n], p = new double[n];
        float[] ax = normal(x0);
        double bb = 0;
        for (int i = 0; i < n; i++) {
            double b = hty[i] + mu * z[i];
            bb += b * b;
            x[i] = x0[i];
            r[i] = b - ax[i] - mu * x0[i];
            p[i] = r[i];
        }
        double rr = dot(r, r);
        double stop = relTol * relTol * bb;
        float[] pf = new float[n];
        int it = 0;
        while (it < maxIters && rr > stop && rr > 0) {
            for (int i = 0; i < n; i++) pf[i] = (float) p[i];
            float[] ap = normal(pf);
            double pap = 0;
            for (int i = 0; i < n; i++) pap += p[i] * (ap[i] + mu * p[i]);
            if (!(pap > 0)) break;
            double alpha = rr / pap;
            for (int i = 0; i < n; i++) {
                x[i] += alpha * p[i];
                r[i] -= alpha * (ap[i] + mu * p[i]);
            }
            double rrNew = dot(r, r);
            double beta = rrNew / rr;
            for (int i = 0; i < n; i++) p[i] = r[i] + beta * p[i];
            rr = rrNew;
            it++;
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) x[i];
        return new Step(out, it, bb > 0 ? Math.sqrt(rr / bb) : 0);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    @Override
    public String toString() {
        return "data consistency on " + Arrays.toString(shape) + " with " + h.name();
    }
}
