package mrisr.sr.methods.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mrisr.sr.methods.Methods;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.SrMethod;
import mrisr.sr.methods.UnknownMethodException;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;

class MethodsTest {

    @Test
    void registryListsTheBaselinesByCliName() {
        assertThat(Methods.names()).containsSubsequence("nearest", "linear", "cubic", "bspline", "lanczos", "sinc");
        assertThat(Interpolation.names()).containsExactly("nearest", "linear", "cubic", "bspline", "lanczos", "sinc");
        for (Interpolation m : Interpolation.all()) {
            assertThat(Methods.get(m.name())).isSameAs(m);
            assertThat(Interpolation.named(m.name())).isSameAs(m);
            assertThat(m.description()).isNotBlank();
        }
        assertThat(Methods.names()).doesNotHaveDuplicates();
    }

    @Test
    void unknownNamesListTheKnownOnes() {
        assertThatThrownBy(() -> Methods.get("bicubic")).isInstanceOf(UnknownMethodException.class)
                .hasMessageContaining("'bicubic'").hasMessageContaining("nearest, linear, cubic, bspline, lanczos, sinc");
        assertThatThrownBy(() -> Interpolation.named("Linear")).isInstanceOf(UnknownMethodException.class)
                .hasMessageContaining("'Linear'");
    }

    @Test
    void everyRegisteredMethodHonoursTheGridContract() {
        Volume lr = Volumes.random(5, 4, 5, 3);
        SrContext ctx = SrContext.of(2, 1, 3);
        for (SrMethod m : Methods.all()) {
            if (m instanceof mrisr.sr.nets.NetworkMethod) continue; // needs a trained model: SrModelTest covers it
            Volume sr = m.run(lr, ctx);
            assertThat(sr.shape()).as(m.name()).containsExactly(ctx.outputShape(lr.shape()));
            assertThat(sr.affine()).as(m.name()).isDeepEqualTo(Volume.resampledAffine(lr.affine(), ctx.factors()));
        }
    }
}
