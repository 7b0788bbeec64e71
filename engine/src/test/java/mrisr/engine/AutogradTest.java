package mrisr.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AutogradTest {
    @Test
    void gradientsAccumulateAcrossBackwardCalls() {
        Tensor x = Tensor.fromArray(new float[] {1, 2, 3}, 3).requiresGrad(true);
        x.mul(x).sum().backward();
        x.mul(3).sum().backward();
        assertThat(x.grad().toArray()).containsExactly(5, 7, 9); // 2x + 3
    }

    @Test
    void sharedSubexpressionGetsTheSumOfItsUses() {
        Tensor x = Tensor.fromArray(new float[] {2}, 1).requiresGrad(true);
        Tensor y = x.mul(x);          // used twice below
        y.add(y.mul(y)).sum().backward(); // d/dx (x² + x⁴) = 2x + 4x³ = 36
        assertThat(x.grad().item()).isEqualTo(36f);
    }

    @Test
    void gradOffRecordsNothing() {
        Tensor x = Tensor.ones(2).requiresGrad(true);
        Tensor y;
        try (var g = Grad.off()) {
            y = x.mul(2);
        }
        assertThat(y.requiresGrad()).isFalse();
        assertThat(Grad.enabled()).isTrue();
        assertThatThrownBy(() -> y.sum().backward()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not require grad");
    }

    @Test
    void detachCutsTheGraphButSharesValues() {
        Tensor x = Tensor.fromArray(new float[] {1, 2}, 2).requiresGrad(true);
        Tensor d = x.mul(2).detach();
        assertThat(d.requiresGrad()).isFalse();
        assertThat(d.toArray()).containsExactly(2, 4);
        Tensor loss = x.mul(d).sum(); // d acts as a constant
        loss.backward();
        assertThat(x.grad().toArray()).containsExactly(2, 4);
    }

    @Test
    void graphIsFreedAfterBackwardUnlessRetained() {
        Tensor x = Tensor.fromArray(new float[] {3}, 1).requiresGrad(true);
        Tensor loss = x.mul(x).sum();
        loss.backward();
        assertThatThrownBy(loss::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already freed");

        Tensor kept = x.mul(x).sum();
        x.zeroGrad();
        kept.backward(true);
        kept.backward(true);
        assertThat(x.grad().item()).isEqualTo(12f);
    }

    @Test
    void backwardNeedsAScalar() {
        Tensor x = Tensor.ones(2, 2).requiresGrad(true);
        assertThatThrownBy(() -> x.mul(2).backward()).isInstanceOf(ShapeException.class)
                .hasMessageContaining("needs a scalar, got shape [2,2]");
    }

    @Test
    void deepChainsDoNotOverflowTheStack() {
        Tensor x = Tensor.ones(1).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 20000; i++) y = y.add(1.0);
        y.sum().backward();
        assertThat(x.grad().item()).isEqualTo(1f);
    }

    @Test
    void gradCheckCatchesAWrongBackwardRule() {
        // an op whose backward claims d/dx = 1 for x² must fail the check
        java.util.function.Function<Tensor[], Tensor> wrong = xs -> {
            Tensor x = xs[0];
            Tensor y;
            try (var g = Grad.off()) {
                y = x.mul(x);
            }
            return Autograd.record("square_wrong", y, gr -> new Tensor[] {gr}, x);
        };
        assertThatThrownBy(() -> GradCheck.check("square_wrong", wrong, TestTensors.randn(3, 4)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("square_wrong: gradient of input 0");
    }
}
