package mrisr.bench;

import java.util.concurrent.TimeUnit;
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
 * The scalar twins ({@code ConvReference}) against the fast kernels on the shapes of
 * {@link ConvBenchmark} at reduced sizes (the twins take seconds at full size): the speed-up of the
 * fast path on equal work. Shapes use {@link ConvBenchmark.Problem#of} names; GFLOP per pass:
 * {@code c3d_1to32_32} 0.057, {@code c3d_32to32_16} 0.226, {@code c3d_64to64_16} 0.906,
 * {@code c2d_2x64to64_32} 0.151.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar ConvScalarTwinBenchmark -f 1 -wi 3 -i 3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
public class ConvScalarTwinBenchmark {
    @Param({"c3d_1to32_32", "c3d_32to32_16", "c3d_64to64_16", "c2d_2x64to64_32"})
    public String shape;

    ConvBenchmark.Problem p;

    @Setup
    public void setup() {
        p = ConvBenchmark.Problem.of(shape);
    }

    @Benchmark
    public float[] scalarTwinForward() {
        return p.scalarForward();
    }

    @Benchmark
    public float[] scalarTwinForwardBackward() {
        return p.scalarForwardBackward();
    }

    @Benchmark
    public float[] vectorForward() {
        return p.forward();
    }

    @Benchmark
    public float[] vectorForwardBackward() {
        return p.forwardBackward();
    }
}
