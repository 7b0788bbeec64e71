package mrisr.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link Attention#scaledDotProductAttention} against a naive double-precision implementation
 * (explicit score matrix, softmax, product) written here, and its gradients against double
 * finite differences of that implementation.
 */
class AttentionTest {

    /**
     * Naive attention over {@code batch} problems; {@code mask} is null or the full
     * {@code [batch, l, s]} additive mask. Fully masked rows give 0.
     */
    private static double[] naive(double[] q, double[] k, double[] v, double[] mask, int batch, int l, int s, int e,
            int ev, double scale) {
        double[] out = new double[batch * l * ev];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < l; i++) {
                double[] score = new double[s];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < s; j++) {
                    double dot = 0;
                    for (int c = 0; c < e; c++) dot += q[(b * l + i) * e + c] * k[(b * s + j) * e + c];
                    score[j] = dot * scale + (mask == null ? 0 : mask[(b * l + i) * s + j]);
                    max = Math.max(max, score[j]);
                }
                if (max == Double.NEGATIVE_INFINITY) continue;
                double total = 0;
                for (int j = 0; j < s; j++) total += Math.exp(score[j] - max);
                for (int j = 0; j < s; j++) {
                    double p = Math.exp(score[j] - max) / total;
                    for (int c = 0; c < ev; c++) out[(b * l + i) * ev + c] += p * v[(b * s + j) * ev + c];
                }
            }
        }
        return out;
    }

    private static double[] doubles(Tensor t) {
        float[] f = t.toArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /** The mask broadcast to {@code shape} in row-major order. */
    private static double[] expanded(Tensor mask, int... shape) {
        return doubles(mask.expand(shape).contiguous());
    }

    private static void assertClose(float[] actual, double[] expected, double tolerance) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("element %d", i).isCloseTo(expected[i], within(tolerance));
        }
    }

    @Test
    void matchesNaiveWithoutMask() {
        Tensor q = TestTensors.randn(1, 2, 5, 3), k = TestTensors.randn(2, 2, 7, 3), v = TestTensors.randn(3, 2, 7, 2);
        Tensor out = Attention.scaledDotProductAttention(q, k, v);
        assertThat(out.shape()).containsExactly(2, 5, 2);
        assertClose(out.toArray(), naive(doubles(q), doubles(k), doubles(v), null, 2, 5, 7, 3, 2, 1 / Math.sqrt(3)),
                1e-5);
    }

    @Test
    void matchesNaiveWithHeadsBroadcastMaskAndScale() {
        Tensor q = TestTensors.randn(4, 2, 3, 5, 4), k = TestTensors.randn(5, 2, 3, 6, 4);
        Tensor v = TestTensors.randn(6, 2, 3, 6, 3);
        float[] m = TestTensors.randn(7, 2, 1, 5, 6).toArray();
        m[3] = Float.NEGATIVE_INFINITY;
        m[40] = Float.NEGATIVE_INFINITY;
        Tensor mask = Tensor.fromArray(m, 2, 1, 5, 6);
        Tensor out = Attention.scaledDotProductAttention(q, k, v, mask, 0.37);
        assertThat(out.shape()).containsExactly(2, 3, 5, 3);
        assertClose(out.toArray(), naive(doubles(q), doubles(k), doubles(v), expanded(mask, 2, 3, 5, 6), 6, 5, 6, 4, 3,
                0.37), 1e-5);

        Tensor rowMask = TestTensors.randn(8, 6);
        assertClose(Attention.scaledDotProductAttention(q, k, v, rowMask, Double.NaN).toArray(),
                naive(doubles(q), doubles(k), doubles(v), expanded(rowMask, 2, 3, 5, 6), 6, 5, 6, 4, 3, 0.5), 1e-5);
    }

    @Test
    void booleanMaskMatchesAdditiveMask() {
        Tensor q = TestTensors.randn(9, 3, 4, 2), k = TestTensors.randn(10, 3, 5, 2), v = TestTensors.randn(11, 3, 5, 3);
        float[] keep = new float[4 * 5];
        for (int i = 0; i < keep.length; i++) keep[i] = (i * 7) % 3 == 0 ? 0 : 1;
        Tensor allowed = Tensor.fromArray(keep, 4, 5);
        double[] additive = new double[3 * 4 * 5];
        for (int i = 0; i < additive.length; i++) additive[i] = keep[i % 20] == 0 ? Double.NEGATIVE_INFINITY : 0;
        Tensor out = Attention.scaledDotProductAttentionWithBooleanMask(q, k, v, allowed, 1.3);
        assertClose(out.toArray(), naive(doubles(q), doubles(k), doubles(v), additive, 3, 4, 5, 2, 3, 1.3), 1e-5);
        assertThat(Attention.additiveMask(allowed).toArray()[0]).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(Attention.additiveMask(allowed).toArray()[1]).isEqualTo(0f);
    }

    @Test
    void fullyMaskedRowsGiveZeroOutputAndZeroGradients() {
        int l = 3, s = 4;
        Tensor q = TestTensors.randn(12, 2, l, 3).requiresGrad(true);
        Tensor k = TestTensors.randn(13, 2, s, 3).requiresGrad(true);
        Tensor v = TestTensors.randn(14, 2, s, 2).requiresGrad(true);
        float[] m = new float[2 * l * s];
        for (int j = 0; j < s; j++) m[s + j] = Float.NEGATIVE_INFINITY; // batch 0, query row 1
        m[l * s] = Float.NEGATIVE_INFINITY; // one masked key elsewhere
        Tensor mask = Tensor.fromArray(m, 2, l, s);
        Tensor out = Attention.scaledDotProductAttention(q, k, v, mask, Double.NaN);
        float[] o = out.toArray();
        assertThat(o[2]).isZero();
        assertThat(o[3]).isZero();
        double[] md = new double[m.length];
        for (int i = 0; i < m.length; i++) md[i] = m[i];
        assertClose(o, naive(doubles(q), doubles(k), doubles(v), md, 2, l, s, 3, 2, 1 / Math.sqrt(3)), 1e-5);

        out.backward(TestTensors.randn(15, out.shape()), false);
        float[] gq = q.grad().toArray();
        for (int c = 0; c < 3; c++) assertThat(gq[3 + c]).isZero();
        for (Tensor t : new Tensor[] {q, k, v}) {
            for (float g : t.grad().toArray()) assertThat(Float.isFinite(g)).isTrue();
        }
    }

    @Test
    void gradientsMatchDoubleFiniteDifferencesOfTheNaiveImplementation() {
        int batch = 2, l = 3, s = 4, e = 3, ev = 2;
        double scale = 0.8;
        Tensor q = TestTensors.randn(16, batch, l, e).requiresGrad(true);
        Tensor k = TestTensors.randn(17, batch, s, e).requiresGrad(true);
        Tensor v = TestTensors.randn(18, batch, s, ev).requiresGrad(true);
        float[] m = TestTensors.randn(19, l, s).toArray();
        m[5] = Float.NEGATIVE_INFINITY;
        Tensor mask = Tensor.fromArray(m, l, s);
        Tensor r = TestTensors.randn(20, batch, l, ev);
        Attention.scaledDotProductAttention(q, k, v, mask, scale).backward(r, false);

        double[] qd = doubles(q), kd = doubles(k), vd = doubles(v), rd = doubles(r);
        double[] md = expanded(mask, batch, l, s);
        Function<double[][], Double> loss = in -> {
            double[] out = naive(in[0], in[1], in[2], md, batch, l, s, e, ev, scale);
            double sum = 0;
            for (int i = 0; i < out.length; i++) sum += out[i] * rd[i];
            return sum;
        };
        double[][] inputs = {qd, kd, vd};
        Tensor[] leaves = {q, k, v};
        for (int t = 0; t < 3; t++) {
            float[] analytic = leaves[t].grad().toArray();
            for (int i = 0; i < inputs[t].length; i++) {
                double keep = inputs[t][i], h = 1e-6;
                inputs[t][i] = keep + h;
                double plus = loss.apply(inputs);
                inputs[t][i] = keep - h;
                double minus = loss.apply(inputs);
                inputs[t][i] = keep;
                assertThat((double) analytic[i]).as("input %d element %d", t, i)
                        .isCloseTo((plus - minus) / (2 * h), within(1e-5));
            }
        }
    }

    @Test
    void largeScoresDoNotOverflow() {
        Tensor q = TestTensors.randn(21, 1, 4, 3).mul(60), k = TestTensors.randn(22, 1, 5, 3).mul(60);
        Tensor v = TestTensors.randn(23, 1, 5, 2);
        float[] out = Attention.scaledDotProductAttention(q, k, v).toArray();
        for (float x : out) assertThat(Float.isFinite(x)).isTrue();
        assertClose(out, naive(doubles(q), doubles(k), doubles(v), null, 1, 4, 5, 3, 2, 1 / Math.sqrt(3)), 1e-4);
    }

    @Test
    void singleKeyReturnsItsValue() {
        Tensor q = TestTensors.randn(24, 2, 3, 4), k = TestTensors.randn(25, 2, 1, 4), v = TestTensors.randn(26, 2, 1, 5);
        Tensor out = Attention.scaledDotProductAttention(q, k, v);
        assertThat(out.toArray()).containsExactly(v.expand(2, 3, 5).contiguous().toArray());
        assertThat(out.requiresGrad()).isFalse();
    }

    @Test
    void recordsOneOpAndNoMaskGradient() {
        Tensor q = TestTensors.randn(27, 2, 4).requiresGrad(true), k = TestTensors.randn(28, 3, 4);
        Tensor v = TestTensors.randn(29, 3, 2);
        Tensor mask = TestTensors.randn(30, 2, 3).requiresGrad(true);
        Tensor out = Attention.scaledDotProductAttention(q, k, v, mask, Double.NaN);
        assertThat(out.gradFnName()).isEqualTo("scaled_dot_product_attention");
        out.sum().backward();
        assertThat(q.grad()).isNotNull();
        assertThat(mask.grad()).isNull();
    }

    @Test
    void rejectsBadShapes() {
        Tensor q = Tensor.zeros(2, 3, 4), k = Tensor.zeros(2, 5, 4), v = Tensor.zeros(2, 5, 6);
        String op = "scaled_dot_product_attention";
        assertThatThrownBy(() -> Attention.scaledDotProductAttention(q, Tensor.zeros(2, 5, 3), v))
                .isInstanceOf(ShapeException.class).hasMessageContaining(op).hasMessageContaining("E = 4");
        assertThatThrownBy(() -> Attention.scaledDotProductAttention(q, k, Tensor.zeros(2, 6, 6)))
                .isInstanceOf(ShapeException.class).hasMessageContaining("S = 5");
        assertThatThrownBy(() -> Attention.scaledDotProductAttention(q, Tensor.zeros(3, 5, 4), Tensor.zeros(3, 5, 6)))
                .isInstanceOf(ShapeException.class).hasMessageContaining("leading dimensions");
        assertThatThrownBy(() -> Attention.scaledDotProductAttention(Tensor.zeros(4), k, v))
                .isInstanceOf(ShapeException.class).hasMessageContaining("[4]");
        assertThatThrownBy(() -> Attention.scaledDotProductAttention(q, k, v, Tensor.zeros(3, 4), Double.NaN))
                .isInstanceOf(ShapeException.class).hasMessageContaining("mask [3,4]").hasMessageContaining("[2,3,5]");
        assertThatThrownBy(() -> Attention.scaledDotProductAttention(q, k, v, null, Double.POSITIVE_INFINITY))
                .isInstanceOf(ShapeException.class).hasMessageContaining("scale");
    }
}
