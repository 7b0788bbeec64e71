package mrisr.sr.methods.deq;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mrisr.engine.Grad;
import mrisr.engine.GradCheck;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.Parameter;
import mrisr.nn.deq.Anderson;
import mrisr.nn.deq.DeepEquilibrium;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.baseline.Interpolation;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.LinearOperator;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;

/**
 * The implicit gradient of the SR fixed point with respect to the prior's parameters, on a 6×6×6
 * output grid (2× along k), against central differences of the re-solved fixed point.
 */
class DeqGradientTest {
    private static final double[] FACTORS = {1, 1, 2};

    private record Problem(LinearOperator h, double gamma, Tensor y, Tensor z0, float[] r) {}

    private static Problem problem() {
        Rng rng = new Rng(17);
        Volume hr = Volume.of(Tensor.rand(rng, 6, 6, 6), Volume.diagonalAffine(1, 1, 1));
        Volume lr = Degradation.builder().factors(FACTORS).build().apply(hr);
        LinearOperator h = DeqMethodTest.forwardModel(lr, new SrContext(FACTORS, 0));
        Tensor z0 = Interpolation.linear().run(lr, new SrContext(FACTORS, 0)).data();
        return new Problem(h, DeqMethod.stepSize(h), lr.data(), z0, Tensor.randn(rng, 6, 6, 6).toArray());
    }

    /**
     * The trainable initialisation moved off its special values (all weights matter) and with the
     * hidden biases raised by 1, so every hidden pre-activation stays well above relu's kink under the
     * perturbations: L is then smooth in θ and central differences are meaningful (with biases near 0,
     * ±ε steps cross kinks and the quotients jump by 10% between ε = 1e-2, 3e-3 and 1e-3).
     */
    private static DeqPrior prior() {
        DeqPrior p = DeqPrior.trainable(3, FACTORS, 0.25, new Rng(5));
        Rng rng = new Rng(6);
        for (Parameter q : p.parameters()) q.copyFrom(q.data().add(Tensor.randn(rng, q.shape()).mul(0.02)));
        Parameter b1 = p.namedParameters().get("conv1.bias");
        b1.copyFrom(b1.data().add(1));
        return p;
    }

    private static double loss(Tensor x, float[] r) {
        float[] v = x.toArray();
        double s = 0;
        for (int i = 0; i < v.length; i++) s += (double) v[i] * r[i];
        return s;
    }

    /**
     * Acceptance: dL/dθ by implicit differentiation vs central differences, L = Σ r·x*(θ), every one
     * of the 166 parameters. Forward and adjoint solves run to a relative residual of 1e-7 (about
     * the float32 floor; the fixed-point error is then ≈ 1e-7/(1 − c), c the map's contraction
     * factor). ε = 1e-2: the solve error then adds ≈ 1e-4 to a difference quotient and the O(ε²)
     * truncation less (L is bilinear-like in each weight); bound per element:
     * |analytic − numeric| ≤ 1e-3 + 1e-2·max(|analytic|, |numeric|).
     */
    @Test
    void implicitGradientMatchesCentralDifferences() {
        Problem p = problem();
        DeqPrior prior = prior();
        List<String> warnings = new ArrayList<>();
        Anderson tight = new Anderson(5, 1, 1e-10, 1e-7, 300);
        DeepEquilibrium layer = new DeepEquilibrium(tight, tight, DeepEquilibrium.Gradient.IMPLICIT, warnings::add);

        prior.zeroGrad();
        var rec = DeqMethod.reconstruct(layer, prior, p.h(), p.gamma(), p.y(), p.z0());
        rec.x().backward(Tensor.fromArray(p.r(), 6, 6, 6), false);
        assertThat(rec.equilibrium().forward().converged()).isTrue();
        assertThat(rec.equilibrium().adjoint()).get().matches(a -> a.converged());

        double eps = 1e-2, worstRatio = 0, worstAbs = 0, maxGrad = 0;
        int checked = 0;
        for (Parameter q : prior.parameters()) {
            float[] analytic = q.grad().toArray();
            float[] base = q.data().toArray();
            for (int j = 0; j < base.length; j++) {
                double[] l = new double[2];
                for (int s = 0; s < 2; s++) {
                    float[] v = base.clone();
                    v[j] = (float) (base[j] + (s == 0 ? eps : -eps));
                    q.copyFrom(Tensor.fromArray(v, q.shape()));
                    try (var g = Grad.off()) {
                        l[s] = loss(DeqMethod.reconstruct(layer, prior, p.h(), p.gamma(), p.y(), p.z0()).x(), p.r());
                    }
                }
                q.copyFrom(Tensor.fromArray(base, q.shape()));
                double numeric = (l[0] - l[1]) / (2 * eps), a = analytic[j];
                double bound = 1e-3 + 1e-2 * Math.max(Math.abs(a), Math.abs(numeric));
                assertThat(Math.abs(a - numeric)).as("element %d of %s: analytic %.6g, numeric %.6g", j,
                        q, a, numeric).isLessThanOrEqualTo(bound);
                worstRatio = Math.max(worstRatio, Math.abs(a - numeric) / bound);
                worstAbs = Math.max(worstAbs, Math.abs(a - numeric));
                maxGrad = Math.max(maxGrad, Math.abs(a));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(166);
        assertThat(warnings).isEmpty();
        System.out.println(String.format(Locale.ROOT,
                "deq 6^3 gradient check: %d parameters, max |grad| %.3g, max |analytic - numeric| %.2g, worst error / bound %.3f; %s; adjoint %s",
                checked, maxGrad, worstAbs, worstRatio, rec.equilibrium().forward().summary(),
                rec.equilibrium().adjoint().get().summary()));
    }

    /** Jacobian-free backprop runs, and on this contractive map points the same way as the exact gradient. */
    @Test
    void jacobianFreeGradientRunsAndIsADescentDirection() {
        Problem p = problem();
        Anderson s = new Anderson(5, 1, 1e-10, 1e-6, 300);
        float[][] grads = new float[2][];
        int k = 0;
        for (DeepEquilibrium.Gradient mode : DeepEquilibrium.Gradient.values()) {
            DeqPrior prior = prior();
            DeepEquilibrium layer = new DeepEquilibrium(s, s, mode, w -> { });
            var rec = DeqMethod.reconstruct(layer, prior, p.h(), p.gamma(), p.y(), p.z0());
            rec.x().backward(Tensor.fromArray(p.r(), 6, 6, 6), false);
            assertThat(rec.equilibrium().adjoint().isPresent()).isEqualTo(mode == DeepEquilibrium.Gradient.IMPLICIT);
            List<Float> all = new ArrayList<>();
            for (Parameter q : prior.parameters()) for (float v : q.grad().toArray()) all.add(v);
            grads[k] = new float[all.size()];
            for (int i = 0; i < all.size(); i++) grads[k][i] = all.get(i);
            k++;
        }
        double dot = 0, n0 = 0, n1 = 0;
        for (int i = 0; i < grads[0].length; i++) {
            dot += (double) grads[0][i] * grads[1][i];
            n0 += (double) grads[0][i] * grads[0][i];
            n1 += (double) grads[1][i] * grads[1][i];
        }
        double cosine = dot / Math.sqrt(n0 * n1);
        System.out.printf(Locale.ROOT, "deq 6^3: cosine(implicit, jacobian-free) = %.3f%n", cosine);
        assertThat(cosine).isGreaterThan(0);
    }

    @Test
    void forwardModelOpsHaveAdjointGradients() {
        LinearOperator h = problem().h();
        GradCheck.check("linear_operator", xs -> OperatorAutograd.apply(h, xs[0]), Tensor.randn(new Rng(1), 6, 6, 6));
        GradCheck.check("linear_operator_adjoint", xs -> OperatorAutograd.adjoint(h, xs[0]), Tensor.randn(new Rng(2), 6, 6, 3));
    }
}
