package mrisr.sr.methods.pnp;

import java.util.List;
import mrisr.sr.methods.BundledModels;

/**
 * The plug-and-play methods with their defaults, in listing order, for the {@link mrisr.sr.methods.Methods} registry.
 *
 * <pre>{@code
 * for (PnpMethod m : PnpMethods.all()) System.out.println(m);
 * }</pre>
 */
public final class PnpMethods {
    private static final List<PnpMethod> ALL = List.of(new PnpHqs(), new PnpAdmm(), new Red()).stream()
            .map(m -> m.withBundledModels(BundledModels.classpath())).toList();

    private PnpMethods() {}

    /**
     * {@code pnp-hqs}, {@code pnp-admm}, {@code red}, each with its default schedule and the learned
     * denoiser shipped with mrisr ({@link BundledModels#classpath()}), or TV when there is none.
     */
    public static List<PnpMethod> all() {
        return ALL;
    }

    /** The names, comma-separated. */
    public static String names() {
        return String.join(", ", ALL.stream().map(PnpMethod::name).toList());
    }
}
