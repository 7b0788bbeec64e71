package mrisr.sr.methods.deq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.kernels.Parallel;
import mrisr.nn.deq.Anderson;
import mrisr.nn.deq.DeepEquilibrium;
import mrisr.nn.deq.FixedPointSolver;
import mrisr.nn.deq.Picard;
import mrisr.sr.data.Phantoms;
import mrisr.sr.methods.FactorException;
import mrisr.sr.methods.Methods;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.baseline.Interpolation;
import mrisr.sr.metrics.Psnr;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.LinearOperator;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DeqMethodTest {
    private static final int[] SHAPE = {48, 48, 48};
    private static final SrContext X4 = SrContext.of(1, 1, 4);
    private static Volume hr, lr, lrNoisy;

    @BeforeAll
    static void phantom() {
        hr = Phantoms.brain(SHAPE, new double[] {1, 1, 1}, 1).image();
        lr = Degradation.builder().factors(1, 1, 4).build().apply(hr);
        lrNoisy = Degradation.builder().factors(1, 1, 4).noise(0.01).rician(true).seed(3).build().apply(hr);
    }

    private static double psnr(Volume v) {
        return Psnr.compute(hr.data().toArray(), v.data().toArray(), SHAPE, null, 1.0);
    }

    /** The default acquisition model for the context's factors, from the output grid to {@code lr}'s grid. */
    static LinearOperator forwardModel(Volume lr, SrContext ctx) {
        double[] f = ctx.factors(), sp = lr.spacing();
        return ctx.forwardModel().operator(ctx.outputShape(lr.shape()), new double[] {sp[0] / f[0], sp[1] / f[1], sp[2] / f[2]});
    }

    private static double dataResidual(Volume sr, Volume measured) {
        LinearOperator h = forwardModel(measured, X4);
        float[] p = h.apply(sr.data()).toArray(), y = measured.data().toArray();
        double num = 0, den = 0;
        for (int i = 0; i < y.length; i++) {
            num += (p[i] - (double) y[i]) * (p[i] - (double) y[i]);
            den += (double) y[i] * y[i];
        }
        return Math.sqrt(num / den);
    }

    /** Acceptance: relative residual below 1e-3 within 50 iterations on a 48³ phantom, 4× through-plane. */
    @Test
    void convergesOnThePhantomWithinFiftyIterations() {
        List<String> log = new ArrayList<>();
        Volume sr = new DeqMethod().run(lr, X4.withProgress(log::add));
        assertThat(sr.shape()).containsExactly(48, 48, 48);
        assertThat(sr.affine()).isDeepEqualTo(Volume.resampledAffine(lr.affine(), X4.factors()));
        assertThat(log).hasSize(2);
        assertThat(log.get(0)).isEqualTo("deq: prior R smoothing, strength 0.25");
        assertThat(log.get(1)).startsWith("deq: anderson(m=5, beta=1, lambda=1e-08): converged in ").contains("relative residual");
        // the same solve, residual history inspected: tolerance 1e-4 reached, so < 1e-3 a fortiori
        LinearOperator h = forwardModel(lr, X4);
        DeepEquilibrium layer = DeepEquilibrium.of(new Anderson(5, 1, 1e-8, 1e-3, 50)).withWarnings(log::add);
        var r = DeqMethod.reconstruct(layer, DeqPrior.smoothing(X4.factors(), DeqMethod.DEFAULT_STRENGTH), h,
                DeqMethod.stepSize(h), lr.data(), Interpolation.linear().run(lr, X4).data());
        var fwd = r.equilibrium().forward();
        assertThat(fwd.converged()).isTrue();
        assertThat(fwd.iterations()).isLessThanOrEqualTo(50);
        assertThat(fwd.residual()).isLessThan(1e-3);
        System.out.println("deq 48^3 phantom x4: " + log.get(1) + " | to 1e-3: " + fwd.summary());
    }

    @Test
    void andersonBeatsPlainIterationOnThePhantom() {
        List<String> log = new ArrayList<>();
        FixedPointSolver picard = new Picard(1, 1e-4, 200);
        new DeqMethod().withSolver(picard).run(lr, X4.withProgress(log::add));
        new DeqMethod().run(lr, X4.withProgress(log::add));
        int plain = iterations(log.get(1)), anderson = iterations(log.get(3));
        assertThat(anderson).isLessThan(plain / 2);
    }

    private static int iterations(String line) {
        var m = java.util.regex.Pattern.compile(" in (\\d+) iterations").matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return Integer.parseInt(m.group(1));
    }

    /** Method doctrine: beats the best interpolation baseline on the noisy phantom, and explains the data better. */
    @Test
    void beatsBSplineInterpolationInPsnrAndDataConsistency() {
        Volume deq = new DeqMethod().run(lrNoisy, X4);
        Volume bspline = Interpolation.bspline().run(lrNoisy, X4);
        double gain = psnr(deq) - psnr(bspline);
        System.out.printf("deq vs bspline on the noisy 48^3 phantom: PSNR %.2f vs %.2f dB; data residual %.4f vs %.4f%n",
                psnr(deq), psnr(bspline), dataResidual(deq, lrNoisy), dataResidual(bspline, lrNoisy));
        assertThat(gain).isGreaterThan(0.3); // measured +0.56 dB
        assertThat(dataResidual(deq, lrNoisy)).isLessThan(0.5 * dataResidual(bspline, lrNoisy));
    }

    /** The default map is a contraction, so its fixed point does not depend on the start. */
    @Test
    void defaultFixedPointIsUniqueAndTheMapContracts() {
        int[] s = {12, 12, 12};
        Volume small = Phantoms.brain(s, new double[] {1, 1, 1}, 2).image();
        Volume y = Degradation.builder().factors(1, 1, 4).build().apply(small);
        LinearOperator h = forwardModel(y, X4);
        double gamma = DeqMethod.stepSize(h);
        DeqPrior prior = DeqPrior.smoothing(X4.factors(), DeqMethod.DEFAULT_STRENGTH);
        DeepEquilibrium layer = DeepEquilibrium.of(new Anderson(5, 1, 1e-10, 1e-6, 200));
        Tensor fromInterp = DeqMethod.reconstruct(layer, prior, h, gamma, y.data(), Interpolation.linear().run(y, X4).data()).x();
        Tensor fromNoise = DeqMethod.reconstruct(layer, prior, h, gamma, y.data(), Tensor.randn(new Rng(1), s)).x();
        float[] a = fromInterp.toArray(), b = fromNoise.toArray();
        double diff = 0, norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - (double) b[i]) * (a[i] - (double) b[i]);
            norm += (double) a[i] * a[i];
        }
        assertThat(Math.sqrt(diff / norm)).isLessThan(1e-4);

        // ‖f(u) − f(v)‖ < ‖u − v‖ for random pairs (f affine: y's contribution cancels)
        Rng rng = new Rng(9);
        for (int t = 0; t < 5; t++) {
            Tensor u = Tensor.randn(rng, s), v = Tensor.randn(rng, s);
            Tensor fu = map(h, gamma, prior, y.data(), u), fv = map(h, gamma, prior, y.data(), v);
            assertThat(norm(fu.sub(fv))).isLessThan(norm(u.sub(v)));
        }
    }

    private static Tensor map(LinearOperator h, double gamma, DeqPrior prior, Tensor y, Tensor x) {
        Tensor u = x.add(h.adjoint(y.sub(h.apply(x))).mul(gamma));
        int[] s = x.shape();
        return prior.forward(u.reshape(1, 1, s[0], s[1], s[2])).reshape(s);
    }

    private static double norm(Tensor t) {
        double s = 0;
        for (float v : t.toArray()) s += (double) v * v;
        return Math.sqrt(s);
    }

    @Test
    void bitIdenticalWithOneAndTwoThreads() {
        Volume small = Degradation.builder().factors(1, 1, 4).noise(0.01).rician(true).seed(4).build()
                .apply(Phantoms.brain(new int[] {24, 20, 24}, new double[] {1, 1, 1}, 5).image());
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] one = new DeqMethod().run(small, X4).data().toArray();
            Parallel.setThreads(2);
            float[] two = new DeqMethod().run(small, X4).data().toArray();
            assertThat(two).containsExactly(one);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void seriesAreSolvedFrameByFrame() {
        Volume a = Volume.of(Tensor.rand(new Rng(1), 6, 5, 4), Volume.diagonalAffine(1, 1, 2));
        Volume b = Volume.of(Tensor.rand(new Rng(2), 6, 5, 4), Volume.diagonalAffine(1, 1, 2));
        float[] av = a.data().toArray(), bv = b.data().toArray(), series = new float[2 * av.length];
        for (int i = 0; i < av.length; i++) {
            series[2 * i] = av[i];
            series[2 * i + 1] = bv[i];
        }
        Volume s = Volume.of(Tensor.fromArray(series, 6, 5, 4, 2), a.affine());
        SrContext ctx = SrContext.of(1, 1, 2);
        List<String> log = new ArrayList<>();
        DeqMethod m = new DeqMethod();
        float[] out = m.run(s, ctx.withProgress(log::add)).data().toArray();
        float[] oa = m.run(a, ctx).data().toArray(), ob = m.run(b, ctx).data().toArray();
        for (int i = 0; i < oa.length; i++) {
            assertThat(out[2 * i]).isEqualTo(oa[i]);
            assertThat(out[2 * i + 1]).isEqualTo(ob[i]);
        }
        assertThat(log.get(1)).startsWith("deq frame 1/2: anderson");
        assertThat(log.get(2)).startsWith("deq frame 2/2: anderson");
    }

    @Test
    void registeredUnderItsCliName() {
        assertThat(Methods.get("deq")).isInstanceOf(DeqMethod.class);
        assertThat(Methods.get("deq").description()).contains("Eq. 5");
    }

    @Test
    void factorsBelowOneAreTypedErrors() {
        Volume v = Volume.of(Tensor.rand(new Rng(1), 6, 6, 3), Volume.diagonalAffine(1, 1, 1));
        assertThatThrownBy(() -> new DeqMethod().run(v, SrContext.of(0.5, 1, 2))).isInstanceOf(FactorException.class)
                .hasMessageContaining("factor along axis 0 is 0.5");
    }

    /** 3 slices × 1.7 = 5.1 → 5 output slices, which the forward model would sample back to only 2: solved on 6, cropped. */
    @Test
    void nonIntegerFactorsAreSolvedOnAWiderGridAndCropped() {
        Volume hr6 = Volume.of(Tensor.rand(new Rng(3), 6, 6, 6), Volume.diagonalAffine(1, 1, 1));
        Volume v = Degradation.builder().factors(1, 1, 1.7).build().apply(hr6);
        assertThat(v.shape()).containsExactly(6, 6, 3);
        SrContext ctx = SrContext.of(1, 1, 1.7);
        List<String> log = new ArrayList<>();
        Volume sr = new DeqMethod().run(v, ctx.withProgress(log::add));
        assertThat(sr.shape()).containsExactly(6, 6, 5);
        assertThat(sr.affine()).isDeepEqualTo(Volume.resampledAffine(v.affine(), ctx.factors()));
        assertThat(log).hasSize(2);
        assertThat(log.get(1)).contains("converged");
    }

    @Test
    void theContextsAcquisitionModelIsTheOneInverted() {
        Degradation rect = Degradation.builder().factors(1, 1, 4).profile(mrisr.sr.physics.SliceProfile.Kind.RECT).build();
        Volume y = rect.apply(hr);
        SrContext ctx = X4.withDegradation(rect);
        Volume matched = new DeqMethod().run(y, ctx), mismatched = new DeqMethod().run(y, X4);
        LinearOperator h = forwardModel(y, ctx);
        float[] pm = h.apply(matched.data()).toArray(), pd = h.apply(mismatched.data()).toArray(), yv = y.data().toArray();
        double em = 0, ed = 0;
        for (int i = 0; i < yv.length; i++) {
            em += (pm[i] - (double) yv[i]) * (pm[i] - (double) yv[i]);
            ed += (pd[i] - (double) yv[i]) * (pd[i] - (double) yv[i]);
        }
        assertThat(em).isLessThan(0.1 * ed);
    }

    @Test
    void nonFiniteInputIsATypedError() {
        float[] v = new float[6 * 6 * 3];
        v[7] = Float.NaN;
        Volume bad = Volume.of(Tensor.fromArray(v, 6, 6, 3), Volume.diagonalAffine(1, 1, 2));
        assertThatThrownBy(() -> new DeqMethod().run(bad, SrContext.of(1, 1, 2))).isInstanceOf(mrisr.sr.InputException.class)
                .hasMessageContaining("non-finite value (NaN)");
    }

    @Test
    void aSolverThatStopsEarlyReportsAWarningAndTheBestIterate() {
        List<String> log = new ArrayList<>();
        Volume sr = new DeqMethod().withSolver(new Anderson(5, 1, 1e-8, 1e-9, 3)).run(lr, X4.withProgress(log::add));
        assertThat(sr.shape()).containsExactly(48, 48, 48);
        assertThat(log).hasSize(3);
        assertThat(log.get(1)).startsWith("deq forward: warning: anderson(m=5, beta=1, lambda=1e-08): not converged after 3 iterations");
        assertThat(log.get(2)).startsWith("deq: anderson(m=5, beta=1, lambda=1e-08): not converged in 3 iterations");
    }

    @Test
    void anAllZeroVolumeStaysZero() {
        Volume z = Volume.of(Tensor.zeros(6, 6, 3), Volume.diagonalAffine(1, 1, 2));
        float[] out = new DeqMethod().run(z, SrContext.of(1, 1, 2)).data().toArray();
        for (float v : out) assertThat(v).isZero();
    }
}
