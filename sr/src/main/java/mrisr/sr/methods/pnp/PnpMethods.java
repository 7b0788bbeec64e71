package mrisr.sr.methods.pnp;

import java.util.List;

/**
 * The plug-and-play methods with their defaults, in listing order, for the {@link mrisr.sr.methods.Methods} registry.
 *
 * <pre>{@code
 * for (PnpMethod m : PnpMethods.all()) System.out.println(m);
 * }</pre>
 */
public final class PnpMethods {
    private static final List<PnpMethod> ALL = List.of(new PnpHqs(), new PnpAdmm(), new Red());

    private PnpMethods() {}

    /** {@code pnp-hqs}, {@code pnp-admm}, {@code red}, each with the TV denoiser and its default schedule. */
    public static List<PnpMethod> all() {
        return ALL;
    }

    /** The names, comma-separated. */
    static String names() {
        return String.join(", ", ALL.stream().map(PnpMethod::name).toList());
    }
}
