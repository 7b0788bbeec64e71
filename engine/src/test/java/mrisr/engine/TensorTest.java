package mrisr.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void viewsShareStorageWithoutCopying() {
        Tensor x = Tensor.arange(24).reshape(2, 3, 4);
        Tensor p = x.permute(2, 0, 1);
        Tensor n = x.narrow(2, 1, 2);
        Tensor e = Tensor.arange(3).reshape(3, 1).expand(3, 5);
        assertThat(p.storage()).isSameAs(x.storage());
        assertThat(n.storage()).isSameAs(x.storage());
        assertThat(p.shape()).containsExactly(4, 2, 3);
        assertThat(p.get(3, 1, 2)).isEqualTo(x.get(1, 2, 3));
        assertThat(n.get(1, 2, 0)).isEqualTo(21f);
        assertThat(e.strides()).containsExactly(1, 0);
        assertThat(e.get(2, 4)).isEqualTo(2f);
        assertThat(p.isContiguous()).isFalse();
        Tensor c = p.contiguous();
        assertThat(c.isContiguous()).isTrue();
        assertThat(c.storage()).isNotSameAs(x.storage());
        assertThat(x.transpose(0, 2).contiguous().toArray()[1]).isEqualTo(12f);
    }

    @Test
    void squeezeUnsqueezeAndInferredReshape() {
        Tensor x = Tensor.zeros(2, 1, 3);
        assertThat(x.squeeze().shape()).containsExactly(2, 3);
        assertThat(x.squeeze(1).shape()).containsExactly(2, 3);
        assertThat(x.squeeze(0).shape()).containsExactly(2, 1, 3);
        assertThat(x.unsqueeze(-1).shape()).containsExactly(2, 1, 3, 1);
        assertThat(x.reshape(-1, 2).shape()).containsExactly(3, 2);
        assertThat(Tensor.zeros(2, 3, 4).flatten(1, 2).shape()).containsExactly(2, 12);
    }

    @Test
    void creationFunctions() {
        assertThat(Tensor.linspace(0, 1, 5).toArray()).containsExactly(0f, 0.25f, 0.5f, 0.75f, 1f);
        assertThat(Tensor.arange(1, 2, 0.25).toArray()).containsExactly(1f, 1.25f, 1.5f, 1.75f);
        assertThat(Tensor.full(7f, 2, 2).toArray()).containsOnly(7f);
        assertThat(Tensor.rand(new Rng(3), 5).toArray()).isEqualTo(Tensor.rand(new Rng(3), 5).toArray());
        float[] n = Tensor.randn(new Rng(4), 100000).toArray();
        double mean = 0, sq = 0;
        for (float v : n) {
            mean += v;
            sq += v * v;
        }
        mean /= n.length;
        assertThat(mean).isBetween(-0.02, 0.02);
        assertThat(sq / n.length - mean * mean).isBetween(0.98, 1.02);
    }

    @Test
    void toStringShowsShapeAndFirstValues() {
        assertThat(Tensor.arange(10).reshape(2, 5).toString()).startsWith("Tensor[2,5] cpu [0.000, 1.000").endsWith(", …]");
        assertThat(Tensor.ones(1).requiresGrad(true).mul(2).toString()).contains("grad_fn=mul");
    }

    @Test
    void errorsNameTheOpAndTheShapes() {
        assertThatThrownBy(() -> Tensor.zeros(2, 3).add(Tensor.zeros(4)))
                .isInstanceOf(ShapeException.class).hasMessage("add: shapes [2,3] and [4] cannot be broadcast");
        assertThatThrownBy(() -> Tensor.zeros(2, 3).matmul(Tensor.zeros(4, 5)))
                .hasMessageContaining("matmul: inner dimensions differ: [2,3] @ [4,5]");
        assertThatThrownBy(() -> Tensor.zeros(2, 3).reshape(4, 2)).hasMessageContaining("reshape: cannot view [2,3]");
        assertThatThrownBy(() -> Tensor.zeros(2, 3).transpose(0, 1).view(6)).hasMessageContaining("not contiguous");
        assertThatThrownBy(() -> Tensor.zeros(2, 3).narrow(1, 2, 2)).hasMessageContaining("narrow: range [2, 4)");
    }

    @Test
    void oversizedAllocationFailsBeforeAllocating() {
        assertThatThrownBy(() -> Tensor.zeros(4096, 4096, 4096)).isInstanceOf(MemoryBudgetException.class)
                .hasMessageContaining("[4096,4096,4096]");
        long before = Memory.budgetBytes();
        try {
            Memory.setBudgetBytes(1000);
            assertThatThrownBy(() -> Tensor.zeros(100, 100)).isInstanceOf(MemoryBudgetException.class)
                    .hasMessageContaining("over the memory budget");
        } finally {
            Memory.setBudgetBytes(before);
        }
    }

    @Test
    void reductionsMatchHandComputedValues() {
        Tensor x = Tensor.fromArray(new float[] {1, 5, 3, 2, 2, 8}, 2, 3);
        assertThat(x.sum(new int[] {1}, false).toArray()).containsExactly(9, 12);
        assertThat(Ops.amax(x, new int[] {0}, true).toArray()).containsExactly(2, 5, 8);
        assertThat(Ops.var(x, new int[] {1}, 1, false).toArray()).containsExactly(4f, 12f);
        assertThat(x.mean().item()).isCloseTo(3.5f, org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void amaxSplitsGradientBetweenTies() {
        Tensor x = Tensor.fromArray(new float[] {1, 4, 4}, 3).requiresGrad(true);
        Ops.amax(x, new int[] {0}, false).backward();
        assertThat(x.grad().toArray()).containsExactly(0f, 0.5f, 0.5f);
    }
}
