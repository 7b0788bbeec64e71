package mrisr.sr.methods.pnp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mrisr.sr.methods.BundledModels;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.TinyModels;
import mrisr.sr.physics.Degradation;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plug-and-play methods take the shipped denoiser when there is one, TV otherwise, and say which. */
class BundledDenoiserTest {
    private static final SrContext X4 = SrContext.of(1, 1, 4);

    @TempDir
    Path dir;

    private static Volume lowResolution() {
        return Degradation.builder().factors(1, 1, 4).noise(0.01).seed(PnpTesting.SEED + 5).build().apply(PnpTesting.ellipsoids(16, 72));
    }

    @Test
    void aBundledDenoiserIsThePriorAndIsNamed() {
        Path file = TinyModels.dncnn(dir);
        Volume lr = lowResolution();
        for (PnpMethod plain : List.of(new PnpHqs(), new PnpAdmm(), new Red())) {
            PnpMethod m = plain.withMaxIterations(2).withBundledModels(BundledModels.in(dir));
            assertThat(m.prior()).isEqualTo("bundled dncnn");
            assertThat(m.description()).endsWith("; learned denoiser (bundled dncnn.safetensors)");
            List<String> lines = new ArrayList<>();
            float[] bundled = m.run(lr, X4.withProgress(lines::add)).data().toArray();
            assertThat(lines.getFirst()).startsWith(m.name() + ": learned denoiser (bundled dncnn.safetensors, DnCNN 2x2, slabs of 16 planes");
            // the same network given explicitly, as --denoiser FILE does
            float[] explicit = plain.withMaxIterations(2).withDenoiser(LearnedDenoiser.load(file)).run(lr, X4).data().toArray();
            assertThat(bundled).as(m.name()).containsExactly(explicit);
        }
    }

    @Test
    void withoutABundledDenoiserTheTvPriorRunsAndIsNamed() {
        Volume lr = lowResolution();
        PnpMethod m = new PnpAdmm().withMaxIterations(2).withBundledModels(BundledModels.in(dir));
        assertThat(m.prior()).isEqualTo("tv fallback");
        assertThat(m.description()).endsWith("; TV prior (no bundled model)");
        assertThat(m.denoiser()).isInstanceOf(TvDenoiser.class);
        List<String> lines = new ArrayList<>();
        float[] fallback = m.run(lr, X4.withProgress(lines::add)).data().toArray();
        assertThat(lines.getFirst()).startsWith("pnp-admm: TV prior (no bundled model): TV prox (weight 1.00·σ");
        assertThat(fallback).containsExactly(new PnpAdmm().withMaxIterations(2).run(lr, X4).data().toArray());
    }

    @Test
    void anExplicitDenoiserReplacesTheBundledOneAndTheModelIsReadAtEachRun() {
        BundledModels models = BundledModels.in(dir);
        PnpMethod bound = new PnpHqs().withBundledModels(models);
        assertThat(bound.withDenoiser(new NlmDenoiser()).prior()).isEqualTo("nlm");
        assertThat(bound.withLambda(0.5).withMaxIterations(3).prior()).isEqualTo("tv fallback"); // schedule changes keep the binding
        assertThat(bound.withCg(4, 1e-3).prior()).isEqualTo("tv fallback");
        TinyModels.dncnn(dir); // shipped after the method was made
        assertThat(bound.prior()).isEqualTo("bundled dncnn");
        assertThat(bound.toString()).startsWith("pnp-hqs [bundled dncnn: TV prox");
        assertThat(Files.exists(dir.resolve("dncnn.safetensors"))).isTrue();
    }

    @Test
    void denoiserOptionLearnedIsTheBundledDenoiser() {
        TinyModels.dncnn(dir);
        Denoiser d = DenoiserOption.parse("learned", BundledModels.in(dir));
        assertThat(d).isInstanceOf(LearnedDenoiser.class);
        assertThat(((LearnedDenoiser) d).origin()).isEqualTo("bundled dncnn.safetensors");
        PnpMethod m = DenoiserOption.apply(new Red(), "Learned", BundledModels.in(dir));
        assertThat(m.prior()).isEqualTo("learned bundled dncnn.safetensors");
    }
}
