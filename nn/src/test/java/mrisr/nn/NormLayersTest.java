package mrisr.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import mrisr.engine.Rng;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import org.junit.jupiter.api.Test;

/** Normalisation layers and dropout against double-precision formulas. */
class NormLayersTest {
    private static final double TOL = 2e-5;

    @Test
    void layerNormOverTheLastTwoDimensions() {
        Rng rng = new Rng(21);
        LayerNorm ln = new LayerNorm(new int[] {3, 2}, 1e-5, true);
        ln.weight().copyFrom(Tensor.randn(rng, 3, 2));
        ln.bias().copyFrom(Tensor.randn(rng, 3, 2));
        Tensor x = Tensor.randn(rng, 4, 3, 2).mul(3).add(1);
        float[] xv = x.toArray(), w = ln.weight().data().toArray(), b = ln.bias().data().toArray(), y = ln.forward(x).toArray();
        for (int row = 0; row < 4; row++) {
            double mean = 0, var = 0;
            for (int i = 0; i < 6; i++) mean += xv[row * 6 + i];
            mean /= 6;
            for (int i = 0; i < 6; i++) var += Math.pow(xv[row * 6 + i] - mean, 2);
            var /= 6;
            for (int i = 0; i < 6; i++) {
                double want = (xv[row * 6 + i] - mean) / Math.sqrt(var + 1e-5) * w[i] + b[i];
                assertThat((double) y[row * 6 + i]).isCloseTo(want, within(TOL));
            }
        }
        assertThat(ln.cost(4, 3, 2)).isEqualTo(new Cost(new int[] {4, 3, 2}, 24));
        assertThat(new LayerNorm(new int[] {2}, 1e-5, false).parameterCount()).isZero();
        assertThat(new LayerNorm(8).stateDict().keySet()).containsExactly("weight", "bias");
    }

    @Test
    void groupNormStandardisesEachSampleGroup() {
        Rng rng = new Rng(22);
        GroupNorm gn = new GroupNorm(2, 4);
        gn.weight().copyFrom(Tensor.randn(rng, 4));
        gn.bias().copyFrom(Tensor.randn(rng, 4));
        Tensor x = Tensor.randn(rng, 2, 4, 3, 1, 2).mul(2).sub(5);
        float[] xv = x.toArray(), w = gn.weight().data().toArray(), b = gn.bias().data().toArray(), y = gn.forward(x).toArray();
        int per = 2 * 6; // 2 channels × 6 voxels per group
        for (int n = 0; n < 2; n++) for (int g = 0; g < 2; g++) {
            int base = (n * 4 + g * 2) * 6;
            double mean = 0, var = 0;
            for (int i = 0; i < per; i++) mean += xv[base + i];
            mean /= per;
            for (int i = 0; i < per; i++) var += Math.pow(xv[base + i] - mean, 2);
            var /= per;
            for (int i = 0; i < per; i++) {
                int c = g * 2 + i / 6;
                double want = (xv[base + i] - mean) / Math.sqrt(var + 1e-5) * w[c] + b[c];
                assertThat((double) y[base + i]).isCloseTo(want, within(TOL));
            }
        }
        assertThatThrownBy(() -> gn.forward(Tensor.zeros(1, 3, 2))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("must be [N, 4, …]");
        assertThatThrownBy(() -> new GroupNorm(3, 4)).hasMessageContaining("4 channels cannot be split into 3 groups");
    }

    @Test
    void batchNormTrainingUsesBatchStatisticsAndUpdatesRunningOnes() {
        Rng rng = new Rng(23);
        BatchNorm2d bn = new BatchNorm2d(3);
        bn.weight().copyFrom(Tensor.randn(rng, 3));
        bn.bias().copyFrom(Tensor.randn(rng, 3));
        double[] runningMean = {0, 0, 0}, runningVar = {1, 1, 1};
        for (int step = 0; step < 2; step++) {
            Tensor x = Tensor.randn(rng, 2, 3, 2, 3).mul(1 + step).add(step);
            float[] xv = x.toArray(), y = bn.forward(x).toArray();
            float[] w = bn.weight().data().toArray(), b = bn.bias().data().toArray();
            for (int c = 0; c < 3; c++) {
                double mean = 0, var = 0;
                for (int n = 0; n < 2; n++) for (int i = 0; i < 6; i++) mean += xv[(n * 3 + c) * 6 + i];
                mean /= 12;
                for (int n = 0; n < 2; n++) for (int i = 0; i < 6; i++) var += Math.pow(xv[(n * 3 + c) * 6 + i] - mean, 2);
                for (int n = 0; n < 2; n++) for (int i = 0; i < 6; i++) {
                    double want = (xv[(n * 3 + c) * 6 + i] - mean) / Math.sqrt(var / 12 + 1e-5) * w[c] + b[c];
                    assertThat((double) y[(n * 3 + c) * 6 + i]).isCloseTo(want, within(TOL));
                }
                runningMean[c] = 0.9 * runningMean[c] + 0.1 * mean;
                runningVar[c] = 0.9 * runningVar[c] + 0.1 * var / 11;
            }
        }
        for (int c = 0; c < 3; c++) {
            assertThat((double) bn.runningMean().toArray()[c]).isCloseTo(runningMean[c], within(1e-6));
            assertThat((double) bn.runningVar().toArray()[c]).isCloseTo(runningVar[c], within(1e-6));
        }
        assertThat(bn.numBatchesTracked().item()).isEqualTo(2f);
        assertThat(bn.stateDict().keySet()).containsExactly("weight", "bias", "running_mean", "running_var", "num_batches_tracked");

        bn.eval();
        Tensor x = Tensor.randn(rng, 1, 3, 1, 2);
        float[] xv = x.toArray(), y = bn.forward(x).toArray(), w = bn.weight().data().toArray(), b = bn.bias().data().toArray();
        for (int c = 0; c < 3; c++) for (int i = 0; i < 2; i++) {
            double want = (xv[c * 2 + i] - runningMean[c]) / Math.sqrt(runningVar[c] + 1e-5) * w[c] + b[c];
            assertThat((double) y[c * 2 + i]).isCloseTo(want, within(TOL));
        }
        assertThat(bn.numBatchesTracked().item()).isEqualTo(2f);
    }

    @Test
    void batchNormCumulativeMomentumAndUntrackedStatistics() {
        BatchNorm1d bn = new BatchNorm1d(1, 1e-5, Double.NaN, false, true);
        bn.forward(Tensor.fromArray(new float[] {1, 3}, 2, 1));
        bn.forward(Tensor.fromArray(new float[] {5, 9}, 2, 1));
        // cumulative average of the batch means (2 and 7) and unbiased variances (2 and 8)
        assertThat(bn.runningMean().item()).isCloseTo(4.5f, within(1e-6f));
        assertThat(bn.runningVar().item()).isCloseTo(5f, within(1e-6f));
        assertThatThrownBy(() -> bn.forward(Tensor.zeros(1, 1))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("expected more than 1 value per channel when training");

        BatchNorm3d untracked = new BatchNorm3d(2, 1e-5, 0.1, true, false);
        assertThat(untracked.stateDict().keySet()).containsExactly("weight", "bias");
        untracked.eval();
        Tensor x = Tensor.randn(new Rng(24), 2, 2, 2, 1, 2);
        float[] y = untracked.forward(x).toArray();
        double mean = 0;
        for (int n = 0; n < 2; n++) for (int i = 0; i < 4; i++) mean += y[n * 8 + i];
        assertThat(mean / 8).isCloseTo(0, within(1e-5)); // batch statistics even in eval mode
        assertThatThrownBy(() -> untracked.forward(Tensor.zeros(2, 2, 3, 3))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("must be [N, 2, D, H, W]");
    }

    @Test
    void batchNormGradientsInTrainingAndEvalMode() {
        Rng rng = new Rng(25);
        BatchNorm2d bn = new BatchNorm2d(2);
        bn.weight().copyFrom(Tensor.randn(rng, 2));
        bn.bias().copyFrom(Tensor.randn(rng, 2));
        Tensor x = Tensor.randn(rng, 3, 2, 2, 2);
        ModuleGradCheck.check("BatchNorm2d train", bn, x, 1e-2, 1e-3, 1e-2);
        bn.eval();
        ModuleGradCheck.check("BatchNorm2d eval", bn, x, 1e-2, 1e-3, 1e-2);
    }

    @Test
    void dropoutIsSeededAndInvertedAndOffInEval() {
        Dropout d = new Dropout(0.3, new Rng(26));
        Tensor x = Tensor.ones(10000);
        float[] y = d.forward(x).toArray();
        int zeros = 0;
        for (float v : y) {
            if (v == 0) zeros++;
            else assertThat(v).isCloseTo(1 / 0.7f, within(1e-6f));
        }
        assertThat(zeros / 10000.0).isCloseTo(0.3, within(0.02));
        assertThat(new Dropout(0.3, new Rng(26)).forward(x).toArray()).containsExactly(y);
        assertThat(d.forward(x).toArray()).isNotEqualTo(y);
        d.eval();
        assertThat(d.forward(x)).isSameAs(x);
        assertThat(d.cost(3, 4)).isEqualTo(new Cost(new int[] {3, 4}, 0));
    }
}
