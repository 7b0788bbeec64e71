package mrisr.sr.methods.unfolding;

import mrisr.engine.cpu.CpuBackend;
import mrisr.sr.physics.LinearOperator;

/**
 * Conjugate gradients for {@code (HᵀH + μI) x = b} with a general right-hand side, started from 0:
 * the fallback data-consistency solver for operators without a closed form. Iterates are kept in
 * double precision and {@code H}, {@code Hᵀ} are applied in float32; dot products are summed in
 * index order, so results do not depend on the thread count. Stops when
 * {@code ‖b − A x‖ ≤ tol·‖b‖} or after {@code maxIterations}.
 */
final class ConjugateGradients {
    private final LinearOperator h;
    private final int maxIterations;
    private final double tolerance;

    ConjugateGradients(LinearOperator h, int maxIterations, double tolerance) {
        this.h = h;
        this.maxIterations = maxIterations;
        this.tolerance = tolerance;
    }

    /**
     * @param b  right-hand side on {@code h}'s input grid (not modified)
     * @param mu {@code μ > 0}
     * @return a new array
     */
    float[] solve(float[] b, double mu) {
        int n = b.length;
        int[] shape = h.inputShape();
        double[] x = new double[n], r = new double[n], p = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = b[i];
            p[i] = b[i];
        }
        double rr = dot(r, r);
        double stop = tolerance * tolerance * rr;
        float[] pf = new float[n];
        for (int it = 0; it < maxIterations && rr > stop && rr > 0; it++) {
            for (int i = 0; i < n; i++) pf[i] = (float) p[i];
            float[] hp = CpuBackend.denseData(h.adjoint(h.apply(CpuBackend.wrap(pf, shape))));
            double pap = 0;
            for (int i = 0; i < n; i++) pap += p[i] * (hp[i] + mu * p[i]);
            if (!(pap > 0)) break; // only for p = 0: A is positive definite for μ > 0
            double alpha = rr / pap;
            for (int i = 0; i < n; i++) {
                x[i] += alpha * p[i];
                r[i] -= alpha * (hp[i] + mu * p[i]);
            }
            double rrNew = dot(r, r);
            double beta = rrNew / rr;
            for (int i = 0; i < n; i++) p[i] = r[i] + beta * p[i];
            rr = rrNew;
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) x[i];
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
