package mrisr.engine;

import static mrisr.engine.TestTensors.distinct;
import static mrisr.engine.TestTensors.randn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Pool} against naive window enumerations written here in double precision following
 * PyTorch's CPU kernels, against hand-computed values, and for its error messages.
 */
class PoolTest {

    // ------------------------------------------------------------------ naive reference

    /** One pooling window: the flat input indices of its in-bounds taps (row-major window order) and its divisor. */
    record Window(int output, int[] taps, int divisor) {}

    /**
     * Every window of a pooling over {@code x[N, C, in…]} with output size {@code out}: taps at
     * {@code o·s − p + k·d}; the divisor follows avg_pool (window clipped to {@code in + p}, or only
     * in-bounds taps without {@code countIncludePad}).
     */
    static List<Window> windows(int[] xShape, int[] out, int[] k, int[] s, int[] p, int[] d, boolean countIncludePad) {
        int rank = xShape.length - 2;
        int[] in = Arrays.copyOfRange(xShape, 2, xShape.length);
        int planes = xShape[0] * xShape[1], inCount = Shape.numel(in), outCount = Shape.numel(out), kCount = Shape.numel(k);
        List<Window> all = new ArrayList<>();
        int[] q = new int[rank], kk = new int[rank], i = new int[rank];
        for (int plane = 0; plane < planes; plane++) {
            for (int of = 0; of < outCount; of++) {
                ConvTest.unflatten(of, out, q);
                int full = 1;
                for (int a = 0; a < rank; a++) {
                    int start = q[a] * s[a] - p[a];
                    full *= Math.min(start + k[a], in[a] + p[a]) - start;
                }
                List<Integer> taps = new ArrayList<>();
                for (int kf = 0; kf < kCount; kf++) {
                    ConvTest.unflatten(kf, k, kk);
                    boolean inside = true;
                    for (int a = 0; a < rank; a++) {
                        i[a] = q[a] * s[a] - p[a] + kk[a] * d[a];
                        inside &= i[a] >= 0 && i[a] < in[a];
                    }
                    if (inside) taps.add(plane * inCount + ConvTest.flatten(i, in));
                }
                int[] t = taps.stream().mapToInt(Integer::intValue).toArray();
                all.add(new Window(plane * outCount + of, t, countIncludePad ? full : t.length));
            }
        }
        return all;
    }

    static int[] outShape(int[] xShape, int[] out) {
        int[] shape = new int[out.length + 2];
        shape[0] = xShape[0];
        shape[1] = xShape[1];
        System.arraycopy(out, 0, shape, 2, out.length);
        return shape;
    }

    /** Checks value and gradient of an average pooling against the naive windows. */
    static void checkAverage(Tensor x, int[] out, int[] k, int[] s, int[] p, boolean countIncludePad, Tensor y) {
        float[] xv = x.toArray();
        List<Window> ws = windows(x.shape(), out, k, s, p, Conv.same(k.length, 1), countIncludePad);
        assertThat(y.shape()).containsExactly(outShape(x.shape(), out));
        float[] r = randn(5, y.shape()).toArray();
        double[] ye = new double[y.numel()], gx = new double[xv.length];
        for (Window w : ws) {
            double sum = 0;
            for (int t : w.taps()) {
                sum += xv[t];
                gx[t] += r[w.output()] / (double) w.divisor();
            }
            ye[w.output()] = w.taps().length == 0 ? 0 : sum / w.divisor();
        }
        ConvTest.assertClose("avg_pool output", y.toArray(), ye);
        y.backward(Tensor.fromArray(r, y.shape()), false);
        ConvTest.assertClose("avg_pool input gradient", x.grad().toArray(), gx);
    }

    /** Checks value and gradient of a max pooling against the naive windows (first maximum wins). */
    static void checkMax(Tensor x, int[] out, int[] k, int[] s, int[] p, int[] d, Tensor y) {
        float[] xv = x.toArray();
        List<Window> ws = windows(x.shape(), out, k, s, p, d, true);
        assertThat(y.shape()).containsExactly(outShape(x.shape(), out));
        float[] r = randn(6, y.shape()).toArray();
        double[] ye = new double[y.numel()], gx = new double[xv.length];
        for (Window w : ws) {
            int best = w.taps()[0];
            for (int t : w.taps()) if (xv[t] > xv[best]) best = t;
            ye[w.output()] = xv[best];
            gx[best] += r[w.output()];
        }
        ConvTest.assertClose("max_pool output", y.toArray(), ye);
        y.backward(Tensor.fromArray(r, y.shape()), false);
        ConvTest.assertClose("max_pool input gradient", x.grad().toArray(), gx);
    }

    // ------------------------------------------------------------------ average pooling

    @Test
    void avgPool2dMatchesNaiveWindowsInAllModes() {
        // H, W, kernel, stride, padding, ceil, countIncludePad, expected oH, oW
        int[][] configs = {
                {7, 6, 3, 2, 1, 0, 1, 4, 3},
                {7, 6, 3, 2, 1, 0, 0, 4, 3},
                {5, 5, 2, 2, 0, 1, 1, 3, 3},
                {5, 7, 2, 2, 1, 1, 1, 3, 4},
                {8, 9, 3, 2, 1, 1, 0, 5, 5},
                {6, 6, 3, 3, 0, 0, 1, 2, 2},
                {1, 9, 1, 1, 0, 0, 1, 1, 9},
        };
        long seed = 1;
        for (int[] c : configs) {
            int[] k = Conv.same(2, c[2]), s = Conv.same(2, c[3]), p = Conv.same(2, c[4]);
            boolean ceil = c[5] == 1, include = c[6] == 1;
            Tensor x = randn(seed++, 2, 3, c[0], c[1]).requiresGrad(true);
            checkAverage(x, new int[] {c[7], c[8]}, k, s, p, include, Pool.avgPool2d(x, k, s, p, ceil, include));
        }
    }

    @Test
    void avgPool3dMatchesNaiveWindows() {
        int[] k = {3, 2, 3}, s = {2, 1, 3}, p = {1, 0, 1};
        Tensor x = randn(10, 2, 2, 6, 5, 7).requiresGrad(true);
        checkAverage(x, new int[] {3, 4, 3}, k, s, p, true, Pool.avgPool3d(x, k, s, p, false, true));
        Tensor x2 = randn(11, 1, 3, 5, 4, 5).requiresGrad(true);
        checkAverage(x2, new int[] {3, 3, 2}, k, s, p, false, Pool.avgPool3d(x2, k, s, p, true, false));
        Tensor x3 = randn(12, 1, 2, 4, 6, 5).requiresGrad(true);
        checkAverage(x3, new int[] {2, 3, 2}, Conv.same(3, 2), Conv.same(3, 2), Conv.same(3, 0), true,
                Pool.avgPool3d(x3, 2));
    }

    @Test
    void avgPoolHandComputedValues() {
        Tensor ramp = Tensor.arange(9).reshape(1, 1, 3, 3);
        assertThat(Pool.avgPool2d(ramp, 2, 1, 0).toArray()).containsExactly(2f, 3f, 5f, 6f);
        Tensor x = Tensor.fromArray(new float[] {1, 2, 3, 4}, 1, 1, 2, 2);
        int[] two = {2, 2}, one = {1, 1};
        // every window holds one input value and three padded zeros
        assertThat(Pool.avgPool2d(x, two, two, one, false, true).toArray()).containsExactly(0.25f, 0.5f, 0.75f, 1f);
        assertThat(Pool.avgPool2d(x, two, two, one, false, false).toArray()).containsExactly(1f, 2f, 3f, 4f);
        // ceil mode on 5×5 ones: the last window is clipped to one column, so its divisor is 1 (PyTorch gives 1)
        Tensor ones = Tensor.ones(1, 1, 5, 5);
        float[] y = Pool.avgPool2d(ones, two, two, new int[] {0, 0}, true, true).toArray();
        assertThat(y).hasSize(9).containsOnly(1f);
    }

    @Test
    void ceilModeDropsAWindowThatWouldStartInThePadding() {
        assertThat(Pool.outputSize(5, 2, 2, 0, 1, false)).isEqualTo(2);
        assertThat(Pool.outputSize(5, 2, 2, 0, 1, true)).isEqualTo(3);
        assertThat(Pool.outputSize(5, 2, 2, 1, 1, true)).isEqualTo(3); // not 4: that window starts at 6 > 5 + 1 − 1
        assertThat(Pool.outputSize(6, 3, 2, 1, 1, true)).isEqualTo(4);
        assertThat(Pool.outputSize(10, 3, 1, 0, 2, false)).isEqualTo(6);
        assertThat(Pool.avgPool2d(Tensor.ones(1, 1, 5, 5), new int[] {2, 2}, new int[] {2, 2}, new int[] {1, 1}, true,
                true).shape()).containsExactly(1, 1, 3, 3);
    }

    // ------------------------------------------------------------------ max pooling

    @Test
    void maxPool2dMatchesNaiveWindows() {
        // H, W, kernel, stride, padding, dilation, ceil, expected oH, oW
        int[][] configs = {
                {7, 6, 3, 2, 1, 1, 0, 4, 3},
                {8, 7, 2, 2, 0, 1, 1, 4, 4},
                {9, 8, 3, 1, 2, 2, 0, 9, 8},
                {9, 10, 3, 2, 1, 2, 1, 4, 5},
                {1, 5, 1, 1, 0, 1, 0, 1, 5},
        };
        long seed = 20;
        for (int[] c : configs) {
            int[] k = Conv.same(2, c[2]), s = Conv.same(2, c[3]), p = Conv.same(2, c[4]), d = Conv.same(2, c[5]);
            Tensor x = randn(seed++, 2, 2, c[0], c[1]).requiresGrad(true);
            checkMax(x, new int[] {c[7], c[8]}, k, s, p, d, Pool.maxPool2d(x, k, s, p, d, c[6] == 1));
        }
    }

    @Test
    void maxPool3dMatchesNaiveWindows() {
        int[] k = {2, 3, 3}, s = {1, 2, 2}, p = {1, 1, 0}, d = {1, 1, 2};
        Tensor x = distinct(30, 2, 2, 5, 6, 7).requiresGrad(true);
        checkMax(x, new int[] {6, 3, 2}, k, s, p, d, Pool.maxPool3d(x, k, s, p, d, false));
        Tensor x2 = randn(31, 1, 3, 5, 5, 4).requiresGrad(true);
        checkMax(x2, new int[] {3, 3, 2}, Conv.same(3, 2), Conv.same(3, 2), Conv.same(3, 0), Conv.same(3, 1),
                Pool.maxPool3d(x2, Conv.same(3, 2), Conv.same(3, 2), Conv.same(3, 0), Conv.same(3, 1), true));
    }

    @Test
    void tiesSendTheGradientToTheFirstMaximum() {
        Tensor x = Tensor.ones(1, 1, 3, 3).requiresGrad(true);
        Pool.maxPool2d(x, 2, 1, 0, 1).sum().backward();
        // windows start at (0,0), (0,1), (1,0), (1,1); each picks its top-left element
        assertThat(x.grad().toArray()).containsExactly(1f, 1f, 0f, 1f, 1f, 0f, 0f, 0f, 0f);
        Tensor z = Tensor.fromArray(new float[] {0, 5, 5, 1, 5, 0, 5, 2}, 1, 1, 2, 4).requiresGrad(true);
        Pool.maxPool2d(z, 2).sum().backward();
        assertThat(z.grad().toArray()).containsExactly(0f, 1f, 1f, 0f, 0f, 0f, 0f, 0f);
    }

    @Test
    void maxPoolPropagatesNaNAndIgnoresPadding() {
        Tensor x = Tensor.fromArray(new float[] {1, Float.NaN, 3, 4, -5, -6, -7, -8}, 1, 2, 2, 2);
        float[] y = Pool.maxPool2d(x, 2).toArray();
        assertThat(y[0]).isNaN();
        // padding is −∞, so an all-negative window still returns its largest real value
        assertThat(y[1]).isEqualTo(-5f);
        float[] padded = Pool.maxPool2d(x.narrow(1, 1, 1), 2, 2, 1, 1).toArray();
        assertThat(padded).containsExactly(-5f, -6f, -7f, -8f);
    }

    @Test
    void averageOfConstantIsConstantUnderCountExcludingPad() {
        float v = Pool.avgPool3d(Tensor.full(2.5f, 1, 1, 5, 5, 5), new int[] {3, 3, 3}, new int[] {2, 2, 2},
                new int[] {1, 1, 1}, true, false).toArray()[7];
        assertThat(v).isCloseTo(2.5f, within(1e-6f));
    }

    // ------------------------------------------------------------------ errors

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> Pool.avgPool2d(Tensor.zeros(3, 8, 8), 2))
                .isInstanceOf(ShapeException.class).hasMessage("avg_pool2d: input [3,8,8] must be 4-d [N,C,H,W]");
        assertThatThrownBy(() -> Pool.maxPool3d(Tensor.zeros(1, 3, 8, 8), 2))
                .hasMessage("max_pool3d: input [1,3,8,8] must be 5-d [N,C,D,H,W]");
        assertThatThrownBy(() -> Pool.avgPool2d(Tensor.zeros(1, 1, 8, 8), 3, 1, 2))
                .hasMessage("avg_pool2d: padding [2,2] must be at most half of the kernel [3,3]");
        assertThatThrownBy(() -> Pool.maxPool2d(Tensor.zeros(1, 1, 8, 8), 3, 1, 3, 2))
                .hasMessage("max_pool2d: padding [3,3] must be at most half of the kernel [3,3] dilated by [2,2]");
        assertThatThrownBy(() -> Pool.maxPool3d(Tensor.zeros(1, 1, 2, 8, 8), 3))
                .hasMessage("max_pool3d: input [1,1,2,8,8] is too small for kernel [3,3,3] with padding [0,0,0]");
        assertThatThrownBy(() -> Pool.avgPool2d(Tensor.zeros(1, 1, 8, 8), 0))
                .hasMessage("avg_pool2d: kernel [0,0] must be >= 1 in every dimension");
        assertThatThrownBy(() -> Pool.maxPool2d(Tensor.zeros(1, 1, 8, 8), new int[] {2, 2}, new int[] {2}, new int[] {0, 0},
                new int[] {1, 1}, false)).hasMessage("max_pool2d: stride [2] needs 2 values, one per spatial dimension");
    }
}
