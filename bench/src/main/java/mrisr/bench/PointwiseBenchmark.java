package mrisr.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import mrisr.kernels.Pointwise;
import mrisr.kernels.UnaryFn;
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
 * Pointwise unary functions and their gradients on a contiguous float32 array of 2²⁰ elements: the
 * Vector API kernels of {@link Pointwise} against their scalar twins in {@link Strided}.
 *
 * <pre>java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar PointwiseBenchmark -f 1 -wi 3 -i 3</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class PointwiseBenchmark {
    @Param({"EXP", "SIGMOID", "TANH", "GELU", "SILU", "RELU"})
    public UnaryFn fn;

    @Param({"1048576"})
    public int n;

    float[] x, y, g, gx;
    int[] shape, unit = {1};

    @Setup
    public void setup() {
        Random r = new Random(42);
        x = new float[n];
        g = new float[n];
        y = new float[n];
        gx = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * 3);
            g[i] = (float) r.nextGaussian();
        }
        shape = new int[] {n};
        Strided.unary(fn, 0, 0, shape, x, 0, unit, y);
    }

    @Benchmark
    public float[] forwardVector() {
        Pointwise.unary(fn, 0, 0, shape, x, 0, unit, y);
        return y;
    }

    @Benchmark
    public float[] forwardScalarTwin() {
        Strided.unary(fn, 0, 0, shape, x, 0, unit, y);
        return y;
    }

    @Benchmark
    public float[] backwardVector() {
        Pointwise.unaryBackward(fn, 0, 0, n, x, y, g, gx);
        return gx;
    }

    @Benchmark
    public float[] backwardScalarTwin() {
        Strided.unaryBackward(fn, 0, 0, n, x, y, g, gx);
        return gx;
    }
}
