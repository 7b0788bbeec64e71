package mrisr.nn.attention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mrisr.engine.GradCheck;
import mrisr.engine.Rng;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.engine.TestTensors;
import mrisr.nn.Cost;
import mrisr.nn.Parameter;
import org.junit.jupiter.api.Test;

/**
 * The Swin block against a direct formulation that never rolls or partitions: the token at
 * position {@code p} lies at {@code u = (p − s) mod P} of the shifted (padded) map, attends to the
 * tokens whose shifted positions share its window, with the bias of their offset inside the window
 * and −100 for pairs from different wrap-around regions.
 */
class SwinTransformerBlockTest {
    private static final double TOL = 5e-5;

    /** Every parameter random: norms' scales around 1, everything else ~N(0, 0.3²), the bias table ~N(0, 1). */
    private static void randomize(SwinTransformerBlock block, long seed) {
        Rng rng = new Rng(seed);
        for (var e : block.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            Tensor noise = Tensor.randn(rng, p.shape());
            if (e.getKey().startsWith("norm") && e.getKey().endsWith("weight")) p.copyFrom(noise.mul(0.2).add(1));
            else if (e.getKey().endsWith("bias_table")) p.copyFrom(noise);
            else p.copyFrom(noise.mul(0.3));
        }
    }

    /** The block on a channels-first map {@code x [N, C, S…]}, by the direct formulation. */
    static double[] naiveSwin(SwinTransformerBlock block, float[] x, int n, int c, int[] size, int heads) {
        int[] m = block.windowSize(), s = block.shiftSize();
        int r = m.length, l = Shape.numel(size), d = c / heads, tokensPerWindow = Shape.numel(m);
        int[] padded = new int[r];
        for (int a = 0; a < r; a++) padded[a] = (size[a] + m[a] - 1) / m[a] * m[a];
        int lp = Shape.numel(padded);
        float[] table = Naive.param(block, "attn.relative_position_bias_table");
        double[] out = new double[x.length];
        for (int b = 0; b < n; b++) {
            double[] tokens = new double[l * c];
            for (int p = 0; p < l; p++) for (int ch = 0; ch < c; ch++) tokens[p * c + ch] = x[(b * c + ch) * l + p];
            double[] normed = Naive.layerNorm(tokens, l, c, Naive.param(block, "norm1.weight"), Naive.param(block, "norm1.bias"));
            double[] paddedTokens = new double[lp * c];   // zeros at padded positions
            for (int p = 0; p < l; p++) {
                System.arraycopy(normed, p * c, paddedTokens, flat(unflat(p, size), padded) * c, c);
            }
            double[] qkv = Naive.linear(paddedTokens, lp, c, Naive.param(block, "attn.qkv.weight"),
                    Naive.param(block, "attn.qkv.bias"), 3 * c);
            double[] mixed = new double[l * c];
            for (int p = 0; p < l; p++) {
                int[] pos = unflat(p, size), u = new int[r], inWindow = new int[r];
                for (int a = 0; a < r; a++) {
                    u[a] = Math.floorMod(pos[a] - s[a], padded[a]);
                    inWindow[a] = u[a] % m[a];
                }
                int label = label(u, padded, m, s);
                double[] q = new double[c], ks = new double[tokensPerWindow * c], vs = new double[tokensPerWindow * c];
                int self = flat(pos, padded);
                System.arraycopy(qkv, self * 3 * c, q, 0, c);
                double[][] extra = new double[heads][tokensPerWindow];
                for (int j = 0; j < tokensPerWindow; j++) {
                    int[] other = unflat(j, m), uj = new int[r], pj = new int[r];
                    for (int a = 0; a < r; a++) {
                        uj[a] = u[a] - inWindow[a] + other[a];
                        pj[a] = (uj[a] + s[a]) % padded[a];
                    }
                    int src = flat(pj, padded);
                    System.arraycopy(qkv, src * 3 * c + c, ks, j * c, c);
                    System.arraycopy(qkv, src * 3 * c + 2 * c, vs, j * c, c);
                    int row = 0;
                    for (int a = 0; a < r; a++) row = row * (2 * m[a] - 1) + inWindow[a] - other[a] + m[a] - 1;
                    double masked = label(uj, padded, m, s) == label ? 0 : -100;
                    for (int h = 0; h < heads; h++) extra[h][j] = table[row * heads + h] + masked;
                }
                double[] o = new double[c];
                for (int h = 0; h < heads; h++) {
                    double[] oh = Naive.head(q, ks, vs, 1, tokensPerWindow, c, h * d, d, 1 / Math.sqrt(d), extra[h]);
                    System.arraycopy(oh, 0, o, h * d, d);
                }
                double[] projected = Naive.linear(o, 1, c, Naive.param(block, "attn.proj.weight"),
                        Naive.param(block, "attn.proj.bias"), c);
                System.arraycopy(projected, 0, mixed, p * c, c);
            }
            double[] z = new double[l * c];
            for (int i = 0; i < z.length; i++) z[i] = tokens[i] + mixed[i];
            double[] f = Naive.mlp(block, "mlp.", Naive.layerNorm(z, l, c, Naive.param(block, "norm2.weight"),
                    Naive.param(block, "norm2.bias")), l, c);
            for (int p = 0; p < l; p++) for (int ch = 0; ch < c; ch++) out[(b * c + ch) * l + p] = z[p * c + ch] + f[p * c + ch];
        }
        return out;
    }

    /** Swin's region label of a shifted position: per axis 0 below P − M, 1 below P − s, else 2. */
    private static int label(int[] u, int[] padded, int[] m, int[] s) {
        int label = 0;
        for (int a = 0; a < u.length; a++) {
            int region = s[a] == 0 || u[a] < padded[a] - m[a] ? 0 : u[a] < padded[a] - s[a] ? 1 : 2;
            label = 3 * label + region;
        }
        return label;
    }

    private static int[] unflat(int index, int[] sizes) {
        int[] c = new int[sizes.length];
        for (int a = sizes.length - 1; a >= 0; a--) {
            c[a] = index % sizes[a];
            index /= sizes[a];
        }
        return c;
    }

    private static int flat(int[] c, int[] sizes) {
        int i = 0;
        for (int a = 0; a < sizes.length; a++) i = i * sizes[a] + c[a];
        return i;
    }

    @Test
    void shiftedPaddedBlockOnImagesMatchesTheDirectFormulation() {
        SwinTransformerBlock block = new SwinTransformerBlock(4, 2, new int[] {3, 3}, new int[] {1, 1}, 2.0, true, new Rng(71));
        randomize(block, 72);
        // 5×4 pads to 6×6; then 6×6 needs no padding; then 5×4 again (the cached mask is rebuilt)
        for (int[] size : new int[][] {{5, 4}, {6, 6}, {5, 4}}) {
            Tensor x = TestTensors.randn(73, 2, 4, size[0], size[1]);
            Naive.assertClose("swin 2-d " + Shape.format(size), block.forward(x).toArray(),
                    naiveSwin(block, x.toArray(), 2, 4, size, 2), TOL);
        }
    }

    @Test
    void unshiftedBlockAttendsWithinRegularWindows() {
        SwinTransformerBlock block = new SwinTransformerBlock(2, 6, 3, 2, 0, new Rng(74));
        randomize(block, 75);
        assertThat(block.mlp().fc1().outFeatures()).isEqualTo(24);
        Tensor x = TestTensors.randn(76, 1, 6, 4, 2);
        Naive.assertClose("swin 2-d unshifted", block.forward(x).toArray(), naiveSwin(block, x.toArray(), 1, 6, new int[] {4, 2}, 3), TOL);
    }

    @Test
    void volumeBlockWithNonCubicWindowsAndAnUnshiftedAxis() {
        SwinTransformerBlock block = new SwinTransformerBlock(4, 2, new int[] {2, 2, 3}, new int[] {1, 0, 2}, 1.5, true, new Rng(77));
        randomize(block, 78);
        Tensor x = TestTensors.randn(79, 1, 4, 3, 2, 5);
        Naive.assertClose("swin 3-d", block.forward(x).toArray(), naiveSwin(block, x.toArray(), 1, 4, new int[] {3, 2, 5}, 2), TOL);
        assertThat(block.namedParameters().get("attn.relative_position_bias_table").shape()).containsExactly(3 * 3 * 5, 2);
    }

    @Test
    void channelsLastIsTheSameBlock() {
        SwinTransformerBlock block = new SwinTransformerBlock(2, 4, 2, 2, 1, new Rng(80));
        randomize(block, 81);
        Tensor x = TestTensors.randn(82, 2, 4, 3, 5);
        Tensor last = block.forwardChannelsLast(x.permute(0, 2, 3, 1));
        assertThat(last.shape()).containsExactly(2, 3, 5, 4);
        assertThat(last.permute(0, 3, 1, 2).contiguous().toArray()).containsExactly(block.forward(x).contiguous().toArray());
    }

    @Test
    void gradientsOfAShiftedPaddedBlock() {
        SwinTransformerBlock block = new SwinTransformerBlock(4, 2, new int[] {2, 2}, new int[] {1, 1}, 1.0, true, new Rng(83));
        randomize(block, 84);
        Tensor x = TestTensors.randn(85, 1, 4, 3, 3);
        // a smaller step than the default: the random block is curved enough for O(ε²) errors of 1%
        GradCheck.check("swin input", xs -> block.forward(xs[0]), GradCheck.Options.defaults().withEps(3e-3), x);
        ParameterGradCheck.check("swin", block, () -> block.forward(x), 3e-3, 1e-3, 1e-2);
    }

    @Test
    void costCountsTheAttentionOnThePaddedMap() {
        SwinTransformerBlock block = new SwinTransformerBlock(8, 2, new int[] {4, 4}, new int[] {2, 2}, 2.0, true, new Rng(1));
        // 6×7 pads to 8×8: 4 windows of 16 tokens
        long elements = 2L * 8 * 42, windows = 2L * 4;
        long attention = windows * 16 * 4 * 64 + windows * 16 * 2 * 16 * 8;
        long mlp = 2L * 42 * (8 * 16 + 16 * 8);
        assertThat(block.cost(2, 8, 6, 7)).isEqualTo(new Cost(new int[] {2, 8, 6, 7}, 2 * elements + attention + mlp));
    }

    @Test
    void shapeAndConstructionErrors() {
        SwinTransformerBlock block = new SwinTransformerBlock(2, 8, 2, 4, 2, new Rng(1));
        assertThatThrownBy(() -> block.forward(Tensor.zeros(1, 6, 4, 4))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("SwinTransformerBlock: input [1,6,4,4] must be 4-d [N, 8, spatial…]");
        assertThatThrownBy(() -> block.forwardChannelsLast(Tensor.zeros(1, 4, 4, 4, 8))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("input [1,4,4,4,8] must be 4-d channels-last [N, spatial…, 8]");
        assertThatThrownBy(() -> new SwinTransformerBlock(2, 8, 2, 4, 4, new Rng(1)))
                .hasMessageContaining("shift [4,4] must lie in [0, window) for window [4,4]");
        assertThatThrownBy(() -> new SwinTransformerBlock(8, 2, new int[] {4}, new int[] {0}, 4, true, new Rng(1)))
                .hasMessageContaining("window [4] must have 2 or 3 axes");
        assertThatThrownBy(() -> new SwinTransformerBlock(2, 8, 3, 4, 0, new Rng(1)))
                .hasMessageContaining("3 heads must be >= 1 and divide the dimension 8");
    }
}
