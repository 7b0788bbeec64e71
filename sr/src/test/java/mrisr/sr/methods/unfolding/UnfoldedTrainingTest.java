package mrisr.sr.methods.unfolding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mrisr.engine.DType;
import mrisr.engine.Grad;
import mrisr.engine.Index;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.Parameter;
import mrisr.nn.io.SafeTensors;
import mrisr.nn.loss.MseLoss;
import mrisr.nn.optim.Adam;
import mrisr.sr.data.IntensityScale;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.pnp.PnpHqs;
import mrisr.sr.nets.DnCnn;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.LinearOperator;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnfoldedTrainingTest {
    private static final int[] HR = {6, 6, 16}, LR = {6, 6, 4};

    @TempDir
    Path dir;

    private static LinearOperator operator() {
        return Degradation.builder().factors(1, 1, 4).build().operator(HR, new double[] {1, 1, 1});
    }

    /** Two smooth high-resolution patches {@code [2, 1, 6, 6, 16]} and their noise-free low-resolution data. */
    private static Tensor[] batch(LinearOperator h) {
        Tensor a = Testing.ellipsoids(HR, Testing.SEED + 60).data(), b = Testing.ellipsoids(HR, Testing.SEED + 61).data();
        Tensor hr = Index.stack(List.of(a, b), 0).reshape(2, 1, HR[0], HR[1], HR[2]);
        Tensor lr = Index.stack(List.of(h.apply(a), h.apply(b)), 0).reshape(2, 1, LR[0], LR[1], LR[2]);
        return new Tensor[] {lr, hr};
    }

    @Test
    void forwardAndBackwardShapesAndEveryParameterGetsAGradient() {
        UnfoldedTraining t = UnfoldedTraining.create(new UnfoldedTraining.Hyper(3, 4), new Rng(Testing.SEED));
        LinearOperator h = operator();
        Tensor[] data = batch(h);
        Tensor x = t.forward(data[0], h);
        assertThat(x.shape()).containsExactly(2, 1, 6, 6, 16);
        Tensor single = t.forward(Testing.randn(62, LR), h);
        assertThat(single.shape()).containsExactly(HR);
        new MseLoss().compute(x, data[1]).backward();
        for (Map.Entry<String, Parameter> e : t.network().namedParameters().entrySet()) {
            assertThat(e.getValue().grad()).as(e.getKey()).isNotNull();
            assertThat(e.getValue().grad().shape()).as(e.getKey()).containsExactly(e.getValue().shape());
        }
        // the identity-initialised priors pass gradient to mu and to the last layers at once
        assertThat(Math.abs(t.network().namedParameters().get("stage0.log_mu").grad().item())).isGreaterThan(0);
        assertThat(Math.abs(t.network().namedParameters().get("stage2.conv3.bias").grad().item())).isGreaterThan(0);
        assertThat(t.parameters()).hasSize(3 * 8);
    }

    /** The whole unrolled chain (B-spline start, DC with μ = γ·exp(θ), CNN priors) against central finite differences. */
    @Test
    void endToEndGradientsMatchFiniteDifferences() {
        UnfoldedTraining t = UnfoldedTraining.create(new UnfoldedTraining.Hyper(2, 3), new Rng(Testing.SEED + 1));
        TrainingTesting.randomiseLastLayers(t, Testing.SEED + 2);
        LinearOperator h = operator();
        Tensor lr = batch(h)[0];
        assertGradientsMatchFiniteDifferences(t, h, lr, Testing.randn(63, 2, 1, 6, 6, 16),
                "stage0.log_mu", "stage1.log_mu", "stage0.log_lambda", "stage1.conv1.weight", "stage0.conv2.bias");
    }

    /** d⟨forward(lr), r⟩/dθ for each named parameter θ (its middle element) against central differences. */
    private static void assertGradientsMatchFiniteDifferences(UnfoldedTraining t, LinearOperator h, Tensor lr, Tensor r, String... names) {
        t.network().zeroGrad();
        t.forward(lr, h).mul(r).sum().backward();
        Map<String, Parameter> params = t.network().namedParameters();
        for (String name : names) {
            Parameter p = params.get(name);
            float[] original = p.data().toArray();
            int index = original.length / 2;
            double analytic = p.grad().toArray()[index];
            double eps = 1e-2;
            double[] values = new double[2];
            for (int s = 0; s < 2; s++) {
                float[] moved = original.clone();
                moved[index] += (float) (s == 0 ? eps : -eps);
                p.copyFrom(Tensor.fromArray(moved, p.shape()));
                try (var g = Grad.off()) {
                    values[s] = Testing.dot(t.forward(lr, h), r);
                }
            }
            p.copyFrom(Tensor.fromArray(original, p.shape()));
            double numeric = (values[0] - values[1]) / (2 * eps);
            System.out.printf("d loss / d %s[%d]: analytic %.6g, finite difference %.6g%n", name, index, analytic, numeric);
            assertThat(analytic).as(name).isCloseTo(numeric, within(2e-3 + 2e-2 * Math.abs(numeric)));
        }
    }

    /** A tiny end-to-end training run: the loss decreases over a few Adam steps. */
    @Test
    void lossDecreasesOverAFewAdamSteps() {
        UnfoldedTraining t = UnfoldedTraining.create(new UnfoldedTraining.Hyper(2, 4), new Rng(Testing.SEED + 3));
        LinearOperator h = operator();
        Tensor[] data = batch(h);
        Tensor noisy = data[0].add(Testing.randn(64, 2, 1, 6, 6, 4).mul(0.02));
        Adam adam = new Adam(t.parameters(), 2e-3);
        UnfoldedNetwork bound = t.bind(h);
        double first = 0, last = 0;
        for (int step = 0; step < 12; step++) {
            adam.zeroGrad();
            Tensor loss = new MseLoss().compute(bound.forward(noisy), data[1]);
            loss.backward();
            adam.step();
            if (step == 0) first = loss.item();
            last = loss.item();
        }
        System.out.printf("tiny training: MSE %.4g at step 1, %.4g at step 12%n", first, last);
        assertThat(last).isLessThan(0.95 * first);
    }

    @Test
    void saveLoadRoundTripKeepsWeightsMetadataAndOutputs() throws IOException {
        UnfoldedTraining t = UnfoldedTraining.create(new UnfoldedTraining.Hyper(2, 3), new Rng(Testing.SEED + 4));
        TrainingTesting.randomiseLastLayers(t, Testing.SEED + 5);
        Path file = dir.resolve("unfolded.safetensors");
        t.save(file, Map.of("train.factor", "1,1,4", "val_psnr", "31.5"));
        UnfoldedTraining back = UnfoldedTraining.load(file);
        assertThat(back.hyper()).isEqualTo(t.hyper());
        assertThat(back.notes()).containsEntry("train.factor", "1,1,4").containsEntry("val_psnr", "31.5");
        assertThat(back.metadata()).containsEntry("method", "unfolded").containsEntry("stages", "2").containsEntry("features", "3");
        Map<String, Tensor> a = t.network().stateDict(), b = back.network().stateDict();
        assertThat(b.keySet()).containsExactlyElementsOf(a.keySet());
        for (String k : a.keySet()) assertThat(b.get(k).toArray()).as(k).containsExactly(a.get(k).toArray());
        LinearOperator h = operator();
        Tensor lr = batch(h)[0];
        try (var g = Grad.off()) {
            assertThat(back.forward(lr, h).toArray()).containsExactly(t.forward(lr, h).toArray());
        }
        Volume lrVolume = Volume.of(lr.reshape(2, 6, 6, 4).narrow(0, 0, 1).reshape(LR), Volume.diagonalAffine(1, 1, 4));
        Volume viaMethod = new Unfolded().withModel(file).run(lrVolume, SrContext.of(1, 1, 4));
        assertThat(viaMethod.shape()).containsExactly(HR);
    }

    @Test
    void unusableModelFilesAreTypedErrorsNamingTheFile() throws IOException {
        UnfoldedTraining t = UnfoldedTraining.create(new UnfoldedTraining.Hyper(2, 3), new Rng(Testing.SEED + 6));
        Path other = dir.resolve("other.safetensors");
        Map<String, String> meta = new LinkedHashMap<>(t.hyper().metadata());
        meta.put("method", "deq");
        SafeTensors.write(other, t.network().stateDict(), meta, DType.FLOAT32);
        assertThatThrownBy(() -> UnfoldedTraining.load(other)).isInstanceOf(UnfoldedModelException.class)
                .hasMessageContaining(other.toString()).hasMessageContaining("'deq', expected 'unfolded'");

        Path missing = dir.resolve("missing.safetensors");
        Map<String, Tensor> state = new LinkedHashMap<>(t.network().stateDict());
        state.remove("stage1.conv2.weight");
        SafeTensors.write(missing, state, t.hyper().metadata(), DType.FLOAT32);
        assertThatThrownBy(() -> UnfoldedTraining.load(missing)).isInstanceOf(UnfoldedModelException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("stage1.conv2.weight");

        Path big = dir.resolve("big.safetensors");
        meta = new LinkedHashMap<>(t.hyper().metadata());
        meta.put("stages", "1000");
        SafeTensors.write(big, t.network().stateDict(), meta, DType.FLOAT32);
        assertThatThrownBy(() -> UnfoldedTraining.load(big)).isInstanceOf(UnfoldedModelException.class).hasMessageContaining("stages = 1000");

        Path absent = dir.resolve("absent.safetensors");
        assertThatThrownBy(() -> UnfoldedTraining.load(absent)).isInstanceOf(UnfoldedModelException.class)
                .hasMessage("--model " + absent + ": no such file");

        Path garbage = dir.resolve("garbage.safetensors");
        Files.writeString(garbage, "not a model");
        assertThatThrownBy(() -> new Unfolded().withModel(garbage)).isInstanceOf(UnfoldedModelException.class)
                .hasMessageContaining(garbage.toString());
    }

    /** Inference with tiled priors equals the whole-volume forward pass (the halo covers the receptive field). */
    @Test
    void tiledInferenceMatchesTheWholeVolumeForward() {
        UnfoldedTraining t = UnfoldedTraining.create(new UnfoldedTraining.Hyper(2, 3), new Rng(Testing.SEED + 8));
        TrainingTesting.randomiseLastLayers(t, Testing.SEED + 9);
        int[] hr = {11, 12, 16};
        LinearOperator h = Degradation.builder().factors(1, 1, 4).build().operator(hr, new double[] {1, 1, 1});
        Tensor lr = h.apply(Testing.ellipsoids(hr, Testing.SEED + 10).data());
        DataConsistency dc = DataConsistency.of(h);
        float[] whole;
        try (var g = Grad.off()) {
            whole = t.network().forward(lr, null, dc).toArray();
        }
        for (int tile : new int[] {4, 7, 64}) {
            float[] tiled = t.network().reconstruct(lr, null, dc, tile).toArray();
            assertThat(Testing.relativeError(tiled, Testing.toDouble(whole))).as("tile %d", tile).isLessThan(1e-5);
        }
    }

    @Test
    void boundNetworkSharesParametersAndUnboundForwardExplains() {
        UnfoldedTraining t = UnfoldedTraining.create(new UnfoldedTraining.Hyper(2, 2), new Rng(Testing.SEED + 7));
        LinearOperator h = operator();
        UnfoldedNetwork bound = t.bind(h);
        assertThat(bound.parameters()).containsExactlyElementsOf(t.parameters());
        assertThat(bound.stateDict().keySet()).containsExactlyElementsOf(t.network().stateDict().keySet());
        assertThat(t.dataConsistency(h)).isSameAs(bound.boundTo());
        Tensor lr = batch(h)[0];
        try (var g = Grad.off()) {
            assertThat(bound.forward(lr).toArray()).containsExactly(t.forward(lr, h).toArray());
        }
        assertThatThrownBy(() -> t.network().forward(lr)).isInstanceOf(IllegalStateException.class).hasMessageContaining("bind");
        assertThat(t.network().relativeMu()).hasSize(2);
        assertThat(t.network().relativeMu()[0]).isCloseTo(Unfolded.DEFAULT_RHO_FIRST, within(1e-6));
    }

    /**
     * New models divide by the data's robust scale and say so in their metadata; files without the
     * entry load as the maximum-normalised models they are; an unknown normalisation is a typed error.
     */
    @Test
    void normalisationIsRecordedAndLegacyFilesKeepTheMaximum() throws IOException {
        UnfoldedTraining t = UnfoldedTraining.create(new UnfoldedTraining.Hyper(2, 3), new Rng(Testing.SEED + 11));
        TrainingTesting.randomiseLastLayers(t, Testing.SEED + 12);
        assertThat(t.metadata()).containsEntry(UnfoldedTraining.NORMALISATION, IntensityScale.NAME);
        int[] hr = {12, 12, 16};
        LinearOperator h = Degradation.builder().factors(1, 1, 4).build().operator(hr, new double[] {1, 1, 1});
        // one bright voxel moves the maximum but not the 99.5th percentile of 576 voxels
        float[] spiked = h.apply(Testing.ellipsoids(hr, Testing.SEED + 15).data()).toArray();
        spiked[5] = 4 * Math.abs(spiked[5]) + 1;
        Tensor bright = Tensor.fromArray(spiked, 12, 12, 4);

        Path file = dir.resolve("new.safetensors");
        t.save(file, Map.of());
        UnfoldedTraining back = UnfoldedTraining.load(file);
        assertThat(back.network().normalisation()).isEqualTo(IntensityScale.NAME);
        assertThat(back.notes()).doesNotContainKey(UnfoldedTraining.NORMALISATION);

        Path legacy = dir.resolve("legacy.safetensors");
        SafeTensors.write(legacy, t.network().stateDict(), t.hyper().metadata(), DType.FLOAT32);
        UnfoldedTraining old = UnfoldedTraining.load(legacy);
        assertThat(old.network().normalisation()).isEqualTo(UnfoldedNetwork.MAX_ABS);
        try (var g = Grad.off()) {
            float[] robust = back.forward(bright, h).toArray(), byMax = old.forward(bright, h).toArray();
            assertThat(Testing.relativeError(robust, Testing.toDouble(byMax))).isGreaterThan(1e-3);
            // both stay equivariant to the data's scale
            float[] doubled = back.forward(bright.mul(2), h).toArray();
            for (int i = 0; i < robust.length; i++) assertThat(doubled[i]).isCloseTo(2 * robust[i], within(1e-4f * (1 + Math.abs(robust[i]))));
        }

        Path unknown = dir.resolve("unknown.safetensors");
        Map<String, String> meta = new LinkedHashMap<>(t.hyper().metadata());
        meta.put(UnfoldedTraining.NORMALISATION, "z-score");
        SafeTensors.write(unknown, t.network().stateDict(), meta, DType.FLOAT32);
        assertThatThrownBy(() -> UnfoldedTraining.load(unknown)).isInstanceOf(UnfoldedModelException.class)
                .hasMessageContaining(unknown.toString()).hasMessageContaining("'z-score'");
    }

    /**
     * Stages sharing one DnCNN: one copy of its weights in the state dict, the plug-and-play start
     * schedule, gradients against finite differences (the shared weights and a stage's μ and λ),
     * a save/load round trip that rebuilds the shared prior, and tiled inference with its larger halo.
     */
    @Test
    void stagesSharingADenoiser() throws IOException {
        DnCnn denoiser = new DnCnn(3, 3, new Rng(Testing.SEED + 20));
        UnfoldedTraining t = UnfoldedTraining.fromDenoiser(3, denoiser);
        assertThat(t.hyper()).isEqualTo(new UnfoldedTraining.Hyper(3, 3, 3));
        assertThat(t.network().sharedDenoiser()).isSameAs(denoiser);
        assertThat(t.network().stateDict().keySet()).contains("stage2.log_lambda", "prior.body.0.weight")
                .noneMatch(k -> k.startsWith("stage") && k.contains("body"));
        assertThat(t.parameters()).hasSize(3 * 2 + denoiser.parameters().size());
        double[] lambda = t.network().lambda();
        assertThat(lambda[0]).isCloseTo(PnpHqs.DEFAULT_SCHEDULE.start(), within(1e-6));
        assertThat(lambda[2]).isCloseTo(PnpHqs.DEFAULT_SCHEDULE.end(UnfoldedTraining.START_NOISE), within(1e-6));

        LinearOperator h = operator();
        Tensor lr = batch(h)[0];
        assertGradientsMatchFiniteDifferences(t, h, lr, Testing.randn(65, 2, 1, 6, 6, 16),
                "stage1.log_mu", "stage2.log_lambda", "prior.body.2.weight", "prior.body.4.bias");

        Path file = dir.resolve("shared.safetensors");
        t.save(file, Map.of());
        UnfoldedTraining back = UnfoldedTraining.load(file);
        assertThat(back.hyper()).isEqualTo(t.hyper());
        assertThat(back.metadata()).containsEntry("prior", UnfoldedTraining.SHARED_DNCNN).containsEntry("prior_depth", "3");
        int[] hr = {11, 12, 16};
        LinearOperator big = Degradation.builder().factors(1, 1, 4).build().operator(hr, new double[] {1, 1, 1});
        Tensor data = big.apply(Testing.ellipsoids(hr, Testing.SEED + 21).data());
        DataConsistency dc = DataConsistency.of(big);
        float[] whole;
        try (var g = Grad.off()) {
            whole = t.network().forward(data, null, dc).toArray();
        }
        float[] tiled = back.network().reconstruct(data, null, dc, 5).toArray();
        assertThat(Testing.relativeError(tiled, Testing.toDouble(whole))).isLessThan(1e-5);
    }

    /** A training view for volume-normalised patches skips the per-sample normalisation; the plain view keeps it. */
    @Test
    void normalisedTrainingViewDoesNotRenormalise() {
        UnfoldedTraining t = UnfoldedTraining.create(new UnfoldedTraining.Hyper(2, 3), new Rng(Testing.SEED + 22));
        TrainingTesting.randomiseLastLayers(t, Testing.SEED + 23);
        int[] hr = {12, 12, 16};
        LinearOperator h = Degradation.builder().factors(1, 1, 4).build().operator(hr, new double[] {1, 1, 1});
        float[] y = h.apply(Testing.ellipsoids(hr, Testing.SEED + 24).data()).toArray();
        double scale = IntensityScale.of(y);
        Tensor unit = Tensor.fromArray(y, 1, 1, 12, 12, 4).div(scale);
        UnfoldedNetwork plain = t.bind(h), normalised = t.bindNormalised(h);
        try (var g = Grad.off()) {
            float[] a = plain.forward(unit).toArray(), b = normalised.forward(unit).toArray();
            assertThat(Testing.relativeError(b, Testing.toDouble(a))).isLessThan(1e-5);
            float[] plainTriple = plain.forward(unit.mul(3)).toArray(), normTriple = normalised.forward(unit.mul(3)).toArray();
            for (int i = 0; i < a.length; i++) assertThat(plainTriple[i]).isCloseTo(3 * a[i], within(1e-4f * (1 + Math.abs(a[i]))));
            double[] tripled = new double[a.length];
            for (int i = 0; i < a.length; i++) tripled[i] = 3.0 * a[i];
            assertThat(Testing.relativeError(normTriple, tripled)).isGreaterThan(1e-3);
        }
    }
}
