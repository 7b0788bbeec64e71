package mrisr.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import mrisr.kernels.Interpolate;
import mrisr.kernels.reference.InterpolateReference;
import mrisr.kernels.reference.InterpolateReference.AxisTaps;
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
 * Trilinear and tricubic ×2 upsampling (align_corners false) of one {@code size³} volume to
 * {@code (2·size)³}, forward and adjoint: {@link Interpolate} against the scalar twin
 * {@link InterpolateReference}. PyTorch's {@code F.interpolate(x, scale_factor=2, mode='trilinear')}
 * on the same shape is the comparison point (PyTorch has no tricubic mode; the cubic kernels are
 * its bicubic rule applied along three axes).
 *
 * <pre>java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar InterpolateBenchmark -f 1 -wi 3 -i 3</pre>
 *
 * <p>Tricubic, measured 2026-11-26 (2 shared cores, AVX-512, JDK 25; noisy, {@code -wi 3 -i 5}), ms per
 * op, twin → vector: forward 64³ 199 → 1.9, 128³ 979 → 18; adjoint 64³ 143 → 1.8, 128³ 1355 → 36.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
public class InterpolateBenchmark {
    @Param({"64", "128"})
    public int size;

    AxisTaps axis, cubic;
    float[] x, y, gx;

    @Setup
    public void setup() {
        axis = InterpolateReference.axis(InterpolateReference.Kind.LINEAR, size, 2 * size, false, 2);
        cubic = InterpolateReference.axis(InterpolateReference.Kind.CUBIC, size, 2 * size, false, 2);
        Random r = new Random(42);
        x = new float[size * size * size];
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
        y = new float[8 * x.length];
        gx = new float[x.length];
        for (int i = 0; i < y.length; i++) y[i] = r.nextFloat();
    }

    @Benchmark
    public float[] forwardVector() {
        Interpolate.forward(1, axis, axis, axis, x, y);
        return y;
    }

    @Benchmark
    public float[] forwardScalarTwin() {
        InterpolateReference.forward(1, axis, axis, axis, x, y);
        return y;
    }

    @Benchmark
    public float[] adjointVector() {
        Interpolate.backward(1, axis, axis, axis, y, gx);
        return gx;
    }

    @Benchmark
    public float[] adjointScalarTwin() {
        InterpolateReference.backward(1, axis, axis, axis, y, gx);
        return gx;
    }

    @Benchmark
    public float[] cubicForwardVector() {
        Interpolate.forward(1, cubic, cubic, cubic, x, y);
        return y;
    }

    @Benchmark
    public float[] cubicForwardScalarTwin() {
        InterpolateReference.forward(1, cubic, cubic, cubic, x, y);
        return y;
    }

    @Benchmark
    public float[] cubicAdjointVector() {
        Interpolate.backward(1, cubic, cubic, cubic, y, gx);
        return gx;
    }

    @Benchmark
    public float[] cubicAdjointScalarTwin() {
        InterpolateReference.backward(1, cubic, cubic, cubic, y, gx);
        return gx;
    }
}
