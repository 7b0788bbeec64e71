package mrisr.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import mrisr.kernels.BinaryFn;
import mrisr.kernels.Pointwise;
import mrisr.kernels.reference.Strided;
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
 * Pointwise binary ops on {@code [8, 32, 64, 64]} (2²⁰ elements) with the second operand either
 * the same shape ({@code same}) or a per-channel {@code [1, 32, 1, 1]} broadcast ({@code channel}),
 * forward and gradient: {@link Pointwise} against the scalar twin {@link Strided}.
 *
 * <pre>java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar PointwiseBinaryBenchmark -f 1 -wi 3 -i 3</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class PointwiseBinaryBenchmark {
    @Param({"ADD", "MUL", "DIV", "MAXIMUM"})
    public BinaryFn fn;

    @Param({"same", "channel"})
    public String layout;

    final int[] shape = {8, 32, 64, 64};
    final int[] aStrides = {32 * 64 * 64, 64 * 64, 64, 1};
    int[] bStrides;
    float[] a, b, y, g, ga, gb;

    @Setup
    public void setup() {
        Random r = new Random(42);
        int n = 8 * 32 * 64 * 64;
        a = new float[n];
        b = new float[n];
        y = new float[n];
        g = new float[n];
        ga = new float[n];
        gb = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
            b[i] = (float) r.nextGaussian() + 3;
            g[i] = (float) r.nextGaussian();
        }
        bStrides = layout.equals("same") ? aStrides : new int[] {0, 1, 0, 0};
    }

    @Benchmark
    public float[] forwardVector() {
        Pointwise.binary(fn, shape, a, 0, aStrides, b, 0, bStrides, y);
        return y;
    }

    @Benchmark
    public float[] forwardScalarTwin() {
        Strided.binary(fn, shape, a, 0, aStrides, b, 0, bStrides, y);
        return y;
    }

    @Benchmark
    public float[] backwardVector() {
        Pointwise.binaryBackward(fn, shape, a, 0, aStrides, b, 0, bStrides, y, g, ga, gb);
        return ga;
    }

    @Benchmark
    public float[] backwardScalarTwin() {
        Strided.binaryBackward(fn, shape, a, 0, aStrides, b, 0, bStrides, y, g, ga, gb);
        return ga;
    }
}
