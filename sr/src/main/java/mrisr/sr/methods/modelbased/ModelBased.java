package mrisr.sr.methods.modelbased;

import java.util.List;

/**
 * The model-based methods with their default settings, for the {@link mrisr.sr.methods.Methods}
 * registry.
 *
 * <pre>{@code
 * for (RegularizedMethod m : ModelBased.all()) System.out.println(m.name() + ": " + m.description());
 * }</pre>
 */
public final class ModelBased {
    private ModelBased() {}

    /** {@link Tikhonov} and {@link TotalVariation}, defaults, in that order. */
    public static List<RegularizedMethod> all() {
        return List.of(new Tikhonov(), new TotalVariation());
    }
}
