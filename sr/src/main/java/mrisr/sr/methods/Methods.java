package mrisr.sr.methods;

import java.util.ArrayList;
import java.util.List;
import mrisr.sr.methods.baseline.Interpolation;

/**
 * The registry of super-resolution methods by command-line name ({@code mrisr sr --method NAME}).
 *
 * <p>Each method family adds its entries to {@link #ALL} in one place, so that the CLI, the demo,
 * the benchmarks and the registry-driven tests see a new method the moment it is listed. The
 * learned methods ({@link LearnedMethod}: the plug-and-play methods, {@code deq}, {@code unfolded})
 * are registered with {@link BundledModels#classpath()}: they use the model shipped with the build
 * when there is one and their classical prior otherwise.
 *
 * <pre>{@code
 * for (SrMethod m : Methods.all()) System.out.println(m.name() + "  " + m.description());
 * Volume sr = Methods.get("lanczos").run(lr, SrContext.of(1, 1, 4));
 * }</pre>
 */
public final class Methods {
    private static final List<SrMethod> ALL = List.copyOf(registered());

    private Methods() {}

    private static List<SrMethod> registered() {
        List<SrMethod> all = new ArrayList<>();
        all.addAll(Interpolation.all());
        all.addAll(mrisr.sr.methods.modelbased.ModelBased.all());
        all.addAll(mrisr.sr.methods.pnp.PnpMethods.all());
        all.add(new mrisr.sr.methods.deq.DeqMethod().withBundledModels(BundledModels.classpath()));
        all.add(new mrisr.sr.methods.unfolding.Unfolded().withBundledModels(BundledModels.classpath()));
        all.addAll(mrisr.sr.nets.NetworkMethod.all());
        all.addAll(mrisr.sr.methods.selfsup.SelfSupervised.all());
        return all;
    }

    /** Every registered method, in listing order. */
    public static List<SrMethod> all() {
        return ALL;
    }

    /** The registered names, in listing order. */
    public static List<String> names() {
        return ALL.stream().map(SrMethod::name).toList();
    }

    /**
     * The method called {@code name} (exact, case-sensitive).
     *
     * @throws UnknownMethodException naming the known methods when there is none
     */
    public static SrMethod get(String name) {
        for (SrMethod m : ALL) if (m.name().equals(name)) return m;
        throw new UnknownMethodException("unknown method '" + name + "', expected one of " + String.join(", ", names()));
    }
}
