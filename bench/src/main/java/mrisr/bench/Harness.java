package mrisr.bench;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Times one benchmark body in-process: a cold first run, a warm-up by time budget, then timed
 * repeats whose median is the result.
 *
 * <p>The policy, in order:
 * <ol>
 *   <li>The first (cold) run is timed on its own, so a JIT cliff shows as {@code first ≫ median}.
 *   <li>A body whose cold run takes longer than {@link Policy#runOnceOverSeconds} is not run again:
 *       its median is its first time.
 *   <li>Warm-up runs follow until they add up to {@link Policy#warmupSeconds} and at least
 *       {@link Policy#minWarmupRuns} runs were made, cold run included. The cold run's time does not
 *       count towards the budget, since it is mostly the JIT compiling; a warm-up run that alone
 *       takes the whole budget ends the warm-up (slow bodies are warm after one run).
 *   <li>Timed repeats: exactly {@link Policy#repeats} when that is set (&gt; 0), else as many as the
 *       last warm-up run says fit in {@link Policy#rowBudgetSeconds}, between {@link Policy#minRepeats}
 *       and {@link Policy#maxRepeats}: at least 5, so that a garbage-collection pause in one or two
 *       runs of a second-long row does not move the median.
 * </ol>
 * Each body's result is written to a volatile field so that the JIT cannot drop the work.
 *
 * <pre>{@code
 * Harness.Timing t = new Harness(Harness.Policy.defaults(0)).measure(() -> Ops.matmul(a, b));
 * System.out.println(t.medianMs());
 * }</pre>
 */
final class Harness {

    /**
     * Timing policy.
     *
     * @param warmupSeconds      warm-up time budget after the cold run
     * @param minWarmupRuns      at least this many runs before timing (cold run included)
     * @param rowBudgetSeconds   time the adaptive repeat count aims at for the timed runs
     * @param minRepeats         lower bound of the adaptive repeat count
     * @param maxRepeats         upper bound of the adaptive repeat count
     * @param repeats            fixed number of timed runs, or 0 for the adaptive count
     * @param runOnceOverSeconds a cold run longer than this is the only run
     */
    record Policy(double warmupSeconds, int minWarmupRuns, double rowBudgetSeconds, int minRepeats, int maxRepeats,
            int repeats, double runOnceOverSeconds) {
        Policy {
            if (minWarmupRuns < 1 || minRepeats < 1 || maxRepeats < minRepeats || repeats < 0
                    || !(warmupSeconds >= 0) || !(rowBudgetSeconds >= 0)
                    || !(runOnceOverSeconds > 0)) {
                throw new IllegalArgumentException("bad timing policy " + this);
            }
        }

        /** The suite's policy: 2 s and 3 runs of warm-up, 5 to 10 repeats in about 6 s, rows over 30 s run once. */
        static Policy defaults(int repeats) {
            return new Policy(2.0, 3, 6.0, 5, 10, repeats, 30.0);
        }

        /** A policy for tests on tiny shapes: a few runs, no time budget to speak of. */
        static Policy smoke() {
            return new Policy(0.0, 2, 0.0, 1, 2, 2, 30.0);
        }
    }

    /**
     * Result of {@link #measure}.
     *
     * @param firstMs    cold run, milliseconds
     * @param medianMs   median of the timed runs (the cold run when it was the only run)
     * @param minMs      fastest timed run
     * @param timedRuns  number of runs behind the median
     * @param warmupRuns runs before timing, cold run included (0 when the cold run was the only run)
     */
    record Timing(double firstMs, double medianMs, double minMs, int timedRuns, int warmupRuns) {}

    private final Policy policy;
    private final LongSupplier nanoClock;
    @SuppressWarnings("unused") // written so that the JIT keeps each body's work
    private static volatile Object sink;

    Harness(Policy policy) {
        this(policy, System::nanoTime);
    }

    /** A harness reading time from {@code nanoClock} (tests pass a fake clock). */
    Harness(Policy policy, LongSupplier nanoClock) {
        this.policy = Objects.requireNonNull(policy);
        this.nanoClock = Objects.requireNonNull(nanoClock);
    }

    /** Runs {@code body} as the policy says and returns its timing. */
    Timing measure(Supplier<?> body) {
        double first = runMs(body);
        if (first > policy.runOnceOverSeconds() * 1e3) return new Timing(first, first, first, 1, 0);
        double budgetMs = policy.warmupSeconds() * 1e3, elapsed = 0, last = first;
        int warmups = 1;
        while (elapsed < budgetMs || warmups < policy.minWarmupRuns()) {
            last = runMs(body);
            elapsed += last;
            warmups++;
            if (last >= budgetMs) break;
        }
        int n = policy.repeats() > 0 ? policy.repeats() : adaptiveRepeats(last);
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) ms[i] = runMs(body);
        Arrays.sort(ms);
        return new Timing(first, median(ms), ms[0], n, warmups);
    }

    private int adaptiveRepeats(double runMs) {
        double fit = Math.floor(policy.rowBudgetSeconds() * 1e3 / Math.max(runMs, 1e-6));
        return (int) Math.max(policy.minRepeats(), Math.min(policy.maxRepeats(), fit));
    }

    private double runMs(Supplier<?> body) {
        long t0 = nanoClock.getAsLong();
        sink = body.get();
        return (nanoClock.getAsLong() - t0) / 1e6;
    }

    /** Median of sorted values: the middle one, or the mean of the two middle ones. */
    static double median(double[] sorted) {
        int n = sorted.length;
        if (n == 0) throw new IllegalArgumentException("median of no values");
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }
}
