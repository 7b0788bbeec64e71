package mrisr.nn.attention;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import mrisr.engine.Tensor;
import mrisr.nn.Module;

/**
 * Direct double-precision formulas the attention tests compare with: plain loops over row-major
 * arrays, written from the papers' equations and independent of the engine's ops.
 */
final class Naive {
    private Naive() {}

    /** A parameter or buffer of {@code m} by state-dict name, as floats. */
    static float[] param(Module m, String name) {
        Tensor t = m.stateDict().get(name);
        assertThat(t).as("state dict entry %s", name).isNotNull();
        return t.toArray();
    }

    static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }

    /** {@code y[r][o] = b[o] + Σ_i x[r][i]·w[o][i]} for {@code rows} rows. */
    static double[] linear(double[] x, int rows, int in, float[] w, float[] b, int out) {
        double[] y = new double[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) s += x[r * in + i] * w[o * in + i];
                y[r * out + o] = s;
            }
        }
        return y;
    }

    /** Layer norm of each row of {@code c} features, ε = 1e-5, biased variance. */
    static double[] layerNorm(double[] x, int rows, int c, float[] w, float[] b) {
        double[] y = new double[rows * c];
        for (int r = 0; r < rows; r++) {
            double mean = 0, var = 0;
            for (int i = 0; i < c; i++) mean += x[r * c + i];
            mean /= c;
            for (int i = 0; i < c; i++) var += (x[r * c + i] - mean) * (x[r * c + i] - mean);
            var /= c;
            for (int i = 0; i < c; i++) y[r * c + i] = (x[r * c + i] - mean) / Math.sqrt(var + 1e-5) * w[i] + b[i];
        }
        return y;
    }

    /** The two-layer GELU MLP of Swin / timm on each row. */
    static double[] mlp(Module mlp, String prefix, double[] x, int rows, int in) {
        float[] w1 = param(mlp, prefix + "fc1.weight"), b1 = param(mlp, prefix + "fc1.bias");
        float[] w2 = param(mlp, prefix + "fc2.weight"), b2 = param(mlp, prefix + "fc2.bias");
        int hidden = b1.length;
        double[] h = linear(x, rows, in, w1, b1, hidden);
        for (int i = 0; i < h.length; i++) h[i] = gelu(h[i]);
        return linear(h, rows, hidden, w2, b2, b2.length);
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** Exact GELU {@code x·Φ(x)} with {@link #erf}. */
    static double gelu(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    /**
     * The error function by its Maclaurin series for |x| < 3 and the asymptotic continued fraction
     * beyond, accurate to about 1e-15 — far below float precision.
     */
    static double erf(double x) {
        double a = Math.abs(x);
        double r;
        if (a < 3) {
            double term = a, sum = a;
            for (int n = 1; n < 200 && Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
                term *= -a * a / n;
                sum += term / (2 * n + 1);
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            // erfc(a) = exp(−a²)/√π · 1/(a + 1/2/(a + 1/(a + 3/2/(a + …))))
            double f = a;
            for (int k = 60; k >= 1; k--) f = a + (k / 2.0) / f;
            r = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
        }
        return x < 0 ? -r : r;
    }

    /**
     * One head: {@code out[l] = Σ_s softmax_s(q[l]·k[s]·scale + extra[l][s])·v[s]} with {@code q}
     * read as rows of length {@code stride} starting at {@code offset} (the head's slice).
     *
     * @param extra additive scores {@code [L×S]}, or null
     */
    static double[] head(double[] q, double[] k, double[] v, int l, int s, int stride, int offset, int d, double scale,
            double[] extra) {
        double[] out = new double[l * d];
        double[] score = new double[s];
        for (int i = 0; i < l; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < s; j++) {
                double dot = 0;
                for (int e = 0; e < d; e++) dot += q[i * stride + offset + e] * k[j * stride + offset + e];
                score[j] = dot * scale + (extra == null ? 0 : extra[i * s + j]);
                max = Math.max(max, score[j]);
            }
            double z = 0;
            for (int j = 0; j < s; j++) z += score[j] = Math.exp(score[j] - max);
            for (int j = 0; j < s; j++) {
                for (int e = 0; e < d; e++) out[i * d + e] += score[j] / z * v[j * stride + offset + e];
            }
        }
        return out;
    }

    /**
     * Multi-head attention of projected rows {@code q [L×C]}, {@code k, v [S×C]} split into
     * {@code h} heads; {@code extra} gives per-head additive scores {@code [h][L×S]} (or null).
     *
     * @return concatenated heads {@code [L×C]}
     */
    static double[] multiHead(double[] q, double[] k, double[] v, int l, int s, int c, int h, double[][] extra) {
        int d = c / h;
        double[] out = new double[l * c];
        for (int head = 0; head < h; head++) {
            double[] o = head(q, k, v, l, s, c, head * d, d, 1 / Math.sqrt(d), extra == null ? null : extra[head]);
            for (int i = 0; i < l; i++) System.arraycopy(o, i * d, out, i * c + head * d, d);
        }
        return out;
    }

    /** Asserts {@code |got − want| ≤ tol·max(1, |want|)} element-wise. */
    static void assertClose(String what, float[] got, double[] want, double tol) {
        assertThat(got).as(what + " length").hasSize(want.length);
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(got[i] - want[i]);
            if (!(err <= tol * Math.max(1, Math.abs(want[i])))) {
                throw new AssertionError(String.format(Locale.ROOT, "%s[%d]: got %.7g, want %.7g", what, i, got[i], want[i]));
            }
        }
    }
}
