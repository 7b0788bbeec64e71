package mrisr.sr.methods.unfolding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.kernels.Parallel;
import mrisr.sr.InputException;
import mrisr.sr.methods.Methods;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.baseline.Interpolation;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.SliceProfile;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;

class UnfoldedTest {

    /** The default (fixed TV prior, hand-set schedule) beats cubic B-spline on a 48³ phantom, 4× through-plane, 1 % noise. */
    @Test
    void defaultBeatsCubicBSplineByAtLeast1dB() {
        Volume hr = Testing.ellipsoids(new int[] {48, 48, 48}, Testing.SEED);
        Volume lr = Degradation.builder().factors(1, 1, 4).profile(SliceProfile.Kind.GAUSSIAN).noise(0.01).seed(Testing.SEED + 1).build()
                .apply(hr);
        SrContext ctx = SrContext.of(1, 1, 4);
        List<String> lines = new ArrayList<>();
        float[] truth = hr.data().toArray();
        double bspline = Testing.psnr(truth, Interpolation.bspline().run(lr, ctx).data().toArray());
        double unfolded = Testing.psnr(truth, new Unfolded().run(lr, ctx.withProgress(lines::add)).data().toArray());
        System.out.printf("phantom 48^3, 4x through-plane, Gaussian profile, 1%% noise: bspline %.2f dB, unfolded %.2f dB%n", bspline, unfolded);
        assertThat(unfolded).isGreaterThanOrEqualTo(bspline + 1);
        assertThat(lines.get(0)).contains("8 stages, fixed TV prior", "Fourier closed form on the mirror extension");
        assertThat(lines).hasSize(1 + Unfolded.DEFAULT_STAGES);
    }

    @Test
    void isRegisteredAndHonoursTheGridContractWithSeriesAndUnevenGrids() {
        assertThat(Methods.get("unfolded")).isInstanceOf(Unfolded.class);
        Volume lr = Volume.of(Testing.randn(50, 5, 4, 5, 2), Volume.diagonalAffine(1, 1, 2));
        SrContext ctx = SrContext.of(2, 1, 2.5);
        Volume sr = new Unfolded().withMaxIterations(2).run(lr, ctx);
        assertThat(sr.shape()).containsExactly(ctx.outputShape(lr.shape()));
        assertThat(sr.affine()).isDeepEqualTo(Volume.resampledAffine(lr.affine(), ctx.factors()));
        for (float v : sr.data().toArray()) assertThat(v).isFinite();
    }

    /** Frames of a series are reconstructed independently: frame t of the series equals the volume of frame t alone. */
    @Test
    void seriesFramesMatchSingleVolumes() {
        Volume series = Volume.of(Testing.randn(51, 6, 6, 4, 2), Volume.diagonalAffine(1, 1, 4));
        SrContext ctx = SrContext.of(1, 1, 4);
        Unfolded m = new Unfolded().withMaxIterations(3);
        float[] all = m.run(series, ctx).data().toArray();
        float[] data = series.data().toArray();
        for (int t = 0; t < 2; t++) {
            float[] frame = new float[6 * 6 * 4];
            for (int v = 0; v < frame.length; v++) frame[v] = data[v * 2 + t];
            float[] alone = m.run(Volume.of(Tensor.fromArray(frame, 6, 6, 4), series.affine()), ctx).data().toArray();
            for (int v = 0; v < alone.length; v++) assertThat(all[v * 2 + t]).isEqualTo(alone[v]);
        }
    }

    @Test
    void sameOutputBitsWithOneAndTwoThreads() {
        Volume hr = Testing.ellipsoids(new int[] {16, 16, 24}, Testing.SEED + 2);
        Volume lr = Degradation.builder().factors(1, 1, 4).noise(0.01).seed(3).build().apply(hr);
        SrContext ctx = SrContext.of(1, 1, 4);
        UnfoldedTraining model = UnfoldedTraining.create(new UnfoldedTraining.Hyper(2, 4), new Rng(Testing.SEED));
        TrainingTesting.randomiseLastLayers(model, Testing.SEED + 3);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] fixed1 = new Unfolded().run(lr, ctx).data().toArray();
            float[] learned1 = new Unfolded().withModel(model).run(lr, ctx).data().toArray();
            Parallel.setThreads(2);
            float[] fixed2 = new Unfolded().run(lr, ctx).data().toArray();
            float[] learned2 = new Unfolded().withModel(model).run(lr, ctx).data().toArray();
            assertThat(fixed2).containsExactly(fixed1);
            assertThat(learned2).containsExactly(learned1);
        } finally {
            Parallel.setThreads(before);
        }
    }

    /** Where the closed form does not apply (here a non-integer factor) the method runs with CG and says so. */
    @Test
    void fallsBackToConjugateGradientsAndSaysWhy() {
        Volume lr = Volume.of(Testing.randn(52, 6, 6, 8), Volume.diagonalAffine(1, 1, 2.5));
        List<String> lines = new ArrayList<>();
        Volume sr = new Unfolded().withMaxIterations(2).run(lr, SrContext.of(1, 1, 2.5).withProgress(lines::add));
        assertThat(sr.shape()).containsExactly(6, 6, 20);
        assertThat(lines.get(0)).contains("conjugate gradients", "not an integer factor");
    }

    @Test
    void optionsAreValidatedAndAModelFixesThem() {
        assertThat(new Unfolded().withLambda(0.02).lambda()).isEqualTo(0.02);
        assertThat(new Unfolded().withMaxIterations(3).maxIterations()).isEqualTo(3);
        assertThatThrownBy(() -> new Unfolded().withLambda(-1)).isInstanceOf(InputException.class).hasMessageContaining("lambda is -1.0");
        assertThatThrownBy(() -> new Unfolded().withMaxIterations(0)).isInstanceOf(InputException.class).hasMessageContaining("1..64");
        Unfolded learned = new Unfolded().withModel(UnfoldedTraining.create(new UnfoldedTraining.Hyper(3, 2), new Rng(1)));
        assertThat(learned.maxIterations()).isEqualTo(3);
        assertThatThrownBy(() -> learned.withLambda(0.1)).isInstanceOf(InputException.class).hasMessageContaining("learned");
        assertThatThrownBy(() -> learned.withMaxIterations(4)).isInstanceOf(InputException.class).hasMessageContaining("3 stages");
    }
}
