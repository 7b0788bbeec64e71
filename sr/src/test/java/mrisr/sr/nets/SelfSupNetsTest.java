package mrisr.sr.nets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mrisr.engine.Grad;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import org.junit.jupiter.api.Test;

/** {@link SmoreNet} and {@link ZssrNet}: sizes, costs and the identity they start as. */
class SelfSupNetsTest {

    @Test
    void smoreNetCountsAndStartsAsTheIdentity() {
        int c = 6, b = 3;
        SmoreNet net = new SmoreNet(c, b, new Rng(1));
        // head 9C + C, blocks 2·(9C² + C) each, tail 9C + 1
        assertThat(net.parameterCount()).isEqualTo(10L * c + b * 2L * (9L * c * c + c) + 9L * c + 1);
        assertThat(net.cost(2, 1, 7, 5).outputShape()).containsExactly(2, 1, 7, 5);
        assertThat(net.macs(2, 1, 7, 5)).isEqualTo(2L * 7 * 5 * 9 * (2L * c + 2L * b * c * c));
        Tensor x = Tensor.randn(new Rng(2), 2, 1, 7, 5);
        try (var g = Grad.off()) {
            assertThat(net.forward(x).toArray()).containsExactly(x.toArray());
        }
        assertThat(net.stateDict().keySet()).contains("head.weight", "body.0.body.0.weight", "body.2.body.2.bias", "tail.weight");
        assertThatThrownBy(() -> new SmoreNet(4, 0, new Rng(1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blocks");
    }

    @Test
    void zssrNetCountsAndStartsAsTheIdentity() {
        int c = 5, l = 2;
        ZssrNet net = new ZssrNet(c, l, new Rng(1));
        assertThat(net.parameterCount()).isEqualTo(10L * c + l * (9L * c * c + c) + 9L * c + 1);
        assertThat(net.macs(1, 1, 6, 9)).isEqualTo(6L * 9 * 9 * (2L * c + (long) l * c * c));
        Tensor x = Tensor.randn(new Rng(3), 1, 1, 6, 9);
        try (var g = Grad.off()) {
            assertThat(net.forward(x).toArray()).containsExactly(x.toArray());
        }
        assertThat(new ZssrNet(3, 0, new Rng(1)).stateDict()).containsOnlyKeys("layers.0.weight", "layers.0.bias", "layers.2.weight",
                "layers.2.bias");
    }

    @Test
    void gradientsReachEveryLayerAfterOneUpdateOfTheZeroTail() {
        // the tail starts at 0, so only it gets a gradient at first; once it moves, all layers learn
        SmoreNet net = new SmoreNet(3, 1, new Rng(4));
        Tensor x = Tensor.randn(new Rng(5), 1, 1, 6, 6), y = Tensor.randn(new Rng(6), 1, 1, 6, 6);
        net.forward(x).sub(y).abs().mean().backward();
        assertThat(net.namedParameters().get("tail.weight").grad()).isNotNull();
        float[] headGrad = net.namedParameters().get("head.weight").grad().toArray();
        for (float g : headGrad) assertThat(g).isZero();
        net.namedParameters().get("tail.weight").data().copyFrom_(Tensor.full(0.1f, 1, 3, 3, 3));
        net.zeroGrad();
        net.forward(x).sub(y).abs().mean().backward();
        double norm = 0;
        for (float g : net.namedParameters().get("head.weight").grad().toArray()) norm += g * g;
        assertThat(norm).isPositive();
    }
}
