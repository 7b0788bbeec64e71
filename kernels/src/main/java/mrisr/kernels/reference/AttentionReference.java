package mrisr.kernels.reference;

import java.util.Arrays;
import mrisr.kernels.Parallel;

/**
 * Fused scaled dot-product attention, one softmax row at a time, and its backward pass.
 *
 * <p>For each batch entry {@code b} (batch × heads flattened) with contiguous
 * {@code q[b] : L×E}, {@code k[b] : S×E}, {@code v[b] : S×Ev}:
 * <pre>
 *   s_ij = scale · q_i·k_j + mask_ij          P_ij = exp(s_ij − lse_i),  lse_i = log Σ_j exp(s_ij)
 *   out_i = Σ_j P_ij v_j
 * </pre>
 * The softmax subtracts the row maximum before exponentiating. A row whose scores are all −∞ (every
 * key masked, or {@code S = 0}) has no defined softmax; it produces {@code out_i = 0} and
 * {@code lse_i = −∞}, and its gradients are 0. Dot products and sums accumulate in double.
 *
 * <p>The backward pass recomputes {@code P} from the saved {@code lse} instead of storing the
 * L×S matrix. With {@code dP_ij = dout_i·v_j} and {@code δ_i = dout_i·out_i}:
 * {@code dS_ij = P_ij (dP_ij − δ_i)}, {@code dq_i = scale Σ_j dS_ij k_j},
 * {@code dk_j = scale Σ_i dS_ij q_i}, {@code dv_j = Σ_i P_ij dout_i}. {@code dq} is computed in
 * parallel over query rows, {@code dk} and {@code dv} over key rows, each sum by one task in index
 * order, so results do not depend on the thread count.
 *
 * <pre>{@code
 * var sizes = new AttentionReference.Sizes(heads, l, s, e, ev);
 * AttentionReference.forward(sizes, q, k, v, 1 / Math.sqrt(e), null, out, lse);
 * }</pre>
 */
public final class AttentionReference {
    private AttentionReference() {}

    /**
     * Problem sizes.
     *
     * @param batch    B, the number of independent attention problems (batch × heads)
     * @param queries  L, query rows per problem
     * @param keys     S, key/value rows per problem
     * @param headDim  E, length of query and key vectors
     * @param valueDim Ev, length of value vectors
     */
    public record Sizes(int batch, int queries, int keys, int headDim, int valueDim) {}

    /**
     * An additive mask read with strides: entry {@code (b, i, j)} is
     * {@code data[batchOffsets[b] + i·rowStride + j·colStride]} (strides may be 0 for broadcasting).
     * Entries are finite or −∞.
     */
    public record Mask(float[] data, int[] batchOffsets, int rowStride, int colStride) {
        float at(int b, int i, int j) {
            return data[batchOffsets[b] + i * rowStride + j * colStride];
        }
    }

    /**
     * Forward pass: fills {@code out [B, L, Ev]} and {@code lse [B, L]} (both overwritten).
     *
     * @param mask additive mask, or null for none
     */
    public static void forward(Sizes n, float[] q, float[] k, float[] v, double scale, Mask mask, float[] out,
            float[] lse) {
        int l = n.queries(), s = n.keys(), e = n.headDim(), ev = n.valueDim();
        int rows = n.batch() * l;
        Parallel.forRange(rows, Parallel.grain(rows, (long) s * (e + ev)), (lo, hi) -> {
            double[] scores = new double[s];
            double[] acc = new double[ev];
            for (int row = lo; row < hi; row++) {
                int b = row / l, i = row % l;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < s; j++) {
                    scores[j] = score(n, q, k, scale, mask, b, i, j);
                    max = Math.max(max, scores[j]);
                }
                int outBase = row * ev;
                if (max == Double.NEGATIVE_INFINITY) {
                    for (int c = 0; c < ev; c++) out[outBase + c] = 0f;
                    lse[row] = Float.NEGATIVE_INFINITY;
                    continue;
                }
                double sum = 0;
                for (int j = 0; j < s; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                Arrays.fill(acc, 0);
                for (int j = 0; j < s; j++) {
                    double p = scores[j] / sum;
                    int vBase = (b * s + j) * ev;
                    for (int c = 0; c < ev; c++) acc[c] += p * v[vBase + c];
                }
                for (int c = 0; c < ev; c++) out[outBase + c] = (float) acc[c];
                lse[row] = (float) (max + Math.log(sum));
            }
        });
    }

    /**
     * Backward pass: the gradients with respect to {@code q}, {@code k} and {@code v} (each
     * overwritten; pass null for one that is not needed).
     *
     * @param out  the forward output {@code [B, L, Ev]}
     * @param lse  the forward log-sum-exp {@code [B, L]}
     * @param gOut gradient of the loss with respect to {@code out}
     */
    public static void backward(Sizes n, float[] q, float[] k, float[] v, double scale, Mask mask, float[] out,
            float[] lse, float[] gOut, float[] gq, float[] gk, float[] gv) {
        int l = n.queries(), s = n.keys(), e = n.headDim(), ev = n.valueDim();
        int rows = n.batch() * l;
        double[] delta = new double[rows];
        Parallel.forRange(rows, Parallel.grain(rows, ev), (lo, hi) -> {
            for (int row = lo; row < hi; row++) delta[row] = dot(gOut, row * ev, out, row * ev, ev);
        });
        if (gq != null) {
            Parallel.forRange(rows, Parallel.grain(rows, (long) s * (e + ev)), (lo, hi) -> {
                double[] acc = new double[e];
                for (int row = lo; row < hi; row++) {
                    int b = row / l, i = row % l;
                    Arrays.fill(acc, 0);
                    for (int j = 0; j < s; j++) {
                        double p = probability(n, q, k, scale, mask, lse, b, i, j);
                        double dp = dot(gOut, row * ev, v, (b * s + j) * ev, ev);
                        double ds = p * (dp - delta[row]) * scale;
                        int kBase = (b * s + j) * e;
                        for (int c = 0; c < e; c++) acc[c] += ds * k[kBase + c];
                    }
                    for (int c = 0; c < e; c++) gq[row * e + c] = (float) acc[c];
                }
            });
        }
        if (gk == null && gv == null) return;
        int keyRows = n.batch() * s;
        Parallel.forRange(keyRows, Parallel.grain(keyRows, (long) l * (e + ev)), (lo, hi) -> {
            double[] accK = new double[e];
            double[] accV = new double[ev];
            for (int keyRow = lo; keyRow < hi; keyRow++) {
                int b = keyRow / s, j = keyRow % s;
                Arrays.fill(accK, 0);
                Arrays.fill(accV, 0);
                for (int i = 0; i < l; i++) {
                    int row = b * l + i;
                    double p = probability(n, q, k, scale, mask, lse, b, i, j);
                    if (gv != null) for (int c = 0; c < ev; c++) accV[c] += p * gOut[row * ev + c];
                    if (gk != null) {
                        double dp = dot(gOut, row * ev, v, keyRow * ev, ev);
                        double ds = p * (dp - delta[row]) * scale;
                        for (int c = 0; c < e; c++) accK[c] += ds * q[row * e + c];
                    }
                }
                if (gk != null) for (int c = 0; c < e; c++) gk[keyRow * e + c] = (float) accK[c];
                if (gv != null) for (int c = 0; c < ev; c++) gv[keyRow * ev + c] = (float) accV[c];
            }
        });
    }

    /** {@code scale · q_i·k_j + mask_ij} in double. */
    private static double score(Sizes n, float[] q, float[] k, double scale, Mask mask, int b, int i, int j) {
        int e = n.headDim();
        double sc = scale * dot(q, (b * n.queries() + i) * e, k, (b * n.keys() + j) * e, e);
        return mask == null ? sc : sc + mask.at(b, i, j);
    }

    /** {@code P_ij} recomputed from the saved log-sum-exp; 0 for fully masked rows. */
    private static double probability(Sizes n, float[] q, float[] k, double scale, Mask mask, float[] lse, int b,
            int i, int j) {
        float rowLse = lse[b * n.queries() + i];
        if (rowLse == Float.NEGATIVE_INFINITY) return 0;
        return Math.exp(score(n, q, k, scale, mask, b, i, j) - rowLse);
    }

    private static double dot(float[] a, int aOff, float[] b, int bOff, int len) {
        double s = 0;
        for (int c = 0; c < len; c++) s += (double) a[aOff + c] * b[bOff + c];
        return s;
    }
}
