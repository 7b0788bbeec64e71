package mrisr.engine.cpu;

import java.util.LinkedHashMap;
import java.util.Map;
import mrisr.kernels.Parallel;
import org.jtransforms.fft.FloatFFT_1D;
import pl.edu.icm.jlargearrays.ConcurrencyUtils;

/**
 * JTransforms 1-D plans ({@link FloatFFT_1D}), cached per thread and per length, and the process-wide
 * JTransforms settings the engine relies on.
 *
 * <p>A plan holds twiddle tables (and, for lengths with prime factors above 5, Bluestein's chirp
 * arrays), so building one costs about as much as a transform; caching makes repeated transforms of
 * MRI-sized volumes cheap. JTransforms does not document its plans as safe for concurrent use, so
 * each thread keeps its own small LRU cache instead of sharing instances.
 *
 * <p>Threads: parallelism comes from {@link Parallel} (one line per task), so every 1-D transform
 * must run on the calling thread. {@link #configureJTransforms()} pins JTransforms to one thread
 * (it then never submits work) and hands it the engine's daemon pool, so that even a transform that
 * did submit work could not start a non-daemon thread that keeps the JVM alive on exit.
 */
final class FftPlans {
    /** Distinct lengths kept per thread; a volume needs at most three, its gradients the same ones. */
    private static final int CACHE_SIZE = 16;

    private static final ThreadLocal<Map<Integer, FloatFFT_1D>> PLANS = ThreadLocal.withInitial(
            () -> new LinkedHashMap<>(CACHE_SIZE, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<Integer, FloatFFT_1D> eldest) {
                    return size() > CACHE_SIZE;
                }
            });

    private FftPlans() {}

    /**
     * Makes JTransforms single-threaded and points its executor at {@link Parallel#pool()}. Called on
     * the submitting thread before every transform: cheap, and it undoes any later change of these
     * global settings and follows {@link Parallel#setThreads} replacing the pool.
     */
    static void configureJTransforms() {
        if (ConcurrencyUtils.getNumberOfThreads() != 1) ConcurrencyUtils.setNumberOfThreads(1);
        var pool = Parallel.pool();
        if (ConcurrencyUtils.getThreadPool() != pool) ConcurrencyUtils.setThreadPool(pool);
    }

    /** This thread's plan for complex transforms of length {@code n} (≥ 2). */
    static FloatFFT_1D plan(int n) {
        return PLANS.get().computeIfAbsent(n, FloatFFT_1D::new);
    }
}
