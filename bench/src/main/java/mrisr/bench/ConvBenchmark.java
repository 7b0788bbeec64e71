package mrisr.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import mrisr.kernels.FastConv;
import mrisr.kernels.reference.ConvReference;
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
 * The fast convolution kernels ({@link FastConv}) on the layers of an SR network: 3×3(×3) kernels,
 * stride 1, padding 1, bias, all threads of the engine pool. GFLOP/s = 2·MACs / time with
 * {@code MACs = N·O·C·k^rank·volume} per pass; {@code forwardBackward} runs
 * three passes (forward, backward data, backward weight) of equal work. Shapes:
 * <ul>
 * <li>{@code c3d_1to32_64}: conv3d N=1, 1 → 32 channels, 64³ (the first layer), 0.453 GFLOP per pass</li>
 * <li>{@code c3d_32to32_64}: conv3d N=1, 32 → 32, 64³, 14.5 GFLOP per pass</li>
 * <li>{@code c3d_64to64_32}: conv3d N=1, 64 → 64, 32³, 7.25 GFLOP per pass</li>
 * <li>{@code c2d_16x64to64_64}: conv2d N=16, 64 → 64, 64², 4.83 GFLOP per pass</li>
 * </ul>
 * {@link ConvScalarTwinBenchmark} times the scalar twins at reduced sizes for scale.
 *
 * <pre>
 * ./mvnw -q -o -DskipTests package -pl bench -am
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar ConvBenchmark -f 1 -wi 3 -i 3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
public class ConvBenchmark {
    @Param({"c3d_1to32_64", "c3d_32to32_64", "c3d_64to64_32", "c2d_16x64to64_64"})
    public String shape;

    Problem p;

    @Setup
    public void setup() {
        p = Problem.of(shape);
    }

    @Benchmark
    public float[] forward() {
        return p.forward();
    }

    @Benchmark
    public float[] forwardBackward() {
        return p.forwardBackward();
    }

    @Benchmark
    public float[] backwardData() {
        return p.backwardData();
    }

    @Benchmark
    public float[] flippedForward() {
        return p.flippedForward();
    }

    @Benchmark
    public float[] backwardWeight() {
        return p.backwardWeight();
    }

    /** One convolution layer with random operands, and its passes on the fast kernels or the scalar twins. */
    static final class Problem {
        final int batch, in, out;
        final SlidingWindow win;
        final float[] x, w, bias, y, gy, gx, gw;

        Problem(int batch, int in, int out, int[] size) {
            this.batch = batch;
            this.in = in;
            this.out = out;
            int rank = size.length;
            int[] k = new int[rank], one = new int[rank];
            java.util.Arrays.fill(k, 3);
            java.util.Arrays.fill(one, 1);
            win = SlidingWindow.of(size, k, size, one, one, one);
            Random r = new Random(42);
            x = random(r, batch * in * win.inVolume());
            w = random(r, out * in * win.kernelVolume());
            bias = random(r, out);
            gy = random(r, batch * out * win.outVolume());
            y = new float[gy.length];
            gx = new float[x.length];
            gw = new float[w.length];
        }

        /**
         * A shape by name: {@code c3d_<in>to<out>_<size>} (N=1, size³) or
         * {@code c2d_<N>x<in>to<out>_<size>} (size²).
         */
        static Problem of(String name) {
            String[] parts = name.split("_");
            String[] channels = parts[1].split("to");
            int size = Integer.parseInt(parts[2]);
            if (parts[0].equals("c3d")) {
                return new Problem(1, Integer.parseInt(channels[0]), Integer.parseInt(channels[1]),
                        new int[] {size, size, size});
            }
            String[] batchIn = channels[0].split("x");
            return new Problem(Integer.parseInt(batchIn[0]), Integer.parseInt(batchIn[1]), Integer.parseInt(channels[1]),
                    new int[] {size, size});
        }

        private static float[] random(Random r, int n) {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) a[i] = r.nextFloat() - 0.5f;
            return a;
        }

        float[] forward() {
            FastConv.forward(batch, in, out, 1, win, x, 0, w, 0, bias, 0, false, y, 0);
            return y;
        }

        float[] forwardBackward() {
            FastConv.forward(batch, in, out, 1, win, x, 0, w, 0, bias, 0, false, y, 0);
            FastConv.backwardData(batch, in, out, 1, win, gy, 0, w, 0, null, 0, false, gx, 0);
            FastConv.backwardWeight(batch, in, out, 1, win, x, 0, gy, 0, gw, 0);
            return gw;
        }

        float[] backwardData() {
            FastConv.backwardData(batch, in, out, 1, win, gy, 0, w, 0, null, 0, false, gx, 0);
            return gx;
        }

        float[] wf;

        float[] flippedForward() {
            if (wf == null) {
                int kv = win.kernelVolume();
                wf = new float[w.length];
                for (int o = 0; o < out; o++)
                    for (int c = 0; c < in; c++)
                        for (int t = 0; t < kv; t++) wf[(c * out + o) * kv + kv - 1 - t] = w[(o * in + c) * kv + t];
            }
            FastConv.forward(batch, out, in, 1, win, gy, 0, wf, 0, null, 0, false, gx, 0);
            return gx;
        }

        float[] backwardWeight() {
            FastConv.backwardWeight(batch, in, out, 1, win, x, 0, gy, 0, gw, 0);
            return gw;
        }

        float[] scalarForward() {
            ConvReference.forward(batch, in, out, 1, win, x, 0, w, 0, bias, 0, y, 0);
            return y;
        }

        float[] scalarForwardBackward() {
            ConvReference.forward(batch, in, out, 1, win, x, 0, w, 0, bias, 0, y, 0);
            ConvReference.backwardData(batch, in, out, 1, win, gy, 0, w, 0, null, 0, gx, 0);
            ConvReference.backwardWeight(batch, in, out, 1, win, x, 0, gy, 0, gw, 0);
            return gw;
        }
    }
}
