package mrisr.sr.methods.unfolding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mrisr.sr.methods.BundledModels;
import mrisr.sr.methods.LearnedMethod;
import mrisr.sr.methods.Methods;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.TinyModels;
import mrisr.sr.physics.Degradation;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code unfolded} takes the shipped model when there is one, the fixed TV prior otherwise, and says which. */
class BundledUnfoldedTest {
    private static final SrContext X4 = SrContext.of(1, 1, 4);

    @TempDir
    Path dir;

    private static Volume lowResolution() {
        return Degradation.builder().factors(1, 1, 4).noise(0.01).seed(5).build().apply(Testing.ellipsoids(new int[] {12, 12, 16}, Testing.SEED + 9));
    }

    @Test
    void aBundledModelGivesTheLearnedStagesAndIsNamed() {
        Path file = TinyModels.unfolded(dir);
        Unfolded m = new Unfolded().withBundledModels(BundledModels.in(dir));
        assertThat(m.prior()).isEqualTo("bundled unfolded");
        assertThat(m.description()).endsWith("; learned stages (bundled unfolded.safetensors)");
        assertThat(m.model()).isNull(); // read at each run, not held
        List<String> lines = new ArrayList<>();
        Volume lr = lowResolution();
        float[] bundled = m.run(lr, X4.withProgress(lines::add)).data().toArray();
        assertThat(lines.getFirst()).startsWith("unfolded: 2 learned stages of 2 features (bundled unfolded.safetensors); ");
        assertThat(bundled).containsExactly(new Unfolded().withModel(file).run(lr, X4).data().toArray());
    }

    @Test
    void withoutABundledModelTheFixedPriorRunsAndIsNamed() {
        Unfolded m = new Unfolded().withBundledModels(BundledModels.in(dir));
        assertThat(m.prior()).isEqualTo("tv fallback");
        assertThat(m.description()).endsWith("; fixed TV prior (half-quadratic splitting, lambda, --iters stages), no bundled model");
        List<String> lines = new ArrayList<>();
        Volume lr = lowResolution();
        float[] fallback = m.run(lr, X4.withProgress(lines::add)).data().toArray();
        assertThat(lines.getFirst()).startsWith("unfolded: 8 stages, fixed TV prior, lambda 0.005 (no bundled model); ");
        assertThat(fallback).containsExactly(new Unfolded().run(lr, X4).data().toArray());
    }

    @Test
    void lambdaAndStagesChooseTheFixedPriorAndAnExplicitModelReplacesTheBundle() {
        TinyModels.unfolded(dir);
        Unfolded bound = new Unfolded().withBundledModels(BundledModels.in(dir));
        assertThat(bound.withLambda(0.01).prior()).isEqualTo("tv");
        assertThat(bound.withMaxIterations(3).prior()).isEqualTo("tv");
        assertThat(bound.withMaxIterations(3).maxIterations()).isEqualTo(3);
        assertThat(bound.withModel(UnfoldedTraining.load(dir.resolve("unfolded.safetensors"))).prior()).isEqualTo("trained, 2 stages");
        assertThat(new Unfolded().prior()).isEqualTo("tv");
    }

    @Test
    void theRegisteredMethodLooksInTheShippedModels() {
        boolean shipped = BundledModels.classpath().contains(BundledModels.Model.UNFOLDED);
        assertThat(((LearnedMethod) Methods.get("unfolded")).prior()).isEqualTo(shipped ? "bundled unfolded" : "tv fallback");
    }
}
