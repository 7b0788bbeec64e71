package mrisr.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mrisr.engine.Rng;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import org.junit.jupiter.api.Test;

/** Linear and convolution layers against direct double-precision sums; default initialisation; costs. */
class LinearConvTest {
    private static final double TOL = 1e-4;

    @Test
    void linearForwardMatchesTheDirectSum() {
        Rng rng = new Rng(11);
        Linear fc = new Linear(5, 3, rng);
        Tensor x = Tensor.randn(rng, 2, 3, 5);
        float[] w = fc.weight().data().toArray(), b = fc.bias().data().toArray(), xv = x.toArray();
        float[] y = fc.forward(x).toArray();
        assertThat(fc.forward(x).shape()).containsExactly(2, 3, 3);
        for (int row = 0; row < 6; row++) {
            for (int o = 0; o < 3; o++) {
                double s = b[o];
                for (int i = 0; i < 5; i++) s += (double) xv[row * 5 + i] * w[o * 5 + i];
                assertThat((double) y[row * 3 + o]).isCloseTo(s, org.assertj.core.data.Offset.offset(TOL));
            }
        }
        assertThat(fc.cost(2, 3, 5)).isEqualTo(new Cost(new int[] {2, 3, 3}, 6L * 5 * 3));
        assertThatThrownBy(() -> fc.forward(Tensor.zeros(2, 4))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("input [2,4] must end in 5 features");
    }

    @Test
    void defaultInitialisationFollowsPyTorchBounds() {
        Rng rng = new Rng(12);
        Linear fc = new Linear(50, 400, rng);
        double bound = 1 / Math.sqrt(50);
        checkUniform(fc.weight().data().toArray(), bound);
        checkUniform(fc.bias().data().toArray(), bound);
        // same seed, same parameters; weight drawn first, then bias
        Linear again = new Linear(50, 400, new Rng(12));
        assertThat(again.weight().data().toArray()).containsExactly(fc.weight().data().toArray());

        Conv3d conv = new Conv3d(4, 300, 3, new Rng(13));
        checkUniform(conv.weight().data().toArray(), 1 / Math.sqrt(4 * 27));
        for (float v : conv.bias().data().toArray()) assertThat((double) Math.abs(v)).isLessThanOrEqualTo(1 / Math.sqrt(4 * 27));
        // transposed: PyTorch's fan-in is weight.size(1)·Πk = C_out/groups·Πk
        ConvTranspose2d up = new ConvTranspose2d(300, 6, 2, 2, 0, 0, new Rng(14));
        checkUniform(up.weight().data().toArray(), 1 / Math.sqrt(6 * 4));
    }

    /** Values inside (−bound, bound), with the mean and variance of U(−bound, bound). */
    private static void checkUniform(float[] v, double bound) {
        double mean = 0, sq = 0;
        for (float f : v) {
            assertThat(Math.abs(f)).isLessThanOrEqualTo((float) bound);
            mean += f;
            sq += (double) f * f;
        }
        mean /= v.length;
        double var = sq / v.length - mean * mean;
        assertThat(mean).isCloseTo(0, org.assertj.core.data.Offset.offset(4 * bound / Math.sqrt(3 * v.length)));
        assertThat(var / (bound * bound / 3)).isBetween(0.85, 1.15);
    }

    @Test
    void conv2dWithStridePaddingDilationAndGroupsMatchesTheDirectSum() {
        Rng rng = new Rng(15);
        Conv2d conv = new Conv2d(4, 6, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 2}, new int[] {1, 2}, 2, true, rng);
        Tensor x = Tensor.randn(rng, 2, 4, 7, 5);
        Tensor y = conv.forward(x);
        int[] shape = conv.cost(2, 4, 7, 5).outputShape();
        assertThat(y.shape()).containsExactly(shape);
        assertThat(shape).containsExactly(2, 6, 4, 7);
        assertClose(y.toArray(), naiveConv2d(x, conv, Pad.ZEROS));
        // MACs: output voxels · C_out · C_in/groups · kernel taps
        assertThat(conv.macs(2, 4, 7, 5)).isEqualTo(2L * 4 * 7 * 6 * 2 * 6);
    }

    @Test
    void conv2dReflectAndReplicatePadding() {
        for (Pad pad : new Pad[] {Pad.REFLECT, Pad.REPLICATE}) {
            Rng rng = new Rng(16);
            ConvNd.PaddingMode mode = pad == Pad.REFLECT ? ConvNd.PaddingMode.REFLECT : ConvNd.PaddingMode.REPLICATE;
            Conv2d conv = new Conv2d(2, 3, new int[] {3, 3}, new int[] {1, 1}, new int[] {2, 1}, new int[] {1, 1}, 1, true, mode, rng);
            Tensor x = Tensor.randn(rng, 1, 2, 5, 4);
            assertClose(conv.forward(x).toArray(), naiveConv2d(x, conv, pad));
            assertThat(conv.forward(x).shape()).containsExactly(conv.cost(1, 2, 5, 4).outputShape());
        }
    }

    enum Pad { ZEROS, REFLECT, REPLICATE }

    private static double[] naiveConv2d(Tensor x, ConvNd conv, Pad pad) {
        int n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        int o = conv.outChannels(), g = conv.groups(), cg = c / g, og = o / g;
        int[] k = conv.kernelSize(), s = conv.stride(), p = conv.padding(), d = conv.dilation();
        int oh = (h + 2 * p[0] - d[0] * (k[0] - 1) - 1) / s[0] + 1, ow = (w + 2 * p[1] - d[1] * (k[1] - 1) - 1) / s[1] + 1;
        float[] xv = x.toArray(), wv = conv.weight().data().toArray(), bv = conv.bias().data().toArray();
        double[] y = new double[n * o * oh * ow];
        for (int b = 0; b < n; b++) for (int oc = 0; oc < o; oc++) for (int i = 0; i < oh; i++) for (int j = 0; j < ow; j++) {
            double sum = bv[oc];
            int grp = oc / og;
            for (int ic = 0; ic < cg; ic++) for (int u = 0; u < k[0]; u++) for (int v = 0; v < k[1]; v++) {
                int yy = source(i * s[0] - p[0] + u * d[0], h, pad), xx = source(j * s[1] - p[1] + v * d[1], w, pad);
                if (yy < 0 || xx < 0) continue;
                sum += (double) wv[((oc * cg + ic) * k[0] + u) * k[1] + v] * xv[((b * c + grp * cg + ic) * h + yy) * w + xx];
            }
            y[((b * o + oc) * oh + i) * ow + j] = sum;
        }
        return y;
    }

    private static int source(int i, int size, Pad pad) {
        if (i >= 0 && i < size) return i;
        return switch (pad) {
            case ZEROS -> -1;
            case REFLECT -> i < 0 ? -i : 2 * (size - 1) - i;
            case REPLICATE -> i < 0 ? 0 : size - 1;
        };
    }

    @Test
    void conv3dMatchesTheDirectSum() {
        Rng rng = new Rng(17);
        Conv3d conv = new Conv3d(2, 3, 3, 2, 1, rng);
        Tensor x = Tensor.randn(rng, 1, 2, 5, 4, 3);
        Tensor y = conv.forward(x);
        assertThat(y.shape()).containsExactly(1, 3, 3, 2, 2);
        float[] xv = x.toArray(), wv = conv.weight().data().toArray(), bv = conv.bias().data().toArray();
        double[] want = new double[3 * 12];
        for (int oc = 0; oc < 3; oc++) for (int a = 0; a < 3; a++) for (int b = 0; b < 2; b++) for (int c = 0; c < 2; c++) {
            double s = bv[oc];
            for (int ic = 0; ic < 2; ic++) for (int u = 0; u < 3; u++) for (int v = 0; v < 3; v++) for (int q = 0; q < 3; q++) {
                int z = a * 2 - 1 + u, yy = b * 2 - 1 + v, xx = c * 2 - 1 + q;
                if (z < 0 || z >= 5 || yy < 0 || yy >= 4 || xx < 0 || xx >= 3) continue;
                s += (double) wv[(((oc * 2 + ic) * 3 + u) * 3 + v) * 3 + q] * xv[((ic * 5 + z) * 4 + yy) * 3 + xx];
            }
            want[((oc * 3 + a) * 2 + b) * 2 + c] = s;
        }
        assertClose(y.toArray(), want);
        assertThat(conv.macs(1, 2, 5, 4, 3)).isEqualTo(12L * 3 * 2 * 27);
        assertThatThrownBy(() -> conv.cost(1, 3, 5, 4, 3)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("must be 5-d with 2 channels");
    }

    @Test
    void transposedConvolutionsScatterEachInputVoxel() {
        Rng rng = new Rng(18);
        ConvTranspose2d up2 = new ConvTranspose2d(3, 4, new int[] {3, 2}, new int[] {2, 2}, new int[] {1, 0},
                new int[] {1, 0}, 1, true, new int[] {1, 1}, rng);
        Tensor x = Tensor.randn(rng, 2, 3, 3, 2);
        Tensor y = up2.forward(x);
        // out = (in − 1)·stride − 2·padding + (k − 1) + outputPadding + 1
        assertThat(y.shape()).containsExactly(2, 4, 6, 4);
        assertThat(up2.cost(2, 3, 3, 2).outputShape()).containsExactly(2, 4, 6, 4);
        float[] xv = x.toArray(), wv = up2.weight().data().toArray(), bv = up2.bias().data().toArray();
        double[] want = new double[2 * 4 * 6 * 4];
        for (int b = 0; b < 2; b++) for (int oc = 0; oc < 4; oc++) for (int i = 0; i < 24; i++) want[(b * 4 + oc) * 24 + i] = bv[oc];
        for (int b = 0; b < 2; b++) for (int ic = 0; ic < 3; ic++) for (int i = 0; i < 3; i++) for (int j = 0; j < 2; j++)
            for (int oc = 0; oc < 4; oc++) for (int u = 0; u < 3; u++) for (int v = 0; v < 2; v++) {
                int oy = i * 2 - 1 + u, ox = j * 2 + v;
                if (oy < 0 || oy >= 6 || ox < 0 || ox >= 4) continue;
                want[((b * 4 + oc) * 6 + oy) * 4 + ox] += (double) xv[((b * 3 + ic) * 3 + i) * 2 + j] * wv[((ic * 4 + oc) * 3 + u) * 2 + v];
            }
        assertClose(y.toArray(), want);
        // MACs: input voxels · C_in · C_out · taps
        assertThat(up2.macs(2, 3, 3, 2)).isEqualTo(2L * 6 * 3 * 4 * 6);

        ConvTranspose3d up3 = new ConvTranspose3d(2, 2, 2, 2, 0, 0, rng);
        Tensor v = Tensor.randn(rng, 1, 2, 2, 3, 1);
        Tensor out = up3.forward(v);
        assertThat(out.shape()).containsExactly(1, 2, 4, 6, 2);
        // stride = kernel: each output voxel sees exactly one input voxel
        float[] vv = v.toArray(), w3 = up3.weight().data().toArray(), b3 = up3.bias().data().toArray();
        double expect = b3[1];
        for (int ic = 0; ic < 2; ic++) expect += (double) vv[(ic * 2 + 1) * 3 + 2] * w3[(((ic * 2 + 1) * 2 + 1) * 2 + 0) * 2 + 1];
        assertThat((double) out.get(0, 1, 3, 4, 1)).isCloseTo(expect, org.assertj.core.data.Offset.offset(TOL));
        assertThat(up3.macs(1, 2, 2, 3, 1)).isEqualTo(6L * 2 * 2 * 8);
    }

    @Test
    void constructorsRejectBadHyperParameters() {
        Rng rng = new Rng(0);
        assertThatThrownBy(() -> new Conv2d(3, 4, new int[] {3, 3}, new int[] {1, 1}, new int[] {0, 0}, new int[] {1, 1}, 2,
                true, rng)).hasMessageContaining("groups 2 must be >= 1 and divide in=3 and out=4");
        assertThatThrownBy(() -> new Conv3d(1, 1, new int[] {3, 3}, new int[] {1, 1, 1}, new int[] {0, 0, 0},
                new int[] {1, 1, 1}, 1, true, rng)).hasMessageContaining("kernel size needs 3 values");
        assertThatThrownBy(() -> new ConvTranspose3d(2, 2, 3, 2, 0, 2, rng)).hasMessageContaining("output padding");
        assertThatThrownBy(() -> new Linear(0, 3, rng)).hasMessageContaining("features must be >= 1");
    }

    private static void assertClose(float[] got, double[] want) {
        assertThat(got).hasSize(want.length);
        for (int i = 0; i < want.length; i++) {
            assertThat((double) got[i]).as("index %d", i).isCloseTo(want[i], org.assertj.core.data.Offset.offset(TOL));
        }
    }
}
