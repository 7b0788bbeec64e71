package mrisr.sr.methods.deq;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mrisr.sr.data.Phantoms;
import mrisr.sr.methods.BundledModels;
import mrisr.sr.methods.LearnedMethod;
import mrisr.sr.methods.Methods;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.TinyModels;
import mrisr.sr.physics.Degradation;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deq} takes the shipped prior when there is one, the smoothing prior otherwise, and says which. */
class BundledDeqTest {
    private static final SrContext X4 = SrContext.of(1, 1, 4);

    @TempDir
    Path dir;

    private static Volume lowResolution() {
        return Degradation.builder().factors(1, 1, 4).build().apply(Phantoms.brain(new int[] {16, 16, 16}, new double[] {1, 1, 1}, 2).image());
    }

    @Test
    void aBundledPriorIsUsedAndNamed() {
        TinyModels.deq(dir);
        DeqMethod m = new DeqMethod().withBundledModels(BundledModels.in(dir));
        assertThat(m.prior()).isEqualTo("bundled deq");
        assertThat(m.description()).endsWith("; trained R (bundled deq.safetensors)");
        List<String> lines = new ArrayList<>();
        Volume lr = lowResolution();
        float[] bundled = m.run(lr, X4.withProgress(lines::add)).data().toArray();
        assertThat(lines.getFirst()).isEqualTo("deq: prior R trained DeqPrior(hidden=2) (bundled deq.safetensors)");
        // the tiny model is the smoothing prior of strength 0.5: the same as given explicitly, not the default 0.25
        float[] explicit = new DeqMethod(TinyModels.deqPrior(), DeqMethod.defaultSolver()).run(lr, X4).data().toArray();
        assertThat(bundled).containsExactly(explicit);
        assertThat(bundled).isNotEqualTo(new DeqMethod().run(lr, X4).data().toArray());
    }

    @Test
    void withoutABundledPriorTheSmoothingPriorRunsAndIsNamed() {
        DeqMethod m = new DeqMethod().withBundledModels(BundledModels.in(dir));
        assertThat(m.prior()).isEqualTo("smoothing fallback");
        assertThat(m.description()).endsWith("; default R damps what H cannot see (no bundled model)");
        List<String> lines = new ArrayList<>();
        Volume lr = lowResolution();
        float[] fallback = m.run(lr, X4.withProgress(lines::add)).data().toArray();
        assertThat(lines.getFirst()).isEqualTo("deq: prior R smoothing, strength 0.25 (no bundled model)");
        assertThat(fallback).containsExactly(new DeqMethod().run(lr, X4).data().toArray());
    }

    @Test
    void theSolverKeepsTheBindingAndAnExplicitPriorIsNamed() {
        TinyModels.deq(dir);
        DeqMethod bound = new DeqMethod().withBundledModels(BundledModels.in(dir));
        assertThat(bound.withSolver(DeqMethod.defaultSolver()).prior()).isEqualTo("bundled deq");
        assertThat(DeqMethod.withModel(dir.resolve("deq.safetensors")).prior()).isEqualTo("trained DeqPrior(hidden=2)");
        assertThat(new DeqMethod().prior()).isEqualTo("smoothing");
        boolean shipped = BundledModels.classpath().contains(BundledModels.Model.DEQ);
        assertThat(((LearnedMethod) Methods.get("deq")).prior()).isEqualTo(shipped ? "bundled deq" : "smoothing fallback");
    }
}
