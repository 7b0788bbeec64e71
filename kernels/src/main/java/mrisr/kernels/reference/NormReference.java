package mrisr.kernels.reference;

import mrisr.kernels.Parallel;

/**
 * Scalar kernels for softmax and for layer/group normalisation, forward and analytic backward, on
 * contiguous row-major arrays. Sums accumulate in double in index order; every output element is
 * written by one task, so results do not depend on the thread count.
 *
 * <p><b>Softmax</b> runs along the middle axis of {@code [outer, n, inner]}:
 * {@code y_j = exp(x_j − m) / Σ_k exp(x_k − m)} with {@code m = max_k x_k} (so large inputs such as
 * 1000 do not overflow), {@code log_softmax: y_j = x_j − m − log Σ_k exp(x_k − m)}.
 *
 * <p><b>Normalisation</b> works on {@code rows × len} with {@code len = perGroup·segment}: each row
 * is standardised with its own mean and biased variance, {@code x̂ = (x − μ)·rstd},
 * {@code rstd = 1/√(σ² + eps)}, then scaled and shifted per channel, {@code y = x̂·w_c + b_c}. Row
 * {@code r}, element {@code j} uses channel {@code c = (r mod groups)·perGroup + j / segment}:
 * layer norm is {@code groups = 1, perGroup = len, segment = 1} (one weight per normalised
 * element); group norm over {@code [N, C, S…]} with {@code G} groups is {@code rows = N·G},
 * {@code groups = G}, {@code perGroup = C/G}, {@code segment = S} (one weight per channel).
 *
 * <pre>{@code
 * float[] mean = new float[rows], rstd = new float[rows];
 * NormReference.normalize(x, rows, 1, len, 1, w, b, 1e-5, y, mean, rstd);   // layer norm
 * }</pre>
 */
public final class NormReference {
    private NormReference() {}

    // ------------------------------------------------------------------ softmax

    /**
     * Softmax (or log-softmax when {@code log}) along the middle axis of {@code [outer, n, inner]}.
     *
     * @param y written, same layout as {@code x}
     */
    public static void softmax(float[] x, int outer, int n, int inner, boolean log, float[] y) {
        int lines = outer * inner;
        Parallel.forRange(lines, Parallel.grain(lines, 3L * n), (lo, hi) -> {
            for (int l = lo; l < hi; l++) softmaxLine(x, (l / inner) * n * inner + l % inner, n, inner, log, y);
        });
    }

    /**
     * Softmax (or log-softmax) of one line: {@code n} values from {@code base} with the given stride.
     *
     * @param y written at the same positions as the line of {@code x}
     */
    public static void softmaxLine(float[] x, int base, int n, int stride, boolean log, float[] y) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0, p = base; j < n; j++, p += stride) max = Math.max(max, x[p]);
        double sum = 0;
        if (log) {
            for (int j = 0, p = base; j < n; j++, p += stride) sum += Math.exp((double) x[p] - max);
            double shift = max + Math.log(sum);
            for (int j = 0, p = base; j < n; j++, p += stride) y[p] = (float) (x[p] - shift);
        } else {
            for (int j = 0, p = base; j < n; j++, p += stride) {
                double e = Math.exp((double) x[p] - max);
                y[p] = (float) e;
                sum += e;
            }
            double inv = 1.0 / sum;
            for (int j = 0, p = base; j < n; j++, p += stride) y[p] = (float) (y[p] * inv);
        }
    }

    /**
     * Backward of {@link #softmax} from its output {@code y} and upstream gradient {@code g}:
     * softmax {@code gx_j = y_j·(g_j − Σ_k g_k·y_k)}; log-softmax {@code gx_j = g_j − exp(y_j)·Σ_k g_k}.
     *
     * @param gx written, same layout as {@code y}
     */
    public static void softmaxBackward(float[] y, float[] g, int outer, int n, int inner, boolean log, float[] gx) {
        int lines = outer * inner;
        Parallel.forRange(lines, Parallel.grain(lines, 2L * n), (lo, hi) -> {
            for (int l = lo; l < hi; l++) {
                softmaxBackwardLine(y, g, (l / inner) * n * inner + l % inner, n, inner, log, gx);
            }
        });
    }

    /**
     * Backward of {@link #softmaxLine} for one line.
     *
     * @param gx written at the same positions as the line of {@code y}
     */
    public static void softmaxBackwardLine(float[] y, float[] g, int base, int n, int stride, boolean log,
            float[] gx) {
        double s = 0;
        if (log) {
            for (int j = 0, p = base; j < n; j++, p += stride) s += g[p];
            for (int j = 0, p = base; j < n; j++, p += stride) gx[p] = (float) (g[p] - Math.exp(y[p]) * s);
        } else {
            for (int j = 0, p = base; j < n; j++, p += stride) s += (double) g[p] * y[p];
            for (int j = 0, p = base; j < n; j++, p += stride) gx[p] = (float) (y[p] * (g[p] - s));
        }
    }

    // ------------------------------------------------------------------ layer and group norm

    /**
     * Normalises each row and applies the per-channel affine map (see the class comment).
     *
     * @param weight {@code groups·perGroup} scales, or null for 1
     * @param bias   {@code groups·perGroup} shifts, or null for 0
     * @param y      written, {@code rows × len}
     * @param mean   written, one mean per row
     * @param rstd   written, one {@code 1/√(σ² + eps)} per row
     */
    public static void normalize(float[] x, int rows, int groups, int perGroup, int segment, float[] weight,
            float[] bias, double eps, float[] y, float[] mean, float[] rstd) {
        int len = perGroup * segment;
        Parallel.forRange(rows, Parallel.grain(rows, 3L * len), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int base = r * len;
                double s = 0;
                for (int j = 0; j < len; j++) s += x[base + j];
                double m = len == 0 ? 0 : s / len;
                double v = 0;
                for (int j = 0; j < len; j++) {
                    double d = x[base + j] - m;
                    v += d * d;
                }
                double rs = 1.0 / Math.sqrt((len == 0 ? 0 : v / len) + eps);
                mean[r] = (float) m;
                rstd[r] = (float) rs;
                int channel0 = (r % groups) * perGroup;
                for (int c = 0, p = base; c < perGroup; c++) {
                    double w = weight == null ? 1 : weight[channel0 + c];
                    double b = bias == null ? 0 : bias[channel0 + c];
                    for (int k = 0; k < segment; k++, p++) y[p] = (float) ((x[p] - m) * rs * w + b);
                }
            }
        });
    }

    /**
     * Input gradient of {@link #normalize}: with {@code ĝ = g·w_c},
     * {@code gx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))} per row.
     *
     * @param weight as given to {@link #normalize}, or null
     * @param gx     written, {@code rows × len}
     */
    public static void normalizeBackwardInput(float[] g, float[] x, float[] mean, float[] rstd, int rows,
            int groups, int perGroup, int segment, float[] weight, float[] gx) {
        int len = perGroup * segment;
        Parallel.forRange(rows, Parallel.grain(rows, 3L * len), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int base = r * len, channel0 = (r % groups) * perGroup;
                double m = mean[r], rs = rstd[r];
                double sumG = 0, sumGX = 0;
                for (int c = 0, p = base; c < perGroup; c++) {
                    double w = weight == null ? 1 : weight[channel0 + c];
                    for (int k = 0; k < segment; k++, p++) {
                        double gh = g[p] * w;
                        sumG += gh;
                        sumGX += gh * (x[p] - m) * rs;
                    }
                }
                double meanG = sumG / len, meanGX = sumGX / len;
                for (int c = 0, p = base; c < perGroup; c++) {
                    double w = weight == null ? 1 : weight[channel0 + c];
                    for (int k = 0; k < segment; k++, p++) {
                        double xh = (x[p] - m) * rs;
                        gx[p] = (float) (rs * (g[p] * w - meanG - xh * meanGX));
                    }
                }
            }
        });
    }

    /**
     * Weight and bias gradients of {@link #normalize}: {@code gw_c = Σ g·x̂}, {@code gb_c = Σ g} over
     * the elements of channel {@code c}. Each channel is summed by one task, rows in increasing order.
     *
     * @param gradWeight written ({@code groups·perGroup}), or null when not needed
     * @param gradBias   written ({@code groups·perGroup}), or null when not needed
     */
    public static void normalizeBackwardAffine(float[] g, float[] x, float[] mean, float[] rstd, int rows,
            int groups, int perGroup, int segment, float[] gradWeight, float[] gradBias) {
        int len = perGroup * segment;
        int channels = groups * perGroup;
        int rowsPerGroup = rows / groups;
        Parallel.forRange(channels, Parallel.grain(channels, (long) rowsPerGroup * segment), (lo, hi) -> {
            double[] w = new double[hi - lo], b = new double[hi - lo];
            for (int n = 0; n < rowsPerGroup; n++) {
                for (int c = lo; c < hi; c++) {
                    int r = n * groups + c / perGroup;
                    int p = r * len + (c % perGroup) * segment;
                    double m = mean[r], rs = rstd[r];
                    double sw = 0, sb = 0;
                    for (int k = 0; k < segment; k++, p++) {
                        sw += g[p] * (x[p] - m) * rs;
                        sb += g[p];
                    }
                    w[c - lo] += sw;
                    b[c - lo] += sb;
                }
            }
            for (int c = lo; c < hi; c++) {
                if (gradWeight != null) gradWeight[c] = (float) w[c - lo];
                if (gradBias != null) gradBias[c] = (float) b[c - lo];
            }
        });
    }
}
