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

class TikhonovTest {

    /** ‖H𝟙‖²/N in double, from the dense matrix. */
    static double dcGain(double[][] h) {
        double s = 0;
        for (double[] row : h) {
            double r = 0;
            for (double v : row) r += v;
            s += r * r;
        }
        return s / h[0].length;
    }

    @Test
    void conjugateGradientsMatchADirectSolveOfTheNormalEquations() {
        int[][] shapes = {{3, 4, 8}, {5, 3, 6}};
        double[][] spacings = {{1, 1, 1}, {1, 0.5, 1}};
        SliceProfile.Kind[] profiles = {SliceProfile.Kind.GAUSSIAN, SliceProfile.Kind.RECT};
        double[][] factors = {{1, 1, 4}, {1, 1, 2}};
        for (int c = 0; c < shapes.length; c++) {
            int[] s = shapes[c];
            LinearOperator h = Degradation.builder().factors(factors[c]).profile(profiles[c]).build().operator(s, spacings[c]);
            FiniteDifferences grad = new FiniteDifferences(s, spacings[c]);
            double lambda = 0.3;
            double[][] hd = Dense.matrix(h);
            double weight = lambda * dcGain(hd);
            double[][] a = Dense.gram(hd), l = Dense.gram(Dense.matrix(grad));
            for (int i = 0; i < a.length; i++) for (int j = 0; j < a.length; j++) a[i][j] += weight * l[i][j];
            float[] y = Tensor.randn(new Rng(TestVolumes.SEED + c), h.outputShape()).toArray();
            double[] expected = Dense.solve(a, Dense.transposeTimes(hd, y));

            Tikhonov t = new Tikhonov().withLambda(lambda).withTolerance(1e-7).withMaxIterations(1000);
            Solution sol = t.solve(h, Tensor.fromArray(y, h.outputShape()), Tensor.zeros(s), spacings[c], line -> {});
            float[] x = sol.x().toArray();
            double err = 0, ref = 0;
            for (int i = 0; i < x.length; i++) {
                err += (x[i] - expected[i]) * (x[i] - expected[i]);
                ref += expected[i] * expected[i];
            }
            assertThat(Math.sqrt(err / ref)).as("case %d", c).isLessThan(1e-4);
            assertThat(sol.converged()).isTrue();
            double[] hx = Dense.times(hd, toDouble(x));
            double res = 0, yn = 0;
            for (int r = 0; r < y.length; r++) {
                res += (hx[r] - y[r]) * (hx[r] - y[r]);
                yn += (double) y[r] * y[r];
            }
            assertThat(sol.dataResidual()).isCloseTo(Math.sqrt(res / yn), within(1e-5));
        }
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }

    @Test
    void beatsCubicBSplineOnThePhantom() {
        Volume hr = TestVolumes.ellipsoids(48, TestVolumes.SEED);
        Volume lr = TestVolumes.degrade(hr, SliceProfile.Kind.GAUSSIAN, TestVolumes.SEED + 1);
        SrContext ctx = SrContext.of(1, 1, 4);
        double bspline = TestVolumes.psnr(hr, Interpolation.bspline().run(lr, ctx));
        double tikhonov = TestVolumes.psnr(hr, new Tikhonov().run(lr, ctx));
        System.out.printf("phantom 48^3, 4x through-plane, Gaussian profile, 1%% noise: bspline %.2f dB, tikhonov %.2f dB%n", bspline, tikhonov);
        assertThat(tikhonov).isGreaterThan(bspline + 0.5);
    }

    @Test
    void resultsAreBitIdenticalForOneAndTwoThreads() {
        Volume hr = TestVolumes.ellipsoids(24, TestVolumes.SEED + 2);
        Volume lr = TestVolumes.degrade(hr, SliceProfile.Kind.RECT, TestVolumes.SEED + 3);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] one = new Tikhonov().run(lr, SrContext.of(1, 1, 4)).data().toArray();
            Parallel.setThreads(2);
            float[] two = new Tikhonov().run(lr, SrContext.of(1, 1, 4)).data().toArray();
            assertThat(two).containsExactly(one);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void reportsProgressIterationsAndResidual() {
        Volume hr = TestVolumes.ellipsoids(24, TestVolumes.SEED + 4);
        Volume lr = TestVolumes.degrade(hr, SliceProfile.Kind.GAUSSIAN, TestVolumes.SEED + 5);
        List<String> lines = new ArrayList<>();
        new Tikhonov().withTolerance(0).withMaxIterations(20).run(lr, SrContext.of(1, 1, 4).withProgress(lines::add));
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("tikhonov: CG iteration 10/20, relative residual ");
        assertThat(lines.get(1)).startsWith("tikhonov: CG iteration 20/20, relative residual ");
        assertThat(lines.get(2)).startsWith("tikhonov: stopped after 20 CG iterations (iteration cap 20 reached").contains("|Hx - y|/|y| = ");
    }

    @Test
    void defaultsAndValidation() {
        Tikhonov t = new Tikhonov();
        assertThat(t.lambda()).isEqualTo(Tikhonov.DEFAULT_LAMBDA);
        assertThat(t.maxIterations()).isEqualTo(Tikhonov.DEFAULT_MAX_ITERATIONS);
        assertThat(t.tolerance()).isEqualTo(Tikhonov.DEFAULT_TOLERANCE);
        assertThat(t.withLambda(0.5).withMaxIterations(7)).satisfies(u -> {
            assertThat(u.lambda()).isEqualTo(0.5);
            assertThat(u.maxIterations()).isEqualTo(7);
        });
        assertThatThrownBy(() -> t.withLambda(-1)).isInstanceOf(InputException.class).hasMessage("tikhonov: lambda is -1.0, must be a finite number >= 0");
        assertThatThrownBy(() -> t.withLambda(Double.NaN)).isInstanceOf(InputException.class);
        assertThatThrownBy(() -> t.withLambda(Double.POSITIVE_INFINITY)).isInstanceOf(InputException.class);
        assertThatThrownBy(() -> t.withMaxIterations(0)).isInstanceOf(InputException.class).hasMessageContaining("must be >= 1");
        assertThatThrownBy(() -> t.withTolerance(1)).isInstanceOf(InputException.class);
    }

    @Test
    void zeroDataGivesZero() {
        LinearOperator h = Degradation.builder().factors(1, 1, 2).build().operator(new int[] {4, 4, 8}, new double[] {1, 1, 1});
        Solution s = new Tikhonov().solve(h, Tensor.zeros(4, 4, 4), Tensor.ones(4, 4, 8), new double[] {1, 1, 1}, line -> {});
        assertThat(s.x().toArray()).containsOnly(0f);
        assertThat(s.iterations()).isZero();
    }
}
