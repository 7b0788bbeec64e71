package mrisr.sr.cli;

import java.nio.file.Path;
import java.util.Locale;
import mrisr.sr.InputException;
import mrisr.sr.methods.SrMethod;
import mrisr.sr.methods.deq.DeqMethod;
import mrisr.sr.methods.pnp.DenoiserException;
import mrisr.sr.methods.pnp.LearnedDenoiser;
import mrisr.sr.methods.pnp.PnpMethod;
import mrisr.sr.methods.pnp.PnpMethods;
import mrisr.sr.methods.unfolding.Unfolded;
import mrisr.sr.nets.Architecture;
import mrisr.sr.nets.NetworkMethod;
import mrisr.sr.nets.SrModel;
import mrisr.sr.physics.SliceProfile;
import picocli.CommandLine.Option;

/**
 * The options of {@code mrisr sr} for trained networks ({@code srcnn3d}, {@code edsr3d}):
 * {@code --model}, the sliding-window {@code --patch} and {@code --overlap}, and {@code --noise}
 * (the acquisition's noise level, compared with the model's training). A picocli mixin of
 * {@link SrCommand}. {@code --model} also gives {@code deq} its trained prior
 * ({@link DeqMethod#withModel}), {@code unfolded} its learned stages ({@link Unfolded#withModel(Path)})
 * and the plug-and-play methods their DnCNN denoiser ({@link LearnedDenoiser#load}, the same as
 * {@code --denoiser FILE}); without it these use the model shipped with mrisr, if any.
 *
 * <p>Window sizes are given in voxels of the output (high-resolution) grid and converted to the
 * network's input grid: divided by {@code r} for sub-pixel networks (overlap rounded up), unchanged
 * for pre-upsampling ones. The default overlap, twice the network's receptive-field radius, makes
 * the tiled result equal to whole-volume inference.
 */
final class NetworkOptions {
    /** Default tile edge in output voxels. */
    static final int DEFAULT_PATCH = 96;

    @Option(names = "--model", paramLabel = "MODEL.safetensors",
            description = "Trained network for the network methods (srcnn3d, edsr3d), made by 'mrisr train'; for deq and unfolded, "
                    + "their trained prior or stages; for pnp-hqs, pnp-admm and red, their DnCNN denoiser (as --denoiser FILE). "
                    + "Without it, deq, unfolded and the plug-and-play methods use the model shipped with mrisr, if any.")
    Path model;

    @Option(names = "--patch", paramLabel = "P",
            description = "Network methods: edge of the sliding-window tile in output voxels (default: " + DEFAULT_PATCH
                    + "); memory grows with P^3, not with the volume.")
    Integer patch;

    @Option(names = "--overlap", paramLabel = "O",
            description = "Network methods: overlap of neighbouring tiles in output voxels (default: twice the network's "
                    + "receptive-field radius, which makes tiling exact).")
    Integer overlap;

    @Option(names = "--noise", paramLabel = "SIGMA",
            description = "Noise level of the acquisition as a fraction of the intensity range, as for 'mrisr degrade'; "
                    + "network methods warn when their model was trained for another (default: unstated).")
    Double noise;

    private SrModel loaded;

    /**
     * {@code m}, bound to {@code --model} when it is a network method.
     *
     * @throws InputException when a network method lacks {@code --model}, or the network options are
     *     given for another method
     */
    SrMethod bind(SrMethod m) {
        if (noise != null && (!(noise >= 0) || Double.isInfinite(noise))) {
            throw new InputException("--noise " + noise + " must be a fraction >= 0 (e.g. 0.01 = 1%)");
        }
        if (!(m instanceof NetworkMethod network)) {
            if (model != null && patch == null && overlap == null) {
                if (m instanceof DeqMethod) return DeqMethod.withModel(model);
                if (m instanceof Unfolded u) return u.withModel(model);
                if (m instanceof PnpMethod p) return p.withDenoiser(denoiser(model));
            }
            String given = model != null ? "--model" : patch != null ? "--patch" : overlap != null ? "--overlap" : null;
            if (given != null) {
                throw new InputException(given + " applies to the network methods (" + String.join(", ", Architecture.METHODS)
                        + (given.equals("--model") ? "), deq, unfolded and the plug-and-play methods (" + PnpMethods.names() + ")" : ")")
                        + ", not to '" + m.name() + "'");
            }
            return m;
        }
        if (model == null) {
            throw new InputException("--method " + m.name() + " needs --model MODEL.safetensors (make one with 'mrisr train --method "
                    + m.name() + " --data phantom --out MODEL.safetensors')");
        }
        loaded = SrModel.load(model);
        int scale = loaded.architecture().scale();
        int p = patch != null ? patch : DEFAULT_PATCH;
        if (p < 1) throw new InputException("--patch " + p + " must be >= 1");
        int tile = Math.max(1, p / scale);
        int o = overlap != null ? (overlap + scale - 1) / scale : loaded.defaultOverlap();
        if (overlap != null && overlap < 0) throw new InputException("--overlap " + overlap + " must be >= 0");
        if (o >= tile) {
            throw new InputException(String.format(Locale.ROOT, "--overlap %d must be smaller than --patch %d%s", o * scale, tile * scale,
                    overlap == null ? " (the default overlap is twice the receptive-field radius of " + loaded.architecture().halo() * scale
                            + " output voxels; give a larger --patch or a smaller --overlap)" : ""));
        }
        return network.withModel(loaded, tile, o);
    }

    /** The DnCNN in {@code file}, as the prior of a plug-and-play method. */
    private static LearnedDenoiser denoiser(Path file) {
        try {
            return LearnedDenoiser.load(file);
        } catch (DenoiserException e) {
            throw new DenoiserException("--model: " + e.getMessage(), e);
        }
    }

    /** The model bound by {@link #bind}, or null. */
    SrModel model() {
        return loaded;
    }

    /** The factors the bound model was trained for (the default {@code --factor} of a network method). */
    double[] modelFactors() {
        int[] f = loaded.architecture().factors();
        return new double[] {f[0], f[1], f[2]};
    }

    /**
     * The one-line warning when the request differs from what the model was trained for, or null.
     *
     * @param profile the request's slice profile, or null when unstated
     * @param kspace  whether the request describes k-space truncation
     */
    String warning(double[] factors, SliceProfile.Kind profile, boolean kspace) {
        if (loaded == null) return null;
        String w = loaded.mismatch(factors, profile, noise);
        if (kspace) {
            String k = "the model was trained for image-space slices, not k-space truncation";
            w = w == null ? k + " (results may be poor)" : k + "; " + w;
        }
        return w == null ? null : "warning: --model " + model.getFileName() + ": " + w;
    }
}
