package mrisr.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class ParallelTest {
    @Test
    void workerThreadsAreDaemonsWithDistinctNames() {
        ForkJoinPool pool = new ForkJoinPool(2);
        try {
            ForkJoinWorkerThread a = Parallel.newDaemonThread(pool), b = Parallel.newDaemonThread(pool);
            assertThat(a.isDaemon()).isTrue();
            assertThat(b.isDaemon()).isTrue();
            assertThat(a.getName()).startsWith("mrisr-worker-");
            assertThat(b.getName()).startsWith("mrisr-worker-").isNotEqualTo(a.getName()); // regression: all were "mrisr-worker-0"
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void forRangeRunsEveryIndexOnceInItsFixedChunk() {
        int before = Parallel.threads();
        try {
            Random r = new Random(5);
            for (int threads = 1; threads <= 3; threads++) {
                Parallel.setThreads(threads);
                for (int trial = 0; trial < 50; trial++) {
                    int n = r.nextInt(2000), grain = 1 + r.nextInt(64);
                    AtomicIntegerArray hits = new AtomicIntegerArray(n);
                    AtomicInteger badChunk = new AtomicInteger();
                    Parallel.forRange(n, grain, (lo, hi) -> {
                        if (lo % grain != 0 || hi != Math.min(n, lo + grain)) badChunk.incrementAndGet();
                        for (int i = lo; i < hi; i++) hits.incrementAndGet(i);
                    });
                    assertThat(badChunk.get()).as("chunks not cut at multiples of the grain").isZero();
                    for (int i = 0; i < n; i++) assertThat(hits.get(i)).as("index " + i).isEqualTo(1);
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void forRangePropagatesAFailure() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(2);
            AtomicInteger started = new AtomicInteger();
            assertThatThrownBy(() -> Parallel.forRange(1000, 1, (lo, hi) -> {
                started.incrementAndGet();
                if (lo == 3) throw new IllegalStateException("chunk 3 failed");
            })).isInstanceOf(IllegalStateException.class).hasMessage("chunk 3 failed");
            assertThat(started.get()).isGreaterThanOrEqualTo(4);
            // the pool still works afterwards
            AtomicInteger sum = new AtomicInteger();
            Parallel.forRange(100, 7, (lo, hi) -> sum.addAndGet(hi - lo));
            assertThat(sum.get()).isEqualTo(100);
        } finally {
            Parallel.setThreads(before);
        }
    }
}
