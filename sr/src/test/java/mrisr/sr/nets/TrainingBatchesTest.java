package mrisr.sr.nets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import mrisr.engine.Grad;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.Module;
import mrisr.nn.train.Batch;
import mrisr.sr.data.CleanPatchSampler;
import mrisr.sr.data.PatchSampler;
import mrisr.sr.data.Phantoms;
import mrisr.sr.data.TrainingDegradation;
import mrisr.sr.methods.unfolding.UnfoldedNetwork;
import mrisr.sr.physics.SliceProfile;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;

/** The batches and validations of the denoiser and of the physics-based ("direct") networks. */
class TrainingBatchesTest {
    private static final TrainingDegradation Z4 = new TrainingDegradation(new int[] {1, 1, 4}, SliceProfile.Kind.GAUSSIAN, 0.01, false);

    private static Volume phantom(long seed) {
        return Phantoms.brain(new int[] {28, 30, 32}, new double[] {1, 1, 1}, seed).image();
    }

    /** A module from a function, in eval mode. */
    private static Module module(java.util.function.UnaryOperator<Tensor> f) {
        return new Module() {
            @Override
            public Tensor forward(Tensor x) {
                return f.apply(x);
            }
        };
    }

    @Test
    void directBatchesPairTheLowResolutionDataWithTheTruth() {
        PatchSampler sampler = new PatchSampler(List.of(phantom(1)), Z4, new int[] {5, 6, 2}, true, PatchSampler.Simulation.PATCH);
        Batch b = SrBatches.direct(sampler, 3).batch(0, new Rng(4));
        assertThat(b.input().shape()).containsExactly(3, 1, 5, 6, 2);
        assertThat(b.target().shape()).containsExactly(3, 1, 5, 6, 8);
        Rng rng = new Rng(4);
        float[] in = b.input().toArray(), target = b.target().toArray();
        for (int n = 0; n < 3; n++) {
            PatchSampler.Sample s = sampler.sample(rng);
            for (int p = 0; p < s.lr().length; p++) assertThat(in[n * 60 + p]).isEqualTo(s.lr()[p]);
            for (int p = 0; p < s.hr().length; p++) assertThat(target[n * 240 + p]).isEqualTo(s.hr()[p]);
        }
    }

    /**
     * A network returning the B-spline interpolation of its input scores the baseline, as a residual
     * network returning zero does: both validations score the estimate against the same truth.
     */
    @Test
    void directValidationScoresTheEstimateItself() {
        PatchSampler held = new PatchSampler(List.of(phantom(2)), Z4, new int[] {6, 6, 3}, false, PatchSampler.Simulation.PATCH);
        SrValidation direct = SrValidation.direct(held, 5, 2, 11), residual = new SrValidation(held, Upsampling.PRE, 5, 2, 11);
        assertThat(direct.baselinePsnr()).isEqualTo(residual.baselinePsnr());
        try (var g = Grad.off()) {
            assertThat(residual.evaluate(module(x -> Tensor.zeros(x.shape())))).isCloseTo(residual.baselinePsnr(), within(1e-9));
            double bspline = direct.evaluate(module(y -> UnfoldedNetwork.bsplineStart(y, new int[] {6, 6, 12})));
            assertThat(bspline).isCloseTo(direct.baselinePsnr(), within(1e-3));
            assertThat(direct.evaluate(module(y -> Tensor.zeros(y.size(0), 1, 6, 6, 12)))).isLessThan(direct.baselinePsnr() - 5);
        }
    }

    @Test
    void denoiserBatchesAddGaussianNoiseOfARandomLevelGivenAsTheSecondChannel() {
        CleanPatchSampler sampler = new CleanPatchSampler(List.of(phantom(3)), new int[] {24, 24, 24}, true);
        DenoiserBatches source = new DenoiserBatches(sampler, 0.2, 4);
        Batch b = source.batch(7, new Rng(9));
        assertThat(b.input().shape()).containsExactly(4, 2, 24, 24, 24);
        assertThat(b.target().shape()).containsExactly(4, 1, 24, 24, 24);
        float[] in = b.input().toArray(), x = b.target().toArray();
        int per = 24 * 24 * 24;
        double previous = -1;
        for (int n = 0; n < 4; n++) {
            float sigma = in[(2 * n + 1) * per];
            assertThat(sigma).isGreaterThan(0).isLessThanOrEqualTo(0.2f).isNotEqualTo((float) previous);
            previous = sigma;
            double sum = 0, sumSq = 0;
            for (int p = 0; p < per; p++) {
                assertThat(in[(2 * n + 1) * per + p]).isEqualTo(sigma);
                double d = in[2 * n * per + p] - x[n * per + p];
                sum += d;
                sumSq += d * d;
            }
            double mean = sum / per, std = Math.sqrt(sumSq / per - mean * mean);
            assertThat(std).isCloseTo(sigma, within(0.03 * sigma));
            assertThat(Math.abs(mean)).isLessThan(4 * sigma / Math.sqrt(per));
        }
        assertThat(source.batch(7, new Rng(9)).input().toArray()).containsExactly(in);
    }

    /** The identity scores the noisy input; the noisy input scores about 10·log10(R²/σ²) at each level. */
    @Test
    void denoiserValidationComparesWithTheNoisyInput() {
        CleanPatchSampler held = new CleanPatchSampler(List.of(phantom(4)), new int[] {12, 12, 12}, false);
        double[] sigmas = {0.01, 0.05};
        DenoiserValidation v = new DenoiserValidation(held, sigmas, 16, 3, 5);
        double range = held.normalisedRange(0);
        double expected = 0;
        for (double s : sigmas) expected += 10 * Math.log10(range * range / (s * s)) / sigmas.length;
        assertThat(v.baselinePsnr()).isCloseTo(expected, within(0.15));
        try (var g = Grad.off()) {
            Module identity = module(x -> x.narrow(1, 0, 1).contiguous());
            assertThat(v.evaluate(identity)).isCloseTo(v.baselinePsnr(), within(1e-9));
            double[] perLevel = v.psnrPerLevel(identity);
            assertThat(perLevel[0] - perLevel[1]).isCloseTo(20 * Math.log10(5), within(0.3));
            assertThat(v.describe(identity)).startsWith("sigma 0.0100: ").contains("sigma 0.0500: ");
        }
    }
}
