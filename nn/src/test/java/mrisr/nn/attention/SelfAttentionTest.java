package mrisr.nn.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mrisr.engine.GradCheck;
import mrisr.engine.Rng;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.engine.TestTensors;
import mrisr.nn.Cost;
import mrisr.nn.Module;
import org.junit.jupiter.api.Test;

/**
 * Multi-head self-attention, window attention with relative position bias, cross-attention and
 * its block, the MLP and token conversions, against direct double-precision formulas; gradients.
 */
class SelfAttentionTest {
    private static final double TOL = 2e-5;

    /** {@code proj(MHA(q(x), k(c), v(c)))} for one batch entry, rows of {@code x} and {@code c}. */
    private static double[] naiveAttention(Module m, String q, String k, String v, double[] x, int l, double[] c, int s,
            int dim, int ctxDim, int heads, double[][] extra) {
        double[] qs = Naive.linear(x, l, dim, Naive.param(m, q + ".weight"), bias(m, q), dim);
        double[] ks = Naive.linear(c, s, ctxDim, Naive.param(m, k + ".weight"), bias(m, k), dim);
        double[] vs = Naive.linear(c, s, ctxDim, Naive.param(m, v + ".weight"), bias(m, v), dim);
        double[] o = Naive.multiHead(qs, ks, vs, l, s, dim, heads, extra);
        return Naive.linear(o, l, dim, Naive.param(m, "proj.weight"), Naive.param(m, "proj.bias"), dim);
    }

    private static float[] bias(Module m, String layer) {
        return m.stateDict().containsKey(layer + ".bias") ? Naive.param(m, layer + ".bias") : null;
    }

    /** Splits the fused qkv weights of {@code m} into a module-like view for {@link #naiveAttention}. */
    private static double[] naiveSelfAttention(MultiHeadSelfAttention m, double[] x, int l, int dim, int heads, double[][] extra) {
        float[] w = Naive.param(m, "qkv.weight"), b = bias(m, "qkv");
        double[] qkv = Naive.linear(x, l, dim, w, b, 3 * dim);
        double[] q = new double[l * dim], k = new double[l * dim], v = new double[l * dim];
        for (int i = 0; i < l; i++) {
            System.arraycopy(qkv, i * 3 * dim, q, i * dim, dim);
            System.arraycopy(qkv, i * 3 * dim + dim, k, i * dim, dim);
            System.arraycopy(qkv, i * 3 * dim + 2 * dim, v, i * dim, dim);
        }
        double[] o = Naive.multiHead(q, k, v, l, l, dim, heads, extra);
        return Naive.linear(o, l, dim, Naive.param(m, "proj.weight"), Naive.param(m, "proj.bias"), dim);
    }

    private static double[] batch(double[] all, int b, int rows, int cols) {
        double[] out = new double[rows * cols];
        System.arraycopy(all, b * rows * cols, out, 0, rows * cols);
        return out;
    }

    @Test
    void multiHeadSelfAttentionMatchesTheDirectFormula() {
        int bs = 2, l = 5, dim = 6, heads = 3;
        MultiHeadSelfAttention msa = new MultiHeadSelfAttention(dim, heads, new Rng(41));
        Tensor x = TestTensors.randn(42, bs, l, dim);
        double[] xv = Naive.toDouble(x.toArray());
        double[] want = new double[bs * l * dim];
        for (int b = 0; b < bs; b++) {
            System.arraycopy(naiveSelfAttention(msa, batch(xv, b, l, dim), l, dim, heads, null), 0, want, b * l * dim, l * dim);
        }
        Naive.assertClose("msa", msa.forward(x).toArray(), want, TOL);

        // a causal mask: token i sees tokens ≤ i
        float[] causal = new float[l * l];
        double[][] extra = new double[heads][l * l];
        for (int i = 0; i < l; i++) for (int j = 0; j < l; j++) {
            causal[i * l + j] = j <= i ? 0 : Float.NEGATIVE_INFINITY;
            for (int h = 0; h < heads; h++) extra[h][i * l + j] = causal[i * l + j];
        }
        Tensor masked = msa.forward(x, Tensor.fromArray(causal, l, l));
        for (int b = 0; b < bs; b++) {
            double[] w = naiveSelfAttention(msa, batch(xv, b, l, dim), l, dim, heads, extra);
            float[] got = new float[l * dim];
            System.arraycopy(masked.toArray(), b * l * dim, got, 0, l * dim);
            Naive.assertClose("causal msa", got, w, TOL);
        }
        assertThat(msa.stateDict().keySet()).containsExactly("qkv.weight", "qkv.bias", "proj.weight", "proj.bias");
        assertThat(new MultiHeadSelfAttention(dim, heads, false, new Rng(1)).stateDict()).doesNotContainKey("qkv.bias");
    }

    @Test
    void windowAttentionAddsTheRelativePositionBiasAndTheMask() {
        int[] window = {2, 3};
        int n = 6, dim = 4, heads = 2, nw = 2, bs = 2;
        WindowAttention wa = new WindowAttention(dim, window, heads, true, new Rng(43));
        // a table large enough to matter
        wa.relativePositionBiasTable().copyFrom(TestTensors.randn(44, Windows.tableSize(window), heads));
        Tensor x = TestTensors.randn(45, bs * nw, n, dim);
        float[] maskValues = TestTensors.uniform(46, -3, 0, nw, n, n).toArray();
        Tensor mask = Tensor.fromArray(maskValues, nw, n, n);
        float[] table = wa.relativePositionBiasTable().data().toArray();
        double[] xv = Naive.toDouble(x.toArray());
        float[] got = wa.forward(x, mask).toArray(), unmasked = wa.forward(x).toArray();
        for (int win = 0; win < bs * nw; win++) {
            double[][] extra = new double[heads][n * n], biasOnly = new double[heads][n * n];
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) {
                // B[i, j] = T[((yi − yj + 1)·5 + (xi − xj + 2)), h] for the 2×3 window
                int row = (i / 3 - j / 3 + 1) * 5 + (i % 3 - j % 3 + 2);
                for (int h = 0; h < heads; h++) {
                    biasOnly[h][i * n + j] = table[row * heads + h];
                    extra[h][i * n + j] = table[row * heads + h] + maskValues[((win % nw) * n + i) * n + j];
                }
            }
            double[] xw = batch(xv, win, n, dim);
            float[] g = new float[n * dim], u = new float[n * dim];
            System.arraycopy(got, win * n * dim, g, 0, n * dim);
            System.arraycopy(unmasked, win * n * dim, u, 0, n * dim);
            Naive.assertClose("window " + win, g, naiveWindow(wa, xw, n, dim, heads, extra), TOL);
            Naive.assertClose("unmasked window " + win, u, naiveWindow(wa, xw, n, dim, heads, biasOnly), TOL);
        }
        assertThat(wa.relativePositionBias().shape()).containsExactly(heads, n, n);
        assertThat(wa.stateDict().keySet()).containsExactly("relative_position_bias_table", "relative_position_index",
                "qkv.weight", "qkv.bias", "proj.weight", "proj.bias");
    }

    private static double[] naiveWindow(WindowAttention wa, double[] x, int n, int dim, int heads, double[][] extra) {
        float[] w = Naive.param(wa, "qkv.weight"), b = Naive.param(wa, "qkv.bias");
        double[] qkv = Naive.linear(x, n, dim, w, b, 3 * dim);
        double[] q = new double[n * dim], k = new double[n * dim], v = new double[n * dim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(qkv, i * 3 * dim, q, i * dim, dim);
            System.arraycopy(qkv, i * 3 * dim + dim, k, i * dim, dim);
            System.arraycopy(qkv, i * 3 * dim + 2 * dim, v, i * dim, dim);
        }
        double[] o = Naive.multiHead(q, k, v, n, n, dim, heads, extra);
        return Naive.linear(o, n, dim, Naive.param(wa, "proj.weight"), Naive.param(wa, "proj.bias"), dim);
    }

    @Test
    void windowAttentionTableStartsSmall() {
        WindowAttention wa = new WindowAttention(8, new int[] {7, 7}, 2, true, new Rng(47));
        float[] t = wa.relativePositionBiasTable().data().toArray();
        assertThat(t).hasSize(169 * 2);
        double sq = 0;
        for (float v : t) sq += (double) v * v;
        assertThat(Math.sqrt(sq / t.length)).isBetween(0.015, 0.025);
    }

    @Test
    void crossAttentionQueriesOneStreamWithTheOther() {
        int bs = 2, l = 4, s = 3, dim = 4, ctx = 5, heads = 2;
        CrossAttention ca = new CrossAttention(dim, ctx, heads, true, new Rng(48));
        Tensor x = TestTensors.randn(49, bs, l, dim), c = TestTensors.randn(50, bs, s, ctx);
        double[] xv = Naive.toDouble(x.toArray()), cv = Naive.toDouble(c.toArray());
        float[] got = ca.forward(x, c).toArray();
        for (int b = 0; b < bs; b++) {
            float[] g = new float[l * dim];
            System.arraycopy(got, b * l * dim, g, 0, l * dim);
            Naive.assertClose("cross " + b, g, naiveAttention(ca, "q", "k", "v", batch(xv, b, l, dim), l, batch(cv, b, s, ctx), s,
                    dim, ctx, heads, null), TOL);
        }
        assertThat(ca.stateDict().keySet()).containsExactly("q.weight", "q.bias", "k.weight", "k.bias", "v.weight", "v.bias",
                "proj.weight", "proj.bias");
        assertThatThrownBy(() -> ca.forward(x)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("CrossAttention: context [2,4,4] must be [B, L, 5]");
        assertThatThrownBy(() -> ca.forward(x, TestTensors.randn(1, 3, s, ctx))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("queries [2,4,4] and context [3,3,5] have different batch sizes");
    }

    @Test
    void crossAttentionBlockIsPreNormWithResidualsAndMapsRoundTrip() {
        int l = 6, s = 4, dim = 4, ctx = 3, heads = 2;
        CrossAttentionBlock block = new CrossAttentionBlock(dim, ctx, heads, 1.5, new Rng(51));
        Tensor x = TestTensors.randn(52, 1, dim, 2, 3), c = TestTensors.randn(53, 1, ctx, 4);
        // tokens in row-major position order
        double[] xt = new double[l * dim], ct = new double[s * ctx];
        float[] xv = x.toArray(), cv = c.toArray();
        for (int p = 0; p < l; p++) for (int ch = 0; ch < dim; ch++) xt[p * dim + ch] = xv[ch * l + p];
        for (int p = 0; p < s; p++) for (int ch = 0; ch < ctx; ch++) ct[p * ctx + ch] = cv[ch * s + p];
        double[] xn = Naive.layerNorm(xt, l, dim, Naive.param(block, "norm1.weight"), Naive.param(block, "norm1.bias"));
        double[] cn = Naive.layerNorm(ct, s, ctx, Naive.param(block, "norm_context.weight"), Naive.param(block, "norm_context.bias"));
        double[] a = naiveAttention(block.attention(), "q", "k", "v", xn, l, cn, s, dim, ctx, heads, null);
        double[] z = new double[l * dim];
        for (int i = 0; i < z.length; i++) z[i] = xt[i] + a[i];
        double[] m = Naive.mlp(block, "mlp.", Naive.layerNorm(z, l, dim, Naive.param(block, "norm2.weight"),
                Naive.param(block, "norm2.bias")), l, dim);
        double[] want = new double[l * dim];
        for (int p = 0; p < l; p++) for (int ch = 0; ch < dim; ch++) want[ch * l + p] = z[p * dim + ch] + m[p * dim + ch];
        Tensor y = block.forwardMaps(x, c);
        assertThat(y.shape()).containsExactly(1, dim, 2, 3);
        Naive.assertClose("cross block", y.toArray(), want, TOL);
        assertThat(block.namedParameters()).containsKeys("norm_context.weight", "attn.k.weight", "mlp.fc1.weight");
        assertThat(block.namedParameters().get("mlp.fc1.weight").shape()).containsExactly(6, 4);
    }

    @Test
    void tokensAndMlp() {
        Tensor map = TestTensors.randn(54, 2, 3, 2, 2, 5);
        Tensor tokens = Tokens.fromMap(map);
        assertThat(tokens.shape()).containsExactly(2, 20, 3);
        assertThat(tokens.get(1, 10 + 3, 2)).isEqualTo(map.get(1, 2, 1, 0, 3));   // position 13 = (1, 0, 3)
        assertThat(Tokens.toMap(tokens, 2, 2, 5).toArray()).containsExactly(map.toArray());
        assertThatThrownBy(() -> Tokens.toMap(tokens, 3, 7)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("tokens [2,20,3] cannot form a map of spatial size [3,7]");

        Mlp mlp = new Mlp(3, 5, 2, new Rng(55));
        Tensor x = TestTensors.randn(56, 2, 4, 3);
        Naive.assertClose("mlp", mlp.forward(x).toArray(), Naive.mlp(mlp, "", Naive.toDouble(x.toArray()), 8, 3), TOL);
        assertThat(mlp.forward(x).shape()).containsExactly(2, 4, 2);
        assertThat(mlp.cost(2, 4, 3)).isEqualTo(new Cost(new int[] {2, 4, 2}, 8L * (3 * 5 + 5 * 2)));
    }

    @Test
    void gradientsOfTheAttentionLayers() {
        Rng rng = new Rng(57);
        MultiHeadSelfAttention msa = new MultiHeadSelfAttention(4, 2, rng);
        Tensor x = TestTensors.randn(58, 2, 3, 4);
        GradCheck.check("msa input", xs -> msa.forward(xs[0]), x);
        ParameterGradCheck.check("msa", msa, () -> msa.forward(x), 1e-2, 1e-3, 1e-2);

        WindowAttention wa = new WindowAttention(4, new int[] {2, 2}, 2, true, rng);
        wa.relativePositionBiasTable().copyFrom(TestTensors.randn(59, 9, 2));
        Tensor windows = TestTensors.randn(60, 2, 4, 4);
        Tensor mask = Windows.shiftedWindowMask(new int[] {4, 2}, new int[] {2, 2}, new int[] {1, 1});
        GradCheck.check("window attention input", xs -> wa.forward(xs[0], mask), windows);
        ParameterGradCheck.check("window attention", wa, () -> wa.forward(windows, mask), 1e-2, 1e-3, 1e-2);

        CrossAttentionBlock block = new CrossAttentionBlock(4, 3, 2, 1.0, rng);
        Tensor q = TestTensors.randn(61, 1, 3, 4), c = TestTensors.randn(62, 1, 2, 3);
        GradCheck.check("cross block inputs", xs -> block.forward(xs[0], xs[1]), q, c);
        ParameterGradCheck.check("cross block", block, () -> block.forward(q, c), 1e-2, 1e-3, 1e-2);
    }

    @Test
    void costsAndConstructionErrors() {
        MultiHeadSelfAttention msa = new MultiHeadSelfAttention(8, 2, new Rng(1));
        assertThat(msa.cost(2, 5, 8)).isEqualTo(new Cost(new int[] {2, 5, 8}, 10L * 4 * 64 + 10L * 2 * 5 * 8));
        WindowAttention wa = new WindowAttention(8, new int[] {2, 2}, 2, true, new Rng(1));
        assertThat(wa.macs(3, 4, 8)).isEqualTo(12L * 4 * 64 + 12L * 2 * 4 * 8);
        CrossAttention ca = new CrossAttention(8, 4, 2, true, new Rng(1));
        assertThat(ca.cost(new int[] {2, 5, 8}, new int[] {2, 3, 4}).macs()).isEqualTo(10L * 2 * 64 + 6L * 2 * 4 * 8 + 10L * 2 * 3 * 8);

        assertThatThrownBy(() -> new MultiHeadSelfAttention(6, 4, new Rng(1)))
                .hasMessageContaining("MultiHeadSelfAttention: 4 heads must be >= 1 and divide the dimension 6");
        assertThatThrownBy(() -> msa.forward(Tensor.zeros(2, 5, 7))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("MultiHeadSelfAttention: input [2,5,7] must be [B, L, 8]");
        assertThatThrownBy(() -> wa.forward(Tensor.zeros(3, 5, 8))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("WindowAttention: windows [3,5,8] must be [B·nW, 4, 8] for window [2,2]");
        assertThatThrownBy(() -> wa.forward(Tensor.zeros(3, 4, 8), Tensor.zeros(2, 4, 4))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("mask [2,4,4] must be [nW, 4, 4] with nW dividing the 3 windows");
    }
}
