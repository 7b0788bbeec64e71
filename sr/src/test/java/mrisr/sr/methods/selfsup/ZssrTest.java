package mrisr.sr.methods.selfsup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import mrisr.kernels.Parallel;
import mrisr.sr.InputException;
import mrisr.sr.data.Phantoms;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.baseline.Interpolation;
import mrisr.sr.metrics.Psnr;
import mrisr.sr.metrics.Ssim;
import mrisr.sr.physics.Degradation;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;

class ZssrTest {

    private static Zssr tiny() {
        return new Zssr().withSteps(4).withChannels(4).withBlocks(1).withPatch(6).withBatch(2);
    }

    @Test
    void sonIsTheFatherAcquiredOnceMoreAndInterpolatedBack() {
        // odd plane sizes: 13 x 11 voxels give 6 x 5 samples, back on a 12 x 10 grid
        int[] shape = {13, 11, 4};
        Volume father = SelfSupTesting.blobs(shape, Volume.diagonalAffine(1, 1, 1));
        Degradation d = Degradation.builder().factors(2, 2, 1).build();
        PairSet pairs = Zssr.pairs(List.of(father.data().toArray()), shape, 0, 1, new double[] {0.5, 0.5, 1}, d, true);

        // reference: the physics module's acquisition of the father, seen as a 0.5 mm image, then B-spline ×2
        Volume acquired = d.apply(Volume.of(father.data(), Volume.diagonalAffine(0.5, 0.5, 1)));
        assertThat(acquired.shape()).containsExactly(6, 5, 4);
        float[] son = Interpolation.bspline().resample(acquired, 2, 2, 1).data().toArray();
        float[] f = father.data().toArray();
        assertThat(pairs.count()).isEqualTo(4);
        for (int t = 0; t < 4; t++) {
            assertThat(pairs.size(t)).containsExactly(12, 10);
            float[] in = pairs.input(t), target = pairs.target(t);
            for (int i = 0; i < 12; i++) {
                for (int j = 0; j < 10; j++) {
                    assertThat((double) in[i * 10 + j]).isCloseTo(son[(i * 10 + j) * 4 + t], within(1e-6));
                    assertThat(target[i * 10 + j]).isEqualTo(f[(i * 11 + j) * 4 + t]);
                }
            }
        }
    }

    @Test
    void beatsBSplineOnASmallBrainPhantomWithATinyBudget() {
        // 48³ brain phantom acquired with 2 mm in-plane pixels (Gaussian PSF, no noise); 300 steps of a small network
        // (the default budget gains +2.3 dB on 96 x 112 x 96 with 1 % noise: see SelfSupervisedBenchmark)
        Volume hr = Phantoms.brain(new int[] {48, 48, 48}, new double[] {1, 1, 1}, 1).image();
        Volume lr = Degradation.builder().factors(2, 2, 1).build().apply(hr);
        SrContext ctx = SrContext.of(2, 2, 1);
        float[] truth = hr.data().toArray();
        double range = 0;
        for (float v : truth) range = Math.max(range, v);
        float[] bspline = Interpolation.bspline().run(lr, ctx).data().toArray();
        float[] zssr = new Zssr().withSteps(300).withChannels(8).withBlocks(2).withPatch(16).withBatch(4).withLearningRate(0.01)
                .run(lr, ctx).data().toArray();
        int[] shape = hr.shape();
        assertThat(Psnr.compute(truth, zssr, shape, null, range)).isGreaterThan(Psnr.compute(truth, bspline, shape, null, range) + 0.25);
        assertThat(Ssim.compute(truth, zssr, shape, null, range)).isGreaterThan(Ssim.compute(truth, bspline, shape, null, range) + 0.008);
    }

    @Test
    void slicesAcrossTheAxisWithTheSmallestFactor() {
        double[] iso = {1, 1, 1}, thick = {1, 1, 3};
        assertThat(Zssr.slicingAxis(new double[] {2, 2, 1}, iso)).isEqualTo(2);
        assertThat(Zssr.slicingAxis(new double[] {1, 2, 2}, iso)).isEqualTo(0);
        assertThat(Zssr.slicingAxis(new double[] {1, 1, 2}, iso)).isEqualTo(1);
        assertThat(Zssr.slicingAxis(new double[] {2, 2, 2}, thick)).isEqualTo(2);
        assertThat(Zssr.slicingAxis(new double[] {2, 2, 2}, iso)).isEqualTo(2);
    }

    @Test
    void outputHasTheContractGridAndAffine() {
        Volume lr = SelfSupTesting.blobs(new int[] {9, 8, 5}, SelfSupTesting.obliqueAffine());
        for (double[] f : new double[][] {{2, 2, 1}, {2, 1, 3}, {1, 1, 2}, {1.5, 2.5, 1}}) {
            SrContext ctx = new SrContext(f, 3);
            Volume sr = tiny().run(lr, ctx);
            assertThat(sr.shape()).as("factors %s", java.util.Arrays.toString(f)).containsExactly(ctx.outputShape(lr.shape()));
            assertThat(sr.affine()).isDeepEqualTo(Volume.resampledAffine(lr.affine(), f));
        }
    }

    @Test
    void sameSeedGivesBitIdenticalOutputWithOneOrTwoThreads() {
        Volume lr = SelfSupTesting.blobs(new int[] {10, 12, 3}, SelfSupTesting.obliqueAffine());
        SrContext ctx = new SrContext(new double[] {2, 2, 1}, 11);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            float[] one = tiny().run(lr, ctx).data().toArray();
            Parallel.setThreads(2);
            float[] two = tiny().run(lr, ctx).data().toArray();
            assertThat(two).containsExactly(one);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void reportsProgressAndRejectsImpossibleInputs() {
        Volume lr = SelfSupTesting.blobs(new int[] {10, 12, 3}, Volume.diagonalAffine(2, 2, 1));
        List<String> lines = new ArrayList<>();
        tiny().run(lr, SrContext.of(2, 2, 1).withProgress(lines::add));
        assertThat(lines.get(0)).startsWith("zssr: training a ").contains("on 3 slices (planes across axis 2), 4 steps of 2 patches 6x6");
        assertThat(lines).anyMatch(l -> l.matches("zssr: training step 4/4, loss .*, ETA 0 s"))
                .anyMatch(l -> l.startsWith("zssr: planes across axis 2: slice 3/3"));

        Volume thin = SelfSupTesting.blobs(new int[] {10, 2, 3}, Volume.diagonalAffine(1, 1, 1));
        assertThatThrownBy(() -> tiny().run(thin, SrContext.of(3, 3, 1))).isInstanceOf(InputException.class)
                .hasMessage("zssr: axis 1 has 2 voxels, too few for a copy downscaled by the factor 3.0");
        assertThatThrownBy(() -> new Zssr().withBlocks(-1)).isInstanceOf(InputException.class).hasMessage("zssr: blocks is -1, must be >= 0");
    }
}
