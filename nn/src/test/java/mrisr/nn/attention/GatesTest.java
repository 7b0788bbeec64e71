package mrisr.nn.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mrisr.engine.GradCheck;
import mrisr.engine.Rng;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.engine.TestTensors;
import mrisr.nn.ConvNd;
import mrisr.nn.Cost;
import mrisr.nn.Init;
import mrisr.nn.Module;
import org.junit.jupiter.api.Test;

/** Channel attention, spatial attention and CBAM against direct double-precision formulas; gradients. */
class GatesTest {
    private static final double TOL = 2e-5;

    /** Squeeze-and-excitation of {@code x [N, C, P]} (P positions): {@code x·σ(f(avg) [+ f(max)])}. */
    private static double[] naiveChannel(Module ca, double[] x, int n, int c, int p, boolean withMax) {
        float[] w1 = Naive.param(ca, "conv_du.0.weight"), b1 = Naive.param(ca, "conv_du.0.bias");
        float[] w2 = Naive.param(ca, "conv_du.2.weight"), b2 = Naive.param(ca, "conv_du.2.bias");
        int hidden = b1.length;
        double[] y = new double[x.length];
        for (int b = 0; b < n; b++) {
            double[] avg = new double[c], max = new double[c];
            for (int ch = 0; ch < c; ch++) {
                max[ch] = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < p; i++) {
                    double v = x[(b * c + ch) * p + i];
                    avg[ch] += v / p;
                    max[ch] = Math.max(max[ch], v);
                }
            }
            double[] logits = excite(avg, w1, b1, w2, b2, c, hidden);
            if (withMax) {
                double[] m = excite(max, w1, b1, w2, b2, c, hidden);
                for (int ch = 0; ch < c; ch++) logits[ch] += m[ch];
            }
            for (int ch = 0; ch < c; ch++) {
                for (int i = 0; i < p; i++) y[(b * c + ch) * p + i] = x[(b * c + ch) * p + i] * Naive.sigmoid(logits[ch]);
            }
        }
        return y;
    }

    private static double[] excite(double[] z, float[] w1, float[] b1, float[] w2, float[] b2, int c, int hidden) {
        double[] h = Naive.linear(z, 1, c, w1, b1, hidden);
        for (int i = 0; i < hidden; i++) h[i] = Math.max(0, h[i]);
        return Naive.linear(h, 1, hidden, w2, b2, c);
    }

    /** CBAM's spatial gate on a 2-D map {@code x [N, C, H, W]}: σ(conv_k([mean; max])) with zero padding. */
    private static double[] naiveSpatial2d(Module sa, double[] x, int n, int c, int h, int w, int k) {
        float[] wt = Naive.param(sa, "conv.weight");   // [1, 2, k, k]
        double[] y = new double[x.length];
        int r = k / 2;
        for (int b = 0; b < n; b++) {
            double[][] pooled = new double[2][h * w];
            for (int i = 0; i < h * w; i++) {
                double s = 0, m = Double.NEGATIVE_INFINITY;
                for (int ch = 0; ch < c; ch++) {
                    s += x[(b * c + ch) * h * w + i];
                    m = Math.max(m, x[(b * c + ch) * h * w + i]);
                }
                pooled[0][i] = s / c;
                pooled[1][i] = m;
            }
            for (int yy = 0; yy < h; yy++) for (int xx = 0; xx < w; xx++) {
                double s = 0;
                for (int ch = 0; ch < 2; ch++) for (int dy = 0; dy < k; dy++) for (int dx = 0; dx < k; dx++) {
                    int sy = yy + dy - r, sx = xx + dx - r;
                    if (sy >= 0 && sy < h && sx >= 0 && sx < w) s += pooled[ch][sy * w + sx] * wt[(ch * k + dy) * k + dx];
                }
                double g = Naive.sigmoid(s);
                for (int ch = 0; ch < c; ch++) y[((b * c + ch) * h + yy) * w + xx] = x[((b * c + ch) * h + yy) * w + xx] * g;
            }
        }
        return y;
    }

    @Test
    void channelAttentionIsSqueezeAndExcitation() {
        Rng rng = new Rng(21);
        ChannelAttention ca = new ChannelAttention(2, 6, 3, rng);
        Tensor x = TestTensors.randn(22, 2, 6, 3, 5);
        Naive.assertClose("SE 2-d", ca.forward(x).toArray(), naiveChannel(ca, Naive.toDouble(x.toArray()), 2, 6, 15, false), TOL);
        assertThat(ca.weights(x).shape()).containsExactly(2, 6, 1, 1);
        assertThat(ca.stateDict().keySet()).containsExactly("conv_du.0.weight", "conv_du.0.bias", "conv_du.2.weight", "conv_du.2.bias");
        assertThat(ca.stateDict().get("conv_du.0.weight").shape()).containsExactly(2, 6, 1, 1);

        ChannelAttention ca3 = new ChannelAttention(3, 4, 2, ChannelAttention.Pooling.AVERAGE_AND_MAX, rng);
        Tensor v = TestTensors.randn(23, 1, 4, 3, 1, 5);
        Naive.assertClose("CBAM channel gate 3-d", ca3.forward(v).toArray(),
                naiveChannel(ca3, Naive.toDouble(v.toArray()), 1, 4, 15, true), TOL);
        assertThat(ca3.stateDict().get("conv_du.2.weight").shape()).containsExactly(4, 2, 1, 1, 1);
    }

    @Test
    void spatialAttentionIsCbamsGate() {
        Rng rng = new Rng(24);
        SpatialAttention sa = new SpatialAttention(2, 3, rng);
        Tensor x = TestTensors.randn(25, 2, 3, 4, 5);
        Naive.assertClose("spatial 2-d", sa.forward(x).toArray(), naiveSpatial2d(sa, Naive.toDouble(x.toArray()), 2, 3, 4, 5, 3), TOL);
        assertThat(sa.weights(x).shape()).containsExactly(2, 1, 4, 5);
        assertThat(sa.stateDict().keySet()).containsExactly("conv.weight");

        // 3-d with a 1×1×1 kernel: the gate is σ(w₀·mean + w₁·max) per voxel
        SpatialAttention sa3 = new SpatialAttention(3, 1, rng);
        Tensor v = TestTensors.randn(26, 1, 3, 2, 3, 2);
        float[] w = Naive.param(sa3, "conv.weight"), xv = v.toArray(), got = sa3.forward(v).toArray();
        double[] want = new double[xv.length];
        for (int i = 0; i < 12; i++) {
            double mean = (xv[i] + xv[12 + i] + xv[24 + i]) / 3.0, max = Math.max(xv[i], Math.max(xv[12 + i], xv[24 + i]));
            double g = Naive.sigmoid(w[0] * mean + w[1] * max);
            for (int ch = 0; ch < 3; ch++) want[ch * 12 + i] = xv[ch * 12 + i] * g;
        }
        Naive.assertClose("spatial 3-d", got, want, TOL);
    }

    @Test
    void cbamAppliesTheChannelGateThenTheSpatialGate() {
        Cbam cbam = new Cbam(2, 4, 2, 3, new Rng(27));
        Tensor x = TestTensors.randn(28, 1, 4, 5, 3);
        double[] afterChannel = naiveChannel(cbam.channel(), Naive.toDouble(x.toArray()), 1, 4, 15, true);
        Naive.assertClose("cbam", cbam.forward(x).toArray(), naiveSpatial2d(cbam.spatial(), afterChannel, 1, 4, 5, 3, 3), TOL);
        assertThat(cbam.stateDict().keySet()).containsExactly("channel.conv_du.0.weight", "channel.conv_du.0.bias",
                "channel.conv_du.2.weight", "channel.conv_du.2.bias", "spatial.conv.weight");
    }

    @Test
    void gradientsOfTheGates() {
        Rng rng = new Rng(29);
        ChannelAttention ca = new ChannelAttention(2, 4, 2, rng);
        Tensor x = TestTensors.randn(30, 2, 4, 3, 2);
        GradCheck.check("channel attention input", xs -> ca.forward(xs[0]), x);
        ParameterGradCheck.check("channel attention", ca, () -> ca.forward(x), 1e-2, 1e-3, 1e-2);

        // distinct channel values keep the channel max away from ties under the ±ε perturbations
        Cbam cbam = new Cbam(3, 4, 2, 3, rng);
        Tensor v = TestTensors.distinct(31, 1, 4, 2, 2, 3);
        GradCheck.check("cbam 3-d input", xs -> cbam.forward(xs[0]), GradCheck.Options.defaults().withEps(1e-3), v);
        ParameterGradCheck.check("cbam 3-d", cbam, () -> cbam.forward(v), 1e-2, 1e-3, 1e-2);
    }

    @Test
    void costsAndShapeErrors() {
        ChannelAttention ca = new ChannelAttention(2, 8, 4, new Rng(1));
        // two 1×1 convolutions on the pooled vector (8·2 each way), then one MAC per element
        assertThat(ca.cost(3, 8, 5, 6)).isEqualTo(new Cost(new int[] {3, 8, 5, 6}, 3L * 2 * 8 * 2 + 3L * 8 * 30));
        ChannelAttention both = new ChannelAttention(2, 8, 4, ChannelAttention.Pooling.AVERAGE_AND_MAX, new Rng(1));
        assertThat(both.macs(3, 8, 5, 6)).isEqualTo(2 * 3L * 2 * 8 * 2 + 3L * 8 * 30);
        SpatialAttention sa = new SpatialAttention(3, 7, new Rng(1));
        assertThat(sa.macs(1, 4, 2, 3, 5)).isEqualTo(30L * 2 * 343 + 4L * 30);
        Cbam cbam = new Cbam(2, 8, 4, 7, new Rng(1));
        assertThat(cbam.macs(1, 8, 5, 6)).isEqualTo(both.macs(1, 8, 5, 6) + new SpatialAttention(2, 7, new Rng(1)).macs(1, 8, 5, 6));

        assertThatThrownBy(() -> ca.forward(Tensor.zeros(1, 7, 3, 3))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("ChannelAttention: input [1,7,3,3] must be 4-d [N, 8, spatial…]");
        assertThatThrownBy(() -> sa.forward(Tensor.zeros(1, 2, 3, 3))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("SpatialAttention: input [1,2,3,3] must be 5-d");
        assertThatThrownBy(() -> new ChannelAttention(2, 6, 4, new Rng(1)))
                .hasMessageContaining("reduction 4 must be >= 1 and divide 6 channels");
        assertThatThrownBy(() -> new SpatialAttention(2, 4, new Rng(1))).hasMessageContaining("kernel size must be odd");
        assertThatThrownBy(() -> new ChannelAttention(1, 6, 2, new Rng(1))).hasMessageContaining("spatial dimensions must be 2 or 3");
    }

    @Test
    void zeroExcitationHalvesTheInput() {
        // with zero second-layer weights and bias the gate is σ(0) = 1/2 everywhere
        ChannelAttention ca = new ChannelAttention(2, 4, 2, new Rng(3));
        Init.zeros(((ConvNd) ca.namedModules().get("conv_du.2")).weight());
        Init.zeros(((ConvNd) ca.namedModules().get("conv_du.2")).bias());
        Tensor x = TestTensors.randn(4, 1, 4, 2, 2);
        float[] xv = x.toArray(), y = ca.forward(x).toArray();
        for (int i = 0; i < y.length; i++) assertThat(y[i]).isEqualTo(xv[i] * 0.5f);
    }
}
