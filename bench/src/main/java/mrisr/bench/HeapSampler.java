package mrisr.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The peak JVM heap a piece of code uses, for the {@code peak MB} column of
 * {@code mrisr bench methods}.
 *
 * <p>{@link #start} runs a full collection ({@link System#gc()}), reads the heap in use as the
 * baseline {@code b}, and starts a daemon thread that reads it again every {@link #INTERVAL_MS} ms;
 * {@link #stop} takes a last reading and returns {@code (max over readings − b) / 2²⁰}, clamped at 0.
 * Readings are {@link MemoryMXBean#getHeapMemoryUsage()}{@code .getUsed()}: Java heap only, so
 * the result leaves out native memory, thread stacks, code and the metaspace. Garbage counts until
 * the collector reclaims it, and a peak that lives shorter than one interval between two readings
 * is missed, so the value is an estimate of the heap the code needed, not an exact high-water mark.
 *
 * <pre>{@code
 * HeapSampler heap = HeapSampler.start();
 * Volume sr = method.run(lr, ctx);
 * double peakMb = heap.stop();
 * }</pre>
 */
final class HeapSampler {
    /** Milliseconds between two readings. */
    static final int INTERVAL_MS = 2;

    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private final long baseline;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long peak;

    private HeapSampler() {
        System.gc();
        baseline = used();
        peak = baseline;
        thread = Thread.ofPlatform().daemon().name("bench-heap-sampler").unstarted(this::sample);
        thread.start();
    }

    /** Collects garbage, records the baseline and starts sampling. */
    static HeapSampler start() {
        return new HeapSampler();
    }

    private static long used() {
        return MEMORY.getHeapMemoryUsage().getUsed();
    }

    private void sample() {
        while (running) {
            observe(used());
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS));
        }
    }

    // Written by the sampling thread, and by the caller's thread only after that thread has ended.
    private void observe(long bytes) {
        if (bytes > peak) peak = bytes;
    }

    /**
     * Stops sampling (idempotent) and returns the peak heap above the baseline in MB (2²⁰ bytes).
     */
    double stop() {
        long last = used();
        running = false;
        LockSupport.unpark(thread);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        observe(last);
        return Math.max(0, peak - baseline) / (double) (1 << 20);
    }
}
