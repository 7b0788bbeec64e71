package mrisr.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The engine's single thread pool and its deterministic work splitting.
 *
 * <p>Work over {@code [0, n)} is cut into chunks of a fixed {@code grain} that does not depend
 * on the number of threads; each chunk writes a disjoint part of the output, and reductions
 * combine per-chunk partials in chunk order. The same inputs therefore give bit-identical results
 * with 1 or N threads.
 *
 * <p>Threads are daemons, so the JVM never waits for the pool on exit. The size comes from
 * {@link #setThreads(int)} (the CLI's {@code --threads}), else the {@code MRISR_THREADS}
 * environment variable, else all available processors.
 *
 * <pre>{@code
 * Parallel.forRange(rows, 16, (lo, hi) -> { for (int r = lo; r < hi; r++) work(r); });
 * }</pre>
 */
public final class Parallel {

    /** Body of a parallel loop over a half-open index range. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int lo, int hi);
    }

    private static volatile ForkJoinPool pool;
    private static volatile int threads = defaultThreads();

    private Parallel() {}

    static int defaultThreads() {
        String env = System.getenv("MRISR_THREADS");
        if (env != null && !env.isBlank()) {
            try {
                int t = Integer.parseInt(env.trim());
                if (t >= 1) return t;
            } catch (NumberFormatException ignored) {
                // fall through to the default: a malformed variable must not stop the engine
            }
        }
        return Runtime.getRuntime().availableProcessors();
    }

    /** Number of worker threads used by kernels. */
    public static int threads() {
        return threads;
    }

    /**
     * Sets the number of worker threads (≥ 1). Results do not depend on it.
     *
     * @param n thread count; 1 runs everything on the calling thread
     */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        if (n == threads && pool != null) return;
        ForkJoinPool old = pool;
        threads = n;
        pool = null;
        if (old != null) old.shutdown();
    }

    /** The engine-owned pool (daemon threads), created on first use. */
    public static ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                p = pool;
                if (p == null) {
                    p = new ForkJoinPool(threads, Parallel::newDaemonThread, null, false);
                    pool = p;
                }
            }
        }
        return p;
    }

    /** Numbers worker threads across pools (the pool index is not assigned before registration). */
    private static final AtomicInteger WORKER_NUMBER = new AtomicInteger();

    static ForkJoinWorkerThread newDaemonThread(ForkJoinPool p) {
        ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
        t.setDaemon(true);
        t.setName("mrisr-worker-" + WORKER_NUMBER.getAndIncrement());
        return t;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in chunks of {@code grain} indices.
     *
     * @param n     range length (≥ 0)
     * @param grain chunk size (≥ 1); fixed, independent of the thread count
     */
    public static void forRange(int n, int grain, RangeBody body) {
        if (n <= 0) return;
        int g = Math.max(1, grain);
        int chunks = (n + g - 1) / g;
        if (chunks == 1 || threads == 1 || inWorker()) { // nested loops run inline: never nest parallelism
            for (int c = 0; c < chunks; c++) {
                int lo = c * g;
                body.run(lo, Math.min(n, lo + g));
            }
            return;
        }
        // the caller takes chunks at once and pool workers join as they wake: a parked worker can take
        // milliseconds to start here (measured: with recursive splitting the second chunk often waited for
        // the first to finish), so no chunk waits for a wake-up
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable drain = () -> {
            for (int c; (c = next.getAndIncrement()) < chunks;) {
                int lo = c * g;
                try {
                    body.run(lo, Math.min(n, lo + g));
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                    next.set(chunks);
                }
            }
        };
        ForkJoinTask<?>[] helpers = new ForkJoinTask<?>[Math.min(threads, chunks) - 1];
        for (int i = 0; i < helpers.length; i++) helpers[i] = pool().submit(drain);
        drain.run();
        for (ForkJoinTask<?> h : helpers) h.join();
        Throwable t = failure.get();
        if (t instanceof RuntimeException e) throw e;
        if (t instanceof Error e) throw e;
    }

    private static boolean inWorker() {
        return Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == pool;
    }

    /** Chooses a grain so that a loop of {@code n} items with {@code costPerItem} work units gets enough chunks. */
    public static int grain(int n, long costPerItem) {
        long target = 1L << 15; // about 32k work units per chunk
        long g = Math.max(1, target / Math.max(1, costPerItem));
        return (int) Math.min(Math.max(1, n), g);
    }
}
