package mrisr.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeapSamplerTest {
    @Test
    void seesAnAllocationHeldWhileSampling() throws InterruptedException {
        HeapSampler heap = HeapSampler.start();
        byte[] block = new byte[64 << 20];
        block[block.length - 1] = 1;
        Thread.sleep(10 * HeapSampler.INTERVAL_MS);
        double mb = heap.stop();
        assertThat(block[block.length - 1]).isEqualTo((byte) 1); // keeps the block alive until here
        assertThat(mb).isGreaterThanOrEqualTo(63.9).isLessThan(1024);
        assertThat(heap.stop()).as("stop is idempotent").isGreaterThanOrEqualTo(mb);
    }

    @Test
    void idleCodeUsesLittle() {
        HeapSampler heap = HeapSampler.start();
        double mb = heap.stop();
        assertThat(mb).isNotNegative().isLessThan(16);
    }

    @Test
    void theSamplingThreadEnds() {
        long before = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("bench-heap-sampler")).count();
        HeapSampler.start().stop();
        long after = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("bench-heap-sampler")).count();
        assertThat(after).isEqualTo(before);
    }
}
