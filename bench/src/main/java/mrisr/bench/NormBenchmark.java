package mrisr.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import mrisr.kernels.Normalize;
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
 * Layer norm over the last 256 features of {@code [4096, 256]} ({@code layer}) and group norm with
 * 8 groups on {@code [2, 32, 16, 32, 32]} ({@code group}), 2²⁰ floats each, with weight and bias:
 * forward, input gradient and affine gradients, {@link Normalize} against the scalar twin
 * {@link NormReference}.
 *
 * <pre>java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar NormBenchmark -f 1 -wi 3 -i 3</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class NormBenchmark {
    @Param({"layer", "group"})
    public String kind;

    int rows, groups, perGroup, segment;
    float[] x, g, y, gx, w, b, mean, rstd, gw, gb;

    @Setup
    public void setup() {
        if (kind.equals("layer")) {
            rows = 4096;
            groups = 1;
            perGroup = 256;
            segment = 1;
        } else {
            rows = 2 * 8;
            groups = 8;
            perGroup = 4;
            segment = 16 * 32 * 32;
        }
        Random r = new Random(42);
        int size = rows * perGroup * segment, channels = groups * perGroup;
        x = new float[size];
        g = new float[size];
        y = new float[size];
        gx = new float[size];
        w = new float[channels];
        b = new float[channels];
        gw = new float[channels];
        gb = new float[channels];
        mean = new float[rows];
        rstd = new float[rows];
        for (int i = 0; i < size; i++) {
            x[i] = (float) (r.nextGaussian() * 2 + 1);
            g[i] = (float) r.nextGaussian();
        }
        for (int c = 0; c < channels; c++) {
            w[c] = 1 + 0.1f * c;
            b[c] = 0.01f * c;
        }
        NormReference.normalize(x, rows, groups, perGroup, segment, w, b, 1e-5, y, mean, rstd);
    }

    @Benchmark
    public float[] forwardVector() {
        Normalize.forward(x, rows, groups, perGroup, segment, w, b, 1e-5, y, mean, rstd);
        return y;
    }

    @Benchmark
    public float[] forwardScalarTwin() {
        NormReference.normalize(x, rows, groups, perGroup, segment, w, b, 1e-5, y, mean, rstd);
        return y;
    }

    @Benchmark
    public float[] backwardVector() {
        Normalize.backwardInput(g, x, mean, rstd, rows, groups, perGroup, segment, w, gx);
        Normalize.backwardAffine(g, x, mean, rstd, rows, groups, perGroup, segment, gw, gb);
        return gx;
    }

    @Benchmark
    public float[] backwardScalarTwin() {
        NormReference.normalizeBackwardInput(g, x, mean, rstd, rows, groups, perGroup, segment, w, gx);
        NormReference.normalizeBackwardAffine(g, x, mean, rstd, rows, groups, perGroup, segment, gw, gb);
        return gx;
    }
}
