package mrisr.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import org.junit.jupiter.api.Test;

class ModuleTest {
    /** A block with parameters, a buffer, a non-persistent buffer and children, like a small ResNet block. */
    static final class Block extends Module {
        final Conv2d conv1;
        final Conv2d conv2;
        final Tensor counter;

        Block(Rng rng) {
            conv1 = registerModule("conv1", new Conv2d(2, 3, 3, 1, 1, rng));
            registerBuffer("scratch", Tensor.zeros(2), false);
            counter = registerBuffer("counter", Tensor.zeros(1));
            conv2 = registerModule("conv2", new Conv2d(3, 2, 1, rng));
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.add(conv2.forward(conv1.forward(x).relu()));
        }

        @Override
        public Cost cost(int... in) {
            return conv1.cost(in).then(conv2.cost(conv1.cost(in).outputShape()));
        }
    }

    static final class Net extends Module {
        final Parameter scale = registerParameter("scale", Tensor.ones(1));
        final Sequential body;
        final Linear head;

        Net(Rng rng) {
            body = registerModule("body", new Sequential(new Block(rng), new ReLU(), new Block(rng)));
            head = registerModule("head", new Linear(2, 4, false, rng));
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor f = body.forward(x).mul(scale.data()).mean(new int[] {2, 3}, false);
            return head.forward(f);
        }
    }

    @Test
    void stateDictKeysFollowPyTorchNamingAndOrder() {
        Net net = new Net(new Rng(1));
        assertThat(net.stateDict().keySet()).containsExactly(
                "scale",
                "body.0.counter", "body.0.conv1.weight", "body.0.conv1.bias", "body.0.conv2.weight", "body.0.conv2.bias",
                "body.2.counter", "body.2.conv1.weight", "body.2.conv1.bias", "body.2.conv2.weight", "body.2.conv2.bias",
                "head.weight");
        assertThat(net.namedParameters().keySet()).containsExactly(
                "scale",
                "body.0.conv1.weight", "body.0.conv1.bias", "body.0.conv2.weight", "body.0.conv2.bias",
                "body.2.conv1.weight", "body.2.conv1.bias", "body.2.conv2.weight", "body.2.conv2.bias",
                "head.weight");
        assertThat(net.namedBuffers().keySet()).containsExactly(
                "body.0.scratch", "body.0.counter", "body.2.scratch", "body.2.counter");
        assertThat(net.namedModules().keySet()).containsExactly(
                "", "body", "body.0", "body.0.conv1", "body.0.conv2", "body.1", "body.2", "body.2.conv1", "body.2.conv2", "head");
        assertThat(net.parameters()).hasSize(10);
        assertThat(net.stateDict().get("body.0.conv1.weight").shape()).containsExactly(3, 2, 3, 3);
    }

    @Test
    void parameterCountAndMacs() {
        Net net = new Net(new Rng(1));
        // per block: conv1 3·2·9 + 3, conv2 2·3·1 + 2; head 4·2; scale 1
        long block = 3 * 2 * 9 + 3 + 2 * 3 + 2;
        assertThat(net.parameterCount()).isEqualTo(1 + 2 * block + 8);
        net.head.weight().requiresGrad(false);
        assertThat(net.trainableParameterCount()).isEqualTo(1 + 2 * block);
        Block b = (Block) net.body.get(0);
        // 5x7 input, padding 1: conv1 35 voxels·3 out·2 in·9 taps, conv2 35·2·3·1; batch 2
        assertThat(b.cost(2, 2, 5, 7)).isEqualTo(new Cost(new int[] {2, 2, 5, 7}, 2L * 35 * (3 * 2 * 9 + 2 * 3)));
        assertThat(net.body.macs(2, 2, 5, 7)).isEqualTo(2 * 2L * 35 * (3 * 2 * 9 + 2 * 3));
        assertThatThrownBy(() -> net.macs(1, 2, 5, 7)).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("Net does not describe its cost");
    }

    @Test
    void trainEvalPropagatesAndNewChildrenInheritTheMode() {
        Net net = new Net(new Rng(1));
        assertThat(net.modules()).allMatch(Module::isTraining);
        net.eval();
        assertThat(net.modules()).noneMatch(Module::isTraining);
        net.body.add(new ReLU());
        assertThat(net.body.get(3).isTraining()).isFalse();
        net.train();
        assertThat(net.modules()).allMatch(Module::isTraining);
    }

    @Test
    void backwardFillsGradsAndZeroGradClearsThem() {
        Net net = new Net(new Rng(1));
        Tensor x = Tensor.randn(new Rng(2), 1, 2, 4, 4);
        net.forward(x).sum().backward();
        assertThat(net.parameters()).allMatch(p -> p.grad() != null);
        net.zeroGrad();
        assertThat(net.parameters()).allMatch(p -> p.grad() == null);
    }

    @Test
    void loadStateDictRoundTripsIntoTheSameTensors() {
        Net a = new Net(new Rng(1)), b = new Net(new Rng(2));
        Tensor weightBefore = b.head.weight().data();
        Map<String, Tensor> state = a.stateDict();
        state.get("body.0.counter").copyFrom_(Tensor.full(5f, 1));
        Module.LoadResult r = b.loadStateDict(state);
        assertThat(r.missingKeys()).isEmpty();
        assertThat(r.unexpectedKeys()).isEmpty();
        assertThat(b.head.weight().data()).isSameAs(weightBefore);
        for (var e : a.stateDict().entrySet()) {
            assertThat(b.stateDict().get(e.getKey()).toArray()).as(e.getKey()).containsExactly(e.getValue().toArray());
        }
        assertThat(((Block) b.body.get(0)).counter.item()).isEqualTo(5f);
        Tensor x = Tensor.randn(new Rng(3), 1, 2, 4, 4);
        assertThat(b.forward(x).toArray()).containsExactly(a.forward(x).toArray());
    }

    @Test
    void strictLoadReportsMissingAndUnexpectedKeysAndChangesNothing() {
        Net a = new Net(new Rng(1)), b = new Net(new Rng(2));
        float[] before = b.head.weight().data().toArray();
        Map<String, Tensor> state = new LinkedHashMap<>(a.stateDict());
        state.remove("body.2.conv1.bias");
        state.remove("scale");
        state.put("tail.weight", Tensor.zeros(3));
        assertThatThrownBy(() -> b.loadStateDict(state))
                .isInstanceOf(StateDictException.class)
                .hasMessageContaining("Error(s) in loading state_dict for Net")
                .hasMessageContaining("Missing key(s) in state_dict: \"scale\", \"body.2.conv1.bias\".")
                .hasMessageContaining("Unexpected key(s) in state_dict: \"tail.weight\".")
                .satisfies(e -> {
                    StateDictException s = (StateDictException) e;
                    assertThat(s.missingKeys()).containsExactly("scale", "body.2.conv1.bias");
                    assertThat(s.unexpectedKeys()).containsExactly("tail.weight");
                });
        assertThat(b.head.weight().data().toArray()).containsExactly(before);

        Module.LoadResult r = b.loadStateDict(state, false);
        assertThat(r.missingKeys()).containsExactly("scale", "body.2.conv1.bias");
        assertThat(r.unexpectedKeys()).containsExactly("tail.weight");
        assertThat(b.head.weight().data().toArray()).containsExactly(a.head.weight().data().toArray());
    }

    @Test
    void shapeMismatchIsAnErrorEvenWhenNotStrict() {
        Net b = new Net(new Rng(2));
        Map<String, Tensor> state = new LinkedHashMap<>(b.stateDict());
        state.put("head.weight", Tensor.zeros(4, 3));
        assertThatThrownBy(() -> b.loadStateDict(state, false))
                .isInstanceOf(StateDictException.class)
                .hasMessageContaining("size mismatch for head.weight: copying a tensor of shape [4,3] from the state dict,"
                        + " the shape in the current model is [4,2]")
                .satisfies(e -> assertThat(((StateDictException) e).shapeMismatches()).hasSize(1));
    }

    @Test
    void sharedParametersAreCountedOnceButSavedUnderEachName() {
        Rng rng = new Rng(4);
        Linear shared = new Linear(3, 3, rng);
        Sequential s = new Sequential(shared, new ReLU(), shared);
        assertThat(s.parameters()).hasSize(2);
        assertThat(s.parameterCount()).isEqualTo(12);
        assertThat(s.namedParameters().keySet()).containsExactly("0.weight", "0.bias");
        assertThat(s.stateDict().keySet()).containsExactly("0.weight", "0.bias", "2.weight", "2.bias");
    }

    @Test
    void registrationRejectsBadNamesDuplicatesAndCycles() {
        class Bad extends Module {
            @Override
            public Tensor forward(Tensor x) {
                return x;
            }
        }
        Bad m = new Bad();
        m.registerParameter("w", Tensor.zeros(1));
        assertThatThrownBy(() -> m.registerBuffer("w", Tensor.zeros(1))).hasMessageContaining("already has an entry named 'w'");
        assertThatThrownBy(() -> m.registerParameter("a.b", Tensor.zeros(1))).hasMessageContaining("contain no '.'");
        assertThatThrownBy(() -> m.registerModule("", new ReLU())).hasMessageContaining("must be non-empty");
        assertThatThrownBy(() -> m.registerBuffer("g", Tensor.zeros(1).requiresGrad(true))).hasMessageContaining("requires grad");
        Sequential outer = new Sequential(m);
        assertThatThrownBy(() -> m.registerModule("loop", outer)).hasMessageContaining("cyclic");
        assertThatThrownBy(() -> m.registerModule("self", m)).hasMessageContaining("cyclic");
    }

    @Test
    void parameterCopiesItsInitialValueAndFreezes() {
        Tensor init = Tensor.ones(2, 2);
        Parameter p = new Parameter(init);
        assertThat(p.data().storage()).isNotSameAs(init.storage());
        assertThat(p.requiresGrad()).isTrue();
        p.copyFrom(Tensor.full(3f, 2, 2));
        assertThat(init.toArray()).containsOnly(1f);
        assertThat(p.data().toArray()).containsOnly(3f);
        assertThatThrownBy(() -> p.copyFrom(Tensor.zeros(4))).hasMessageContaining("values [4] for a parameter of shape [2,2]");
        p.requiresGrad(false);
        assertThat(p.data().requiresGrad()).isFalse();
    }

    @Test
    void toStringPrintsTheTree() {
        Sequential s = new Sequential(new Linear(2, 3, new Rng(0)), new LeakyReLU(0.2));
        assertThat(s.toString()).isEqualTo("Sequential(\n  (0): Linear(in=2, out=3, bias=true)\n  (1): LeakyReLU(negative_slope=0.2)\n)");
    }
}
