package mrisr.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import mrisr.kernels.FlashAttention;
import mrisr.kernels.reference.AttentionReference;
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
 * Scaled dot-product attention, batch 256 × 4 heads, L = S = 64, E = Ev = 32 (the shape of the
 * fast-kernel issue's target), forward and forward+backward: the tiled {@link FlashAttention}
 * against the scalar twin {@link AttentionReference}. PyTorch's CPU time for the same shape is the
 * comparison point (the math path {@code softmax(q·kᵀ·scale)·v} with autograd).
 *
 * <pre>java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar AttentionBenchmark -f 1 -wi 3 -i 3</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class AttentionBenchmark {
    @Param({"1024"})
    public int batchHeads;

    @Param({"64"})
    public int length;

    @Param({"32"})
    public int headDim;

    AttentionReference.Sizes n;
    double scale;
    float[] q, k, v, out, lse, gOut, gq, gk, gv;

    @Setup
    public void setup() {
        n = new AttentionReference.Sizes(batchHeads, length, length, headDim, headDim);
        scale = 1 / Math.sqrt(headDim);
        Random r = new Random(42);
        int size = batchHeads * length * headDim;
        q = new float[size];
        k = new float[size];
        v = new float[size];
        gOut = new float[size];
        for (int i = 0; i < size; i++) {
            q[i] = (float) r.nextGaussian();
            k[i] = (float) r.nextGaussian();
            v[i] = (float) r.nextGaussian();
            gOut[i] = (float) r.nextGaussian();
        }
        out = new float[size];
        gq = new float[size];
        gk = new float[size];
        gv = new float[size];
        lse = new float[batchHeads * length];
    }

    @Benchmark
    public float[] forwardVector() {
        FlashAttention.forward(n, q, k, v, scale, null, out, lse);
        return out;
    }

    @Benchmark
    public float[] forwardBackwardVector() {
        FlashAttention.forward(n, q, k, v, scale, null, out, lse);
        FlashAttention.backward(n, q, k, v, scale, null, out, lse, gOut, gq, gk, gv);
        return gq;
    }

    @Benchmark
    public float[] forwardScalarTwin() {
        AttentionReference.forward(n, q, k, v, scale, null, out, lse);
        return out;
    }

    @Benchmark
    public float[] forwardBackwardScalarTwin() {
        AttentionReference.forward(n, q, k, v, scale, null, out, lse);
        AttentionReference.backward(n, q, k, v, scale, null, out, lse, gOut, gq, gk, gv);
        return gq;
    }
}
