package mrisr.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import mrisr.kernels.Softmax;
import mrisr.kernels.reference.NormReference;
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
 * Softmax forward and backward on 2²⁰ floats: along the last axis of {@code [4096, 256]}
 * ({@code last}) and along the channel axis of {@code [8, 32, 4096]} ({@code channel}), with
 * {@link Softmax} against the scalar twin {@link NormReference}.
 *
 * <pre>java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar SoftmaxBenchmark -f 1 -wi 3 -i 3</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class SoftmaxBenchmark {
    @Param({"last", "channel"})
    public String axis;

    @Param({"false", "true"})
    public boolean log;

    int outer, n, inner;
    float[] x, y, g, gx;

    @Setup
    public void setup() {
        if (axis.equals("last")) {
            outer = 4096;
            n = 256;
            inner = 1;
        } else {
            outer = 8;
            n = 32;
            inner = 4096;
        }
        Random r = new Random(42);
        int size = outer * n * inner;
        x = new float[size];
        g = new float[size];
        y = new float[size];
        gx = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (r.nextGaussian() * 3);
            g[i] = (float) r.nextGaussian();
        }
        NormReference.softmax(x, outer, n, inner, log, y);
    }

    @Benchmark
    public float[] forwardVector() {
        Softmax.forward(x, outer, n, inner, log, gx);
        return gx;
    }

    @Benchmark
    public float[] forwardScalarTwin() {
        NormReference.softmax(x, outer, n, inner, log, gx);
        return gx;
    }

    @Benchmark
    public float[] backwardVector() {
        Softmax.backward(y, g, outer, n, inner, log, gx);
        return gx;
    }

    @Benchmark
    public float[] backwardScalarTwin() {
        NormReference.softmaxBackward(y, g, outer, n, inner, log, gx);
        return gx;
    }
}
