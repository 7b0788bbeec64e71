package mrisr.nn.deq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mrisr.engine.Grad;
import mrisr.engine.Rng;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import org.junit.jupiter.api.Test;

class DeepEquilibriumTest {
    /** z = tanh(W z + U x + b); inputs {W, U, x, b}. Contractive when ‖W‖ < 1 (tanh is 1-Lipschitz). */
    private static final EquilibriumMap TANH = (z, in) -> in[0].matmul(z).add(in[1].matmul(in[2])).add(in[3]).tanh();

    private static Tensor scaledGaussian(Rng rng, double norm, int rows, int cols) {
        double[][] a = new double[rows][];
        for (int i = 0; i < rows; i++) a[i] = LinearProblems.gaussian(cols, rng);
        double s = rows == cols ? norm / LinearProblems.spectralNorm(a) : norm / Math.sqrt(rows * cols);
        float[] v = new float[rows * cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) v[i * cols + j] = (float) (a[i][j] * s);
        return Tensor.fromArray(v, rows, cols);
    }

    private static DeepEquilibrium tight(DeepEquilibrium.Gradient g, List<String> warnings) {
        Anderson s = new Anderson(5, 1, 1e-10, 2e-7, 200);
        return new DeepEquilibrium(s, s, g, warnings::add);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    /**
     * The acceptance check: dL/dθ by implicit differentiation against central differences of
     * L(z*(θ)) = Σ r·z*(θ), re-solving the forward problem to a relative residual of 2e-7 for every
     * perturbed θ. float32 engine: ε = 1e-2 (the solve error, ≈ 2e-7/(1 − ‖W‖) relative, then
     * contributes ≈ 1e-5 to the difference quotient and the O(ε²) truncation ≈ 1e-4), so the bound
     * is |analytic − numeric| ≤ 1e-3 + 1e-2·max(|analytic|, |numeric|) per element.
     */
    @Test
    void implicitGradientMatchesCentralDifferencesOfTheResolvedFixedPoint() {
        Rng rng = new Rng(21);
        Tensor[] theta = {scaledGaussian(rng, 0.6, 5, 5), scaledGaussian(rng, 1.5, 5, 3), Tensor.randn(rng, 3, 1),
                Tensor.randn(rng, 5, 1).mul(0.3)};
        String[] names = {"W", "U", "x", "b"};
        float[] r = Tensor.randn(rng, 5, 1).toArray();
        List<String> warnings = new ArrayList<>();
        DeepEquilibrium deq = tight(DeepEquilibrium.Gradient.IMPLICIT, warnings);

        Tensor[] leaves = new Tensor[4];
        for (int i = 0; i < 4; i++) leaves[i] = theta[i].detach().mul(1.0).requiresGrad(true);
        Equilibrium eq = deq.solve(TANH, Tensor.zeros(5, 1), leaves);
        assertThat(eq.forward().converged()).as(eq.forward().summary()).isTrue();
        eq.z().backward(Tensor.fromArray(r, 5, 1), false);
        assertThat(eq.adjoint()).get().matches(FixedPointResult::converged);

        double eps = 1e-2, worst = 0, worstAbs = 0;
        for (int i = 0; i < 4; i++) {
            float[] analytic = leaves[i].grad().toArray();
            float[] base = theta[i].toArray();
            for (int j = 0; j < base.length; j++) {
                double[] l = new double[2];
                for (int s = 0; s < 2; s++) {
                    float[] v = base.clone();
                    v[j] = (float) (base[j] + (s == 0 ? eps : -eps));
                    Tensor[] in = theta.clone();
                    in[i] = Tensor.fromArray(v, theta[i].shape());
                    try (var g = Grad.off()) {
                        l[s] = dot(deq.solve(TANH, Tensor.zeros(5, 1), in).z().toArray(), r);
                    }
                }
                double numeric = (l[0] - l[1]) / (2 * eps);
                double a = analytic[j];
                double err = Math.abs(a - numeric);
                worstAbs = Math.max(worstAbs, err);
                worst = Math.max(worst, err / (1e-3 + 1e-2 * Math.max(Math.abs(a), Math.abs(numeric))));
                assertThat(err).as("%s[%d]: analytic %.6g, numeric %.6g", names[i], j, a, numeric)
                        .isLessThanOrEqualTo(1e-3 + 1e-2 * Math.max(Math.abs(a), Math.abs(numeric)));
            }
        }
        assertThat(warnings).isEmpty();
        System.out.println(String.format(Locale.ROOT, "deq toy gradient check (48 parameters): max |analytic - numeric| = %.2g, worst error / tolerance = %.3f; forward %s; adjoint %s",
                worstAbs, worst, eq.forward().summary(), eq.adjoint().get().summary()));
    }

    /** f(z) = A z + B x: z* = (I − A)⁻¹ B x, and the exact gradients follow in double. */
    @Test
    void linearMapGradientsMatchTheClosedFormAndJacobianFreeGivesTheOneStepProduct() {
        int n = 6, k = 4;
        Rng rng = new Rng(4);
        Tensor a = scaledGaussian(rng, 0.7, n, n), b = scaledGaussian(rng, 2, n, k), x = Tensor.randn(rng, k, 1);
        float[] r = Tensor.randn(rng, n, 1).toArray();
        double[][] ad = toDouble(a), bd = toDouble(b);
        double[] xd = column(x);
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) m[i][j] = (i == j ? 1 : 0) - ad[i][j];
        double[] bx = new double[n];
        for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) bx[i] += bd[i][j] * xd[j];
        double[] zStar = LinearProblems.solve(copy(m), bx);
        double[][] mt = new double[n][n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) mt[i][j] = m[j][i];
        double[] rd = new double[n];
        for (int i = 0; i < n; i++) rd[i] = r[i];
        double[] g = LinearProblems.solve(mt, rd.clone()); // (I − A)⁻ᵀ r

        EquilibriumMap f = (z, in) -> in[0].matmul(z).add(in[1].matmul(in[2]));
        for (DeepEquilibrium.Gradient mode : DeepEquilibrium.Gradient.values()) {
            List<String> warnings = new ArrayList<>();
            Tensor al = a.detach().mul(1.0).requiresGrad(true), bl = b.detach().mul(1.0).requiresGrad(true);
            Tensor xl = x.detach().mul(1.0).requiresGrad(true);
            Equilibrium eq = tight(mode, warnings).solve(f, Tensor.zeros(n, 1), al, bl, xl);
            assertThat(eq.z().gradFnName()).isEqualTo("deq");
            float[] z = eq.z().toArray();
            for (int i = 0; i < n; i++) assertThat((double) z[i]).isCloseTo(zStar[i], offset(2e-5));
            eq.z().backward(Tensor.fromArray(r, n, 1), false);
            double[] v = mode == DeepEquilibrium.Gradient.IMPLICIT ? g : rd; // the vector that meets ∂f/∂θ
            float[] ga = al.grad().toArray(), gb = bl.grad().toArray(), gx = xl.grad().toArray();
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) assertThat((double) ga[i * n + j]).as(mode + " dA").isCloseTo(v[i] * zStar[j], offset(1e-4));
                for (int j = 0; j < k; j++) assertThat((double) gb[i * k + j]).as(mode + " dB").isCloseTo(v[i] * xd[j], offset(1e-4));
            }
            for (int j = 0; j < k; j++) {
                double e = 0;
                for (int i = 0; i < n; i++) e += bd[i][j] * v[i];
                assertThat((double) gx[j]).as(mode + " dx").isCloseTo(e, offset(1e-4));
            }
            assertThat(eq.adjoint().isPresent()).isEqualTo(mode == DeepEquilibrium.Gradient.IMPLICIT);
            assertThat(warnings).isEmpty();
        }
    }

    @Test
    void gradientsReachUpstreamOpsAndAccumulateOnceIntoParameters() {
        Rng rng = new Rng(8);
        Tensor w = scaledGaussian(rng, 0.5, 4, 4).requiresGrad(true);
        Tensor u = scaledGaussian(rng, 1, 4, 2);
        Tensor b = Tensor.zeros(4, 1);
        Tensor leaf = Tensor.randn(rng, 2, 1).requiresGrad(true);
        float[] r = Tensor.randn(rng, 4, 1).toArray();
        DeepEquilibrium deq = tight(DeepEquilibrium.Gradient.IMPLICIT, new ArrayList<>());

        // reference: x itself a leaf
        Tensor xRef = leaf.detach().mul(3.0).requiresGrad(true);
        Tensor wRef = w.detach().mul(1.0).requiresGrad(true);
        deq.solve(TANH, Tensor.zeros(4, 1), wRef, u, xRef, b).z().backward(Tensor.fromArray(r, 4, 1), false);

        Tensor prior = Tensor.full(0.25f, 4, 4);
        w.setGrad(prior);
        Tensor x = leaf.mul(3.0); // an upstream op: gradient must flow through it
        deq.solve(TANH, Tensor.zeros(4, 1), w, u, x, b).z().backward(Tensor.fromArray(r, 4, 1), false);

        float[] expectLeaf = xRef.grad().mul(3.0).toArray();
        assertThat(leaf.grad().toArray()).containsExactly(expectLeaf);
        float[] expectW = wRef.grad().add(prior).toArray();
        assertThat(w.grad().toArray()).containsExactly(expectW);
    }

    @Test
    void noGradientNeededRecordsNothingAndMatchesTheSolver() {
        Rng rng = new Rng(3);
        Tensor[] in = {scaledGaussian(rng, 0.5, 3, 3), scaledGaussian(rng, 1, 3, 2), Tensor.randn(rng, 2, 1), Tensor.zeros(3, 1)};
        Anderson s = Anderson.defaults();
        Equilibrium eq = DeepEquilibrium.of(s).solve(TANH, Tensor.zeros(3, 1), in);
        assertThat(eq.z().hasGradFn()).isFalse();
        FixedPointResult direct = s.solve(z -> TANH.apply(z, in), Tensor.zeros(3, 1), w -> { });
        assertThat(eq.z().toArray()).containsExactly(direct.z().toArray());
        assertThat(eq.forward().residuals()).containsExactly(direct.residuals());
    }

    @Test
    void nonConvergenceWarnsInBothDirections() {
        // ‖W‖ = 0.95 with 3 Picard steps cannot reach 1e-9
        Rng rng = new Rng(5);
        Tensor w = scaledGaussian(rng, 0.95, 4, 4).requiresGrad(true);
        Tensor[] in = {w, scaledGaussian(rng, 1, 4, 2), Tensor.randn(rng, 2, 1), Tensor.zeros(4, 1)};
        List<String> warnings = new ArrayList<>();
        Picard p = new Picard(1, 1e-9, 3);
        Equilibrium eq = new DeepEquilibrium(p, p, DeepEquilibrium.Gradient.IMPLICIT, warnings::add)
                .solve(TANH, Tensor.zeros(4, 1), in);
        eq.z().sum().backward();
        assertThat(eq.forward().converged()).isFalse();
        assertThat(eq.adjoint()).get().matches(res -> !res.converged());
        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).startsWith("deq forward: warning: picard(beta=1): not converged after 3 iterations");
        assertThat(warnings.get(1)).startsWith("deq backward: warning: picard(beta=1): not converged after 3 iterations");
        assertThat(w.grad()).isNotNull();
    }

    @Test
    void aMapThatChangesTheShapeIsAShapeError() {
        Tensor w = Tensor.zeros(2, 2).requiresGrad(true);
        assertThatThrownBy(() -> DeepEquilibrium.of(Anderson.defaults()).solve((z, in) -> in[0], Tensor.zeros(2, 1), w))
                .isInstanceOf(ShapeException.class).hasMessageContaining("returned [2,2] for z of shape [2,1]");
    }

    private static double[][] toDouble(Tensor t) {
        int rows = t.size(0), cols = t.size(1);
        float[] v = t.toArray();
        double[][] a = new double[rows][cols];
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) a[i][j] = v[i * cols + j];
        return a;
    }

    private static double[] column(Tensor t) {
        float[] v = t.toArray();
        double[] c = new double[v.length];
        for (int i = 0; i < v.length; i++) c[i] = v[i];
        return c;
    }

    private static double[][] copy(double[][] m) {
        double[][] c = new double[m.length][];
        for (int i = 0; i < m.length; i++) c[i] = m[i].clone();
        return c;
    }
}
