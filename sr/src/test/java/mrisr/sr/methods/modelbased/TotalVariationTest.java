package mrisr.sr.methods.modelbased;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.kernels.Parallel;
import mrisr.sr.InputException;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.baseline.Interpolation;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.LinearOperator;
import mrisr.sr.physics.SliceProfile;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;

class TotalVariationTest {

    @Test
    void beatsCubicBSplineOnThePhantomByAtLeast0_3dB() {
        Volume hr = TestVolumes.ellipsoids(48, TestVolumes.SEED);
        Volume lr = TestVolumes.degrade(hr, SliceProfile.Kind.GAUSSIAN, TestVolumes.SEED + 1);
        SrContext ctx = SrContext.of(1, 1, 4);
        double bspline = TestVolumes.psnr(hr, Interpolation.bspline().run(lr, ctx));
        double tv = TestVolumes.psnr(hr, new TotalVariation().run(lr, ctx));
        System.out.printf("phantom 48^3, 4x through-plane, Gaussian profile, 1%% noise: bspline %.2f dB, tv %.2f dB%n", bspline, tv);
        assertThat(tv).isGreaterThanOrEqualTo(bspline + 0.3);
    }

    /** A small problem: a 20×20×24 phantom seen 4× through-plane with a rect profile. */
    private record Problem(LinearOperator h, Tensor y, Tensor x0) {}

    private static Problem problem(int n, int nz) {
        Volume hr = TestVolumes.ellipsoids(new int[] {n, n, nz}, TestVolumes.SEED + 6);
        Degradation d = TestVolumes.acquisition(SliceProfile.Kind.RECT, 0.01, TestVolumes.SEED + 7);
        Volume lr = d.apply(hr);
        Volume x0 = Interpolation.bspline().run(lr, SrContext.of(1, 1, 4));
        return new Problem(d.operator(hr.shape(), new double[] {1, 1, 1}), lr.data(), x0.data());
    }

    @Test
    void primalDualGapDecreasesAndStaysNonNegative() {
        Problem p = problem(20, 24);
        List<TotalVariation.Checkpoint> checkpoints = new ArrayList<>();
        TotalVariation tv = new TotalVariation().withTolerances(0, 0).withMaxIterations(200);
        tv.solve(p.h(), p.y(), p.x0(), new double[] {1, 1, 1}, line -> {}, checkpoints::add);
        assertThat(checkpoints).hasSize(20);
        for (TotalVariation.Checkpoint c : checkpoints) assertThat(c.gap()).as("gap at %d", c.iteration()).isGreaterThanOrEqualTo(-1e-9 * c.primal());
        double[] gaps = checkpoints.stream().mapToDouble(TotalVariation.Checkpoint::gap).toArray();
        System.out.println("tv relative gaps every 10 iterations: " + checkpoints.stream().map(c -> String.format("%.3g", c.relativeGap())).toList());
        assertThat(gaps[4]).isLessThan(gaps[0]);
        assertThat(gaps[9]).isLessThan(gaps[4]);
        assertThat(gaps[19]).isLessThan(gaps[9]).isLessThan(gaps[0] / 20);
    }

    /** {@code ½‖Hx − y‖² + μ Σ_v |∇x|} in double, from the definitions. */
    private static double objective(double[][] h, float[] y, double[] x, int[] s, double mu) {
        double[] hx = Dense.times(h, x);
        double data = 0;
        for (int r = 0; r < y.length; r++) data += 0.5 * (hx[r] - y[r]) * (hx[r] - y[r]);
        double tv = 0;
        for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < s[1]; j++) {
                for (int k = 0; k < s[2]; k++) {
                    int v = (i * s[1] + j) * s[2] + k;
                    double g0 = i + 1 < s[0] ? x[((i + 1) * s[1] + j) * s[2] + k] - x[v] : 0;
                    double g1 = j + 1 < s[1] ? x[(i * s[1] + j + 1) * s[2] + k] - x[v] : 0;
                    double g2 = k + 1 < s[2] ? x[v + 1] - x[v] : 0;
                    tv += Math.sqrt(g0 * g0 + g1 * g1 + g2 * g2);
                }
            }
        }
        return data + mu * tv;
    }

    @Test
    void solutionMinimisesTheObjectiveOnATinyProblem() {
        int[] s = {5, 4, 8};
        LinearOperator h = Degradation.builder().factors(1, 1, 4).build().operator(s, new double[] {1, 1, 1});
        float[] y = Tensor.rand(new Rng(TestVolumes.SEED + 8), h.outputShape()).toArray();
        double lambda = 0.05;
        double[][] hd = Dense.matrix(h);
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (float v : y) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double mu = lambda * TikhonovTest.dcGain(hd) * (hi - lo);
        List<TotalVariation.Checkpoint> checkpoints = new ArrayList<>();
        Solution sol = new TotalVariation().withLambda(lambda).withTolerances(0, 1e-7).withMaxIterations(20000)
                .solve(h, Tensor.fromArray(y, h.outputShape()), Tensor.zeros(s), new double[] {1, 1, 1}, line -> {}, checkpoints::add);
        assertThat(sol.converged()).isTrue();
        float[] xf = sol.x().toArray();
        double[] x = new double[xf.length];
        for (int i = 0; i < x.length; i++) x[i] = xf[i];
        double best = objective(hd, y, x, s, mu);
        assertThat(checkpoints.getLast().primal()).isCloseTo(best, within(1e-5 * best));
        Rng rng = new Rng(TestVolumes.SEED + 9);
        for (int trial = 0; trial < 40; trial++) {
            float[] d = Tensor.randn(rng, xf.length).toArray();
            double eps = 1e-3 * (hi - lo);
            double[] moved = x.clone();
            for (int i = 0; i < x.length; i++) moved[i] += eps * d[i];
            assertThat(objective(hd, y, moved, s, mu)).as("trial %d", trial).isGreaterThan(best - 1e-6 * best);
        }
    }

    @Test
    void resultsAreBitIdenticalForOneAndTwoThreads() {
        Volume hr = TestVolumes.ellipsoids(24, TestVolumes.SEED + 10);
        Volume lr = TestVolumes.degrade(hr, SliceProfile.Kind.GAUSSIAN, TestVolumes.SEED + 11);
        TotalVariation tv = new TotalVariation().withMaxIterations(40);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] one = tv.run(lr, SrContext.of(1, 1, 4)).data().toArray();
            Parallel.setThreads(2);
            float[] two = tv.run(lr, SrContext.of(1, 1, 4)).data().toArray();
            assertThat(two).containsExactly(one);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void reportsProgressIterationsAndResidual() {
        Problem p = problem(12, 16);
        List<String> lines = new ArrayList<>();
        Solution s = new TotalVariation().withTolerances(0, 0).withMaxIterations(25).solve(p.h(), p.y(), p.x0(), new double[] {1, 1, 1}, lines::add);
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("tv: iteration 10/25, relative change ").contains("relative gap ");
        assertThat(lines.get(2)).startsWith("tv: iteration 25/25");
        assertThat(lines.get(3)).startsWith("tv: stopped after 25 iterations (iteration cap 25 reached").contains("|Hx - y|/|y| = ");
        assertThat(s.iterations()).isEqualTo(25);
        assertThat(s.converged()).isFalse();
        assertThat(s.dataResidual()).isBetween(0.0, 0.1);
        List<String> stopped = new ArrayList<>();
        Solution early = new TotalVariation().withTolerances(0, 0.5).solve(p.h(), p.y(), p.x0(), new double[] {1, 1, 1}, stopped::add);
        assertThat(early.converged()).isTrue();
        assertThat(early.stopReason()).startsWith("relative gap ");
        assertThat(stopped.getLast()).startsWith("tv: converged after " + early.iterations() + " iterations (relative gap");
    }

    @Test
    void stepRatioFollowsTheRegularisationWeight() {
        assertThat(TotalVariation.stepRatio(0.0025)).isCloseTo(20, within(1e-9));
        assertThat(TotalVariation.stepRatio(0)).isEqualTo(TotalVariation.MAX_STEP_RATIO);
        assertThat(TotalVariation.stepRatio(100)).isEqualTo(TotalVariation.MIN_STEP_RATIO);
    }

    @Test
    void defaultsAndValidation() {
        TotalVariation tv = new TotalVariation();
        assertThat(tv.lambda()).isEqualTo(TotalVariation.DEFAULT_LAMBDA);
        assertThat(tv.maxIterations()).isEqualTo(TotalVariation.DEFAULT_MAX_ITERATIONS);
        assertThat(tv.tolerance()).isEqualTo(TotalVariation.DEFAULT_TOLERANCE);
        assertThat(tv.gapTolerance()).isEqualTo(TotalVariation.DEFAULT_GAP_TOLERANCE);
        assertThatThrownBy(() -> tv.withLambda(-0.1)).isInstanceOf(InputException.class).hasMessage("tv: lambda is -0.1, must be a finite number >= 0");
        assertThatThrownBy(() -> tv.withLambda(Double.NaN)).isInstanceOf(InputException.class);
        assertThatThrownBy(() -> tv.withMaxIterations(-3)).isInstanceOf(InputException.class).hasMessageContaining("-3");
        assertThatThrownBy(() -> tv.withTolerances(-1, 0)).isInstanceOf(InputException.class);
        assertThatThrownBy(() -> tv.withTolerances(0, 1)).isInstanceOf(InputException.class);
    }
}
