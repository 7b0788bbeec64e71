package mrisr.engine;

/**
 * Switches gradient recording on or off for the current thread.
 *
 * <pre>{@code
 * try (var g = Grad.off()) {
 *     Tensor y = model(x); // no graph is recorded
 * }
 * }</pre>
 */
public final class Grad implements AutoCloseable {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> Boolean.TRUE);
    private final boolean previous;

    private Grad(boolean enabled) {
        previous = ENABLED.get();
        ENABLED.set(enabled);
    }

    /** Disables recording until the returned scope is closed. */
    public static Grad off() {
        return new Grad(false);
    }

    /** Enables recording until the returned scope is closed. */
    public static Grad on() {
        return new Grad(true);
    }

    /** Whether ops record a graph on this thread. */
    public static boolean enabled() {
        return ENABLED.get();
    }

    @Override
    public void close() {
        ENABLED.set(previous);
    }
}
