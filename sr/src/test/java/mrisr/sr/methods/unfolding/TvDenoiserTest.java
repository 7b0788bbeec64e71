package mrisr.sr.methods.unfolding;

import static org.assertj.core.api.Assertions.assertThat;

import mrisr.kernels.Parallel;
import mrisr.sr.methods.modelbased.FiniteDifferences;
import org.junit.jupiter.api.Test;

class TvDenoiserTest {
    private static final int[] SHAPE = {6, 7, 5};
    private static final double[] SPACING = {1, 1, 2};

    /** ½‖x − v‖² + τ·TV(x), TV from the model-based package's finite differences. */
    private static double objective(float[] x, float[] v, double tau) {
        double d = 0;
        for (int i = 0; i < x.length; i++) d += 0.5 * ((double) x[i] - v[i]) * ((double) x[i] - v[i]);
        return d + tau * new FiniteDifferences(SHAPE, SPACING).totalVariation(x);
    }

    /**
     * The reference minimiser: Chambolle–Pock in double precision with the gradient written out here
     * (forward differences, 0 on the last plane, weights min h / h_a), 20 000 iterations.
     */
    private static double[] reference(float[] v, double tau) {
        int n0 = SHAPE[0], n1 = SHAPE[1], n2 = SHAPE[2], n = v.length;
        double[] w = {1, 1, 0.5};
        double[] x = new double[n], xBar = new double[n], p = new double[3 * n];
        for (int i = 0; i < n; i++) x[i] = xBar[i] = v[i];
        double norm = Math.sqrt(4 * (w[0] * w[0] + w[1] * w[1] + w[2] * w[2]));
        double sigma = 1 / norm, step = 1 / norm;
        int[] strides = {n1 * n2, n2, 1};
        for (int it = 0; it < 20000; it++) {
            for (int idx = 0; idx < n; idx++) {
                int[] c = {idx / (n1 * n2), idx / n2 % n1, idx % n2};
                double[] g = new double[3];
                for (int a = 0; a < 3; a++) g[a] = c[a] == SHAPE[a] - 1 ? 0 : w[a] * (xBar[idx + strides[a]] - xBar[idx]);
                double s = 0;
                for (int a = 0; a < 3; a++) {
                    p[a * n + idx] += sigma * g[a];
                    s += p[a * n + idx] * p[a * n + idx];
                }
                double scale = Math.max(1, Math.sqrt(s) / tau);
                for (int a = 0; a < 3; a++) p[a * n + idx] /= scale;
            }
            for (int idx = 0; idx < n; idx++) {
                int[] c = {idx / (n1 * n2), idx / n2 % n1, idx % n2};
                double div = 0; // (∇ᵀp)[idx]
                for (int a = 0; a < 3; a++) {
                    if (c[a] > 0) div += w[a] * p[a * n + idx - strides[a]];
                    if (c[a] < SHAPE[a] - 1) div -= w[a] * p[a * n + idx];
                }
                double old = x[idx];
                x[idx] = (old - step * div + step * v[idx]) / (1 + step);
                xBar[idx] = 2 * x[idx] - old;
            }
        }
        return x;
    }

    @Test
    void matchesAnIndependentDoublePrecisionMinimiser() {
        float[] v = Testing.randn(70, SHAPE).toArray();
        for (double tau : new double[] {0.05, 0.3}) {
            TvDenoiser tv = new TvDenoiser(SHAPE, SPACING, 400);
            float[] x = tv.denoise(v, tau, tv.newDual());
            double[] ref = reference(v, tau);
            float[] refF = new float[ref.length];
            for (int i = 0; i < ref.length; i++) refF[i] = (float) ref[i];
            double jx = objective(x, v, tau), jr = objective(refF, v, tau);
            System.out.printf("TV prox tau %.2f: objective %.8g (reference %.8g), relative distance %.2e%n", tau, jx, jr,
                    Testing.relativeError(x, ref));
            assertThat(jx).isLessThanOrEqualTo(jr * (1 + 1e-5));
            assertThat(Testing.relativeError(x, ref)).isLessThan(2e-3);
        }
    }

    @Test
    void warmStartConvergesFasterAndResultsDoNotDependOnThreads() {
        float[] v = Testing.randn(71, SHAPE).toArray();
        double tau = 0.2;
        TvDenoiser few = new TvDenoiser(SHAPE, SPACING, 10);
        float[] dual = few.newDual();
        few.denoise(v, tau, dual);
        float[] warm = few.denoise(v, tau, dual);
        float[] cold = few.denoise(v, tau, few.newDual());
        assertThat(objective(warm, v, tau)).isLessThan(objective(cold, v, tau));
        assertThat(few.denoise(v, 0, few.newDual())).containsExactly(v);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] one = few.denoise(v, tau, few.newDual());
            Parallel.setThreads(2);
            assertThat(few.denoise(v, tau, few.newDual())).containsExactly(one);
        } finally {
            Parallel.setThreads(before);
        }
    }
}
