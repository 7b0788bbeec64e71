package mrisr.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import mrisr.kernels.KernelInfo;

/**
 * This machine's measured float32 FMA peak: the yardstick for the suite's "% of peak" column.
 *
 * <p>Each thread runs {@value #CHAINS} independent chains {@code c ← c·m + a} of whole vectors of
 * the kernels' species ({@link KernelInfo#species()}); the chains stay in registers and are
 * independent, so the loop is bound by FMA throughput, not latency (4-cycle latency × 2 FMA
 * ports needs 8 chains in flight; {@value #CHAINS} leave room and fit the 16 registers of AVX2).
 * All threads start together behind a barrier; the rate is
 * {@code 2 · lanes · CHAINS · iterations · threads / wall time}, the wall time running from the
 * first thread's start to the last thread's end, and the best of a few trials is
 * the peak. The constants {@code m = 1 − 10⁻⁴, a = 10⁻⁴} keep every chain near 1, far from
 * overflow and denormals.
 *
 * <pre>{@code
 * FmaPeak.Result peak = FmaPeak.measure(Parallel.threads(), 0.25, 3);
 * System.out.println(peak.gflops() + " GFLOP/s");
 * }</pre>
 */
final class FmaPeak {
    static final VectorSpecies<Float> S = KernelInfo.species();
    static final int CHAINS = 12;

    private FmaPeak() {}

    /**
     * Peak measurement.
     *
     * @param gflops  best rate over the trials, all threads together
     * @param threads threads that ran the loop
     * @param lanes   float lanes per vector
     */
    record Result(double gflops, int threads, int lanes) {}

    /**
     * Measures the peak on {@code threads} threads.
     *
     * @param threads      number of threads, each running the loop once per trial (≥ 1)
     * @param trialSeconds about how long one trial runs, and the warm-up before the trials
     * @param trials       number of trials; the best one counts (≥ 1)
     */
    static Result measure(int threads, double trialSeconds, int trials) {
        if (threads < 1 || trials < 1) throw new IllegalArgumentException("threads and trials must be >= 1");
        // Warm up on this thread for as long as a trial so that C2 compiles the loop (interpreted or
        // C1 code keeps vectors on the heap and runs 100× slower), then size a trial from its speed.
        long warmEnd = System.nanoTime() + (long) (trialSeconds * 1e9);
        for (int calls = 0; calls < 100 || System.nanoTime() < warmEnd; calls++) Blackhole.consume(fmaChains(1 << 12));
        int probe = 1 << 16;
        long t0 = System.nanoTime();
        Blackhole.consume(fmaChains(probe));
        double perIteration = Math.max(1e-3, (System.nanoTime() - t0) / (double) probe);
        int trialIterations = (int) Math.max(1, Math.min(1 << 30, trialSeconds * 1e9 / perIteration));

        double best = 0;
        for (int trial = 0; trial < trials; trial++) {
            best = Math.max(best, trial(threads, trialIterations));
        }
        return new Result(best, threads, S.length());
    }

    private static double trial(int threads, int iterations) {
        CyclicBarrier start = new CyclicBarrier(threads);
        long[] begin = new long[threads], finish = new long[threads];
        List<Thread> workers = new ArrayList<>(threads);
        for (int i = 0; i < threads; i++) {
            int id = i;
            Thread w = new Thread(() -> {
                await(start);
                // Each worker reads the clock itself: a main thread descheduled after the barrier
                // would see a shorter wall time than the workers ran.
                begin[id] = System.nanoTime();
                Blackhole.consume(fmaChains(iterations));
                finish[id] = System.nanoTime();
            }, "mrisr-fma-peak-" + i);
            w.setDaemon(true);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring the FMA peak", e);
            }
        }
        long first = Long.MAX_VALUE, last = Long.MIN_VALUE;
        for (int i = 0; i < threads; i++) {
            first = Math.min(first, begin[i]);
            last = Math.max(last, finish[i]);
        }
        double seconds = Math.max(1, last - first) / 1e9;
        return 2.0 * S.length() * CHAINS * (double) iterations * threads / seconds / 1e9;
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring the FMA peak", e);
        } catch (java.util.concurrent.BrokenBarrierException e) {
            throw new IllegalStateException("FMA peak threads did not start together", e);
        }
    }

    /** {@value #CHAINS} independent FMA chains for {@code iterations} steps; returns their sum. */
    static float fmaChains(int iterations) {
        FloatVector m = FloatVector.broadcast(S, 1f - 1e-4f), a = FloatVector.broadcast(S, 1e-4f);
        FloatVector c0 = FloatVector.broadcast(S, 0.10f), c1 = FloatVector.broadcast(S, 0.11f);
        FloatVector c2 = FloatVector.broadcast(S, 0.12f), c3 = FloatVector.broadcast(S, 0.13f);
        FloatVector c4 = FloatVector.broadcast(S, 0.14f), c5 = FloatVector.broadcast(S, 0.15f);
        FloatVector c6 = FloatVector.broadcast(S, 0.16f), c7 = FloatVector.broadcast(S, 0.17f);
        FloatVector c8 = FloatVector.broadcast(S, 0.18f), c9 = FloatVector.broadcast(S, 0.19f);
        FloatVector c10 = FloatVector.broadcast(S, 0.20f), c11 = FloatVector.broadcast(S, 0.21f);
        for (int i = 0; i < iterations; i++) {
            c0 = c0.fma(m, a);
            c1 = c1.fma(m, a);
            c2 = c2.fma(m, a);
            c3 = c3.fma(m, a);
            c4 = c4.fma(m, a);
            c5 = c5.fma(m, a);
            c6 = c6.fma(m, a);
            c7 = c7.fma(m, a);
            c8 = c8.fma(m, a);
            c9 = c9.fma(m, a);
            c10 = c10.fma(m, a);
            c11 = c11.fma(m, a);
        }
        FloatVector sum = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11);
        return sum.reduceLanes(VectorOperators.ADD);
    }

    /** Keeps a result alive so the JIT cannot remove the loop that made it. */
    private static final class Blackhole {
        @SuppressWarnings("unused")
        static volatile float sink;

        static void consume(float v) {
            sink = v;
        }
    }
}
