package mrisr.bench;

import static org.assertj.core.api.Assertions.assertThat;

import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import org.junit.jupiter.api.Test;

class SrNetTest {
    @Test
    void forwardKeepsThePatchShape() {
        SrNet net = new SrNet(new Rng(3), 4, 2);
        Tensor x = Tensor.randn(new Rng(4), 1, 1, 5, 6, 7);
        assertThat(net.forward(x).shape()).containsExactly(1, 1, 5, 6, 7);
    }

    @Test
    void sgdStepsLowerTheLoss() {
        Rng rng = new Rng(5);
        SrNet net = new SrNet(rng, 3, 2);
        Tensor x = Tensor.randn(rng, 1, 1, 5, 5, 5), target = x.mul(0.5);
        double first = net.trainStep(x, target, 0.02);
        double last = first;
        for (int i = 0; i < 15; i++) last = net.trainStep(x, target, 0.02);
        assertThat(last).isLessThan(0.5 * first);
    }

    @Test
    void macsCountEveryConvolution() {
        // 2³ voxels × 27 taps × (1·4 head + 2·4·4 blocks + 4·1 tail) = 8 × 27 × 40.
        assertThat(SrNet.forwardMacs(2, 4, 2)).isEqualTo(8L * 27 * 40);
    }
}
