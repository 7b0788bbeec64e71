package mrisr.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import mrisr.kernels.reference.PoolReference;
import mrisr.kernels.reference.SlidingWindow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The vector pooling kernels against the scalar twin {@link PoolReference} on randomly drawn
 * geometries (fixed seed): 1-D to 3-D, sizes 1, small primes and widths of several vectors, kernels
 * 1 to 3, strides 1 to 3, every legal padding, dilation 1 and 2 (max), floor and ceil output sizes,
 * both divisor conventions, non-zero offsets.
 *
 * <p>Max pooling is exact, forward and backward (inputs drawn from a few integers plus NaN, ±∞ and
 * ±0, so ties and NaNs are common). Average pooling, with {@code u = 2⁻²⁴} and {@code K} the kernel
 * volume: forward within {@code (K + 2)·u·avg|x|} (the twin on {@code |x|}), backward within
 * {@code (K + 2)·u·Σ|gy|/divisor} (the twin's backward on {@code |gy|}); an input receives at most
 * {@code K} windows.
 */
class PoolTest {
    private static final double U = 0x1p-24;

    /** One drawn problem. */
    record Case(String name, int planes, SlidingWindow win, int[] dilation, boolean countIncludePad) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final int[] SIZES = {1, 2, 3, 5, 7, 13};
    private static final int[] WIDTHS = {1, 2, 5, 7, 13, 37, 53, 67, 101};

    static Stream<Case> cases() {
        Random rnd = new Random(20261127);
        List<Case> cases = new ArrayList<>();
        for (int n = 0; n < 240; n++) {
            int rank = 1 + n % 3;
            boolean dilated = rnd.nextInt(4) == 0;
            boolean ceil = rnd.nextBoolean();
            int[] in = new int[rank], kernel = new int[rank], stride = new int[rank], padding = new int[rank];
            int[] dilation = new int[rank], out = new int[rank];
            for (int a = 0; a < rank; a++) {
                boolean last = a == rank - 1;
                in[a] = last ? WIDTHS[rnd.nextInt(WIDTHS.length)] : SIZES[rnd.nextInt(SIZES.length)];
                kernel[a] = 1 + rnd.nextInt(3);
                stride[a] = 1 + rnd.nextInt(3);
                padding[a] = rnd.nextInt(kernel[a] / 2 + 1);
                dilation[a] = dilated ? 1 + rnd.nextInt(2) : 1;
                int span = dilation[a] * (kernel[a] - 1) + 1;
                if (in[a] + 2 * padding[a] < span) in[a] = span; // the window must fit the padded input
                out[a] = outputSize(in[a], span, stride[a], padding[a], ceil);
            }
            SlidingWindow win = SlidingWindow.of(in, kernel, out, stride, padding, dilation);
            String name = "in " + Arrays.toString(in) + " k " + Arrays.toString(kernel) + " s "
                    + Arrays.toString(stride) + " p " + Arrays.toString(padding) + " d " + Arrays.toString(dilation)
                    + (ceil ? " ceil" : "");
            cases.add(new Case(name, 1 + rnd.nextInt(3), win, dilation, rnd.nextBoolean()));
        }
        return cases.stream();
    }

    /** PyTorch's pooling output size; in ceil mode the last window must start inside the input or left padding. */
    static int outputSize(int in, int span, int stride, int padding, boolean ceil) {
        int numerator = in + 2 * padding - span;
        int out = (ceil ? Math.ceilDiv(numerator, stride) : Math.floorDiv(numerator, stride)) + 1;
        if (ceil && (out - 1) * stride >= in + padding) out--;
        return out;
    }

    private static boolean dilated(Case c) {
        return Arrays.stream(c.dilation).anyMatch(d -> d != 1);
    }

    /** Small integers (many ties) with NaN, ±∞ and ±0 sprinkled in. */
    private static float[] tiesAndSpecials(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            int k = rnd.nextInt(40);
            v[i] = switch (k) {
                case 0 -> Float.NaN;
                case 1 -> Float.NEGATIVE_INFINITY;
                case 2 -> Float.POSITIVE_INFINITY;
                case 3 -> -0f;
                case 4 -> 0f;
                default -> rnd.nextInt(7) - 3;
            };
        }
        return v;
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (rnd.nextGaussian() * 3);
        return v;
    }

    private static float[] abs(float[] v) {
        float[] a = new float[v.length];
        for (int i = 0; i < v.length; i++) a[i] = Math.abs(v[i]);
        return a;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void maxPoolingIsExact(Case c) {
        SlidingWindow win = c.win;
        Random rnd = new Random(c.name.hashCode());
        int inLen = c.planes * win.inVolume(), outLen = c.planes * win.outVolume();
        int xOff = 3, yOff = 5;
        float[] x = tiesAndSpecials(rnd, xOff + inLen), gy = gaussian(rnd, yOff + outLen);
        float[] yFast = new float[yOff + outLen], yTwin = new float[yOff + outLen];
        Pool.maxForward(c.planes, win, x, xOff, yFast, yOff);
        PoolReference.maxForward(c.planes, win, x, xOff, yTwin, yOff);
        assertThat(Arrays.equals(yFast, yTwin)).as("forward").isTrue();
        float[] gFast = new float[xOff + inLen], gTwin = new float[xOff + inLen];
        Pool.maxBackward(c.planes, win, x, xOff, gy, yOff, gFast, xOff);
        PoolReference.maxBackward(c.planes, win, x, xOff, gy, yOff, gTwin, xOff);
        assertThat(Arrays.equals(gFast, gTwin)).as("backward").isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void averagePoolingMatchesTheTwinWithinTheStatedBounds(Case c) {
        if (dilated(c)) return; // average pooling has no dilation
        SlidingWindow win = c.win;
        Random rnd = new Random(c.name.hashCode() + 1);
        int inLen = c.planes * win.inVolume(), outLen = c.planes * win.outVolume();
        int xOff = 7, yOff = 2;
        float[] x = gaussian(rnd, xOff + inLen), gy = gaussian(rnd, yOff + outLen);
        double bound = (win.kernelVolume() + 2) * U;
        float[] yFast = new float[yOff + outLen], yTwin = new float[yOff + outLen], yAbs = new float[yOff + outLen];
        Pool.avgForward(c.planes, win, c.countIncludePad, x, xOff, yFast, yOff);
        PoolReference.avgForward(c.planes, win, c.countIncludePad, x, xOff, yTwin, yOff);
        PoolReference.avgForward(c.planes, win, c.countIncludePad, abs(x), xOff, yAbs, yOff);
        for (int i = yOff; i < yFast.length; i++) {
            assertThat((double) Math.abs(yFast[i] - yTwin[i])).as("y[%d]", i).isLessThanOrEqualTo(bound * yAbs[i]);
        }
        float[] gFast = new float[xOff + inLen], gTwin = new float[xOff + inLen], gAbs = new float[xOff + inLen];
        Pool.avgBackward(c.planes, win, c.countIncludePad, gy, yOff, gFast, xOff);
        PoolReference.avgBackward(c.planes, win, c.countIncludePad, gy, yOff, gTwin, xOff);
        PoolReference.avgBackward(c.planes, win, c.countIncludePad, abs(gy), yOff, gAbs, xOff);
        for (int i = xOff; i < gFast.length; i++) {
            assertThat((double) Math.abs(gFast[i] - gTwin[i])).as("gx[%d]", i).isLessThanOrEqualTo(bound * gAbs[i]);
        }
    }

    @Test
    void bitIdenticalForOneAndTwoThreads() {
        SlidingWindow overlapping = SlidingWindow.of(new int[] {9, 14, 45}, new int[] {3, 3, 3}, new int[] {9, 14, 45},
                new int[] {1, 1, 1}, new int[] {1, 1, 1}, new int[] {1, 1, 1});
        SlidingWindow strided = SlidingWindow.of(new int[] {10, 12, 70}, new int[] {2, 2, 2}, new int[] {5, 6, 35},
                new int[] {2, 2, 2}, new int[] {0, 0, 0}, new int[] {1, 1, 1});
        for (SlidingWindow win : List.of(overlapping, strided)) {
            Random rnd = new Random(5);
            int planes = 3;
            float[] x = gaussian(rnd, planes * win.inVolume()), gy = gaussian(rnd, planes * win.outVolume());
            float[][] one = run(win, planes, x, gy, 1), two = run(win, planes, x, gy, 2);
            for (int k = 0; k < one.length; k++) assertThat(Arrays.equals(one[k], two[k])).as("result %d", k).isTrue();
        }
    }

    private static float[][] run(SlidingWindow win, int planes, float[] x, float[] gy, int threads) {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(threads);
            float[][] r = {new float[gy.length], new float[x.length], new float[gy.length], new float[x.length]};
            Pool.maxForward(planes, win, x, 0, r[0], 0);
            Pool.maxBackward(planes, win, x, 0, gy, 0, r[1], 0);
            Pool.avgForward(planes, win, true, x, 0, r[2], 0);
            Pool.avgBackward(planes, win, false, gy, 0, r[3], 0);
            return r;
        } finally {
            Parallel.setThreads(before);
        }
    }
}
