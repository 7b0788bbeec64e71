package mrisr.engine;

/**
 * The one place that decides whether a tensor may be allocated.
 *
 * <p>The budget defaults to 80% of the JVM's maximum heap and can be set with
 * {@link #setBudgetBytes(long)} (the CLI's {@code --max-memory}). A request over the budget, or over
 * the 2³¹−1 element limit of one storage, fails with {@link MemoryBudgetException} naming the
 * tensor and its size, before any memory is touched.
 */
public final class Memory {
    private static volatile long budgetBytes = (long) (Runtime.getRuntime().maxMemory() * 0.8);

    private Memory() {}

    public static long budgetBytes() {
        return budgetBytes;
    }

    /** Sets the budget in bytes (≥ 1). */
    public static void setBudgetBytes(long bytes) {
        if (bytes < 1) throw new IllegalArgumentException("memory budget must be positive, got " + bytes);
        budgetBytes = bytes;
    }

    /**
     * Checks that {@code elements} float32 values may be allocated.
     *
     * @param what names the tensor in the error message (op and shape)
     */
    public static void check(long elements, String what) {
        if (elements < 0) throw new MemoryBudgetException(what + ": negative size " + elements);
        if (elements > Integer.MAX_VALUE - 16) {
            throw new MemoryBudgetException(what + ": " + elements + " elements exceed the limit of one tensor ("
                    + (Integer.MAX_VALUE - 16) + ")");
        }
        long bytes = elements * 4L;
        if (bytes > budgetBytes) {
            throw new MemoryBudgetException(what + ": needs " + human(bytes) + ", over the memory budget of "
                    + human(budgetBytes) + " (raise it with --max-memory or -Xmx)");
        }
    }

    /** Formats a byte count as B, KiB, MiB or GiB. */
    public static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
