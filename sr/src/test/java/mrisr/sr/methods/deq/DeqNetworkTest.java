package mrisr.sr.methods.deq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mrisr.engine.Index;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.deq.Anderson;
import mrisr.nn.deq.DeepEquilibrium;
import mrisr.nn.io.SafeTensors;
import mrisr.nn.loss.MseLoss;
import mrisr.nn.optim.Adam;
import mrisr.sr.data.Phantoms;
import mrisr.sr.methods.SrContext;
import mrisr.sr.physics.Degradation;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeqNetworkTest {
    private static final double[] F = {1, 1, 2};
    private static final Degradation D = Degradation.builder().factors(F).build();

    @Test
    void forwardOnABatchEqualsTheMethodOnEachVolume() {
        DeqPrior prior = DeqPrior.trainable(3, F, DeqMethod.DEFAULT_STRENGTH, new Rng(1));
        DeqNetwork net = new DeqNetwork(prior, D, new double[] {1, 1, 1}, DeepEquilibrium.of(DeqMethod.defaultSolver()));
        Tensor a = Tensor.rand(new Rng(2), 6, 5, 3), b = Tensor.rand(new Rng(3), 6, 5, 3);
        Tensor batch = Index.stack(new Tensor[] {a, b}, 0).unsqueeze(1);
        Tensor out = net.forward(batch);
        assertThat(out.shape()).containsExactly(2, 1, 6, 5, 6);
        assertThat(net.lastEquilibria()).hasSize(2).allMatch(e -> e.forward().converged());
        DeqMethod method = new DeqMethod(prior, DeqMethod.defaultSolver());
        for (int n = 0; n < 2; n++) {
            Volume lr = Volume.of(n == 0 ? a : b, Volume.diagonalAffine(1, 1, 2));
            float[] want = method.run(lr, new SrContext(F, 0)).data().toArray();
            assertThat(out.narrow(0, n, 1).contiguous().toArray()).containsExactly(want);
        }
    }

    @Test
    void parametersAreThePriorsUnderTheSameNamesSoTheFileLoadsAsAPrior(@TempDir Path dir) throws Exception {
        DeqPrior prior = DeqPrior.trainable(4, F, 0.25, new Rng(1));
        DeqNetwork net = new DeqNetwork(prior, D, new double[] {1, 1, 1}, DeepEquilibrium.of(DeqMethod.defaultSolver()));
        assertThat(net.namedParameters().keySet()).containsExactly("conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias");
        assertThat(net.parameters()).containsExactlyElementsOf(prior.parameters());
        Path file = dir.resolve("net.safetensors");
        SafeTensors.save(file, net, Map.of("method", "deq"));
        Tensor u = Tensor.randn(new Rng(4), 1, 1, 4, 4, 4);
        assertThat(DeqPrior.load(file).forward(u).toArray()).containsExactly(prior.forward(u).toArray());
    }

    /** End to end: a few Adam steps on the MSE to the truth lower the loss (implicit gradients drive training). */
    @Test
    void trainingStepsLowerTheLoss() {
        Rng rng = new Rng(7);
        Volume hr = Phantoms.brain(new int[] {12, 12, 12}, new double[] {1, 1, 1}, 3).image();
        Volume lr = D.apply(hr);
        Tensor x = lr.data().reshape(1, 1, 12, 12, 6), target = hr.data().reshape(1, 1, 12, 12, 12);
        DeqPrior prior = DeqPrior.trainable(4, F, DeqMethod.DEFAULT_STRENGTH, rng);
        Anderson s = new Anderson(5, 1, 1e-8, 1e-5, 100);
        DeqNetwork net = new DeqNetwork(prior, D, new double[] {1, 1, 1},
                new DeepEquilibrium(s, s, DeepEquilibrium.Gradient.IMPLICIT, w -> { }));
        Adam adam = new Adam(net.parameters(), 1e-3);
        MseLoss mse = new MseLoss();
        double first = 0, lastLoss = 0;
        for (int step = 0; step < 6; step++) {
            net.zeroGrad();
            Tensor loss = mse.compute(net.forward(x), target);
            loss.backward();
            adam.step();
            lastLoss = loss.item();
            if (step == 0) first = lastLoss;
        }
        System.out.printf("deq network, 6 Adam steps (lr 1e-3) on a 12^3 phantom: MSE %.4g -> %.4g%n", first, lastLoss);
        assertThat(lastLoss).isLessThan(first);
    }

    private static DeqNetwork quiet(DeqPrior prior) {
        return new DeqNetwork(prior, D, new double[] {1, 1, 1},
                new DeepEquilibrium(DeqMethod.defaultSolver(), DeqMethod.defaultSolver(), DeepEquilibrium.Gradient.IMPLICIT, w -> { }));
    }

    private static Tensor lowResolutionBatch() {
        Tensor a = Tensor.rand(new Rng(2), 6, 5, 4), b = Tensor.rand(new Rng(3), 6, 5, 4);
        return Index.stack(new Tensor[] {a, b}, 0).unsqueeze(1);
    }

    /**
     * With the identity prior (strength 0) {@code J = I − γHᵀH}, whose spectral radius is 1: the null
     * space of {@code H} (2× along k) keeps its eigenvalue 1 and the rest lies in {@code [0, 1)}.
     */
    @Test
    void gainOfTheIdentityPriorIsOne() {
        DeqNetwork net = quiet(DeqPrior.smoothing(F, 0));
        net.forward(lowResolutionBatch());
        float[] g = net.gain(40).toArray();
        assertThat(g).hasSize(2);
        for (float v : g) assertThat((double) v).isBetween(0.99, 1.001);
        assertThat(net.gain(0).toArray()[0]).isLessThanOrEqualTo(g[0] + 1e-3f); // power iterations find the larger gain
    }

    /** {@code R(u) = 2u} (relu(u) − relu(−u) = u in two channels, added to the skip) doubles the map: gain 2. */
    @Test
    void gainOfADoublingPriorIsTwo() {
        DeqPrior prior = new DeqPrior(2, new Rng(0));
        float[] w1 = new float[2 * 27], w2 = new float[2 * 27];
        w1[13] = 1;
        w1[27 + 13] = -1;
        w2[13] = 1;
        w2[27 + 13] = -1;
        var w = prior.parameters(); // conv1.weight, conv1.bias, conv2.weight, conv2.bias
        w.get(0).copyFrom(Tensor.fromArray(w1, 2, 1, 3, 3, 3));
        w.get(1).copyFrom(Tensor.zeros(2));
        w.get(2).copyFrom(Tensor.fromArray(w2, 1, 2, 3, 3, 3));
        w.get(3).copyFrom(Tensor.zeros(1));
        DeqNetwork net = quiet(prior);
        net.forward(lowResolutionBatch());
        for (float v : net.gain(40).toArray()) assertThat((double) v).isCloseTo(2, within(0.01));
    }

    /** The gain is recorded through the prior's weights, so a penalty on it trains them. */
    @Test
    void gainIsDifferentiableInThePriorsWeights() {
        DeqPrior prior = DeqPrior.trainable(4, F, DeqMethod.DEFAULT_STRENGTH, new Rng(6));
        DeqNetwork net = quiet(prior);
        net.forward(lowResolutionBatch());
        net.zeroGrad();
        net.gain(4).sum().backward();
        // the gain depends on the weights; the biases cancel in f(x + εv) − f(x) (b₁ only moves the ReLU kinks)
        for (String name : List.of("conv1.weight", "conv2.weight")) {
            var p = prior.namedParameters().get(name);
            assertThat(p.grad()).as(name).isNotNull();
            double norm = 0;
            for (float v : p.grad().toArray()) norm += v * v;
            assertThat(norm).as(name).isGreaterThan(0);
        }
        assertThatThrownBy(() -> quiet(prior).gain(3)).isInstanceOf(IllegalStateException.class).hasMessageContaining("forward pass first");
    }

    @Test
    void inputMustBeASingleChannelBatch() {
        DeqNetwork net = new DeqNetwork(DeqPrior.smoothing(F, 0.25), D, new double[] {1, 1, 1},
                DeepEquilibrium.of(DeqMethod.defaultSolver()));
        assertThatThrownBy(() -> net.forward(Tensor.zeros(6, 6, 3))).hasMessageContaining("must be [N, 1, mx, my, mz]");
    }
}
