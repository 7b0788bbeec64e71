package mrisr.kernels;

import static mrisr.kernels.VectorMath.S;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import mrisr.kernels.reference.NormReference;

/**
 * Vector API layer and group normalisation, forward and backward: the fast twins of
 * {@link NormReference#normalize}, {@link NormReference#normalizeBackwardInput} and
 * {@link NormReference#normalizeBackwardAffine}, with the same arguments and layout ({@code rows × len},
 * {@code len = perGroup·segment}, channel {@code c = (r mod groups)·perGroup + j / segment}; layer
 * norm is {@code segment = 1}, group norm {@code segment} = the spatial size).
 *
 * <p>Per row: {@code μ} from the block-ordered sum of {@link Reductions}, {@code σ²} from
 * {@code Σ(x − μ_f)²} around the float mean {@code μ_f}, corrected by {@code (μ − μ_f)²}, then
 * {@code rstd = 1/√(σ² + eps)} in double; {@code y = x̂·w + b} with {@code x̂ = (x − μ_f)·rstd} in
 * float. Layer norm ({@code segment = 1}) vectorises across the row with per-element weights, group
 * norm along each channel's segment with the channel's weight broadcast. The backward sums
 * ({@code Σ ĝ}, {@code Σ ĝ·x̂}) use the same block order. The affine gradients
 * ({@code gw_c = Σ g·x̂}, {@code gb_c = Σ g}) are summed for each channel by one task in row order:
 * layer norm vectorises across channels (lanes = neighbouring channels, float within blocks of
 * {@value #ROW_BLOCK} rows, double across), group norm along the segments.
 *
 * <p>Error vs the twin (tested in {@code NormalizeTest}), {@code u = 2⁻²⁴}, {@code D} the sum depth
 * of {@link Reductions}: mean and rstd within {@code (D + 4)·u} relative (for rstd: relative to
 * the row's scale, plus the float rounding of the mean); {@code y} within
 * {@code (D + 8)·u·((|x| + |μ|)·rstd·|w| + |b|)} — the rounding of {@code x − μ} is relative to
 * {@code |x| + |μ|}, which dominates for rows whose mean is large against their spread. Every
 * output element is written by one task, so results do not depend on the thread count.
 *
 * <pre>{@code
 * Normalize.forward(x, rows, 1, len, 1, w, b, 1e-5, y, mean, rstd);   // layer norm
 * }</pre>
 */
public final class Normalize {
    /** Rows per float block of the layer-norm affine gradient. */
    static final int ROW_BLOCK = 64;
    private static final int L = S.length();

    private Normalize() {}

    /**
     * Normalises each row and applies the per-channel affine map.
     *
     * @param weight {@code groups·perGroup} scales, or null for 1
     * @param bias   {@code groups·perGroup} shifts, or null for 0
     * @param y      written, {@code rows × len}
     * @param mean   written, one mean per row
     * @param rstd   written, one {@code 1/√(σ² + eps)} per row
     */
    public static void forward(float[] x, int rows, int groups, int perGroup, int segment, float[] weight,
            float[] bias, double eps, float[] y, float[] mean, float[] rstd) {
        int len = perGroup * segment;
        if (KernelInfo.scalarForced() || len == 0) {
            NormReference.normalize(x, rows, groups, perGroup, segment, weight, bias, eps, y, mean, rstd);
            return;
        }
        float[] w = weight, b = bias;
        if (segment == 1 && (w == null) != (b == null)) { // layer norm with one of the two: fill in the other
            if (w == null) w = filled(groups * perGroup, 1f);
            else b = new float[groups * perGroup];
        }
        float[] wf = w, bf = b;
        Parallel.forRange(rows, Parallel.grain(rows, 3L * len), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int base = r * len;
                double m = Reductions.sum(x, base, len) / len;
                float mf = (float) m;
                double dm = m - mf;
                double var = Math.max(Reductions.sumSquaredDeviations(x, base, len, mf) / len - dm * dm, 0);
                double rs = 1 / Math.sqrt(var + eps);
                mean[r] = mf;
                rstd[r] = (float) rs;
                int channel0 = (r % groups) * perGroup;
                if (segment == 1) {
                    affineRow(x, base, len, mf, (float) rs, wf, bf, channel0, y);
                } else {
                    for (int c = 0; c < perGroup; c++) {
                        float wc = wf == null ? 1f : wf[channel0 + c], bc = bf == null ? 0f : bf[channel0 + c];
                        affineSegment(x, base + c * segment, segment, mf, (float) rs, wc, bc, y);
                    }
                }
            }
        });
    }

    /**
     * Input gradient: with {@code ĝ = g·w_c}, {@code gx = rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂))} per row.
     *
     * @param weight as given to {@link #forward}, or null
     * @param gx     written, {@code rows × len}
     */
    public static void backwardInput(float[] g, float[] x, float[] mean, float[] rstd, int rows, int groups,
            int perGroup, int segment, float[] weight, float[] gx) {
        int len = perGroup * segment;
        if (KernelInfo.scalarForced() || len == 0) {
            NormReference.normalizeBackwardInput(g, x, mean, rstd, rows, groups, perGroup, segment, weight, gx);
            return;
        }
        Parallel.forRange(rows, Parallel.grain(rows, 3L * len), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int base = r * len, channel0 = (r % groups) * perGroup;
                float m = mean[r], rs = rstd[r];
                double sumG, sumGX;
                if (segment == 1) {
                    sumG = Reductions.dot(g, base, weight, channel0, len);
                    sumGX = Reductions.dotCentred(g, base, weight, channel0, x, base, len, m) * rs;
                } else {
                    sumG = 0;
                    sumGX = 0;
                    for (int c = 0; c < perGroup; c++) {
                        double wc = weight == null ? 1 : weight[channel0 + c];
                        int p = base + c * segment;
                        sumG += wc * Reductions.sum(g, p, segment);
                        sumGX += wc * Reductions.dotCentred(g, p, null, 0, x, p, segment, m);
                    }
                    sumGX *= rs;
                }
                float meanG = (float) (sumG / len), meanGX = (float) (sumGX / len);
                if (segment == 1) {
                    inputGradRow(g, x, base, len, m, rs, weight, channel0, meanG, meanGX, gx);
                } else {
                    for (int c = 0; c < perGroup; c++) {
                        float wc = weight == null ? 1f : weight[channel0 + c];
                        inputGradSegment(g, x, base + c * segment, segment, m, rs, wc, meanG, meanGX, gx);
                    }
                }
            }
        });
    }

    /**
     * Weight and bias gradients: {@code gw_c = Σ g·x̂}, {@code gb_c = Σ g} over the elements of channel
     * {@code c}.
     *
     * @param gradWeight written ({@code groups·perGroup}), or null when not needed
     * @param gradBias   written ({@code groups·perGroup}), or null when not needed
     */
    public static void backwardAffine(float[] g, float[] x, float[] mean, float[] rstd, int rows, int groups,
            int perGroup, int segment, float[] gradWeight, float[] gradBias) {
        int len = perGroup * segment;
        if (KernelInfo.scalarForced() || len == 0) {
            NormReference.normalizeBackwardAffine(g, x, mean, rstd, rows, groups, perGroup, segment, gradWeight,
                    gradBias);
            return;
        }
        int channels = groups * perGroup;
        int rowsPerGroup = rows / groups;
        if (segment == 1 && groups == 1) {
            int blocks = (channels + L - 1) / L;
            Parallel.forRange(blocks, Parallel.grain(blocks, (long) rows * L), (lo, hi) -> {
                double[] sw = new double[L], sb = new double[L];
                float[] lane = new float[L];
                for (int blk = lo; blk < hi; blk++) {
                    int c0 = blk * L;
                    if (c0 + L <= channels) {
                        affineGradColumns(g, x, mean, rstd, rows, len, c0, sw, sb, lane);
                        for (int t = 0; t < L; t++) {
                            if (gradWeight != null) gradWeight[c0 + t] = (float) sw[t];
                            if (gradBias != null) gradBias[c0 + t] = (float) sb[t];
                        }
                    } else {
                        for (int c = c0; c < channels; c++) affineGradChannelScalar(g, x, mean, rstd, rows, len, c,
                                gradWeight, gradBias);
                    }
                }
            });
            return;
        }
        Parallel.forRange(channels, Parallel.grain(channels, (long) rowsPerGroup * segment), (lo, hi) -> {
            for (int c = lo; c < hi; c++) {
                double sw = 0, sb = 0;
                for (int n = 0; n < rowsPerGroup; n++) {
                    int r = n * groups + c / perGroup;
                    int p = r * len + (c % perGroup) * segment;
                    sw += Reductions.dotCentred(g, p, null, 0, x, p, segment, mean[r]) * rstd[r];
                    sb += Reductions.sum(g, p, segment);
                }
                if (gradWeight != null) gradWeight[c] = (float) sw;
                if (gradBias != null) gradBias[c] = (float) sb;
            }
        });
    }

    // ------------------------------------------------------------------ micro-kernels

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }

    /** Layer norm row: {@code y = ((x − m)·rs)·w + b} with per-element {@code w}, {@code b} (both or neither). */
    private static void affineRow(float[] x, int base, int n, float m, float rs, float[] w, float[] b, int c0,
            float[] y) {
        FloatVector mv = FloatVector.broadcast(S, m);
        int i = 0, end = S.loopBound(n);
        if (w == null) {
            for (; i < end; i += L) FloatVector.fromArray(S, x, base + i).sub(mv).mul(rs).intoArray(y, base + i);
            for (; i < n; i++) y[base + i] = (x[base + i] - m) * rs;
            return;
        }
        for (; i < end; i += L) {
            FloatVector xh = FloatVector.fromArray(S, x, base + i).sub(mv).mul(rs);
            xh.fma(FloatVector.fromArray(S, w, c0 + i), FloatVector.fromArray(S, b, c0 + i)).intoArray(y, base + i);
        }
        for (; i < n; i++) y[base + i] = Math.fma((x[base + i] - m) * rs, w[c0 + i], b[c0 + i]);
    }

    /** Group norm segment of one channel: {@code y = ((x − m)·rs)·w + b} with scalar {@code w}, {@code b}. */
    private static void affineSegment(float[] x, int off, int n, float m, float rs, float w, float b, float[] y) {
        FloatVector mv = FloatVector.broadcast(S, m), wv = FloatVector.broadcast(S, w), bv = FloatVector.broadcast(S, b);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, x, off + i).sub(mv).mul(rs).fma(wv, bv).intoArray(y, off + i);
        }
        for (; i < n; i++) y[off + i] = Math.fma((x[off + i] - m) * rs, w, b);
    }

    /** {@code gx = rs·((g·w − meanG) − x̂·meanGX)} with per-element {@code w} (or none). */
    private static void inputGradRow(float[] g, float[] x, int base, int n, float m, float rs, float[] w, int c0,
            float meanG, float meanGX, float[] gx) {
        FloatVector mv = FloatVector.broadcast(S, m), mg = FloatVector.broadcast(S, meanG);
        FloatVector mgx = FloatVector.broadcast(S, -meanGX);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector gh = FloatVector.fromArray(S, g, base + i);
            if (w != null) gh = gh.mul(FloatVector.fromArray(S, w, c0 + i));
            FloatVector xh = FloatVector.fromArray(S, x, base + i).sub(mv).mul(rs);
            xh.fma(mgx, gh.sub(mg)).mul(rs).intoArray(gx, base + i);
        }
        for (; i < n; i++) {
            float gh = w == null ? g[base + i] : g[base + i] * w[c0 + i];
            float xh = (x[base + i] - m) * rs;
            gx[base + i] = Math.fma(xh, -meanGX, gh - meanG) * rs;
        }
    }

    /** {@code gx = rs·((g·w − meanG) − x̂·meanGX)} with scalar {@code w} over one channel's segment. */
    private static void inputGradSegment(float[] g, float[] x, int off, int n, float m, float rs, float w,
            float meanG, float meanGX, float[] gx) {
        FloatVector mv = FloatVector.broadcast(S, m), mg = FloatVector.broadcast(S, meanG);
        FloatVector mgx = FloatVector.broadcast(S, -meanGX);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector gh = FloatVector.fromArray(S, g, off + i).mul(w);
            FloatVector xh = FloatVector.fromArray(S, x, off + i).sub(mv).mul(rs);
            xh.fma(mgx, gh.sub(mg)).mul(rs).intoArray(gx, off + i);
        }
        for (; i < n; i++) {
            float xh = (x[off + i] - m) * rs;
            gx[off + i] = Math.fma(xh, -meanGX, g[off + i] * w - meanG) * rs;
        }
    }

    /**
     * Layer norm affine gradients of channels {@code [c0, c0 + L)}: lanes are channels, rows run in
     * order, float within blocks of {@link #ROW_BLOCK} rows and double across.
     */
    private static void affineGradColumns(float[] g, float[] x, float[] mean, float[] rstd, int rows, int len, int c0,
            double[] sw, double[] sb, float[] lane) {
        Arrays.fill(sw, 0);
        Arrays.fill(sb, 0);
        for (int r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
            int r1 = Math.min(rows, r0 + ROW_BLOCK);
            FloatVector aw = FloatVector.zero(S), ab = aw;
            for (int r = r0, p = r0 * len + c0; r < r1; r++, p += len) {
                FloatVector gv = FloatVector.fromArray(S, g, p);
                FloatVector xh = FloatVector.fromArray(S, x, p).sub(mean[r]).mul(rstd[r]);
                aw = gv.fma(xh, aw);
                ab = ab.add(gv);
            }
            aw.intoArray(lane, 0);
            for (int t = 0; t < L; t++) sw[t] += lane[t];
            ab.intoArray(lane, 0);
            for (int t = 0; t < L; t++) sb[t] += lane[t];
        }
    }

    /** The same sums for one leftover channel, scalar, in the same order. */
    private static void affineGradChannelScalar(float[] g, float[] x, float[] mean, float[] rstd, int rows, int len,
            int c, float[] gradWeight, float[] gradBias) {
        double sw = 0, sb = 0;
        for (int r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
            float aw = 0, ab = 0;
            for (int r = r0, p = r0 * len + c; r < Math.min(rows, r0 + ROW_BLOCK); r++, p += len) {
                aw = Math.fma(g[p], (x[p] - mean[r]) * rstd[r], aw);
                ab += g[p];
            }
            sw += aw;
            sb += ab;
        }
        if (gradWeight != null) gradWeight[c] = (float) sw;
        if (gradBias != null) gradBias[c] = (float) sb;
    }
}
