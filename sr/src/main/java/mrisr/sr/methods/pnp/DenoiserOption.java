package mrisr.sr.methods.pnp;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import mrisr.sr.methods.BundledModels;
import mrisr.sr.methods.SrMethod;

/**
 * The command-line choice of a plug-and-play prior, {@code --denoiser tv|nlm|learned|FILE.safetensors}:
 *
 * <ul>
 *   <li>{@code tv} — {@link TvDenoiser} with its defaults (the prior when no learned one is bundled);</li>
 *   <li>{@code nlm} — {@link NlmDenoiser} with its defaults (3³ patches, 5³ search window, h = 0.8σ);</li>
 *   <li>{@code learned} — the DnCNN shipped with mrisr ({@code dncnn.safetensors} of
 *       {@link BundledModels}), an error when the build has none (without the option the methods use
 *       it when it exists and TV otherwise);</li>
 *   <li>a path ending in {@code .safetensors} — a trained {@link mrisr.sr.nets.DnCnn} loaded by
 *       {@link LearnedDenoiser#load}.</li>
 * </ul>
 *
 * <pre>{@code
 * SrMethod m = DenoiserOption.apply(Methods.get("pnp-admm"), "nlm", BundledModels.classpath());
 * Denoiser d = DenoiserOption.parse("models/dncnn.safetensors", BundledModels.classpath());
 * }</pre>
 */
public final class DenoiserOption {
    /** The help text of the option. */
    public static final String HELP = "Prior of the plug-and-play methods (pnp-hqs, pnp-admm, red): tv, nlm, learned (the DnCNN "
            + "shipped with mrisr), or a DnCNN model file FILE.safetensors from 'mrisr train --method dncnn' (default: learned "
            + "when shipped, else tv).";

    private static final String EXPECTED = "tv, nlm, learned or a model file ending in .safetensors";

    private DenoiserOption() {}

    /**
     * The denoiser {@code spec} names.
     *
     * @param models where {@code learned} is looked up
     * @throws DenoiserException for an unknown name, an unusable model file, or {@code learned} when
     *     {@code models} has no denoiser (the message names the value and what was expected)
     */
    public static Denoiser parse(String spec, BundledModels models) {
        if (spec == null || spec.isBlank()) throw new DenoiserException("--denoiser: empty value, expected " + EXPECTED);
        String s = spec.trim();
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "tv" -> new TvDenoiser();
            case "nlm" -> new NlmDenoiser();
            case "learned" -> {
                String origin = models.describe(BundledModels.Model.DNCNN);
                yield models.read(BundledModels.Model.DNCNN, f -> LearnedDenoiser.load(f).withOrigin(origin))
                        .orElseThrow(() -> new DenoiserException("--denoiser learned: no learned denoiser is shipped (" + models
                                + " have no " + BundledModels.Model.DNCNN.fileName() + "); give a DnCNN file instead, "
                                + "--denoiser FILE.safetensors (from 'mrisr train --method dncnn'), or tv or nlm"));
            }
            default -> {
                if (!s.toLowerCase(Locale.ROOT).endsWith(".safetensors")) throw new DenoiserException("--denoiser " + s + ": expected " + EXPECTED);
                try {
                    yield LearnedDenoiser.load(Path.of(s));
                } catch (InvalidPathException e) {
                    throw new DenoiserException("--denoiser " + s + ": not a valid path (" + e.getReason() + ")", e);
                } catch (DenoiserException e) {
                    throw new DenoiserException("--denoiser: " + e.getMessage(), e);
                }
            }
        };
    }

    /**
     * {@code method} with the prior {@code spec} (see {@link #parse}).
     *
     * @throws DenoiserException when {@code method} is not a plug-and-play method or {@code spec} is unusable
     */
    public static PnpMethod apply(SrMethod method, String spec, BundledModels models) {
        if (!(method instanceof PnpMethod p)) {
            throw new DenoiserException("--denoiser applies to the plug-and-play methods (" + PnpMethods.names()
                    + "), not to '" + method.name() + "'");
        }
        return p.withDenoiser(parse(spec, models));
    }
}
