package mrisr.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
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
}
