package mrisr.nn.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import mrisr.engine.GradCheck;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.engine.TestTensors;
import mrisr.nn.Conv2d;
import mrisr.nn.Module;
import mrisr.nn.Parameter;
import org.junit.jupiter.api.Test;

/** Perceptual, style and adversarial losses. */
class FeatureAndAdversarialLossesTest {
    /** φ(x) = x². */
    static final class Square extends Module {
        @Override
        public Tensor forward(Tensor x) {
            return x.mul(x);
        }
    }

    /** φ(x) = 3x. */
    static final class Triple extends Module {
        @Override
        public Tensor forward(Tensor x) {
            return x.mul(3);
        }
    }

    @Test
    void perceptualLossOverTwoStagesByHand() {
        Tensor p = Tensor.fromArray(new float[] {1, 2}, 1, 1, 2), t = Tensor.fromArray(new float[] {2, -1}, 1, 1, 2);
        // stage 1: x² → (1, 4) vs (4, 1): mean|·| = 3, mean(·)² = 9; stage 2: 3x² → differences ×3
        assertThat(new PerceptualLoss(new Square()).compute(p, t).item()).isEqualTo(3f);
        PerceptualLoss two = new PerceptualLoss(List.of(new Square(), new Triple()), new double[] {1, 0.5}, true);
        assertThat(two.compute(p, t).item()).isCloseTo(9f + 0.5f * 81f, within(1e-5f));
        assertThatThrownBy(() -> new PerceptualLoss(List.of(new Square()), new double[] {1, 2}, false))
                .hasMessageContaining("2 weights for 1 stages");
    }

    @Test
    void styleLossComparesNormalisedGramMatrices() {
        // F = [[1, 2], [0, 1]] (C = 2 channels, M = 2 positions): G = F·Fᵀ/4 = [[5, 2], [2, 1]]/4; target zeros
        Tensor f = Tensor.fromArray(new float[] {1, 2, 0, 1}, 1, 2, 2);
        assertThat(StyleLoss.gram(f).toArray()).containsExactly(1.25f, 0.5f, 0.5f, 0.25f);
        float want = 1.25f * 1.25f + 2 * 0.25f + 0.0625f;
        assertThat(new StyleLoss(new mrisr.nn.Identity()).compute(f, Tensor.zeros(1, 2, 2)).item()).isCloseTo(want, within(1e-6f));
    }

    @Test
    void featureLossGradientsFlowThroughAFrozenNetwork() {
        Conv2d conv = new Conv2d(1, 2, 3, 1, 1, new Rng(3));
        for (Parameter p : conv.parameters()) p.requiresGrad(false);
        Tensor x = TestTensors.randn(20, 1, 1, 4, 4), y = TestTensors.randn(21, 1, 1, 4, 4);
        GradCheck.check("perceptual", xs -> new PerceptualLoss(List.of(conv), new double[] {1}, true).compute(xs[0], xs[1]),
                GradCheck.Options.defaults().only(true, false), x, y);
        GradCheck.check("style", xs -> new StyleLoss(conv).compute(xs[0], xs[1]),
                GradCheck.Options.defaults().only(true, false), x, y);
        new PerceptualLoss(conv).compute(x.requiresGrad(true), y).backward();
        assertThat(conv.weight().grad()).isNull();
    }

    @Test
    void adversarialLossesByHand() {
        Tensor r = Tensor.fromArray(new float[] {2, -1}, 2), f = Tensor.fromArray(new float[] {0.5f, -3}, 2);
        double mr = 0.5, mf = -1.25;
        double dStandard = (sp(-2) + sp(1)) / 2 + (sp(0.5) + sp(-3)) / 2;
        AdversarialLoss vanilla = new AdversarialLoss(AdversarialLoss.Kind.VANILLA);
        AdversarialLoss ns = new AdversarialLoss(AdversarialLoss.Kind.NON_SATURATING);
        AdversarialLoss ra = new AdversarialLoss(AdversarialLoss.Kind.RELATIVISTIC_AVERAGE);
        assertThat((double) vanilla.discriminatorLoss(r, f).item()).isCloseTo(dStandard, within(1e-6));
        assertThat((double) ns.discriminatorLoss(r, f).item()).isCloseTo(dStandard, within(1e-6));
        // vanilla G minimises log(1 − σ(f)); non-saturating G minimises −log σ(f)
        assertThat((double) vanilla.generatorLoss(null, f).item())
                .isCloseTo((Math.log(1 - sigmoid(0.5)) + Math.log(1 - sigmoid(-3))) / 2, within(1e-6));
        assertThat((double) ns.generatorLoss(null, f).item())
                .isCloseTo(-(Math.log(sigmoid(0.5)) + Math.log(sigmoid(-3))) / 2, within(1e-6));
        double dRa = -(Math.log(sigmoid(2 - mf)) + Math.log(sigmoid(-1 - mf))) / 2
                - (Math.log(1 - sigmoid(0.5 - mr)) + Math.log(1 - sigmoid(-3 - mr))) / 2;
        double gRa = -(Math.log(1 - sigmoid(2 - mf)) + Math.log(1 - sigmoid(-1 - mf))) / 2
                - (Math.log(sigmoid(0.5 - mr)) + Math.log(sigmoid(-3 - mr))) / 2;
        assertThat((double) ra.discriminatorLoss(r, f).item()).isCloseTo(dRa, within(1e-6));
        assertThat((double) ra.generatorLoss(r, f).item()).isCloseTo(gRa, within(1e-6));
        assertThatThrownBy(() -> ra.generatorLoss(null, f)).hasMessageContaining("realLogits");
        // logits of 100 would overflow exp in float; softplus keeps them finite
        assertThat(ns.discriminatorLoss(Tensor.full(100f, 3), Tensor.full(-100f, 3)).item()).isCloseTo(0f, within(1e-6f));
    }

    @Test
    void adversarialGradients() {
        Tensor r = TestTensors.randn(22, 3, 2), f = TestTensors.randn(23, 3, 2);
        for (AdversarialLoss.Kind k : AdversarialLoss.Kind.values()) {
            AdversarialLoss gan = new AdversarialLoss(k);
            GradCheck.check(k + " D", xs -> gan.discriminatorLoss(xs[0], xs[1]), r, f);
            GradCheck.check(k + " G", xs -> gan.generatorLoss(xs[0], xs[1]),
                    k == AdversarialLoss.Kind.RELATIVISTIC_AVERAGE ? GradCheck.Options.defaults()
                            : GradCheck.Options.defaults().only(false, true), r, f);
        }
    }

    private static double sp(double z) {
        return Math.log1p(Math.exp(z));
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
