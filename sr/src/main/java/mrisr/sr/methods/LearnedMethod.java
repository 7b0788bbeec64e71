package mrisr.sr.methods;

import java.util.Map;
import java.util.Optional;
import mrisr.sr.data.TrainingDegradation;
import mrisr.sr.physics.Degradation;

/**
 * A method whose prior is learned, or can be: it names the prior or model a run uses, so that
 * reports ({@code mrisr bench methods}) and progress lines can say what produced a result, and it
 * takes its default model from {@link BundledModels}.
 *
 * <p>The registry ({@link Methods}) binds the plug-and-play methods, {@code unfolded} and {@code deq}
 * to {@link BundledModels#classpath()}: they use the shipped model when the build has one and their
 * classical prior otherwise. The self-supervised methods train their network on the input and have
 * nothing to bind.
 *
 * <pre>{@code
 * LearnedMethod m = ((LearnedMethod) Methods.get("pnp-hqs")).withBundledModels(BundledModels.in(Path.of("models")));
 * System.out.println(m.prior());   // "bundled dncnn" when models/dncnn.safetensors exists, else "tv fallback"
 * }</pre>
 */
public interface LearnedMethod extends SrMethod {

    /**
     * A short label of the prior or model a run uses, for reports: e.g. {@code "bundled dncnn"}, a
     * fallback {@code "tv fallback"}, an explicit choice {@code "nlm"} or {@code "learned my.safetensors"}.
     * Looks up whether a bundled model exists but does not load it.
     */
    String prior();

    /**
     * This method taking its default model from {@code models}: a run uses the method's file there
     * when it exists (read at each run) and the method's classical prior otherwise. An explicit
     * model bound earlier is dropped; one bound later (the method's {@code withModel} or
     * {@code withDenoiser}) replaces the bundled one. Methods that have no bundled model return
     * themselves.
     */
    default LearnedMethod withBundledModels(BundledModels models) {
        return this;
    }

    /**
     * The warning for a model trained for one acquisition ({@code factor}, {@code profile},
     * {@code noise}, {@code rician} in its metadata, as {@code mrisr train} writes them) applied to
     * another: other factors, another stated slice profile, or k-space truncation. Empty when they
     * agree or the metadata records no acquisition.
     *
     * @param modelMetadata the model file's metadata (not modified)
     */
    static Optional<String> acquisitionWarning(Map<String, String> modelMetadata, SrContext ctx) {
        Optional<TrainingDegradation> trained = TrainingDegradation.fromMetadata(modelMetadata);
        if (trained.isEmpty()) return Optional.empty();
        Degradation d = ctx.degradation();
        if (d != null && d.kspace()) {
            return Optional.of("warning: the model was trained for image-space slices (" + trained.get().describe()
                    + "), not k-space truncation (results may be poor)");
        }
        return Optional.ofNullable(trained.get().mismatch(ctx.factors(), d == null ? null : d.profile(), null)).map(w -> "warning: " + w);
    }
}
