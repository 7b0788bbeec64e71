package mrisr.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import mrisr.kernels.Pool;
import mrisr.kernels.reference.PoolReference;
import mrisr.kernels.reference.SlidingWindow;
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
 * 3-D max and average pooling of {@code [1, 8, 64, 64, 64]}, forward and backward: {@link Pool}
 * against the scalar twin {@link PoolReference}. Geometries: {@code k2s2} is kernel 2, stride 2, no
 * padding (output 32³, the downsampling of a U-Net); {@code k3s1p1} is kernel 3, stride 1, padding 1
 * (output 64³, overlapping windows); average pooling counts the padding (PyTorch's default).
 * PyTorch's {@code F.max_pool3d} / {@code F.avg_pool3d} on the same shapes are the comparison point.
 *
 * <pre>java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar PoolBenchmark -f 1 -wi 3 -i 5</pre>
 *
 * <p>Measured 2026-11-26 (2 shared cores, AVX-512, JDK 25; noisy), ms per op, twin → vector: forward
 * max_k2s2 16.5 → 1.06, max_k3s1p1 385 → 10.7, avg_k2s2 3.4 → 1.09, avg_k3s1p1 106 → 4.9; backward
 * max_k2s2 17.0 → 1.7, max_k3s1p1 296 → 26, avg_k2s2 22 → 1.8, avg_k3s1p1 152 → 16.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
public class PoolBenchmark {
    /** {@code max} or {@code avg}, then the geometry. */
    @Param({"max_k2s2", "max_k3s1p1", "avg_k2s2", "avg_k3s1p1"})
    public String op;

    static final int PLANES = 8, SIZE = 64;

    boolean max;
    SlidingWindow win;
    float[] x, y, gy, gx;

    @Setup
    public void setup() {
        max = op.startsWith("max");
        boolean overlapping = op.endsWith("k3s1p1");
        int k = overlapping ? 3 : 2, s = overlapping ? 1 : 2, p = overlapping ? 1 : 0;
        int out = overlapping ? SIZE : SIZE / 2;
        win = SlidingWindow.of(new int[] {SIZE, SIZE, SIZE}, new int[] {k, k, k}, new int[] {out, out, out},
                new int[] {s, s, s}, new int[] {p, p, p}, new int[] {1, 1, 1});
        Random r = new Random(42);
        x = new float[PLANES * win.inVolume()];
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
        y = new float[PLANES * win.outVolume()];
        gy = new float[y.length];
        for (int i = 0; i < gy.length; i++) gy[i] = r.nextFloat();
        gx = new float[x.length];
    }

    @Benchmark
    public float[] forwardVector() {
        if (max) Pool.maxForward(PLANES, win, x, 0, y, 0);
        else Pool.avgForward(PLANES, win, true, x, 0, y, 0);
        return y;
    }

    @Benchmark
    public float[] forwardScalarTwin() {
        if (max) PoolReference.maxForward(PLANES, win, x, 0, y, 0);
        else PoolReference.avgForward(PLANES, win, true, x, 0, y, 0);
        return y;
    }

    @Benchmark
    public float[] backwardVector() {
        if (max) Pool.maxBackward(PLANES, win, x, 0, gy, 0, gx, 0);
        else Pool.avgBackward(PLANES, win, true, gy, 0, gx, 0);
        return gx;
    }

    @Benchmark
    public float[] backwardScalarTwin() {
        if (max) PoolReference.maxBackward(PLANES, win, x, 0, gy, 0, gx, 0);
        else PoolReference.avgBackward(PLANES, win, true, gy, 0, gx, 0);
        return gx;
    }
}
