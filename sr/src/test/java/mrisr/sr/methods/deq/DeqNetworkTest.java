package mrisr.sr.methods.deq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
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

    @Test
    void inputMustBeASingleChannelBatch() {
        DeqNetwork net = new DeqNetwork(DeqPrior.smoothing(F, 0.25), D, new double[] {1, 1, 1},
                DeepEquilibrium.of(DeqMethod.defaultSolver()));
        assertThatThrownBy(() -> net.forward(Tensor.zeros(6, 6, 3))).hasMessageContaining("must be [N, 1, mx, my, mz]");
    }
}
