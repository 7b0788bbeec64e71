package mrisr.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import mrisr.kernels.BatchedFft;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * In-place complex FFT of a {@code size³} complex64 volume with the vectorised {@link BatchedFft}:
 * all three axes ({@code fft3d}, as {@code numpy.fft.fftn}) and each axis alone (axis 0 has the
 * largest stride, axis 2 is contiguous). Each axis is scaled by {@code 1/√size}, a unitary
 * transform, so repeated runs on the same array neither overflow nor underflow.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar Fft -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class FftBenchmark {
    @Param({"64", "128"})
    public int size;

    float[] a;
    float scale;

    @Setup
    public void setup() {
        Random r = new Random(42);
        a = new float[2 * size * size * size];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        scale = (float) (1 / Math.sqrt(size));
    }

    @Benchmark
    public float[] fft3d() {
        BatchedFft.complexAlong(a, size * size, size, 1, false, scale);
        BatchedFft.complexAlong(a, size, size, size, false, scale);
        BatchedFft.complexAlong(a, 1, size, size * size, false, scale);
        return a;
    }

    @Benchmark
    public float[] axis0() {
        BatchedFft.complexAlong(a, 1, size, size * size, false, scale);
        return a;
    }

    @Benchmark
    public float[] axis1() {
        BatchedFft.complexAlong(a, size, size, size, false, scale);
        return a;
    }

    @Benchmark
    public float[] axis2() {
        BatchedFft.complexAlong(a, size * size, size, 1, false, scale);
        return a;
    }
}
