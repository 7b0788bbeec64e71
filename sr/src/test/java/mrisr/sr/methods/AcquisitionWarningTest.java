package mrisr.sr.methods;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.sr.data.TrainingDegradation;
import mrisr.sr.methods.deq.DeqMethod;
import mrisr.sr.methods.deq.DeqPrior;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.SliceProfile;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The warning a learned method prints when its model was trained for another acquisition. */
class AcquisitionWarningTest {
    private static final Map<String, String> TRAINED_1_1_4 =
            new TrainingDegradation(new int[] {1, 1, 4}, SliceProfile.Kind.GAUSSIAN, 0.01, true).metadata();

    private static SrContext context(Degradation d) {
        return new SrContext(d.factors(), 0).withDegradation(d);
    }

    @Test
    void silentWhenTheAcquisitionMatchesOrIsNotRecorded() {
        SrContext same = context(Degradation.builder().factors(1, 1, 4).build());
        assertThat(LearnedMethod.acquisitionWarning(TRAINED_1_1_4, same)).isEmpty();
        assertThat(LearnedMethod.acquisitionWarning(TRAINED_1_1_4, new SrContext(new double[] {1, 1, 4}, 0))).isEmpty();
        assertThat(LearnedMethod.acquisitionWarning(Map.of("method", "deq"), context(Degradation.builder().factors(2, 2, 1).build())))
                .isEmpty();
        assertThat(LearnedMethod.acquisitionWarning(Map.of("factor", "1,x,4", "profile", "gaussian", "noise", "0", "rician", "false"),
                context(Degradation.builder().factors(2, 2, 1).build()))).isEmpty();
    }

    @Test
    void namesWhatDiffers() {
        assertThat(LearnedMethod.acquisitionWarning(TRAINED_1_1_4, context(Degradation.builder().factors(2, 2, 1).build())))
                .hasValue("warning: the model was trained for factor 1,1,4; this request is factor 2,2,1 (results may be poor)");
        assertThat(LearnedMethod.acquisitionWarning(TRAINED_1_1_4,
                context(Degradation.builder().factors(1, 1, 4).profile(SliceProfile.Kind.RECT).build())))
                .hasValue("warning: the model was trained for gaussian profile; this request is rect profile (results may be poor)");
        assertThat(LearnedMethod.acquisitionWarning(TRAINED_1_1_4, context(Degradation.builder().factors(2, 2, 1).kspace(true).build())))
                .hasValueSatisfying(w -> assertThat(w).startsWith("warning: the model was trained for image-space slices (factor 1,1,4")
                        .endsWith("not k-space truncation (results may be poor)"));
    }

    @Test
    void deqReportsItForALoadedPrior(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("deq.safetensors");
        DeqPrior.smoothing(new double[] {1, 1, 4}, 0.25).save(file, TRAINED_1_1_4);
        assertThat(DeqPrior.load(file).fileMetadata()).containsAllEntriesOf(TRAINED_1_1_4);

        Volume lr = Volume.of(Tensor.rand(new Rng(1), 6, 6, 8), Volume.diagonalAffine(2, 2, 1));
        List<String> lines = new ArrayList<>();
        DeqMethod.withModel(file).run(lr, context(Degradation.builder().factors(2, 2, 1).build()).withProgress(lines::add));
        assertThat(lines).contains("deq: warning: the model was trained for factor 1,1,4; this request is factor 2,2,1 (results may be poor)");
    }
}
