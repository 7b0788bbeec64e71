package mrisr.sr.nets;

import java.util.List;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.SrMethod;
import mrisr.sr.volume.Volume;

/**
 * The trained networks as {@link SrMethod}s: {@value Architecture#SRCNN3D} and
 * {@value Architecture#EDSR3D}. The registered instances ({@link #all()}) hold no weights and refuse
 * to run, naming how to get a model; {@link #withModel} binds a trained {@link SrModel} and the
 * sliding-window settings.
 *
 * <pre>{@code
 * SrMethod m = NetworkMethod.named("edsr3d").withModel(SrModel.load(file), 48, -1);
 * Volume sr = m.run(lr, SrContext.of(2, 2, 2));
 * }</pre>
 */
public final class NetworkMethod implements SrMethod {
    private static final List<NetworkMethod> ALL = List.of(
            new NetworkMethod(Architecture.SRCNN3D, "SRCNN-3D: three convolutions (9-1-5) predicting the residual over "
                    + "B-spline interpolation; needs --model from mrisr train", null, 0, 0),
            new NetworkMethod(Architecture.EDSR3D, "EDSR-3D: residual blocks without normalisation, global residual over "
                    + "B-spline interpolation; needs --model from mrisr train", null, 0, 0));

    private final String name, description;
    private final SrModel model;
    private final int patch, overlap;

    private NetworkMethod(String name, String description, SrModel model, int patch, int overlap) {
        this.name = name;
        this.description = description;
        this.model = model;
        this.patch = patch;
        this.overlap = overlap;
    }

    /** The registered network methods, without models. */
    public static List<NetworkMethod> all() {
        return ALL;
    }

    /** The registered method called {@code name} ({@code srcnn3d} or {@code edsr3d}). */
    public static NetworkMethod named(String name) {
        for (NetworkMethod m : ALL) if (m.name.equals(name)) return m;
        throw new ModelException("unknown network method '" + name + "', expected one of " + String.join(", ", Architecture.METHODS));
    }

    /**
     * This method bound to {@code model}.
     *
     * @param patch   sliding-window tile edge in the network's input voxels (≥ 1)
     * @param overlap tile overlap, or a negative value for {@link SrModel#defaultOverlap()} (capped at
     *                {@code patch − 1}, where tiling is no longer exact)
     * @throws ModelException when the model holds another method's network, or the window is invalid
     */
    public NetworkMethod withModel(SrModel model, int patch, int overlap) {
        String held = model.architecture().method();
        if (!held.equals(name)) {
            throw new ModelException("--model holds a " + held + " network, not " + name + "; use --method " + held);
        }
        int o = overlap < 0 ? Math.min(model.defaultOverlap(), Math.max(0, patch - 1)) : overlap;
        new SlidingWindow(patch, o, model.architecture().halo(), model.architecture().scale()); // validates
        return new NetworkMethod(name, description, model, patch, o);
    }

    /** The bound model, or null. */
    public SrModel model() {
        return model;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    /**
     * {@inheritDoc}
     *
     * @throws ModelException when no model is bound
     */
    @Override
    public Volume run(Volume lr, SrContext ctx) {
        if (model == null) {
            throw new ModelException("method " + name + " needs a trained model: add --model FILE.safetensors (make one with "
                    + "'mrisr train --method " + name + " --data phantom --out FILE.safetensors')");
        }
        return model.superResolve(lr, ctx, patch, overlap);
    }

    @Override
    public String toString() {
        return name;
    }
}
