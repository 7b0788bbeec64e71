package mrisr.engine;

import static mrisr.engine.TestTensors.randn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link Conv} against a naive direct convolution written here in double precision, which visits
 * every (output position, kernel tap) pair; plus the adjoint identity, output sizes and error messages.
 */
class ConvTest {

    // ------------------------------------------------------------------ naive reference

    /** One multiply-add of a convolution: output element, input element, weight element (flat indices). */
    @FunctionalInterface
    interface Tap {
        void visit(int y, int x, int w);
    }

    /**
     * Calls {@code tap} for every term {@code w[o,c,k]·x[n, g·C/groups + c, p·s − pad + k·d]} of
     * {@code y[n,o,p]} whose input position is inside the input.
     */
    static void forEachTap(int[] xShape, int[] wShape, int[] yShape, int[] s, int[] pad, int[] d, int groups, Tap tap) {
        int rank = xShape.length - 2;
        int batch = xShape[0], channels = xShape[1], outChannels = wShape[0], perGroup = wShape[1];
        int[] outSpatial = Arrays.copyOfRange(yShape, 2, yShape.length);
        int[] kSpatial = Arrays.copyOfRange(wShape, 2, wShape.length);
        int[] inSpatial = Arrays.copyOfRange(xShape, 2, xShape.length);
        int outCount = Shape.numel(outSpatial), kCount = Shape.numel(kSpatial);
        int[] q = new int[rank], k = new int[rank], i = new int[rank];
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < outChannels; o++) {
                int g = o / (outChannels / groups);
                for (int pf = 0; pf < outCount; pf++) {
                    unflatten(pf, outSpatial, q);
                    for (int c = 0; c < perGroup; c++) {
                        for (int kf = 0; kf < kCount; kf++) {
                            unflatten(kf, kSpatial, k);
                            boolean inside = true;
                            for (int a = 0; a < rank; a++) {
                                i[a] = q[a] * s[a] - pad[a] + k[a] * d[a];
                                inside &= i[a] >= 0 && i[a] < inSpatial[a];
                            }
                            if (!inside) continue;
                            int yi = (n * outChannels + o) * outCount + pf;
                            int xi = (n * channels + g * perGroup + c) * Shape.numel(inSpatial) + flatten(i, inSpatial);
                            int wi = (o * perGroup + c) * kCount + kf;
                            tap.visit(yi, xi, wi);
                        }
                    }
                }
            }
        }
    }

    static void unflatten(int f, int[] sizes, int[] idx) {
        for (int a = sizes.length - 1; a >= 0; a--) {
            idx[a] = f % sizes[a];
            f /= sizes[a];
        }
    }

    static int flatten(int[] idx, int[] sizes) {
        int f = 0;
        for (int a = 0; a < sizes.length; a++) f = f * sizes[a] + idx[a];
        return f;
    }

    /** Values and gradients of the naive reference for the loss {@code Σ y·r}. */
    record Reference(double[] y, double[] gx, double[] gw, double[] gb) {}

    /** Naive convolution: {@code x [N,C,in…]}, {@code w [O,C/groups,k…]}, {@code b [O]} or null. */
    static Reference naiveConv(Tensor x, Tensor w, Tensor b, int[] s, int[] p, int[] d, int groups, float[] r) {
        int rank = x.dim() - 2;
        int[] yShape = new int[rank + 2];
        yShape[0] = x.size(0);
        yShape[1] = w.size(0);
        for (int a = 0; a < rank; a++) {
            yShape[a + 2] = (x.size(a + 2) + 2 * p[a] - d[a] * (w.size(a + 2) - 1) - 1) / s[a] + 1;
        }
        float[] xv = x.toArray(), wv = w.toArray();
        double[] y = new double[Shape.numel(yShape)], gx = new double[xv.length], gw = new double[wv.length];
        double[] gb = new double[w.size(0)];
        int perChannel = y.length / (yShape[0] * yShape[1]);
        if (b != null) {
            float[] bv = b.toArray();
            for (int i = 0; i < y.length; i++) {
                y[i] = bv[(i / perChannel) % yShape[1]];
                gb[(i / perChannel) % yShape[1]] += r[i];
            }
        }
        forEachTap(x.shape(), w.shape(), yShape, s, p, d, groups, (yi, xi, wi) -> {
            y[yi] += (double) wv[wi] * xv[xi];
            gx[xi] += (double) r[yi] * wv[wi];
            gw[wi] += (double) r[yi] * xv[xi];
        });
        return new Reference(y, gx, gw, gb);
    }

    /**
     * Naive transposed convolution by its scatter definition: input {@code x[n, ci, i]} adds
     * {@code x · w[ci, co, k]} to output position {@code i·s − p + k·d} of channel {@code g·C_out/groups + co}.
     */
    static Reference naiveTransposed(Tensor x, Tensor w, Tensor b, int[] s, int[] p, int[] outPad, int[] d,
            int groups, float[] r) {
        int rank = x.dim() - 2;
        int[] yShape = new int[rank + 2];
        yShape[0] = x.size(0);
        yShape[1] = w.size(1) * groups;
        for (int a = 0; a < rank; a++) {
            yShape[a + 2] = (x.size(a + 2) - 1) * s[a] - 2 * p[a] + d[a] * (w.size(a + 2) - 1) + outPad[a] + 1;
        }
        float[] xv = x.toArray(), wv = w.toArray();
        double[] y = new double[Shape.numel(yShape)], gx = new double[xv.length], gw = new double[wv.length];
        double[] gb = new double[yShape[1]];
        int perChannel = y.length / (yShape[0] * yShape[1]);
        if (b != null) {
            float[] bv = b.toArray();
            for (int i = 0; i < y.length; i++) {
                y[i] = bv[(i / perChannel) % yShape[1]];
                gb[(i / perChannel) % yShape[1]] += r[i];
            }
        }
        // the transposed output plays the convolution's input, the transposed input its output
        forEachTap(yShape, w.shape(), x.shape(), s, p, d, groups, (xi, yi, wi) -> {
            y[yi] += (double) wv[wi] * xv[xi];
            gx[xi] += (double) r[yi] * wv[wi];
            gw[wi] += (double) r[yi] * xv[xi];
        });
        return new Reference(y, gx, gw, gb);
    }

    static void assertClose(String what, float[] actual, double[] expected) {
        assertThat(actual.length).as(what + " length").isEqualTo(expected.length);
        for (int i = 0; i < actual.length; i++) {
            double tol = 1e-5 * (1 + Math.abs(expected[i]));
            if (Math.abs(actual[i] - expected[i]) > tol) {
                throw new AssertionError(what + " at " + i + ": got " + actual[i] + ", expected " + expected[i]);
            }
        }
    }

    /** Runs {@code op} with gradients on, compares value and all gradients with {@code ref}. */
    static void compare(String label, Tensor x, Tensor w, Tensor b, java.util.function.Function<Tensor[], Tensor> op,
            java.util.function.Function<float[], Reference> ref, int[] expectedShape) {
        Tensor xl = x.detach().requiresGrad(true), wl = w.detach().requiresGrad(true);
        Tensor bl = b == null ? null : b.detach().requiresGrad(true);
        Tensor y = op.apply(new Tensor[] {xl, wl, bl});
        assertThat(y.shape()).as(label + " shape").containsExactly(expectedShape);
        float[] r = randn(99, y.shape()).toArray();
        Reference e = ref.apply(r);
        assertClose(label + " output", y.toArray(), e.y());
        y.backward(Tensor.fromArray(r, y.shape()), false);
        assertClose(label + " input gradient", xl.grad().toArray(), e.gx());
        assertClose(label + " weight gradient", wl.grad().toArray(), e.gw());
        if (bl != null) assertClose(label + " bias gradient", bl.grad().toArray(), e.gb());
    }

    // ------------------------------------------------------------------ forward and backward against the naive sum

    @Test
    void conv2dMatchesNaiveSumInAllVariants() {
        // N, C, H, W, O, kH, kW, stride, padding, dilation, groups, bias
        int[][] configs = {
                {1, 1, 5, 5, 1, 3, 3, 1, 0, 1, 1, 0},
                {2, 3, 7, 6, 4, 3, 2, 1, 1, 1, 1, 1},
                {1, 2, 9, 7, 3, 3, 3, 2, 1, 1, 1, 1},
                {2, 2, 11, 9, 2, 3, 3, 1, 2, 2, 1, 0},
                {1, 4, 8, 7, 6, 3, 3, 2, 1, 1, 2, 1},
                {1, 4, 13, 10, 4, 2, 3, 3, 2, 2, 4, 1},
                {3, 1, 1, 6, 2, 1, 3, 1, 0, 1, 1, 1},
        };
        long seed = 1;
        for (int[] c : configs) {
            int[] s = {c[7], c[7]}, p = {c[8], c[8]}, d = {c[9], c[9]};
            int groups = c[10];
            Tensor x = randn(seed++, c[0], c[1], c[2], c[3]);
            Tensor w = randn(seed++, c[4], c[1] / groups, c[5], c[6]);
            Tensor b = c[11] == 1 ? randn(seed++, c[4]) : null;
            int oh = (c[2] + 2 * p[0] - d[0] * (c[5] - 1) - 1) / s[0] + 1;
            int ow = (c[3] + 2 * p[1] - d[1] * (c[6] - 1) - 1) / s[1] + 1;
            compare("conv2d " + Arrays.toString(c), x, w, b, t -> Conv.conv2d(t[0], t[1], t[2], s, p, d, groups),
                    r -> naiveConv(x, w, b, s, p, d, groups, r), new int[] {c[0], c[4], oh, ow});
        }
    }

    @Test
    void conv2dWithDifferentStridePaddingDilationPerAxis() {
        int[] s = {2, 1}, p = {0, 2}, d = {1, 3};
        Tensor x = randn(10, 2, 3, 9, 8), w = randn(11, 5, 3, 3, 2), b = randn(12, 5);
        compare("conv2d per-axis", x, w, b, t -> Conv.conv2d(t[0], t[1], t[2], s, p, d, 1),
                r -> naiveConv(x, w, b, s, p, d, 1, r), new int[] {2, 5, 4, 9});
    }

    @Test
    void conv3dMatchesNaiveSumInAllVariants() {
        // N, C, D, H, W, O, k, stride, padding, dilation, groups, bias
        int[][] configs = {
                {1, 1, 4, 5, 3, 1, 2, 1, 0, 1, 1, 0},
                {2, 3, 5, 4, 6, 2, 3, 1, 1, 1, 1, 1},
                {1, 2, 7, 5, 6, 3, 3, 2, 1, 1, 1, 1},
                {1, 2, 7, 7, 5, 2, 2, 1, 1, 2, 1, 1},
                {2, 4, 5, 6, 5, 2, 3, 2, 1, 2, 2, 0},
        };
        long seed = 20;
        for (int[] c : configs) {
            int[] s = Conv.same(3, c[7]), p = Conv.same(3, c[8]), d = Conv.same(3, c[9]);
            int groups = c[10];
            Tensor x = randn(seed++, c[0], c[1], c[2], c[3], c[4]);
            Tensor w = randn(seed++, c[5], c[1] / groups, c[6], c[6], c[6]);
            Tensor b = c[11] == 1 ? randn(seed++, c[5]) : null;
            int[] shape = new int[] {c[0], c[5], 0, 0, 0};
            for (int a = 0; a < 3; a++) shape[a + 2] = (c[a + 2] + 2 * p[a] - d[a] * (c[6] - 1) - 1) / s[a] + 1;
            compare("conv3d " + Arrays.toString(c), x, w, b, t -> Conv.conv3d(t[0], t[1], t[2], s, p, d, groups),
                    r -> naiveConv(x, w, b, s, p, d, groups, r), shape);
        }
    }

    @Test
    void conv3dWithAnisotropicKernelAndStride() {
        int[] s = {1, 2, 3}, p = {1, 0, 2}, d = {2, 1, 1};
        Tensor x = randn(30, 1, 2, 6, 7, 8), w = randn(31, 3, 2, 2, 3, 4), b = randn(32, 3);
        compare("conv3d anisotropic", x, w, b, t -> Conv.conv3d(t[0], t[1], t[2], s, p, d, 1),
                r -> naiveConv(x, w, b, s, p, d, 1, r), new int[] {1, 3, 6, 3, 3});
    }

    @Test
    void convTranspose2dMatchesScatterDefinition() {
        // N, C_in, H, W, C_out/groups, kH, kW, stride, padding, output padding, dilation, groups, bias
        int[][] configs = {
                {1, 1, 3, 3, 1, 2, 2, 2, 0, 0, 1, 1, 0},
                {2, 3, 4, 3, 2, 3, 3, 2, 1, 1, 1, 1, 1},
                {1, 2, 5, 4, 3, 3, 2, 1, 1, 0, 2, 1, 1},
                {1, 4, 3, 5, 1, 3, 3, 3, 1, 2, 1, 2, 1},
                {2, 4, 4, 4, 2, 2, 3, 1, 0, 1, 2, 4, 0},
        };
        long seed = 40;
        for (int[] c : configs) {
            int[] s = {c[7], c[7]}, p = {c[8], c[8]}, op = {c[9], c[9]}, d = {c[10], c[10]};
            int groups = c[11];
            Tensor x = randn(seed++, c[0], c[1], c[2], c[3]);
            Tensor w = randn(seed++, c[1], c[4], c[5], c[6]);
            Tensor b = c[12] == 1 ? randn(seed++, c[4] * groups) : null;
            int oh = (c[2] - 1) * s[0] - 2 * p[0] + d[0] * (c[5] - 1) + op[0] + 1;
            int ow = (c[3] - 1) * s[1] - 2 * p[1] + d[1] * (c[6] - 1) + op[1] + 1;
            compare("conv_transpose2d " + Arrays.toString(c), x, w, b,
                    t -> Conv.convTranspose2d(t[0], t[1], t[2], s, p, op, groups, d),
                    r -> naiveTransposed(x, w, b, s, p, op, d, groups, r), new int[] {c[0], c[4] * groups, oh, ow});
        }
    }

    @Test
    void convTranspose3dMatchesScatterDefinition() {
        int[] s = {2, 1, 3}, p = {1, 0, 1}, op = {1, 0, 2}, d = {1, 2, 1};
        Tensor x = randn(50, 2, 4, 3, 2, 3), w = randn(51, 4, 3, 3, 2, 2), b = randn(52, 6);
        // C_out = 3 · groups 2 = 6; sizes (3−1)·2−2+2+1+1 = 6, (2−1)·1−0+2+0+1 = 4, (3−1)·3−2+1+2+1 = 8
        compare("conv_transpose3d groups 2", x, w, b, t -> Conv.convTranspose3d(t[0], t[1], t[2], s, p, op, 2, d),
                r -> naiveTransposed(x, w, b, s, p, op, d, 2, r), new int[] {2, 6, 6, 4, 8});
        Tensor x1 = randn(53, 1, 3, 2, 3, 2), w1 = randn(54, 3, 2, 2, 2, 2);
        int[] two = Conv.same(3, 2), zero = Conv.same(3, 0), one = Conv.same(3, 1);
        compare("conv_transpose3d upsampling", x1, w1, null,
                t -> Conv.convTranspose3d(t[0], t[1], t[2], 2, 0, 0),
                r -> naiveTransposed(x1, w1, null, two, zero, zero, one, 1, r), new int[] {1, 2, 4, 6, 4});
    }

    // ------------------------------------------------------------------ adjoint identity

    @Test
    void transposedConvolutionIsTheAdjointOfConvolution() {
        // rank, N, C, O, spatial size, kernel, stride, padding, dilation, groups
        int[][] configs = {
                {2, 2, 3, 4, 9, 3, 2, 1, 1, 1},
                {2, 1, 4, 6, 11, 3, 3, 2, 2, 2},
                {2, 1, 2, 2, 7, 2, 1, 0, 1, 1},
                {3, 1, 2, 4, 7, 3, 2, 1, 1, 2},
                {3, 2, 3, 3, 6, 2, 2, 0, 2, 3},
        };
        long seed = 60;
        for (int[] c : configs) {
            int rank = c[0], groups = c[9];
            int[] s = Conv.same(rank, c[6]), p = Conv.same(rank, c[7]), d = Conv.same(rank, c[8]);
            int[] xShape = new int[rank + 2], wShape = new int[rank + 2];
            xShape[0] = c[1];
            xShape[1] = c[2];
            wShape[0] = c[3];
            wShape[1] = c[2] / groups;
            for (int a = 0; a < rank; a++) {
                xShape[a + 2] = c[4] + a; // a different size per axis
                wShape[a + 2] = c[5];
            }
            Tensor x = randn(seed++, xShape), w = randn(seed++, wShape);
            Tensor y = rank == 2 ? Conv.conv2d(x, w, null, s, p, d, groups) : Conv.conv3d(x, w, null, s, p, d, groups);
            Tensor v = randn(seed++, y.shape());
            // output padding that restores the input size the floor in the conv's size formula dropped
            int[] outPad = new int[rank];
            for (int a = 0; a < rank; a++) outPad[a] = (xShape[a + 2] + 2 * p[a] - d[a] * (c[5] - 1) - 1) % s[a];
            Tensor back = rank == 2 ? Conv.convTranspose2d(v, w, null, s, p, outPad, groups, d)
                    : Conv.convTranspose3d(v, w, null, s, p, outPad, groups, d);
            assertThat(back.shape()).containsExactly(xShape);
            double lhs = dot(y.toArray(), v.toArray()), rhs = dot(x.toArray(), back.toArray());
            assertThat(Math.abs(lhs - rhs)).as("<conv(x), v> = %f vs <x, convT(v)> = %f for %s", lhs, rhs,
                    Arrays.toString(c)).isLessThan(1e-5 * (1 + Math.abs(lhs)) * Math.sqrt(y.numel()));
        }
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    // ------------------------------------------------------------------ strided inputs, sizes, no-grad path

    @Test
    void acceptsNonContiguousInputAndWeight() {
        Tensor base = randn(70, 2, 6, 3, 5); // viewed as [2, 3, 5, 6] through a permutation
        Tensor x = base.permute(0, 2, 3, 1);
        Tensor wBase = randn(71, 3, 4, 3, 2);
        Tensor w = wBase.permute(1, 0, 2, 3); // [4, 3, 3, 2]
        assertThat(x.isContiguous()).isFalse();
        int[] one = {1, 1}, pad = {1, 0};
        compare("conv2d strided views", x, w, null, t -> Conv.conv2d(t[0], t[1], t[2], one, pad, one, 1),
                r -> naiveConv(x.contiguous(), w.contiguous(), null, one, pad, one, 1, r), new int[] {2, 4, 5, 5});
    }

    @Test
    void outputSizeFormulasFollowPyTorch() {
        assertThat(Conv.outputSize(7, 3, 2, 1, 1)).isEqualTo(4);
        assertThat(Conv.outputSize(10, 3, 1, 0, 2)).isEqualTo(6);
        assertThat(Conv.outputSize(2, 5, 1, 1, 1)).isEqualTo(0);
        assertThat(Conv.transposedOutputSize(4, 3, 2, 1, 1, 1)).isEqualTo(8);
        assertThat(Conv.transposedOutputSize(5, 2, 2, 0, 0, 1)).isEqualTo(10);
    }

    @Test
    void recordsNoGraphWithoutGradients() {
        Tensor y = Conv.conv2d(randn(72, 1, 1, 4, 4), randn(73, 2, 1, 3, 3), randn(74, 2));
        assertThat(y.hasGradFn()).isFalse();
        Tensor z = Conv.conv2d(randn(72, 1, 1, 4, 4), randn(73, 2, 1, 3, 3).requiresGrad(true), null);
        assertThat(z.gradFnName()).isEqualTo("conv2d");
    }

    @Test
    void gradientOnlyForTheInputsThatNeedIt() {
        Tensor x = randn(75, 1, 2, 5, 5).requiresGrad(true), w = randn(76, 3, 2, 3, 3), b = randn(77, 3);
        Conv.conv2d(x, w, b).sum().backward();
        assertThat(x.grad()).isNotNull();
        assertThat(w.grad()).isNull();
        assertThat(b.grad()).isNull();
    }

    // ------------------------------------------------------------------ errors

    @Test
    void rejectsChannelMismatch() {
        assertThatThrownBy(() -> Conv.conv3d(Tensor.zeros(1, 2, 8, 8, 8), Tensor.zeros(4, 3, 3, 3, 3), null))
                .isInstanceOf(ShapeException.class)
                .hasMessage("conv3d: input [1,2,8,8,8] has 2 channels, weight expects 3");
        assertThatThrownBy(() -> Conv.conv2d(Tensor.zeros(1, 4, 8, 8), Tensor.zeros(4, 1, 3, 3), null, 1, 0, 1, 2))
                .hasMessage("conv2d: input [1,4,8,8] has 4 channels, weight expects 2 (1 per group × 2 groups)");
        assertThatThrownBy(() -> Conv.convTranspose2d(Tensor.zeros(1, 2, 4, 4), Tensor.zeros(3, 2, 3, 3), null))
                .hasMessage("conv_transpose2d: input [1,2,4,4] has 2 channels, weight [3,2,3,3] expects 3");
    }

    @Test
    void rejectsWrongRank() {
        assertThatThrownBy(() -> Conv.conv2d(Tensor.zeros(2, 8, 8), Tensor.zeros(4, 2, 3, 3), null))
                .isInstanceOf(ShapeException.class).hasMessage("conv2d: input [2,8,8] must be 4-d [N,C,H,W]");
        assertThatThrownBy(() -> Conv.conv3d(Tensor.zeros(1, 2, 8, 8, 8), Tensor.zeros(4, 2, 3, 3), null))
                .hasMessage("conv3d: weight [4,2,3,3] must be 5-d [O,C/groups,kD,kH,kW]");
        assertThatThrownBy(() -> Conv.convTranspose3d(Tensor.zeros(1, 2, 8, 8), Tensor.zeros(2, 2, 3, 3, 3), null))
                .hasMessage("conv_transpose3d: input [1,2,8,8] must be 5-d [N,C,D,H,W]");
    }

    @Test
    void rejectsKernelLargerThanPaddedInput() {
        assertThatThrownBy(() -> Conv.conv2d(Tensor.zeros(1, 1, 4, 4), Tensor.zeros(1, 1, 5, 5), null, 1, 0))
                .isInstanceOf(ShapeException.class)
                .hasMessage("conv2d: kernel [5,5] with dilation [1,1] is larger than input [1,1,4,4] padded by [0,0]");
        assertThatThrownBy(() -> Conv.conv3d(Tensor.zeros(1, 1, 4, 4, 4), Tensor.zeros(1, 1, 3, 3, 3), null,
                1, 0, 2, 1)).hasMessageContaining("is larger than input [1,1,4,4,4]");
    }

    @Test
    void rejectsGroupsNotDividingChannels() {
        assertThatThrownBy(() -> Conv.conv2d(Tensor.zeros(1, 3, 5, 5), Tensor.zeros(4, 1, 3, 3), null, 1, 0, 1, 2))
                .isInstanceOf(ShapeException.class)
                .hasMessage("conv2d: input [1,3,5,5] has 3 channels, not divisible by groups 2");
        assertThatThrownBy(() -> Conv.conv2d(Tensor.zeros(1, 4, 5, 5), Tensor.zeros(3, 2, 3, 3), null, 1, 0, 1, 2))
                .hasMessage("conv2d: weight [3,2,3,3] has 3 output channels, not divisible by groups 2");
        assertThatThrownBy(() -> Conv.conv2d(Tensor.zeros(1, 4, 5, 5), Tensor.zeros(4, 4, 3, 3), null, 1, 0, 1, 0))
                .hasMessage("conv2d: groups must be >= 1, got 0");
    }

    @Test
    void rejectsBadArguments() {
        Tensor x = Tensor.zeros(1, 2, 6, 6), w = Tensor.zeros(3, 2, 3, 3);
        assertThatThrownBy(() -> Conv.conv2d(x, w, Tensor.zeros(2)))
                .hasMessage("conv2d: bias [2] must be [3], one value per output channel");
        assertThatThrownBy(() -> Conv.conv2d(x, w, null, new int[] {1, 1, 1}, new int[] {0, 0}, new int[] {1, 1}, 1))
                .hasMessage("conv2d: stride [1,1,1] needs 2 values, one per spatial dimension");
        assertThatThrownBy(() -> Conv.conv2d(x, w, null, 0, 0))
                .hasMessage("conv2d: stride [0,0] must be >= 1 in every dimension");
        assertThatThrownBy(() -> Conv.conv2d(x, w, null, 1, -1))
                .hasMessage("conv2d: padding [-1,-1] must be >= 0 in every dimension");
        Tensor wt = Tensor.zeros(2, 3, 3, 3);
        assertThatThrownBy(() -> Conv.convTranspose2d(x, wt, null, 2, 0, 2))
                .hasMessage("conv_transpose2d: output padding [2,2] must be smaller than the stride [2,2] or the "
                        + "dilation [1,1] in every dimension");
        assertThatThrownBy(() -> Conv.convTranspose2d(Tensor.zeros(1, 2, 1, 1), Tensor.zeros(2, 3, 1, 1), null, 1, 1, 0))
                .hasMessageStartingWith("conv_transpose2d: input [1,2,1,1] with weight [2,3,1,1]")
                .hasMessageEndingWith("gives output size -1 in spatial dimension 0, must be >= 1");
        assertThatThrownBy(() -> Conv.convTranspose2d(x, wt, Tensor.zeros(2)))
                .hasMessage("conv_transpose2d: bias [2] must be [3], one value per output channel");
    }
}
