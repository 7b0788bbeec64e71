package mrisr.sr.methods.selfsup;

import java.util.List;

/**
 * The self-supervised methods with their default settings, for the
 * {@link mrisr.sr.methods.Methods} registry.
 *
 * <pre>{@code
 * for (SelfSupervisedMethod m : SelfSupervised.all()) System.out.println(m.name() + ": " + m.description());
 * }</pre>
 */
public final class SelfSupervised {
    private SelfSupervised() {}

    /** {@link Smore} and {@link Zssr} with defaults, in that order. */
    public static List<SelfSupervisedMethod> all() {
        return List.of(new Smore(), new Zssr());
    }
}
