package mrisr.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import mrisr.kernels.reference.PixelShuffleReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link PixelShuffle} against its twin {@link PixelShuffleReference}: a permutation, so exact, for
 * 2-D ({@code rD = 1}) and 3-D factors, odd sizes, with 1 and 2 threads, and unshuffle ∘ shuffle = id.
 */
class PixelShuffleTest {
    /** batch, channels, low D, H, W, factors rD, rH, rW. */
    @ParameterizedTest
    @CsvSource({"1,1,1,2,3,1,2,2", "2,3,1,7,13,1,3,3", "1,2,5,3,11,2,2,2", "1,1,1,1,1,1,1,1", "3,1,3,5,2,1,2,1",
            "1,4,2,3,37,3,1,2", "2,1,1,17,19,1,4,4"})
    void matchesTheTwinExactly(int batch, int channels, int d, int h, int w, int rD, int rH, int rW) {
        int[] lowSize = {d, h, w}, factors = {rD, rH, rW};
        int n = batch * channels * rD * rH * rW * d * h * w;
        Random rnd = new Random(n);
        float[] low = new float[n];
        for (int i = 0; i < n; i++) low[i] = rnd.nextFloat();
        float[] expected = new float[n];
        PixelShuffleReference.shuffle(batch, channels, lowSize, factors, low, expected);
        int before = Parallel.threads();
        try {
            for (int threads = 1; threads <= 2; threads++) {
                Parallel.setThreads(threads);
                float[] high = new float[n], back = new float[n];
                PixelShuffle.shuffle(batch, channels, lowSize, factors, low, high);
                assertThat(high).as("shuffle, %d threads", threads).containsExactly(expected);
                PixelShuffle.unshuffle(batch, channels, lowSize, factors, high, back);
                assertThat(back).as("unshuffle, %d threads", threads).containsExactly(low);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }
}
