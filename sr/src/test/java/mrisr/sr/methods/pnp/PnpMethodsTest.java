package mrisr.sr.methods.pnp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mrisr.engine.Tensor;
import mrisr.sr.InputException;
import mrisr.sr.methods.BundledModels;
import mrisr.sr.methods.Methods;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.baseline.Interpolation;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.SliceProfile;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PnpMethodsTest {
    private static final SrContext X4 = SrContext.of(1, 1, 4);
    /** 48³ ellipsoids (the modified Shepp–Logan head), 4× through-plane Gaussian profile, 1 % noise. */
    private static Volume hr, lr;
    private static double bsplinePsnr;

    @BeforeAll
    static void phantom() {
        hr = PnpTesting.ellipsoids(48, 70);
        lr = Degradation.builder().factors(1, 1, 4).profile(SliceProfile.Kind.GAUSSIAN).noise(0.01).seed(PnpTesting.SEED).build().apply(hr);
        bsplinePsnr = PnpTesting.psnr(hr.data().toArray(), Interpolation.bspline().run(lr, X4).data().toArray());
    }

    /** Measured with the TV prior: pnp-hqs +3.3 dB, pnp-admm +3.6 dB, red +2.6 dB over 31.2 dB. */
    @Test
    void everyMethodBeatsCubicBSplineByOverOneAndAHalfDecibels() {
        for (PnpMethod m : List.of(new PnpHqs(), new PnpAdmm(), new Red())) {
            Volume sr = m.run(lr, X4);
            assertThat(sr.shape()).containsExactly(48, 48, 48);
            assertThat(sr.affine()).isDeepEqualTo(Volume.resampledAffine(lr.affine(), X4.factors()));
            assertThat(PnpTesting.psnr(hr.data().toArray(), sr.data().toArray())).as(m.name()).isGreaterThan(bsplinePsnr + 1.5);
        }
    }

    /** Measured: +3.5 dB. */
    @Test
    void nonLocalMeansPriorAlsoBeatsCubicBSpline() {
        Volume sr = new PnpHqs().withDenoiser(new NlmDenoiser()).run(lr, X4);
        assertThat(PnpTesting.psnr(hr.data().toArray(), sr.data().toArray())).isGreaterThan(bsplinePsnr + 1.5);
    }

    @Test
    void sameBitsWithOneAndTwoThreads() {
        Volume small = Degradation.builder().factors(1, 1, 4).noise(0.01).seed(PnpTesting.SEED + 1).build()
                .apply(PnpTesting.ellipsoids(24, 71));
        for (PnpMethod m : List.of(new PnpAdmm(), new Red().withDenoiser(new NlmDenoiser()))) {
            PnpMethod quick = m.withMaxIterations(3);
            float[] one = PnpTesting.withThreads(1, () -> quick.run(small, X4).data().toArray());
            float[] two = PnpTesting.withThreads(2, () -> quick.run(small, X4).data().toArray());
            assertThat(two).as(m.name()).containsExactly(one);
        }
    }

    @Test
    void reportsOneProgressLinePerIteration() {
        List<String> lines = new ArrayList<>();
        new PnpHqs().withMaxIterations(4).run(lr, X4.withProgress(lines::add));
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).startsWith("pnp-hqs: TV prox").contains("4 iterations");
        assertThat(lines.get(1)).startsWith("pnp-hqs: estimated noise level");
        for (int k = 1; k <= 4; k++) {
            assertThat(lines.get(k + 1)).startsWith("pnp-hqs: iteration " + k + "/4: sigma ").contains("mu ", "CG ", "|Hx-y|/|y| ");
        }
    }

    @Test
    void framesOfASeriesAreSolvedAlikeAndTheResultScalesWithTheInput() {
        int[] s = lr.shape();
        float[] frame = lr.data().toArray(), series = new float[2 * frame.length];
        for (int v = 0; v < frame.length; v++) {
            series[2 * v] = frame[v];
            series[2 * v + 1] = 2 * frame[v];
        }
        Volume four = Volume.of(Tensor.fromArray(series, s[0], s[1], s[2], 2), lr.affine());
        PnpMethod m = new PnpAdmm().withMaxIterations(2);
        float[] out = m.run(four, X4).data().toArray();
        float[] single = m.run(lr, X4).data().toArray();
        for (int v = 0; v < single.length; v++) {
            assertThat(out[2 * v]).isEqualTo(single[v]);
            assertThat(out[2 * v + 1]).isEqualTo(2 * single[v]);
        }
    }

    @Test
    void registeredWithTheShippedDenoiserOrTvAndTheDocumentedDefaults() {
        assertThat(Methods.names()).containsSubsequence("pnp-hqs", "pnp-admm", "red");
        assertThat(Methods.get("pnp-hqs")).isInstanceOf(PnpHqs.class);
        assertThat(Methods.get("pnp-admm")).isInstanceOf(PnpAdmm.class);
        assertThat(Methods.get("red")).isInstanceOf(Red.class);
        boolean shipped = BundledModels.classpath().contains(BundledModels.Model.DNCNN);
        for (PnpMethod m : PnpMethods.all()) {
            assertThat(m.denoiser()).as(m.name()).isInstanceOf(TvDenoiser.class);
            assertThat(m.prior()).as(m.name()).isEqualTo(shipped ? "bundled dncnn" : "tv fallback");
            assertThat(Methods.get(m.name())).isSameAs(m);
            assertThat(Methods.get(m.name())).isInstanceOf(mrisr.sr.methods.modelbased.RegularizedMethod.class);
        }
        assertThat(new PnpHqs().prior()).isEqualTo("tv");
        assertThat(new PnpHqs().withDenoiser(new NlmDenoiser()).prior()).isEqualTo("nlm");
        assertThat(new PnpHqs().withDenoiser(new NlmDenoiser()).description()).contains("; prior: non-local means");
        assertThat(new PnpHqs().schedule()).isEqualTo(PnpHqs.DEFAULT_SCHEDULE);
        assertThat(new PnpAdmm().schedule()).isEqualTo(PnpAdmm.DEFAULT_SCHEDULE);
        assertThat(new Red().schedule()).isEqualTo(Red.DEFAULT_SCHEDULE);
        PnpMethod tuned = new PnpHqs().withLambda(0.7).withMaxIterations(3);
        assertThat(tuned.lambda()).isEqualTo(0.7);
        assertThat(tuned.maxIterations()).isEqualTo(3);
        assertThatThrownBy(() -> new Red().withLambda(0)).isInstanceOf(InputException.class).hasMessageContaining("red: lambda 0.0");
        assertThatThrownBy(() -> new Red().withMaxIterations(0)).isInstanceOf(InputException.class).hasMessageContaining("iterations 0");
    }

    @Test
    void denoiserOptionPicksThePrior() {
        BundledModels none = BundledModels.in(Path.of("no-such-folder"));
        assertThat(DenoiserOption.parse("tv", none)).isInstanceOf(TvDenoiser.class);
        assertThat(DenoiserOption.parse(" NLM ", none)).isInstanceOf(NlmDenoiser.class);
        PnpMethod nlm = DenoiserOption.apply(Methods.get("pnp-admm"), "nlm", none);
        assertThat(nlm.denoiser()).isInstanceOf(NlmDenoiser.class);
        assertThat(nlm.prior()).isEqualTo("nlm"); // an explicit choice: no bundled model is looked for
        assertThatThrownBy(() -> DenoiserOption.parse("bm3d", none)).isInstanceOf(DenoiserException.class)
                .hasMessageContaining("--denoiser bm3d").hasMessageContaining("tv, nlm, learned");
        assertThatThrownBy(() -> DenoiserOption.parse("", none)).isInstanceOf(DenoiserException.class);
        assertThatThrownBy(() -> DenoiserOption.parse("/no/such/model.safetensors", none)).isInstanceOf(DenoiserException.class)
                .hasMessageContaining("--denoiser: denoiser model /no/such/model.safetensors: no such file");
        assertThatThrownBy(() -> DenoiserOption.apply(Methods.get("tv"), "nlm", none)).isInstanceOf(DenoiserException.class)
                .hasMessageContaining("pnp-hqs, pnp-admm, red").hasMessageContaining("not to 'tv'");
        assertThatThrownBy(() -> DenoiserOption.parse("learned", none)).isInstanceOf(DenoiserException.class)
                .hasMessageContaining("--denoiser learned: no learned denoiser is shipped")
                .hasMessageContaining("no-such-folder have no dncnn.safetensors").hasMessageContaining("--denoiser FILE.safetensors");
    }

    @Test
    void scheduleDecreasesSigmaGeometricallyAndRaisesMuAsOneOverSigmaSquared() {
        Schedule s = new Schedule(5, 0.16, 2, 0.001, 0.5);
        double noise = 0.005; // σ_end = 0.01
        double[] expected = {0.16, 0.08, 0.04, 0.02, 0.01};
        for (int k = 1; k <= 5; k++) {
            assertThat(s.sigma(k, noise)).isCloseTo(expected[k - 1], within(1e-12));
            assertThat(s.mu(k, noise, 0.25)).isCloseTo(0.5 * 0.25 * Math.pow(0.01 / expected[k - 1], 2), within(1e-12));
        }
        assertThat(s.end(0)).isEqualTo(0.001);
        assertThat(new Schedule(1, 0.16, 2, 0.001, 0.5).sigma(1, noise)).isEqualTo(0.01);
        assertThat(new Schedule(3, 0.005, 2, 0.001, 0.5).sigma(1, noise)).isEqualTo(0.01); // start below the end: constant
        assertThatThrownBy(() -> new Schedule(0, 0.1, 1, 0.01, 1)).hasMessageContaining("iterations is 0");
        assertThatThrownBy(() -> new Schedule(3, 0.1, -1, 0.01, 1)).hasMessageContaining("per noise level is -1.0");
    }

    @Test
    void noiseLevelEstimateRecoversTheNoiseOnASmoothImage() {
        int[] s = {40, 36, 12};
        float[] noise = PnpTesting.randn(80, s);
        for (double sigma : new double[] {0.005, 0.02, 0.08}) {
            float[] y = new float[noise.length];
            for (int i = 0; i < s[0]; i++)
                for (int j = 0; j < s[1]; j++)
                    for (int k = 0; k < s[2]; k++) {
                        int c = (i * s[1] + j) * s[2] + k;
                        y[c] = (float) (0.5 + 0.3 * Math.sin(i / 7.0) * Math.cos(j / 5.0) + 0.2 * k / s[2] + sigma * noise[c]);
                    }
            assertThat(NoiseLevel.estimate(y, s, new double[] {1, 1, 4})).as("sigma %s", sigma).isCloseTo(sigma, within(0.06 * sigma + 2e-4));
        }
    }

    @Test
    void aForwardModelThatMissesTheInputGridIsAnInputError() {
        Volume odd = Volume.of(Tensor.zeros(4, 4, 3), Volume.diagonalAffine(1, 1, 1));
        SrContext ctx = SrContext.of(1, 1, 1.4); // 3 slices → round(4.2) = 4 → ⌊4/1.4⌋ = 2 slices, not 3
        assertThatThrownBy(() -> new PnpHqs().run(odd, ctx)).isInstanceOf(InputException.class)
                .hasMessageContaining("pnp-hqs: the forward model").hasMessageContaining("not to the input grid [4,4,3]");
        assertThatThrownBy(() -> new PnpHqs().run(odd, SrContext.of(1, 1, 0.5))).isInstanceOf(InputException.class)
                .hasMessageContaining("factors >= 1");
    }

    @Test
    void anEmptyFrameGivesTheInterpolation() {
        Volume zero = Volume.of(Tensor.zeros(6, 5, 3), Volume.diagonalAffine(1, 1, 4));
        assertThat(new Red().run(zero, X4).data().toArray()).containsOnly(0f);
    }
}
