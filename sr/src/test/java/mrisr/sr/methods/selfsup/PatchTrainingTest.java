package mrisr.sr.methods.selfsup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import mrisr.engine.Grad;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.loss.L1Loss;
import mrisr.sr.nets.SmoreNet;
import mrisr.sr.physics.Degradation;
import org.junit.jupiter.api.Test;

class PatchTrainingTest {

    @Test
    void trainingOnATinyVolumeReducesTheLoss() {
        int[] shape = {24, 24, 4};
        float[] lr = SelfSupTesting.blobs(shape, mrisr.sr.volume.Volume.diagonalAffine(1, 1, 1)).data().toArray();
        PairSet pairs = Smore.pairs(List.of(lr), shape, 2, new double[] {1, 1, 1}, Degradation.builder().factors(1, 1, 3).build());
        SmoreNet net = new SmoreNet(8, 1, new Rng(SelfSupTesting.SEED));
        int batch = 8, p = 12;
        float[] in = new float[batch * p * p], out = new float[batch * p * p];
        pairs.sample(new Rng(SelfSupTesting.SEED + 1), batch, p, in, out); // a fixed evaluation batch
        double before = loss(net, in, out, batch, p);
        Budget budget = new Budget("test", 300, 8, 1, p, 4, 1e-2, 0);
        PatchTraining.Log log = PatchTraining.train(net, pairs, budget, new Rng(SelfSupTesting.SEED + 2), "test", "pairs", line -> {});
        assertThat(log.steps()).isEqualTo(300);
        assertThat(log.timedOut()).isFalse();
        double after = loss(net, in, out, batch, p);
        assertThat(after).isLessThan(0.9 * before);
    }

    @Test
    void smallInputsAreNotTrainedPastFiftyPassesOverTheirPixels() {
        PairSet pairs = new PairSet(false);
        pairs.add(new float[12 * 10], new float[12 * 10], 12, 10);
        pairs.add(new float[12 * 10], new float[12 * 10], 12, 10);
        Budget budget = new Budget("test", 1000, 4, 1, 8, 4, 1e-3, 0);
        assertThat(PatchTraining.steps(budget, pairs)).isEqualTo(47); // ceil(50 · 240 / (4 · 8²))
        List<String> lines = new java.util.ArrayList<>();
        PatchTraining.train(new SmoreNet(2, 1, new Rng(1)), pairs, budget.withSteps(1000), new Rng(2), "m", "2 images", lines::add);
        assertThat(lines.get(0)).isEqualTo("m: training a " + new SmoreNet(2, 1, new Rng(1)).parameterCount()
                + "-parameter network on 2 images, 47 steps of 4 patches 8x8 (capped at 50 passes over the 240 training pixels)");
    }

    private static double loss(SmoreNet net, float[] in, float[] out, int batch, int p) {
        try (var g = Grad.off()) {
            return new L1Loss().compute(net.forward(Tensor.fromArray(in, batch, 1, p, p)),
                    Tensor.fromArray(out, batch, 1, p, p)).item();
        }
    }

    @Test
    void transformsAreTheEightSymmetriesOfTheSquare() {
        float[] src = new float[9];
        for (int i = 0; i < 9; i++) src[i] = i; // row-major 3 x 3
        Set<String> seen = new HashSet<>();
        for (int t = 0; t < 8; t++) {
            float[] dst = new float[10];
            PairSet.transform(src, 3, t, dst, 1);
            seen.add(java.util.Arrays.toString(dst));
        }
        assertThat(seen).hasSize(8);
        float[] dst = new float[9];
        PairSet.transform(src, 3, 1, dst, 0); // rows flipped
        assertThat(dst).containsExactly(6, 7, 8, 3, 4, 5, 0, 1, 2);
        PairSet.transform(src, 3, 2, dst, 0); // columns flipped
        assertThat(dst).containsExactly(2, 1, 0, 5, 4, 3, 8, 7, 6);
        PairSet.transform(src, 3, 4, dst, 0); // transposed
        assertThat(dst).containsExactly(0, 3, 6, 1, 4, 7, 2, 5, 8);
    }

    @Test
    void samplingPrefersForegroundAndIsSeeded() {
        // 40 x 40 images, bright only in an 8 x 8 corner: a 6 x 6 patch lands on it by chance ~5 % of the time
        float[] img = new float[40 * 40];
        for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) img[y * 40 + x] = 1;
        PairSet pairs = new PairSet(true);
        pairs.add(img.clone(), img.clone(), 40, 40);
        int batch = 200, p = 6;
        float[] in = new float[batch * p * p], out = new float[batch * p * p];
        pairs.sample(new Rng(5), batch, p, in, out);
        int foreground = 0;
        for (int b = 0; b < batch; b++) {
            float peak = 0;
            for (int i = 0; i < p * p; i++) peak = Math.max(peak, out[b * p * p + i]);
            if (peak >= 1) foreground++;
        }
        assertThat(foreground).isGreaterThan(batch / 2);
        assertThat(in).containsExactly(out);
        float[] again = new float[batch * p * p];
        pairs.sample(new Rng(5), batch, p, again, new float[batch * p * p]);
        assertThat(again).containsExactly(in);
        assertThat(pairs.patchSide(64)).isEqualTo(40);
    }
}
