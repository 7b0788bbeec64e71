package mrisr.kernels;

import static mrisr.kernels.VectorMath.S;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import mrisr.kernels.reference.AttentionReference;
import mrisr.kernels.reference.AttentionReference.Mask;
import mrisr.kernels.reference.AttentionReference.Sizes;

/**
 * Fused, tiled scaled dot-product attention with the Vector API: the fast twin of
 * {@link AttentionReference} (same arguments, math and conventions: {@code s = scale·q·kᵀ + mask},
 * {@code out = softmax(s)·v}, saved {@code lse = log Σ_j e^s}; fully masked rows give 0 and
 * {@code lse = −∞}).
 *
 * <p><b>Forward.</b> A task owns one problem's block of {@value #QB} query rows and walks the keys
 * in blocks of {@value #KB}: the transposed scores {@code Sᵀ = K·(scale·Q)ᵀ} for the block (keys as
 * rows, so each query's softmax runs down a column, across vector lanes, with no horizontal
 * reductions), an online softmax (running maximum {@code m}, running sum {@code l}; on a new maximum
 * the partial output and sum are rescaled by {@code e^(m_old − m_new)}), then {@code O += P·V}. The
 * {@code L×S} matrix is never stored; the task keeps a {@code KB×QB} tile. At the end
 * {@code out = O/l} and {@code lse = m + log l}.
 *
 * <p><b>Backward</b> recomputes {@code P = e^(s − lse)} tile by tile. With
 * {@code δ_i = dout_i·out_i}, {@code dS = P∘(dout·vᵀ − δ)·scale}: one pass over (problem, query
 * block) tasks accumulates {@code dq = dS·k}; a separate pass over (problem, key block) tasks
 * accumulates {@code dk = dSᵀ·q} and {@code dv = Pᵀ·dout}. When a problem's queries fit one block
 * ({@code L ≤ QB}) one task per problem computes all three from the same tiles. Every gradient row
 * is summed by one task in a fixed block order and nothing is shared between tasks, so results do
 * not depend on the thread count.
 *
 * <p><b>Kernels.</b> Every product runs one outer-product micro-kernel: 4 rows × 2 vectors of C,
 * one broadcast of A (read with any row and column stride, so transposed operands need no copy) and
 * two vector loads of B per step, FMA into 8 accumulators. Queries and output gradients are
 * transposed once per block; key and value blocks are used in place when whole, else copied into
 * zero-padded panels (padded keys get score −∞). Scores and sums are float (the twin accumulates in
 * double), summed in a fixed order; exponentials use {@link VectorMath#exp}.
 *
 * <p>Error vs the twin (tested in {@code FlashAttentionTest}), with {@code u = 2⁻²⁴}: each score is
 * within {@code ε = (E + 4)·u·scale·Σ_c|q_c·k_c| + u·|s|} of the double score, so each probability is
 * within about {@code 2ε + (S/lanes + lanes + 8)·u} relative, and outputs and gradients within that
 * times the magnitudes they sum (see {@code FlashAttentionTest} for the exact bound).
 *
 * <pre>{@code
 * FlashAttention.forward(new AttentionReference.Sizes(b, l, s, e, ev), q, k, v, 1 / Math.sqrt(e), null, out, lse);
 * }</pre>
 */
public final class FlashAttention {
    /** Query rows per task. */
    static final int QB = 64;
    /** Keys per block. */
    static final int KB = 64;
    private static final int L = S.length();
    /** Column granularity of packed panels: the micro-kernel's width. */
    private static final int W = 2 * L;
    private static final int MR = 4;
    /** 512-bit vectors come with 32 registers: room for the 8-row micro-kernel. */
    private static final boolean WIDE = S.vectorBitSize() >= 512;

    /** Each worker thread's panels, reused across calls with the same head sizes (every use overwrites them). */
    private static final ThreadLocal<Workspace> WORKSPACE = new ThreadLocal<>();

    private FlashAttention() {}

    private static Workspace workspace(int e, int ev) {
        Workspace ws = WORKSPACE.get();
        if (ws == null || ws.e != e || ws.ev != ev) {
            ws = new Workspace(e, ev);
            WORKSPACE.set(ws);
        }
        return ws;
    }

    /**
     * Forward pass: fills {@code out [B, L, Ev]} and {@code lse [B, L]} (both overwritten).
     *
     * @param mask additive mask, or null for none
     */
    public static void forward(Sizes n, float[] q, float[] k, float[] v, double scale, Mask mask, float[] out,
            float[] lse) {
        if (KernelInfo.scalarForced() || n.keys() == 0 || n.queries() == 0) {
            AttentionReference.forward(n, q, k, v, scale, mask, out, lse);
            return;
        }
        int l = n.queries(), e = n.headDim(), ev = n.valueDim();
        int qBlocks = (l + QB - 1) / QB;
        int units = Math.multiplyExact(n.batch(), qBlocks);
        long cost = 2L * Math.min(l, QB) * n.keys() * (e + ev);
        Parallel.forRange(units, Parallel.grain(units, cost), (lo, hi) -> {
            Workspace ws = workspace(e, ev);
            for (int u = lo; u < hi; u++) {
                int b = u / qBlocks, i0 = (u % qBlocks) * QB;
                forwardBlock(n, q, k, v, (float) scale, mask, out, lse, b, i0, Math.min(QB, l - i0), ws);
            }
        });
    }

    /**
     * Backward pass: the gradients with respect to {@code q}, {@code k} and {@code v} (each
     * overwritten; null for one that is not needed).
     *
     * @param out  the forward output {@code [B, L, Ev]}
     * @param lse  the forward log-sum-exp {@code [B, L]}
     * @param gOut gradient of the loss with respect to {@code out}
     */
    public static void backward(Sizes n, float[] q, float[] k, float[] v, double scale, Mask mask, float[] out,
            float[] lse, float[] gOut, float[] gq, float[] gk, float[] gv) {
        if (KernelInfo.scalarForced() || n.keys() == 0 || n.queries() == 0) {
            AttentionReference.backward(n, q, k, v, scale, mask, out, lse, gOut, gq, gk, gv);
            return;
        }
        int l = n.queries(), s = n.keys(), e = n.headDim(), ev = n.valueDim();
        float sc = (float) scale;
        if (l <= QB) {
            // one query block per problem: a single task per problem computes δ and all three gradients
            // from one set of tiles (dk and dv rows of a problem are then still summed by one task)
            Parallel.forRange(n.batch(), Parallel.grain(n.batch(), 4L * l * s * (e + ev)), (lo, hi) -> {
                Workspace ws = workspace(e, ev);
                for (int b = lo; b < hi; b++) problemGrad(n, q, k, v, sc, mask, out, lse, gOut, gq, gk, gv, b, ws);
            });
            return;
        }
        int rows = n.batch() * l;
        float[] delta = new float[rows];
        Parallel.forRange(rows, Parallel.grain(rows, ev), (lo, hi) -> {
            for (int r = lo; r < hi; r++) delta[r] = (float) Reductions.dot(gOut, r * ev, out, r * ev, ev);
        });
        if (gq != null) {
            int qBlocks = (l + QB - 1) / QB;
            int units = Math.multiplyExact(n.batch(), qBlocks);
            Parallel.forRange(units, Parallel.grain(units, 3L * Math.min(l, QB) * s * (e + ev)), (lo, hi) -> {
                Workspace ws = workspace(e, ev);
                for (int u = lo; u < hi; u++) {
                    int b = u / qBlocks, i0 = (u % qBlocks) * QB;
                    queryGradBlock(n, q, k, v, sc, mask, lse, gOut, delta, gq, b, i0, Math.min(QB, l - i0), ws);
                }
            });
        }
        if (gk == null && gv == null) return;
        int kBlocks = (s + KB - 1) / KB;
        int units = Math.multiplyExact(n.batch(), kBlocks);
        Parallel.forRange(units, Parallel.grain(units, 4L * Math.min(s, KB) * l * (e + ev)), (lo, hi) -> {
            Workspace ws = workspace(e, ev);
            for (int u = lo; u < hi; u++) {
                int b = u / kBlocks, j0 = (u % kBlocks) * KB;
                keyGradBlock(n, q, k, v, sc, mask, lse, gOut, delta, gk, gv, b, j0, Math.min(KB, s - j0), ws);
            }
        });
    }

    // ------------------------------------------------------------------ task bodies

    /** Per-thread panels and tiles; every use overwrites what it reads. */
    private static final class Workspace {
        final int e, ev;
        final int ep, evp;              // E and Ev padded to the panel width
        final float[] qt, dot, ot;      // [E][QB], [Ev][QB], [Ev][QB]: transposed q, dout, out rows
        final float[] qp, dop;          // [QB][ep], [QB][evp]: query / output-gradient rows, padded
        final float[] kp, vp;           // [KB][ep], [KB][evp]: key / value rows, padded
        final float[] st, dpt;          // [KB][QB]: transposed scores then P; dP then dS
        final float[] acc, acc2, acc3;  // output-side accumulators
        final float[] rowMax = new float[QB], rowSum = new float[QB], alpha = new float[QB];
        final float[] lseBlock = new float[QB], deltaBlock = new float[QB];

        Workspace(int e, int ev) {
            this.e = e;
            this.ev = ev;
            ep = roundUp(e, W);
            evp = roundUp(ev, W);
            qt = new float[e * QB];
            dot = new float[ev * QB];
            ot = new float[ev * QB];
            qp = new float[QB * ep];
            dop = new float[QB * evp];
            kp = new float[KB * ep];
            vp = new float[KB * evp];
            st = new float[KB * QB];
            dpt = new float[KB * QB];
            acc = new float[Math.max(QB, KB) * Math.max(ep, evp)];
            acc2 = new float[KB * evp];
            acc3 = new float[KB * ep];
        }
    }

    private static int roundUp(int x, int m) {
        return (x + m - 1) / m * m;
    }

    /**
     * One problem's query block: {@code Sᵀ = K·Qᵀ} per key block (keys are rows, so the online
     * softmax of a query is a column and runs across vector lanes without horizontal reductions),
     * then {@code O += P·V} reading {@code P} through its transpose.
     */
    private static void forwardBlock(Sizes n, float[] q, float[] k, float[] v, float scale, Mask mask, float[] out,
            float[] lse, int b, int i0, int qb, Workspace ws) {
        int l = n.queries(), s = n.keys(), e = n.headDim(), ev = n.valueDim();
        int qbp = roundUp(qb, W), evp = ws.evp, ep = ws.ep;
        packTransposed(q, (b * l + i0) * e, qb, e, scale, ws.qt, qbp); // the scale rides on Qᵀ
        Arrays.fill(ws.acc, 0, qbp * evp, 0f);
        Arrays.fill(ws.rowMax, Float.NEGATIVE_INFINITY);
        Arrays.fill(ws.rowSum, 0f);
        for (int j0 = 0; j0 < s; j0 += KB) {
            int kb = Math.min(KB, s - j0);
            boolean full = kb == KB;
            float[] ka = full ? k : ws.kp, va = full && ev == evp ? v : ws.vp;
            int ko = full ? (b * s + j0) * e : 0, kld = full ? e : ep;
            int vo = va == v ? (b * s + j0) * ev : 0;
            if (!full) packRows(k, (b * s + j0) * e, kb, e, ws.kp, KB, ep);
            if (va != v) packRows(v, (b * s + j0) * ev, kb, ev, ws.vp, KB, evp);
            gemm(KB, qbp, e, ka, ko, kld, 1, ws.qt, 0, qbp, ws.st, 0, qbp, false);
            scoreTile(ws.st, qbp, kb, qb, mask, b, i0, j0);
            for (int i = 0; i < qbp; i += L) onlineSoftmax(ws.st, qbp, i, ws.rowMax, ws.rowSum, ws.alpha);
            for (int i = 0; i < qbp; i++) if (ws.alpha[i] != 1f) scaleRow(ws.acc, i * evp, evp, ws.alpha[i]);
            // O += P·V with A(i, j) = Pᵀ[j][i]
            gemm(qbp, evp, KB, ws.st, 0, 1, qbp, va, vo, evp, ws.acc, 0, evp, true);
        }
        for (int i = 0; i < qb; i++) {
            int r = b * l + i0 + i;
            float sum = ws.rowSum[i];
            if (sum == 0f) {
                Arrays.fill(out, r * ev, (r + 1) * ev, 0f);
                lse[r] = Float.NEGATIVE_INFINITY;
            } else {
                scaleInto(ws.acc, i * evp, ev, 1f / sum, out, r * ev);
                lse[r] = (float) (ws.rowMax[i] + Math.log(sum));
            }
        }
    }

    private static void queryGradBlock(Sizes n, float[] q, float[] k, float[] v, float scale, Mask mask, float[] lse,
            float[] gOut, float[] delta, float[] gq, int b, int i0, int qb, Workspace ws) {
        int l = n.queries(), s = n.keys(), e = n.headDim(), ev = n.valueDim();
        int qbp = roundUp(qb, W), ep = ws.ep;
        queryBlock(q, gOut, lse, delta, b * l + i0, qb, qbp, e, ev, scale, ws, false);
        Arrays.fill(ws.acc, 0, qbp * ep, 0f);
        for (int j0 = 0; j0 < s; j0 += KB) {
            int kb = Math.min(KB, s - j0);
            boolean kDirect = kb == KB && e == ep;
            if (!kDirect) packRows(k, (b * s + j0) * e, kb, e, ws.kp, KB, ep);
            if (kb < KB) packRows(v, (b * s + j0) * ev, kb, ev, ws.vp, KB, ws.evp);
            probabilityTile(n, ws, k, v, scale, mask, b, i0, qb, qbp, j0, kb);
            // dQ += dS·K with A(i, j) = dSᵀ[j][i]
            gemm(qbp, ep, KB, ws.dpt, 0, 1, qbp, kDirect ? k : ws.kp, kDirect ? (b * s + j0) * e : 0, ep, ws.acc, 0,
                    ep, true);
        }
        for (int i = 0; i < qb; i++) System.arraycopy(ws.acc, i * ep, gq, (b * l + i0 + i) * e, e);
    }

    private static void keyGradBlock(Sizes n, float[] q, float[] k, float[] v, float scale, Mask mask, float[] lse,
            float[] gOut, float[] delta, float[] gk, float[] gv, int b, int j0, int kb, Workspace ws) {
        int l = n.queries(), s = n.keys(), e = n.headDim(), ev = n.valueDim();
        int ep = ws.ep, evp = ws.evp;
        if (kb < KB || e != ep) packRows(k, (b * s + j0) * e, kb, e, ws.kp, KB, ep);
        if (kb < KB || ev != evp) packRows(v, (b * s + j0) * ev, kb, ev, ws.vp, KB, evp);
        Arrays.fill(ws.acc, 0, KB * ep, 0f);   // dk
        Arrays.fill(ws.acc2, 0, KB * evp, 0f); // dv
        for (int i0 = 0; i0 < l; i0 += QB) {
            int qb = Math.min(QB, l - i0), qbp = roundUp(qb, W);
            queryBlock(q, gOut, lse, delta, b * l + i0, qb, qbp, e, ev, scale, ws, true);
            probabilityTile(n, ws, k, v, scale, mask, b, i0, qb, qbp, j0, kb);
            boolean qDirect = e == ep, dDirect = ev == evp;
            int row0 = b * l + i0;
            if (gv != null) {
                gemm(KB, evp, qb, ws.st, 0, qbp, 1, dDirect ? gOut : ws.dop, dDirect ? row0 * ev : 0, evp, ws.acc2, 0,
                        evp, true);
            }
            if (gk != null) {
                gemm(KB, ep, qb, ws.dpt, 0, qbp, 1, qDirect ? q : ws.qp, qDirect ? row0 * e : 0, ep, ws.acc, 0, ep,
                        true);
            }
        }
        for (int j = 0; j < kb; j++) {
            if (gk != null) System.arraycopy(ws.acc, j * ep, gk, (b * s + j0 + j) * e, e);
            if (gv != null) System.arraycopy(ws.acc2, j * evp, gv, (b * s + j0 + j) * ev, ev);
        }
    }

    /** All gradients of problem {@code b} when its queries fit one block. */
    private static void problemGrad(Sizes n, float[] q, float[] k, float[] v, float scale, Mask mask, float[] out,
            float[] lse, float[] gOut, float[] gq, float[] gk, float[] gv, int b, Workspace ws) {
        int l = n.queries(), s = n.keys(), e = n.headDim(), ev = n.valueDim();
        int qbp = roundUp(l, W), ep = ws.ep, evp = ws.evp;
        queryBlock(q, gOut, lse, null, b * l, l, qbp, e, ev, scale, ws, true);
        // δ_i = dO_i·O_i for all queries at once: down the columns of dOᵀ and Oᵀ, c in order per lane
        packTransposed(out, b * l * ev, l, ev, 1f, ws.ot, qbp);
        for (int i = 0; i < qbp; i += L) {
            FloatVector d = FloatVector.zero(S);
            for (int c = 0, p = i; c < ev; c++, p += qbp) {
                d = FloatVector.fromArray(S, ws.dot, p).fma(FloatVector.fromArray(S, ws.ot, p), d);
            }
            d.intoArray(ws.deltaBlock, i);
        }
        boolean qDirect = e == ep, dDirect = ev == evp;
        Arrays.fill(ws.acc, 0, qbp * ep, 0f);
        for (int j0 = 0; j0 < s; j0 += KB) {
            int kb = Math.min(KB, s - j0);
            boolean kDirect = kb == KB && e == ep;
            if (!kDirect) packRows(k, (b * s + j0) * e, kb, e, ws.kp, KB, ep);
            if (kb < KB) packRows(v, (b * s + j0) * ev, kb, ev, ws.vp, KB, evp);
            probabilityTile(n, ws, k, v, scale, mask, b, 0, l, qbp, j0, kb);
            if (gq != null) {
                gemm(qbp, ep, KB, ws.dpt, 0, 1, qbp, kDirect ? k : ws.kp, kDirect ? (b * s + j0) * e : 0, ep, ws.acc,
                        0, ep, true);
            }
            if (gv != null) {
                gemm(KB, evp, l, ws.st, 0, qbp, 1, dDirect ? gOut : ws.dop, dDirect ? b * l * ev : 0, evp, ws.acc2, 0,
                        evp, false);
                for (int j = 0; j < kb; j++) System.arraycopy(ws.acc2, j * evp, gv, (b * s + j0 + j) * ev, ev);
            }
            if (gk != null) {
                gemm(KB, ep, l, ws.dpt, 0, qbp, 1, qDirect ? q : ws.qp, qDirect ? b * l * e : 0, ep, ws.acc3, 0, ep,
                        false);
                for (int j = 0; j < kb; j++) System.arraycopy(ws.acc3, j * ep, gk, (b * s + j0 + j) * e, e);
            }
        }
        if (gq != null) for (int i = 0; i < l; i++) System.arraycopy(ws.acc, i * ep, gq, (b * l + i) * e, e);
    }

    /**
     * Prepares a query block for the backward pass: {@code scale·Qᵀ}, {@code dOᵀ}, the block's lse and δ
     * (padded queries get lse −∞, so their probabilities are 0; δ is left to the caller when
     * {@code delta} is null) and, when {@code rowPanels}, padded
     * row copies of Q and dO where their rows are not already panel-wide.
     */
    private static void queryBlock(float[] q, float[] gOut, float[] lse, float[] delta, int row0, int qb, int qbp,
            int e, int ev, float scale, Workspace ws, boolean rowPanels) {
        packTransposed(q, row0 * e, qb, e, scale, ws.qt, qbp);
        packTransposed(gOut, row0 * ev, qb, ev, 1f, ws.dot, qbp);
        System.arraycopy(lse, row0, ws.lseBlock, 0, qb);
        Arrays.fill(ws.lseBlock, qb, qbp, Float.NEGATIVE_INFINITY);
        if (delta != null) System.arraycopy(delta, row0, ws.deltaBlock, 0, qb);
        Arrays.fill(ws.deltaBlock, qb, qbp, 0f);
        if (rowPanels && e != ws.ep) packRows(q, row0 * e, qb, e, ws.qp, qb, ws.ep);
        if (rowPanels && ev != ws.evp) packRows(gOut, row0 * ev, qb, ev, ws.dop, qb, ws.evp);
    }

    /**
     * For the prepared query block and key block {@code j0}: {@code ws.st = Pᵀ} and
     * {@code ws.dpt = dSᵀ = Pᵀ∘(dPᵀ − δ)·scale}; padded keys and queries give 0.
     */
    private static void probabilityTile(Sizes n, Workspace ws, float[] k, float[] v, float scale, Mask mask, int b,
            int i0, int qb, int qbp, int j0, int kb) {
        int s = n.keys(), e = n.headDim(), ev = n.valueDim();
        boolean full = kb == KB;
        // keys as rows: K and V read in place when the block is whole, else from their padded copies
        float[] ka = full ? k : ws.kp, va = full ? v : ws.vp;
        int ko = full ? (b * s + j0) * e : 0, kld = full ? e : ws.ep;
        int vo = full ? (b * s + j0) * ev : 0, vld = full ? ev : ws.evp;
        gemm(KB, qbp, e, ka, ko, kld, 1, ws.qt, 0, qbp, ws.st, 0, qbp, false);
        gemm(KB, qbp, ev, va, vo, vld, 1, ws.dot, 0, qbp, ws.dpt, 0, qbp, false);
        scoreTile(ws.st, qbp, kb, qb, mask, b, i0, j0);
        for (int j = 0; j < KB; j++) gradientRow(ws.st, ws.dpt, j * qbp, qbp, ws.lseBlock, ws.deltaBlock, scale);
    }

    // ------------------------------------------------------------------ packing

    /** {@code rows × cols} from {@code src} (row-major at {@code off}) into {@code rowsPadded × ld}, zero-padded. */
    static void packRows(float[] src, int off, int rows, int cols, float[] dst, int rowsPadded, int ld) {
        if (cols == ld) {
            System.arraycopy(src, off, dst, 0, rows * cols);
            Arrays.fill(dst, rows * ld, rowsPadded * ld, 0f);
            return;
        }
        for (int r = 0; r < rows; r++) {
            System.arraycopy(src, off + r * cols, dst, r * ld, cols);
            Arrays.fill(dst, r * ld + cols, (r + 1) * ld, 0f);
        }
        Arrays.fill(dst, rows * ld, rowsPadded * ld, 0f);
    }

    /**
     * The transpose of {@code rows × cols} at {@code off}, times {@code factor}, into {@code cols × ld},
     * columns past {@code rows} zero. Four source rows at a time, so that each destination row gets
     * four neighbouring values per visit.
     */
    static void packTransposed(float[] src, int off, int rows, int cols, float factor, float[] dst, int ld) {
        int r = 0;
        for (; r + 4 <= rows; r += 4) {
            int p0 = off + r * cols, p1 = p0 + cols, p2 = p1 + cols, p3 = p2 + cols;
            for (int c = 0; c < cols; c++) {
                int d = c * ld + r;
                dst[d] = src[p0 + c] * factor;
                dst[d + 1] = src[p1 + c] * factor;
                dst[d + 2] = src[p2 + c] * factor;
                dst[d + 3] = src[p3 + c] * factor;
            }
        }
        for (; r < rows; r++) {
            int p = off + r * cols;
            for (int c = 0; c < cols; c++) dst[c * ld + r] = src[p + c] * factor;
        }
        if (rows < ld) for (int c = 0; c < cols; c++) Arrays.fill(dst, c * ld + rows, (c + 1) * ld, 0f);
    }

    // ------------------------------------------------------------------ tile kernels

    /**
     * Transposed scores (already scaled through {@code Qᵀ}) in place: the mask is added to rows
     * {@code j < kb}, rows of padded keys become {@code −∞}.
     */
    static void scoreTile(float[] st, int ld, int kb, int qb, Mask mask, int b, int i0, int j0) {
        if (mask != null) {
            float[] md = mask.data();
            int base = mask.batchOffsets()[b];
            for (int j = 0; j < kb; j++) {
                int p = base + i0 * mask.rowStride() + (j0 + j) * mask.colStride();
                for (int i = 0; i < qb; i++, p += mask.rowStride()) st[j * ld + i] += md[p];
            }
        }
        Arrays.fill(st, kb * ld, KB * ld, Float.NEGATIVE_INFINITY);
    }

    /**
     * One online-softmax step for the queries {@code [i, i + L)} (a column strip of {@code Pᵀ}):
     * {@code m' = max(m, max_j s)}, {@code P = e^(s − m')} in place, {@code l' = l·α + Σ_j P} with
     * {@code α = e^(m − m')}; queries that have seen no unmasked key keep {@code m = −∞}, {@code P = 0},
     * {@code α = 1}. The sum runs over the keys in order.
     */
    static void onlineSoftmax(float[] st, int ld, int i, float[] rowMax, float[] rowSum, float[] alpha) {
        FloatVector mOld = FloatVector.fromArray(S, rowMax, i);
        // four independent chains: max is order-independent, and one chain would wait on each max's latency
        FloatVector m0 = mOld, m1 = mOld, m2 = mOld, m3 = mOld;
        for (int j = 0, p = i; j < KB; j += 4, p += 4 * ld) {
            m0 = m0.max(FloatVector.fromArray(S, st, p));
            m1 = m1.max(FloatVector.fromArray(S, st, p + ld));
            m2 = m2.max(FloatVector.fromArray(S, st, p + 2 * ld));
            m3 = m3.max(FloatVector.fromArray(S, st, p + 3 * ld));
        }
        FloatVector m = m0.max(m1).max(m2.max(m3));
        VectorMask<Float> none = m.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY);
        FloatVector shift = m.blend(0f, none);
        FloatVector sum = FloatVector.zero(S);
        for (int j = 0, p = i; j < KB; j++, p += ld) {
            FloatVector e = VectorMath.exp(FloatVector.fromArray(S, st, p).sub(shift));
            e.intoArray(st, p);
            sum = sum.add(e);
        }
        FloatVector a = VectorMath.exp(mOld.sub(shift)).blend(1f, none);
        FloatVector.fromArray(S, rowSum, i).fma(a, sum).intoArray(rowSum, i);
        m.intoArray(rowMax, i);
        a.intoArray(alpha, i);
    }

    /**
     * One key row of the backward tile: {@code P = e^(s − lse)} (0 where lse is −∞) into {@code st},
     * {@code dS = P·(dP − δ)·scale} into {@code dpt}.
     */
    static void gradientRow(float[] st, float[] dpt, int row, int ld, float[] lse, float[] delta, float scale) {
        for (int i = 0; i < ld; i += L) {
            FloatVector l = FloatVector.fromArray(S, lse, i);
            VectorMask<Float> none = l.compare(VectorOperators.EQ, Float.NEGATIVE_INFINITY);
            FloatVector p = VectorMath.exp(FloatVector.fromArray(S, st, row + i).sub(l.blend(0f, none)))
                    .blend(0f, none);
            p.intoArray(st, row + i);
            FloatVector.fromArray(S, dpt, row + i).sub(FloatVector.fromArray(S, delta, i)).mul(p).mul(scale)
                    .intoArray(dpt, row + i);
        }
    }

    static void scaleRow(float[] a, int off, int n, float f) {
        for (int j = 0; j < n; j += L) FloatVector.fromArray(S, a, off + j).mul(f).intoArray(a, off + j);
    }

    private static void scaleInto(float[] a, int off, int n, float f, float[] out, int outOff) {
        int j = 0;
        for (int end = S.loopBound(n); j < end; j += L) {
            FloatVector.fromArray(S, a, off + j).mul(f).intoArray(out, outOff + j);
        }
        for (; j < n; j++) out[outOff + j] = a[off + j] * f;
    }

    // ------------------------------------------------------------------ GEMM on packed panels

    /**
     * {@code C[m × n] (+)= A · B} with {@code A(r, p) = a[aOff + r·aRow + p·aCol]} ({@code m} a multiple
     * of 4), {@code B} row-major {@code kc × n} with leading dimension {@code ldb} ({@code n} a multiple
     * of two vectors), {@code C} row-major with leading dimension {@code ldc}.
     */
    static void gemm(int m, int n, int kc, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb,
            float[] c, int cOff, int ldc, boolean accumulate) {
        if (WIDE && m % 8 == 0) {
            for (int i = 0; i < m; i += 8) {
                for (int j = 0; j < n; j += W) {
                    tile8(kc, a, aOff + i * aRow, aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, accumulate);
                }
            }
            return;
        }
        for (int i = 0; i < m; i += MR) {
            for (int j = 0; j < n; j += W) {
                tile(kc, a, aOff + i * aRow, aRow, aCol, b, bOff + j, ldb, c, cOff + i * ldc + j, ldc, accumulate);
            }
        }
    }

    /**
     * The 8 × 2-vector micro-kernel for CPUs with 32 vector registers (512-bit vectors: AVX-512):
     * sixteen accumulators, so each pair of B loads feeds sixteen FMAs.
     */
    static void tile8(int kc, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb, float[] c,
            int cOff, int ldc, boolean accumulate) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (accumulate) {
            c00 = FloatVector.fromArray(S, c, cOff);
            c01 = FloatVector.fromArray(S, c, cOff + L);
            c10 = FloatVector.fromArray(S, c, cOff + ldc);
            c11 = FloatVector.fromArray(S, c, cOff + ldc + L);
            c20 = FloatVector.fromArray(S, c, cOff + 2 * ldc);
            c21 = FloatVector.fromArray(S, c, cOff + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, cOff + 3 * ldc);
            c31 = FloatVector.fromArray(S, c, cOff + 3 * ldc + L);
            c40 = FloatVector.fromArray(S, c, cOff + 4 * ldc);
            c41 = FloatVector.fromArray(S, c, cOff + 4 * ldc + L);
            c50 = FloatVector.fromArray(S, c, cOff + 5 * ldc);
            c51 = FloatVector.fromArray(S, c, cOff + 5 * ldc + L);
            c60 = FloatVector.fromArray(S, c, cOff + 6 * ldc);
            c61 = FloatVector.fromArray(S, c, cOff + 6 * ldc + L);
            c70 = FloatVector.fromArray(S, c, cOff + 7 * ldc);
            c71 = FloatVector.fromArray(S, c, cOff + 7 * ldc + L);
        } else {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = FloatVector.zero(S);
            c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = c00;
        }
        int pa = aOff, pb = bOff;
        for (int p = 0; p < kc; p++, pa += aCol, pb += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, pb);
            FloatVector b1 = FloatVector.fromArray(S, b, pb + L);
            FloatVector av = FloatVector.broadcast(S, a[pa]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[pa + aRow]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[pa + 2 * aRow]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[pa + 3 * aRow]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[pa + 4 * aRow]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[pa + 5 * aRow]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, a[pa + 6 * aRow]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, a[pa + 7 * aRow]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
        c10.intoArray(c, cOff + ldc);
        c11.intoArray(c, cOff + ldc + L);
        c20.intoArray(c, cOff + 2 * ldc);
        c21.intoArray(c, cOff + 2 * ldc + L);
        c30.intoArray(c, cOff + 3 * ldc);
        c31.intoArray(c, cOff + 3 * ldc + L);
        c40.intoArray(c, cOff + 4 * ldc);
        c41.intoArray(c, cOff + 4 * ldc + L);
        c50.intoArray(c, cOff + 5 * ldc);
        c51.intoArray(c, cOff + 5 * ldc + L);
        c60.intoArray(c, cOff + 6 * ldc);
        c61.intoArray(c, cOff + 6 * ldc + L);
        c70.intoArray(c, cOff + 7 * ldc);
        c71.intoArray(c, cOff + 7 * ldc + L);
    }

    /**
     * The 4 × 2-vector micro-kernel: {@code C[r][0..2L) (+)= Σ_p A(r, p)·B[p][0..2L)}. Kept small and
     * static so that C2 keeps the eight accumulators in registers.
     */
    static void tile(int kc, float[] a, int aOff, int aRow, int aCol, float[] b, int bOff, int ldb, float[] c,
            int cOff, int ldc, boolean accumulate) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        if (accumulate) {
            c00 = FloatVector.fromArray(S, c, cOff);
            c01 = FloatVector.fromArray(S, c, cOff + L);
            c10 = FloatVector.fromArray(S, c, cOff + ldc);
            c11 = FloatVector.fromArray(S, c, cOff + ldc + L);
            c20 = FloatVector.fromArray(S, c, cOff + 2 * ldc);
            c21 = FloatVector.fromArray(S, c, cOff + 2 * ldc + L);
            c30 = FloatVector.fromArray(S, c, cOff + 3 * ldc);
            c31 = FloatVector.fromArray(S, c, cOff + 3 * ldc + L);
        } else {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = FloatVector.zero(S);
        }
        int pa = aOff, pb = bOff;
        for (int p = 0; p < kc; p++, pa += aCol, pb += ldb) {
            FloatVector b0 = FloatVector.fromArray(S, b, pb);
            FloatVector b1 = FloatVector.fromArray(S, b, pb + L);
            FloatVector av = FloatVector.broadcast(S, a[pa]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[pa + aRow]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[pa + 2 * aRow]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[pa + 3 * aRow]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
        }
        c00.intoArray(c, cOff);
        c01.intoArray(c, cOff + L);
        c10.intoArray(c, cOff + ldc);
        c11.intoArray(c, cOff + ldc + L);
        c20.intoArray(c, cOff + 2 * ldc);
        c21.intoArray(c, cOff + 2 * ldc + L);
        c30.intoArray(c, cOff + 3 * ldc);
        c31.intoArray(c, cOff + 3 * ldc + L);
    }
}
