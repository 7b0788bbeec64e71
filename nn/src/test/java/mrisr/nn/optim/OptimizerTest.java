package mrisr.nn.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.BatchNorm;
import mrisr.nn.BatchNorm1d;
import mrisr.nn.Linear;
import mrisr.nn.Parameter;
import mrisr.nn.Sequential;
import org.junit.jupiter.api.Test;

class OptimizerTest {
    @Test
    void parametersWithoutGradientsAreLeftAlone() {
        Parameter a = new Parameter(Tensor.ones(3)), b = new Parameter(Tensor.ones(3));
        Optimizer opt = new Adam(List.of(a, b), 0.1);
        a.setGrad(Tensor.ones(3));
        opt.step();
        assertThat(b.data().toArray()).containsOnly(1f);
        assertThat(a.data().toArray()[0]).isCloseTo(0.9f, within(1e-6f));
        assertThat(opt.stateDict().keySet()).containsExactly("state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq",
                "param_groups.0.lr");
        opt.zeroGrad();
        assertThat(a.grad()).isNull();
    }

    @Test
    void groupsHaveTheirOwnLearningRateAndWeightDecay() {
        Parameter w = new Parameter(Tensor.full(2f, 2)), bias = new Parameter(Tensor.full(2f, 2));
        Optimizer opt = new Sgd(List.of(new ParamGroup(List.of(w), 0.1, 0.5), new ParamGroup(List.of(bias), 0.01, 0)), 0, 0, false);
        w.setGrad(Tensor.ones(2));
        bias.setGrad(Tensor.ones(2));
        opt.step();
        // w: 2 − 0.1·(1 + 0.5·2) = 1.8; bias: 2 − 0.01·1 = 1.99
        assertThat(w.data().toArray()).containsOnly(1.8f);
        assertThat(bias.data().toArray()).containsOnly(1.99f);
        new LrScheduler(opt, new StepLR(1, 0.5)).step();
        assertThat(opt.paramGroups().get(0).lr()).isEqualTo(0.05);
        assertThat(opt.paramGroups().get(1).lr()).isEqualTo(0.005);
    }

    @Test
    void adamWDecouplesDecayFromTheAdaptiveStep() {
        // with a zero gradient Adam's step is 0/(0+ε)=0, so only the decoupled decay acts: p·(1 − lr·wd)
        Parameter p = new Parameter(Tensor.full(3f, 1));
        Optimizer opt = new AdamW(List.of(p), 0.1, 0.9, 0.999, 1e-8, 0.5, false);
        p.setGrad(Tensor.zeros(1));
        opt.step();
        assertThat(p.data().item()).isCloseTo(3f * (1 - 0.05f), within(1e-6f));
        // Adam's L2 decay instead enters the gradient: the first step moves by lr regardless of its size
        Parameter q = new Parameter(Tensor.full(3f, 1));
        Optimizer adam = new Adam(List.of(q), 0.1, 0.9, 0.999, 1e-8, 0.5, false);
        q.setGrad(Tensor.zeros(1));
        adam.step();
        assertThat(q.data().item()).isCloseTo(2.9f, within(1e-6f));
    }

    @Test
    void stateDictRestoresTheTrajectoryExactly() {
        Rng rng = new Rng(5);
        Tensor[] grads = new Tensor[6];
        for (int i = 0; i < grads.length; i++) grads[i] = Tensor.randn(rng, 4);
        Parameter a = new Parameter(Tensor.ones(4));
        Optimizer opt = new AdamW(List.of(a), 0.01, 0.9, 0.99, 1e-8, 0.1, true);
        for (int i = 0; i < 3; i++) {
            a.setGrad(grads[i]);
            opt.step();
        }
        Parameter b = new Parameter(a.data());
        Optimizer resumed = new AdamW(List.of(b), 0.5, 0.9, 0.99, 1e-8, 0.1, true);
        resumed.loadStateDict(opt.stateDict());
        assertThat(resumed.lr()).isCloseTo(0.01, within(1e-9));
        for (int i = 3; i < 6; i++) {
            a.setGrad(grads[i]);
            b.setGrad(grads[i]);
            opt.step();
            resumed.step();
        }
        assertThat(b.data().toArray()).containsExactly(a.data().toArray());
        assertThatThrownBy(() -> resumed.loadStateDict(Map.of("state.7.exp_avg", Tensor.zeros(4))))
                .hasMessageContaining("does not match this optimizer's 1 parameters");
        assertThatThrownBy(() -> resumed.loadStateDict(Map.of("state.0.exp_avg", Tensor.zeros(5))))
                .hasMessageContaining("has shape [5], parameter has [4]");
        assertThatThrownBy(() -> resumed.loadStateDict(Map.of("momentum", Tensor.zeros(1))))
                .hasMessageContaining("unexpected optimizer state key 'momentum'");
    }

    @Test
    void argumentValidation() {
        Parameter p = new Parameter(Tensor.ones(1));
        assertThatThrownBy(() -> new Sgd(List.of(p), 0.1, 0, 0, 0, true)).hasMessageContaining("Nesterov");
        assertThatThrownBy(() -> new Adam(List.of(p), 0.1, 1.0, 0.999, 1e-8, 0, false)).hasMessageContaining("beta1");
        assertThatThrownBy(() -> new Sgd(List.of(p), -1)).hasMessageContaining("learning rate must be >= 0");
        assertThatThrownBy(() -> new Sgd(List.of(new ParamGroup(List.of(p), 1, 0), new ParamGroup(List.of(p), 1, 0)), 0, 0, false))
                .hasMessageContaining("more than one place");
        assertThatThrownBy(() -> new CosineAnnealingLR(0, 0)).hasMessageContaining("T_max");
        assertThatThrownBy(() -> new LinearLR(0, 1, 5)).hasMessageContaining("start factor");
        assertThatThrownBy(() -> ClipGrad.clipGradNorm(List.of(p), 1, 0.5)).hasMessageContaining("norm type");
    }

    @Test
    void schedulerCanResumeAtAnEpoch() {
        Optimizer opt = new Sgd(List.of(new Parameter(Tensor.ones(1))), 1.0);
        LrScheduler s = new LrScheduler(opt, new CosineAnnealingLR(10, 0), 5);
        assertThat(s.epoch()).isEqualTo(5);
        assertThat(opt.lr()).isCloseTo(0.5, within(1e-12));
        s.step();
        assertThat(opt.lr()).isCloseTo((1 + Math.cos(Math.PI * 6 / 10)) / 2, within(1e-12));
    }

    @Test
    void clipGradNormWithoutGradientsOrWithinTheLimit() {
        Parameter a = new Parameter(Tensor.ones(4));
        assertThat(ClipGrad.clipGradNorm(List.of(a), 1.0)).isZero();
        a.setGrad(Tensor.fromArray(new float[] {3, 0, 0, 4}, 4));
        assertThat(ClipGrad.clipGradNorm(List.of(a), 10.0)).isCloseTo(5.0, within(1e-9));
        assertThat(a.grad().toArray()).containsExactly(3f, 0f, 0f, 4f);
        assertThat(ClipGrad.clipGradNorm(List.of(a), 1.0)).isCloseTo(5.0, within(1e-9));
        assertThat(a.grad().toArray()[3]).isCloseTo(0.8f, within(1e-6f));
    }

    @Test
    void emaAveragesParametersAndCopiesBuffers() {
        Rng rng = new Rng(3);
        Sequential model = new Sequential(new Linear(2, 2, rng), new BatchNorm1d(2));
        Linear lin = (Linear) model.get(0);
        float w0 = lin.weight().data().toArray()[0];
        Ema ema = new Ema(model, 0.9);
        lin.weight().copyFrom(Tensor.full(1f, 2, 2));
        ((BatchNorm) model.get(1)).runningMean().copyFrom_(Tensor.full(7f, 2));
        ema.update();
        assertThat(ema.stateDict().get("0.weight").toArray()[0]).isCloseTo(0.9f * w0 + 0.1f, within(1e-6f));
        assertThat(ema.stateDict().get("1.running_mean").toArray()).containsOnly(7f);
        assertThat(ema.updates()).isEqualTo(1);

        Ema warm = new Ema(model, 0.999, true);
        assertThat(warm.currentDecay()).isCloseTo(2.0 / 11, within(1e-12));
        Sequential copy = new Sequential(new Linear(2, 2, new Rng(9)), new BatchNorm1d(2));
        ema.copyTo(copy);
        assertThat(copy.stateDict().get("0.weight").toArray()).containsExactly(ema.stateDict().get("0.weight").toArray());
    }
}
