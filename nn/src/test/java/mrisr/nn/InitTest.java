package mrisr.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import mrisr.engine.Rng;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import org.junit.jupiter.api.Test;

class InitTest {
    @Test
    void gainsAndFansFollowPyTorch() {
        assertThat(Init.gain("linear", Double.NaN)).isEqualTo(1.0);
        assertThat(Init.gain("conv3d", Double.NaN)).isEqualTo(1.0);
        assertThat(Init.gain("tanh", Double.NaN)).isEqualTo(5.0 / 3);
        assertThat(Init.gain("relu", Double.NaN)).isEqualTo(Math.sqrt(2));
        assertThat(Init.gain("leaky_relu", Double.NaN)).isCloseTo(Math.sqrt(2 / 1.0001), within(1e-15));
        assertThat(Init.gain("leaky_relu", Math.sqrt(5))).isCloseTo(Math.sqrt(1.0 / 3), within(1e-15));
        assertThat(Init.gain("selu", 0)).isEqualTo(0.75);
        assertThatThrownBy(() -> Init.gain("swish", 0)).hasMessageContaining("unknown nonlinearity 'swish'");
        assertThat(Init.fanIn(new int[] {16, 8, 3, 3, 3})).isEqualTo(8 * 27);
        assertThat(Init.fanOut(new int[] {16, 8, 3, 3, 3})).isEqualTo(16 * 27);
        assertThat(Init.fanIn(new int[] {10, 7})).isEqualTo(7);
        assertThatThrownBy(() -> Init.fanIn(new int[] {5})).isInstanceOf(ShapeException.class)
                .hasMessageContaining("at least 2 dimensions");
    }

    @Test
    void kaimingAndXavierHaveTheirVariances() {
        int[] shape = {64, 32, 3, 3};
        double fanIn = 32 * 9, fanOut = 64 * 9;
        check(t -> Init.kaimingUniform(t, new Rng(1), 0, Init.FanMode.FAN_IN, "relu"), shape, 2 / fanIn, true);
        check(t -> Init.kaimingNormal(t, new Rng(2), 0, Init.FanMode.FAN_OUT, "relu"), shape, 2 / fanOut, false);
        check(t -> Init.kaimingNormal(t, new Rng(3), 0.2, Init.FanMode.FAN_IN, "leaky_relu"), shape, 2 / 1.04 / fanIn, false);
        check(t -> Init.xavierUniform(t, new Rng(4), 1), shape, 2 / (fanIn + fanOut), true);
        check(t -> Init.xavierNormal(t, new Rng(5), 5.0 / 3), shape, 25.0 / 9 * 2 / (fanIn + fanOut), false);
    }

    /** Mean ≈ 0, variance ≈ {@code variance}; uniform fills stay inside ±√(3·variance). */
    private static void check(java.util.function.Consumer<Tensor> init, int[] shape, double variance, boolean uniform) {
        Tensor t = Tensor.zeros(shape);
        init.accept(t);
        float[] v = t.toArray();
        double mean = 0, sq = 0, bound = Math.sqrt(3 * variance);
        for (float f : v) {
            mean += f;
            sq += (double) f * f;
            if (uniform) assertThat((double) Math.abs(f)).isLessThanOrEqualTo(bound + 1e-7);
        }
        mean /= v.length;
        assertThat(mean).isCloseTo(0, within(4 * Math.sqrt(variance / v.length)));
        assertThat((sq / v.length - mean * mean) / variance).isBetween(0.93, 1.07);
    }

    @Test
    void fillsAreSeededAndWorkOnParameters() {
        Parameter a = new Parameter(Tensor.zeros(3, 4)), b = new Parameter(Tensor.zeros(3, 4));
        Init.normal(a, new Rng(9), 1, 0.5);
        Init.normal(b, new Rng(9), 1, 0.5);
        assertThat(a.data().toArray()).containsExactly(b.data().toArray());
        Init.uniform(a, new Rng(9), 2, 3);
        for (float v : a.data().toArray()) assertThat(v).isBetween(2f, 3f);
        Init.constant(a, 0.25);
        assertThat(a.data().toArray()).containsOnly(0.25f);
        Init.zeros(a);
        assertThat(a.data().toArray()).containsOnly(0f);
        Init.ones(a);
        assertThat(a.data().toArray()).containsOnly(1f);
        assertThat(a.grad()).isNull();
        assertThatThrownBy(() -> Init.normal(a, new Rng(1), 0, -1)).hasMessageContaining("std must be >= 0");
    }
}
