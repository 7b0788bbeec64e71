package mrisr.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import mrisr.kernels.Reductions;
import mrisr.kernels.reference.Reduce;
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
 * Row sums and maxima of 2²⁰ floats as {@code rows × len}: {@link Reductions} against the scalar
 * twin {@link Reduce} (which sums in double).
 *
 * <pre>java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar PointwiseReductionBenchmark -f 1 -wi 3 -i 3</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class PointwiseReductionBenchmark {
    @Param({"1", "1024"})
    public int rows;

    int len;
    float[] x, out;

    @Setup
    public void setup() {
        Random r = new Random(42);
        len = (1 << 20) / rows;
        x = new float[rows * len];
        out = new float[rows];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
    }

    @Benchmark
    public float[] sumVector() {
        Reductions.sumRows(x, rows, len, out);
        return out;
    }

    @Benchmark
    public float[] sumScalarTwin() {
        Reduce.sumRows(x, rows, len, out);
        return out;
    }

    @Benchmark
    public float[] maxVector() {
        Reductions.maxRows(x, rows, len, out);
        return out;
    }

    @Benchmark
    public float[] maxScalarTwin() {
        Reduce.maxRows(x, rows, len, out);
        return out;
    }
}
