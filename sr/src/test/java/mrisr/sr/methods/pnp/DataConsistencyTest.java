package mrisr.sr.methods.pnp;

import static mrisr.sr.methods.pnp.PnpTesting.dot;
import static mrisr.sr.methods.pnp.PnpTesting.norm;
import static mrisr.sr.methods.pnp.PnpTesting.randn;
import static org.assertj.core.api.Assertions.assertThat;

import mrisr.engine.Tensor;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.LinearOperator;
import mrisr.sr.physics.SliceProfile;
import org.junit.jupiter.api.Test;

class DataConsistencyTest {
    private static final int[] HR = {9, 10, 16};
    private static final LinearOperator H = Degradation.builder().factors(1, 1, 4).profile(SliceProfile.Kind.GAUSSIAN).build()
            .operator(HR, new double[] {1, 1, 1});

    private static float[] apply(float[] x) {
        return H.apply(Tensor.fromArray(x, HR)).toArray();
    }

    /** {@code ½‖Hx − y‖² + (μ/2)‖x − z‖²} in double, from {@code H.apply} alone. */
    private static double objective(double[] x, float[] y, float[] z, double mu) {
        float[] xf = new float[x.length];
        for (int i = 0; i < x.length; i++) xf[i] = (float) x[i];
        float[] hx = apply(xf);
        double fit = 0, prox = 0;
        for (int i = 0; i < hx.length; i++) fit += Math.pow((double) hx[i] - y[i], 2);
        for (int i = 0; i < x.length; i++) prox += Math.pow(x[i] - z[i], 2);
        return 0.5 * fit + 0.5 * mu * prox;
    }

    @Test
    void solutionSatisfiesTheNormalEquations() {
        float[] y = randn(50, H.outputShape()), z = randn(51, HR), x0 = randn(52, HR);
        for (double mu : new double[] {0.01, 0.1, 1}) {
            DataConsistency dc = new DataConsistency(H, y);
            DataConsistency.Step step = dc.solve(mu, z, x0, 200, 1e-7);
            float[] x = step.x();
            // residual (HᵀH + μI)x − Hᵀy − μz, each term formed independently here in double
            float[] hthx = H.adjoint(H.apply(Tensor.fromArray(x, HR))).toArray(), hty = H.adjoint(Tensor.fromArray(y, H.outputShape())).toArray();
            double r2 = 0, b2 = 0;
            for (int i = 0; i < x.length; i++) {
                double b = (double) hty[i] + mu * z[i];
                double r = hthx[i] + mu * x[i] - b;
                r2 += r * r;
                b2 += b * b;
            }
            assertThat(Math.sqrt(r2 / b2)).as("mu = %s", mu).isLessThan(1e-5);
            assertThat(step.relativeResidual()).isLessThan(1e-7);
        }
    }

    /**
     * Adjoint-free: the solution minimises the objective, evaluated with {@code H.apply} only. The
     * objective is quadratic, so along any direction {@code d} the central difference
     * {@code f(x + εd) − f(x − εd) = 2ε⟨∇f(x), d⟩} vanishes at the minimiser, while
     * {@code f(x ± εd) − f(x) = (ε²/2)(‖Hd‖² + μ‖d‖²) > 0}.
     */
    @Test
    void solutionMinimisesTheObjectiveUsingOnlyTheForwardOperator() {
        float[] y = randn(53, H.outputShape()), z = randn(54, HR);
        double mu = 0.05;
        float[] x = new DataConsistency(H, y).solve(mu, z, new float[z.length], 200, 1e-7).x();
        double[] xd = PnpTesting.toDouble(x);
        double f = objective(xd, y, z, mu);
        for (int trial = 0; trial < 5; trial++) {
            float[] d = randn(60 + trial, HR);
            double eps = 1 / norm(d); // a unit step: both terms well above the float32 rounding of f
            double[] plus = xd.clone(), minus = xd.clone();
            for (int i = 0; i < xd.length; i++) {
                plus[i] += eps * d[i];
                minus[i] -= eps * d[i];
            }
            double fp = objective(plus, y, z, mu), fm = objective(minus, y, z, mu);
            double curvature = 0.5 * (dot(apply(scaled(d, eps)), apply(scaled(d, eps))) + mu * eps * eps * dot(d, d));
            assertThat(fp - f).as("trial %d", trial).isGreaterThan(0);
            assertThat(fm - f).as("trial %d", trial).isGreaterThan(0);
            // the first-order term is ≤ 0.1 % of the second-order one: the gradient vanishes
            assertThat(Math.abs(fp - fm) / 2).as("trial %d", trial).isLessThan(1e-3 * curvature);
            // while at a point off the minimiser (the centre z) the same test sees the gradient
            double[] zd = PnpTesting.toDouble(z), zp = zd.clone(), zm = zd.clone();
            for (int i = 0; i < zd.length; i++) {
                zp[i] += eps * d[i];
                zm[i] -= eps * d[i];
            }
            assertThat(Math.abs(objective(zp, y, z, mu) - objective(zm, y, z, mu)) / 2).isGreaterThan(1e-2 * curvature);
        }
    }

    private static float[] scaled(float[] d, double s) {
        float[] o = new float[d.length];
        for (int i = 0; i < d.length; i++) o[i] = (float) (s * d[i]);
        return o;
    }

    @Test
    void warmStartAtTheSolutionNeedsNoIterations() {
        float[] y = randn(55, H.outputShape()), z = randn(56, HR);
        DataConsistency dc = new DataConsistency(H, y);
        float[] x = dc.solve(0.2, z, z, 200, 1e-7).x();
        DataConsistency.Step again = dc.solve(0.2, z, x, 200, 1e-5);
        assertThat(again.iterations()).isZero();
        assertThat(again.x()).containsExactly(x);
    }

    @Test
    void relativeDataResidualIsTheNormRatio() {
        float[] x = randn(57, HR), y = randn(58, H.outputShape());
        float[] hx = apply(x);
        double r = 0;
        for (int i = 0; i < hx.length; i++) r += Math.pow((double) hx[i] - y[i], 2);
        assertThat(new DataConsistency(H, y).relativeDataResidual(x)).isCloseTo(Math.sqrt(r) / norm(y), org.assertj.core.api.Assertions.within(1e-9));
    }
}
