package mrisr.sr.methods.pnp;

import java.nio.file.Path;
import java.util.Locale;
import mrisr.sr.methods.SrMethod;

/**
 * The command-line choice of a plug-and-play prior, {@code --denoiser tv|nlm|FILE.safetensors}:
 *
 * <ul>
 *   <li>{@code tv} — {@link TvDenoiser} with its defaults (the default prior);</li>
 *   <li>{@code nlm} — {@link NlmDenoiser} with its defaults (3³ patches, 5³ search window, h = 0.8σ);</li>
 *   <li>a path ending in {@code .safetensors} — a trained {@link mrisr.sr.nets.DnCnn} loaded by
 *       {@link LearnedDenoiser#load}.</li>
 * </ul>
 *
 * <pre>{@code
 * SrMethod m = DenoiserOption.apply(Methods.get("pnp-admm"), "nlm");
 * Denoiser d = DenoiserOption.parse("models/dncnn.safetensors");
 * }</pre>
 */
public final class DenoiserOption {
    /** The help text of the option. */
    public static final String HELP = "Prior of the plug-and-play methods (pnp-hqs, pnp-admm, red): tv (default), nlm, "
            + "or a DnCNN model file FILE.safetensors (from 'mrisr train --method dncnn').";

    private DenoiserOption() {}

    /**
     * The denoiser {@code spec} names.
     *
     * @throws DenoiserException for an unknown name or an unusable model file (the message names it)
     */
    public static Denoiser parse(String spec) {
        if (spec == null || spec.isBlank()) throw new DenoiserException("--denoiser: empty value, expected tv, nlm or FILE.safetensors");
        String s = spec.trim();
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "tv" -> new TvDenoiser();
            case "nlm" -> new NlmDenoiser();
            default -> {
                if (!s.toLowerCase(Locale.ROOT).endsWith(".safetensors")) {
                    throw new DenoiserException("--denoiser " + s + ": expected tv, nlm or a model file ending in .safetensors");
                }
                try {
                    yield LearnedDenoiser.load(Path.of(s));
                } catch (DenoiserException e) {
                    throw new DenoiserException("--denoiser: " + e.getMessage(), e);
                }
            }
        };
    }

    /**
     * {@code method} with the prior {@code spec}.
     *
     * @throws DenoiserException when {@code method} is not a plug-and-play method or {@code spec} is unusable
     */
    public static PnpMethod apply(SrMethod method, String spec) {
        if (!(method instanceof PnpMethod p)) {
            throw new DenoiserException("--denoiser applies to the plug-and-play methods (" + PnpMethods.names()
                    + "), not to '" + method.name() + "'");
        }
        return p.withDenoiser(parse(spec));
    }
}
