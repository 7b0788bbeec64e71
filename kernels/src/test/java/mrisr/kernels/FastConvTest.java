package mrisr.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import mrisr.kernels.FastConv.Algorithm;
import mrisr.kernels.FastConv.Pass;
import mrisr.kernels.reference.ConvReference;
import mrisr.kernels.reference.SlidingWindow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fast convolution algorithm against its scalar twin ({@link ConvReference}, double
 * accumulation) on random inputs with odd sizes, strides, padding (including padding wider than the
 * kernel reach), dilation and groups, in 1-D, 2-D and 3-D, narrow and wide channels.
 *
 * <p>Error bound: {@code |fast − twin| ≤ 2e-5 · Σ|terms|} per element, where {@code Σ|terms|} is the
 * twin run on the absolute values of the operands (float accumulation over K ≤ 1100 terms per
 * register or lane block, then double). Outputs are pre-filled with NaN, so an element the fast
 * kernel forgets to write fails. A second group of tests checks bit identity with 1 and 2 threads.
 */
class FastConvTest {
    static final double BOUND = 2e-5;

    /** One convolution shape: sizes per spatial axis, outermost first. */
    record Case(String label, int batch, int in, int out, int groups, int[] size, int[] kernel, int[] stride,
            int[] padding, int[] dilation) {
        SlidingWindow win() {
            int[] o = new int[size.length];
            for (int a = 0; a < o.length; a++) {
                o[a] = (size[a] + 2 * padding[a] - dilation[a] * (kernel[a] - 1) - 1) / stride[a] + 1;
            }
            return SlidingWindow.of(size, kernel, o, stride, padding, dilation);
        }

        boolean pointwise() {
            for (int a = 0; a < size.length; a++) {
                if (kernel[a] != 1 || stride[a] != 1 || padding[a] != 0) return false;
            }
            return true;
        }

        List<Algorithm> algorithms() {
            List<Algorithm> algs = new ArrayList<>(List.of(Algorithm.DIRECT, Algorithm.IMPLICIT_GEMM));
            if (pointwise()) algs.add(Algorithm.POINTWISE_GEMM);
            return algs;
        }

        /** The algorithms of forward or backward data: the common ones, and Winograd where it applies. */
        List<Algorithm> algorithms(boolean backwardData) {
            List<Algorithm> algs = algorithms();
            if (ConvWinograd.applies(win(), in / groups, out / groups, backwardData)) algs.add(Algorithm.WINOGRAD);
            return algs;
        }

        /** The algorithms of the weight gradient: those of the other passes and the outer product. */
        List<Algorithm> weightAlgorithms() {
            List<Algorithm> algs = algorithms(false);
            algs.add(Algorithm.OUTER_PRODUCT);
            return algs;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    static int[] v(int... a) {
        return a;
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("3d narrow 1->8 pad 1", 1, 1, 8, 1, v(7, 9, 37), v(3, 3, 3), v(1, 1, 1), v(1, 1, 1), v(1, 1, 1)),
                new Case("3d wide 40->12 (K > KC)", 1, 40, 12, 1, v(4, 5, 29), v(3, 3, 3), v(1, 1, 1), v(1, 1, 1),
                        v(1, 1, 1)),
                new Case("3d stride [2,1,2] kernel [3,2,3]", 1, 6, 5, 1, v(9, 11, 50), v(3, 2, 3), v(2, 1, 2), v(1, 0, 1),
                        v(1, 1, 1)),
                new Case("3d groups 3 dilation 2 pad 2", 2, 6, 9, 3, v(8, 7, 29), v(3, 3, 3), v(1, 1, 1), v(2, 2, 2),
                        v(2, 2, 2)),
                new Case("3d stride 3 dilation [2,1,2]", 1, 3, 4, 1, v(10, 9, 31), v(2, 3, 3), v(3, 2, 3), v(0, 1, 2),
                        v(2, 1, 2)),
                new Case("3d one output channel", 1, 2, 1, 1, v(3, 3, 3), v(2, 2, 2), v(1, 1, 1), v(0, 0, 0), v(1, 1, 1)),
                new Case("2d kernel [3,5] stride [1,3]", 3, 5, 7, 1, v(13, 41), v(3, 5), v(1, 3), v(1, 2), v(1, 1)),
                new Case("2d groups 2 stride 2 dilation 2", 2, 4, 6, 2, v(17, 23), v(2, 3), v(2, 2), v(1, 2), v(2, 2)),
                new Case("2d wide 64->20", 1, 64, 20, 1, v(6, 40), v(3, 3), v(1, 1), v(1, 1), v(1, 1)),
                new Case("3d groups 2 stride 2 6->70", 2, 6, 70, 2, v(5, 9, 19), v(3, 3, 3), v(2, 1, 2), v(1, 1, 1),
                        v(1, 1, 1)),
                new Case("1d 3->40 row of 1100", 1, 3, 40, 1, v(1100), v(3), v(1), v(1), v(1)),
                new Case("2d padding beyond the kernel, stride 3", 2, 2, 3, 1, v(4, 5), v(2, 2), v(3, 3), v(2, 2),
                        v(1, 1)),
                new Case("2d wide rows 3->5", 2, 3, 5, 1, v(5, 67), v(3, 3), v(1, 1), v(1, 1), v(1, 1)),
                new Case("1d kernel 4 dilation 2", 2, 3, 5, 1, v(67), v(4), v(1), v(3), v(2)),
                new Case("1d stride 2 long row", 1, 2, 3, 1, v(301), v(5), v(2), v(2), v(1)),
                new Case("3d pointwise 7->9", 2, 7, 9, 1, v(3, 5, 11), v(1, 1, 1), v(1, 1, 1), v(0, 0, 0), v(1, 1, 1)),
                new Case("2d pointwise groups 2", 1, 8, 4, 2, v(9, 70), v(1, 1), v(1, 1), v(0, 0), v(1, 1)),
                new Case("3d winograd 16->17 odd sizes", 2, 16, 17, 1, v(5, 5, 27), v(3, 3, 3), v(1, 1, 1),
                        v(1, 1, 1), v(1, 1, 1)),
                new Case("3d winograd no padding, 2 tile vectors", 1, 16, 16, 1, v(4, 5, 62), v(3, 3, 3), v(1, 1, 1),
                        v(0, 0, 0), v(1, 1, 1)),
                new Case("2d winograd groups 2 32->40 padding [0,2]", 2, 32, 40, 2, v(9, 50), v(3, 3), v(1, 1),
                        v(0, 2), v(1, 1)),
                new Case("2d winograd 64->64", 1, 64, 64, 1, v(5, 30), v(3, 3), v(1, 1), v(1, 1), v(1, 1)),
                new Case("3d winograd kernel [1,3,3] depth padding 1", 1, 20, 16, 1, v(3, 6, 47), v(1, 3, 3),
                        v(1, 1, 1), v(1, 1, 1), v(1, 1, 1)));
    }

    static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    static float[] abs(float[] a) {
        float[] b = new float[a.length];
        for (int i = 0; i < a.length; i++) b[i] = Math.abs(a[i]);
        return b;
    }

    static float[] nans(int n) {
        float[] a = new float[n];
        Arrays.fill(a, Float.NaN);
        return a;
    }

    /** Asserts {@code |actual − expected| ≤ BOUND · magnitude} elementwise over {@code [off, off + n)}. */
    static void assertClose(String what, float[] actual, float[] expected, float[] magnitude, int off, int n) {
        for (int i = off; i < off + n; i++) {
            double err = Math.abs((double) actual[i] - expected[i]);
            if (!(err <= BOUND * magnitude[i] + 1e-30)) {
                throw new AssertionError(what + ": element " + (i - off) + " is " + actual[i] + ", twin " + expected[i]
                        + " (error " + err + ", bound " + BOUND * magnitude[i] + ")");
            }
        }
    }

    /** Operands of one case, with offsets into larger arrays so that offsets are honoured. */
    static final class Operands {
        final Case c;
        final SlidingWindow win;
        final int xOff = 3, wOff = 5, bOff = 2, yOff = 7;
        final int xLen, wLen, yLen;
        final float[] x, w, bias, biasIn, gy;

        Operands(Case c, long seed) {
            this.c = c;
            win = c.win();
            Random r = new Random(seed);
            xLen = c.batch * c.in * win.inVolume();
            wLen = c.out * (c.in / c.groups) * win.kernelVolume();
            yLen = c.batch * c.out * win.outVolume();
            x = random(r, xOff + xLen);
            w = random(r, wOff + wLen);
            bias = random(r, bOff + c.out);
            biasIn = random(r, bOff + c.in);
            gy = random(r, yOff + yLen);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardMatchesScalarTwin(Case c) {
        Operands p = new Operands(c, c.label().hashCode());
        SlidingWindow win = p.win;
        float[] expected = new float[p.yOff + p.yLen], magnitude = new float[p.yOff + p.yLen];
        ConvReference.forward(c.batch, c.in, c.out, c.groups, win, p.x, p.xOff, p.w, p.wOff, p.bias, p.bOff, expected,
                p.yOff);
        ConvReference.forward(c.batch, c.in, c.out, c.groups, win, abs(p.x), p.xOff, abs(p.w), p.wOff, abs(p.bias),
                p.bOff, magnitude, p.yOff);
        float[] expectedRelu = expected.clone();
        for (int i = 0; i < expectedRelu.length; i++) expectedRelu[i] = Math.max(expectedRelu[i], 0f);
        for (Algorithm alg : c.algorithms(false)) {
            float[] y = nans(p.yOff + p.yLen);
            FastConv.forward(alg, c.batch, c.in, c.out, c.groups, win, p.x, p.xOff, p.w, p.wOff, p.bias, p.bOff, false,
                    y, p.yOff);
            assertClose(alg + " forward", y, expected, magnitude, p.yOff, p.yLen);
            assertThat(y[p.yOff - 1]).as("element before the output").isNaN();
            float[] yRelu = nans(p.yOff + p.yLen);
            FastConv.forward(alg, c.batch, c.in, c.out, c.groups, win, p.x, p.xOff, p.w, p.wOff, p.bias, p.bOff, true,
                    yRelu, p.yOff);
            assertClose(alg + " forward + ReLU", yRelu, expectedRelu, magnitude, p.yOff, p.yLen);
            float[] yNoBias = nans(p.yOff + p.yLen), expectedNoBias = new float[p.yOff + p.yLen];
            FastConv.forward(alg, c.batch, c.in, c.out, c.groups, win, p.x, p.xOff, p.w, p.wOff, null, 0, false,
                    yNoBias, p.yOff);
            ConvReference.forward(c.batch, c.in, c.out, c.groups, win, p.x, p.xOff, p.w, p.wOff, null, 0,
                    expectedNoBias, p.yOff);
            assertClose(alg + " forward without bias", yNoBias, expectedNoBias, magnitude, p.yOff, p.yLen);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backwardDataMatchesScalarTwin(Case c) {
        Operands p = new Operands(c, c.label().hashCode() + 1L);
        SlidingWindow win = p.win;
        float[] expected = new float[p.xOff + p.xLen], magnitude = new float[p.xOff + p.xLen];
        ConvReference.backwardData(c.batch, c.in, c.out, c.groups, win, p.gy, p.yOff, p.w, p.wOff, p.biasIn, p.bOff,
                expected, p.xOff);
        ConvReference.backwardData(c.batch, c.in, c.out, c.groups, win, abs(p.gy), p.yOff, abs(p.w), p.wOff,
                abs(p.biasIn), p.bOff, magnitude, p.xOff);
        for (Algorithm alg : c.algorithms(true)) {
            float[] gx = nans(p.xOff + p.xLen);
            FastConv.backwardData(alg, c.batch, c.in, c.out, c.groups, win, p.gy, p.yOff, p.w, p.wOff, p.biasIn,
                    p.bOff, false, gx, p.xOff);
            assertClose(alg + " backward data", gx, expected, magnitude, p.xOff, p.xLen);
            float[] gxRelu = nans(p.xOff + p.xLen), expectedRelu = expected.clone();
            for (int i = 0; i < expectedRelu.length; i++) expectedRelu[i] = Math.max(expectedRelu[i], 0f);
            FastConv.backwardData(alg, c.batch, c.in, c.out, c.groups, win, p.gy, p.yOff, p.w, p.wOff, p.biasIn,
                    p.bOff, true, gxRelu, p.xOff);
            assertClose(alg + " backward data + ReLU", gxRelu, expectedRelu, magnitude, p.xOff, p.xLen);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backwardWeightMatchesScalarTwin(Case c) {
        Operands p = new Operands(c, c.label().hashCode() + 2L);
        SlidingWindow win = p.win;
        float[] expected = new float[p.wOff + p.wLen], magnitude = new float[p.wOff + p.wLen];
        ConvReference.backwardWeight(c.batch, c.in, c.out, c.groups, win, p.x, p.xOff, p.gy, p.yOff, expected, p.wOff);
        ConvReference.backwardWeight(c.batch, c.in, c.out, c.groups, win, abs(p.x), p.xOff, abs(p.gy), p.yOff,
                magnitude, p.wOff);
        for (Algorithm alg : c.weightAlgorithms()) {
            float[] gw = nans(p.wOff + p.wLen);
            FastConv.backwardWeight(alg, c.batch, c.in, c.out, c.groups, win, p.x, p.xOff, p.gy, p.yOff, gw, p.wOff);
            assertClose(alg + " backward weight", gw, expected, magnitude, p.wOff, p.wLen);
        }
    }

    static Stream<Case> largeCases() {
        return Stream.of(
                new Case("3d 4->12 pad 1", 2, 4, 12, 1, v(5, 7, 40), v(3, 3, 3), v(1, 1, 1), v(1, 1, 1), v(1, 1, 1)),
                new Case("2d groups 2 stride 2 wide", 2, 24, 16, 2, v(20, 47), v(3, 3), v(2, 2), v(1, 1), v(1, 1)),
                new Case("3d pointwise", 2, 12, 10, 1, v(6, 10, 33), v(1, 1, 1), v(1, 1, 1), v(0, 0, 0), v(1, 1, 1)),
                new Case("3d 5->33 long rows", 1, 5, 33, 1, v(3, 4, 700), v(3, 3, 3), v(1, 1, 1), v(1, 1, 1),
                        v(1, 1, 1)),
                new Case("3d winograd 16->24", 2, 16, 24, 1, v(6, 9, 47), v(3, 3, 3), v(1, 1, 1), v(1, 1, 1),
                        v(1, 1, 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("largeCases")
    void bitIdenticalWithOneAndTwoThreads(Case c) {
        Operands p = new Operands(c, 99);
        SlidingWindow win = p.win;
        int before = Parallel.threads();
        try {
            for (Algorithm alg : c.algorithms()) {
                float[][] one = new float[3][], two = new float[3][];
                for (int threads = 1; threads <= 2; threads++) {
                    Parallel.setThreads(threads);
                    float[] y = new float[p.yOff + p.yLen], gx = new float[p.xOff + p.xLen];
                    float[] gw = new float[p.wOff + p.wLen];
                    FastConv.forward(alg, c.batch, c.in, c.out, c.groups, win, p.x, p.xOff, p.w, p.wOff, p.bias, p.bOff,
                            true, y, p.yOff);
                    FastConv.backwardData(alg, c.batch, c.in, c.out, c.groups, win, p.gy, p.yOff, p.w, p.wOff, null, 0,
                            false, gx, p.xOff);
                    FastConv.backwardWeight(alg, c.batch, c.in, c.out, c.groups, win, p.x, p.xOff, p.gy, p.yOff, gw,
                            p.wOff);
                    float[][] r = threads == 1 ? one : two;
                    r[0] = y;
                    r[1] = gx;
                    r[2] = gw;
                }
                assertThat(two[0]).as(alg + " forward").containsExactly(one[0]);
                assertThat(two[1]).as(alg + " backward data").containsExactly(one[1]);
                assertThat(two[2]).as(alg + " backward weight").containsExactly(one[2]);
            }
            float[][] gw = new float[2][];
            for (int threads = 1; threads <= 2; threads++) {
                Parallel.setThreads(threads);
                gw[threads - 1] = new float[p.wOff + p.wLen];
                FastConv.backwardWeight(Algorithm.OUTER_PRODUCT, c.batch, c.in, c.out, c.groups, win, p.x, p.xOff,
                        p.gy, p.yOff, gw[threads - 1], p.wOff);
            }
            assertThat(gw[1]).as("OUTER_PRODUCT backward weight").containsExactly(gw[0]);
            if (c.algorithms(false).contains(Algorithm.WINOGRAD)) {
                float[][] y = new float[2][], gx = new float[2][];
                for (int threads = 1; threads <= 2; threads++) {
                    Parallel.setThreads(threads);
                    y[threads - 1] = new float[p.yOff + p.yLen];
                    gx[threads - 1] = new float[p.xOff + p.xLen];
                    FastConv.forward(Algorithm.WINOGRAD, c.batch, c.in, c.out, c.groups, win, p.x, p.xOff, p.w,
                            p.wOff, p.bias, p.bOff, true, y[threads - 1], p.yOff);
                    FastConv.backwardData(Algorithm.WINOGRAD, c.batch, c.in, c.out, c.groups, win, p.gy, p.yOff, p.w,
                            p.wOff, null, 0, false, gx[threads - 1], p.xOff);
                    gw[threads - 1] = new float[p.wOff + p.wLen];
                    FastConv.backwardWeight(Algorithm.WINOGRAD, c.batch, c.in, c.out, c.groups, win, p.x, p.xOff, p.gy,
                            p.yOff, gw[threads - 1], p.wOff);
                }
                assertThat(y[1]).as("WINOGRAD forward").containsExactly(y[0]);
                assertThat(gx[1]).as("WINOGRAD backward data").containsExactly(gx[0]);
                assertThat(gw[1]).as("WINOGRAD backward weight").containsExactly(gw[0]);
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    static SlidingWindow same3d(int size, int kernel) {
        return SlidingWindow.of(v(size, size, size), v(kernel, kernel, kernel), v(size, size, size), v(1, 1, 1),
                v(kernel / 2, kernel / 2, kernel / 2), v(1, 1, 1));
    }

    @Test
    void planFollowsTheDocumentedHeuristic() {
        assertThat(FastConv.plan(Pass.FORWARD, 1, 1, 32, 1, same3d(64, 3))).isEqualTo(Algorithm.DIRECT);
        assertThat(FastConv.plan(Pass.FORWARD, 1, 64, 64, 1, same3d(64, 3))).isEqualTo(Algorithm.WINOGRAD);
        assertThat(FastConv.plan(Pass.BACKWARD_DATA, 1, 32, 32, 1, same3d(32, 3))).isEqualTo(Algorithm.WINOGRAD);
        assertThat(FastConv.plan(Pass.FORWARD, 1, 8, 64, 1, same3d(64, 3))).isEqualTo(Algorithm.DIRECT);
        assertThat(FastConv.plan(Pass.FORWARD, 1, 64, 64, 1, same3d(16, 3))).isEqualTo(Algorithm.IMPLICIT_GEMM);
        assertThat(FastConv.plan(Pass.FORWARD, 1, 64, 64, 1, same3d(5, 3))).isEqualTo(Algorithm.IMPLICIT_GEMM);
        assertThat(FastConv.plan(Pass.BACKWARD_DATA, 1, 64, 64, 1, same3d(5, 3))).isEqualTo(Algorithm.IMPLICIT_GEMM);
        assertThat(FastConv.plan(Pass.BACKWARD_WEIGHT, 1, 64, 64, 1, same3d(64, 3))).isEqualTo(Algorithm.WINOGRAD);
        assertThat(FastConv.plan(Pass.BACKWARD_WEIGHT, 1, 64, 64, 1, same3d(5, 3))).isEqualTo(Algorithm.OUTER_PRODUCT);
        assertThat(FastConv.plan(Pass.BACKWARD_WEIGHT, 1, 32, 32, 1, same3d(64, 3))).isEqualTo(Algorithm.OUTER_PRODUCT);
        assertThat(FastConv.plan(Pass.BACKWARD_WEIGHT, 1, 32, 1, 1, same3d(64, 3))).isEqualTo(Algorithm.DIRECT);
        assertThat(FastConv.plan(Pass.BACKWARD_WEIGHT, 1, 32, 4, 1, same3d(5, 3))).isEqualTo(Algorithm.IMPLICIT_GEMM);
        for (Pass pass : Pass.values()) {
            assertThat(FastConv.plan(pass, 2, 32, 16, 1, same3d(9, 1))).isEqualTo(Algorithm.POINTWISE_GEMM);
        }
        String before = System.getProperty("mrisr.kernels");
        try {
            System.setProperty("mrisr.kernels", "scalar");
            assertThat(FastConv.plan(Pass.FORWARD, 1, 64, 64, 1, same3d(64, 3))).isEqualTo(Algorithm.SCALAR);
        } finally {
            if (before == null) System.clearProperty("mrisr.kernels");
            else System.setProperty("mrisr.kernels", before);
        }
    }

    @Test
    void winogradReusesALongerKeptCopyOfAnotherLayout() {
        // a 3-D call leaves a long split copy full of data; the next 2-D call (shorter layout, wider rows of
        // channels) reuses it and must read its zero plane inside its own layout, not at the end of the array
        Case big = new Case("3d", 1, 16, 16, 1, v(12, 16, 30), v(3, 3, 3), v(1, 1, 1), v(0, 0, 0), v(1, 1, 1));
        Operands b = new Operands(big, 7);
        FastConv.forward(Algorithm.WINOGRAD, 1, 16, 16, 1, b.win, b.x, b.xOff, b.w, b.wOff, null, 0, false,
                new float[b.yOff + b.yLen], b.yOff);
        FastConv.backwardWeight(Algorithm.WINOGRAD, 1, 16, 16, 1, b.win, b.x, b.xOff, b.gy, b.yOff,
                new float[b.wOff + b.wLen], b.wOff);
        Case small = new Case("2d", 1, 64, 64, 1, v(5, 30), v(3, 3), v(1, 1), v(1, 1), v(1, 1));
        Operands p = new Operands(small, 8);
        float[] expected = new float[p.yOff + p.yLen], magnitude = new float[p.yOff + p.yLen];
        ConvReference.forward(1, 64, 64, 1, p.win, p.x, p.xOff, p.w, p.wOff, null, 0, expected, p.yOff);
        ConvReference.forward(1, 64, 64, 1, p.win, abs(p.x), p.xOff, abs(p.w), p.wOff, null, 0, magnitude, p.yOff);
        float[] y = nans(p.yOff + p.yLen);
        FastConv.forward(Algorithm.WINOGRAD, 1, 64, 64, 1, p.win, p.x, p.xOff, p.w, p.wOff, null, 0, false, y, p.yOff);
        assertClose("2-D forward after a 3-D one", y, expected, magnitude, p.yOff, p.yLen);
        float[] gwExpected = new float[p.wOff + p.wLen], gwMagnitude = new float[p.wOff + p.wLen];
        ConvReference.backwardWeight(1, 64, 64, 1, p.win, p.x, p.xOff, p.gy, p.yOff, gwExpected, p.wOff);
        ConvReference.backwardWeight(1, 64, 64, 1, p.win, abs(p.x), p.xOff, abs(p.gy), p.yOff, gwMagnitude, p.wOff);
        float[] gw = nans(p.wOff + p.wLen);
        FastConv.backwardWeight(Algorithm.WINOGRAD, 1, 64, 64, 1, p.win, p.x, p.xOff, p.gy, p.yOff, gw, p.wOff);
        assertClose("2-D weight gradient after a 3-D one", gw, gwExpected, gwMagnitude, p.wOff, p.wLen);
    }

    @Test
    void winogradCasesRunWinograd() {
        Stream.concat(cases(), largeCases()).filter(c -> c.label().contains("winograd")).forEach(c -> {
            assertThat(c.algorithms(false)).as(c.label()).contains(Algorithm.WINOGRAD);
            // the transposed padding k - 1 - p is negative along a 1-long kernel axis with padding
            assertThat(c.algorithms(true).contains(Algorithm.WINOGRAD)).as(c.label())
                    .isEqualTo(!c.label().contains("depth padding"));
        });
    }

    @Test
    void lastChoiceNamesPassAndAlgorithm() {
        Case c = new Case("small", 1, 2, 3, 1, v(4, 5), v(3, 3), v(1, 1), v(1, 1), v(1, 1));
        Operands p = new Operands(c, 7);
        FastConv.backwardWeight(1, 2, 3, 1, p.win, p.x, p.xOff, p.gy, p.yOff, new float[p.wOff + p.wLen], p.wOff);
        assertThat(FastConv.lastChoice()).isEqualTo("backwardWeight IMPLICIT_GEMM");
    }

    @Test
    void scalarForcedRunsTheTwinWithReLU() {
        Case c = new Case("scalar", 1, 3, 4, 1, v(6, 7), v(3, 3), v(1, 1), v(1, 1), v(1, 1));
        Operands p = new Operands(c, 8);
        float[] expected = new float[p.yOff + p.yLen], actual = new float[p.yOff + p.yLen];
        ConvReference.forward(1, 3, 4, 1, p.win, p.x, p.xOff, p.w, p.wOff, p.bias, p.bOff, expected, p.yOff);
        for (int i = 0; i < expected.length; i++) expected[i] = Math.max(expected[i], 0f);
        FastConv.forward(Algorithm.SCALAR, 1, 3, 4, 1, p.win, p.x, p.xOff, p.w, p.wOff, p.bias, p.bOff, true, actual,
                p.yOff);
        assertThat(actual).containsExactly(expected);
    }

    @Test
    void pointwiseGemmRejectsOtherKernels() {
        Case c = new Case("3x3", 1, 1, 1, 1, v(4, 4), v(3, 3), v(1, 1), v(1, 1), v(1, 1));
        Operands p = new Operands(c, 9);
        assertThatThrownBy(() -> FastConv.forward(Algorithm.POINTWISE_GEMM, 1, 1, 1, 1, p.win, p.x, 0, p.w, 0, null, 0,
                false, new float[p.yOff + p.yLen], 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("POINTWISE_GEMM");
    }
}
