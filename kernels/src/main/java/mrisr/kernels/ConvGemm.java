package mrisr.kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The forward and backward-data driver: runs lowered convolutions ({@link ConvLowering}) as GEMMs
 * {@code out[m, t] = Σ_kk A[m, kk] · B[kk, t] (+ bias[m], then ReLU)} with {@code A} the packed
 * weights and {@code B} read from the source through a per-row offset table, in one of two modes:
 * <ul>
 * <li><b>direct</b>: {@code B[kk, t] = padded[rowOrigin(t) + tw + tap[kk]]} straight from a padded,
 * phase-split copy of the source ({@link ConvSource}); tiles run along one target row.</li>
 * <li><b>packed</b> (implicit GEMM): the patches of a block of {@link #PANEL} targets are packed per K
 * block into a panel of contiguous {@code [kc][NR]} tiles ({@link ConvLowering#gather}), and tiles
 * run along the flattened block, so narrow rows waste nothing.</li>
 * </ul>
 * Both use one micro-kernel, {@link #tile}: {@code MR = 8} output channels × {@code NR = 2·lanes}
 * targets, broadcasting one weight per row and FMA-ing it into two source vectors (16 accumulators);
 * a channel block with fewer than 8 channels left runs {@link #tileRow} once per channel. The
 * output starts as the bias; every K block adds to it; ReLU is a last pass over the task's block
 * while it is still in cache.
 *
 * <p>Work is split into tasks (sample, group, lowering, block of targets) of a size fixed by the
 * shape; a task computes all channels of its targets, adding K blocks ({@link #DIRECT_KC} in direct mode,
 * {@link #KC} in packed mode) in order, so every
 * output element is summed in the same order for any thread count. Partial tiles (row ends, strided
 * outputs of backward data) are computed into a scratch tile with the same kernels and then added:
 * no masks in the hot loop.
 */
final class ConvGemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int MR = 8;
    static final int NR = 2 * L;
    /** K block of packed mode: the panel ({@code KC × (PANEL + NR)} floats) stays in L2. */
    static final int KC = 256;
    /**
     * K block of direct mode, which needs no panel: the accumulators stay in registers over the whole
     * reduction of usual layers (measured, 3×3×3 32 → 32 on 64³ and 64 → 64 on 32³, both threads:
     * KC 256: 42–45 and 20–21 ms, 512: 40 and 20, 2048: 38.5 and 19.1).
     */
    static final int DIRECT_KC = 4096;
    /** Targets per packed task (one panel). */
    static final int PANEL = 256;
    /** Multiply-adds per direct task, about. */
    static final long TASK_WORK = 1L << 22;

    private ConvGemm() {}

    /**
     * Runs the lowered problems for every sample and group.
     *
     * @param packed          packed (implicit GEMM) or direct mode
     * @param batch           N
     * @param groups          channel groups
     * @param m               output channels per group (GEMM rows)
     * @param srcChannels     channels of the source tensor (all groups)
     * @param lowerings       the problems (one for forward, one per residue class for backward data)
     * @param weights         per lowering, per group: the packed A ({@link #packWeights})
     * @param src             source {@code [N, srcChannels, source…]} from {@code srcOff} (not modified)
     * @param bias            {@code groups·m} values from {@code biasOff}, or null (not modified)
     * @param relu            apply {@code max(·, 0)} to the result
     * @param out             output {@code [N, groups·m, outPlane]} from {@code outOff} (modified)
     */
    static void run(boolean packed, int batch, int groups, int m, int srcChannels, List<ConvLowering> lowerings,
            float[][][] weights, float[] src, int srcOff, float[] bias, int biasOff, boolean relu, float[] out,
            int outOff, int outPlane) {
        int mBlocks = Math.ceilDiv(m, MR);
        float[][] biasBlocks = new float[groups][mBlocks * MR];
        if (bias != null) {
            for (int g = 0; g < groups; g++) System.arraycopy(bias, biasOff + g * m, biasBlocks[g], 0, m);
        }
        List<ConvLowering> active = new ArrayList<>();
        for (ConvLowering l : lowerings) if (l.depth() > 0) active.add(l);
        ConvSource source = packed || active.isEmpty() ? null
                : ConvSource.padded(src, srcOff, batch * srcChannels, active);
        int lows = lowerings.size();
        int[][] taps = new int[lows][];
        int[] chunkLen = new int[lows], chunks = new int[lows + 1];
        for (int li = 0; li < lows; li++) {
            ConvLowering l = lowerings.get(li);
            if (source != null && l.depth() > 0) taps[li] = source.tapOffsets(l);
            chunkLen[li] = chunkLength(packed, l, m);
            chunks[li + 1] = chunks[li] + Math.ceilDiv(l.targets(), chunkLen[li]);
        }
        int perSampleGroup = chunks[lows];
        int tasks = Math.multiplyExact(batch * groups, perSampleGroup);
        int srcPlane = lowerings.get(0).d.source * lowerings.get(0).h.source * lowerings.get(0).w.source;
        // chunks of several tasks share one scratch; their size depends only on the shape
        Parallel.forRange(tasks, Math.ceilDiv(tasks, 256), (lo, hi) -> {
            Scratch scratch = new Scratch(packed);
            for (int task = lo; task < hi; task++) {
                int ng = task / perSampleGroup, rem = task - ng * perSampleGroup;
                int n = ng / groups, g = ng - n * groups;
                int li = 0;
                while (chunks[li + 1] <= rem) li++;
                ConvLowering l = lowerings.get(li);
                int p0 = (rem - chunks[li]) * chunkLen[li], p1 = Math.min(l.targets(), p0 + chunkLen[li]);
                int outBase = outOff + (n * groups + g) * m * outPlane;
                if (l.depth() == 0) {
                    fill(l, p0, p1, m, biasBlocks[g], out, outBase, outPlane);
                    if (relu) relu(l, p0, p1, m, out, outBase, outPlane);
                } else if (packed) {
                    int srcBase = srcOff + (n * srcChannels + g * l.channels) * srcPlane;
                    packedTask(l, p0, p1, m, weights[li][g], src, srcBase, biasBlocks[g], relu, out, outBase,
                            outPlane, scratch);
                } else {
                    int srcBase = source.base + (n * srcChannels + g * l.channels) * source.chStride;
                    directTask(l, source, taps[li], p0, p1, m, weights[li][g], srcBase, biasBlocks[g], relu, out,
                            outBase, outPlane, scratch);
                }
            }
        });
    }

    /** Per-thread buffers: the scratch tile, its column indices and (packed mode) the panel. */
    private static final class Scratch {
        final float[] tile = new float[MR * NR];
        final int[] columns = new int[NR];
        final float[] panel;

        Scratch(boolean packed) {
            panel = packed ? new float[KC * (PANEL + NR)] : null;
        }
    }

    /**
     * Targets per task: packed mode, a panel of {@link #PANEL}; direct mode, whole rows (or row
     * segments of whole tiles) worth about {@link #TASK_WORK} multiply-adds.
     */
    static int chunkLength(boolean packed, ConvLowering l, int m) {
        if (packed) return PANEL;
        int rowLen = l.w.targets;
        long perTarget = Math.max(1L, (long) m * l.depth());
        long want = Math.max(NR, TASK_WORK / perTarget);
        if (want >= rowLen) return (int) Math.min((long) rowLen * (want / rowLen), Integer.MAX_VALUE / 2);
        return (int) Math.ceilDiv(want, NR) * NR;
    }

    /**
     * Packs the weights of group {@code g} for lowering {@code l} as {@code A[mb][kk][MR]}, rows past
     * {@code m} zero. Forward: {@code A[o, (c,tap)] = w[g·m + o, c, tap]}; backward data
     * ({@code transposed}): {@code A[c, (o,tap)] = w[g·channels + o, c, tap]} with {@code m = C/groups}.
     *
     * @param w weights {@code [O, C/groups, kD, kH, kW]} from {@code wOff} (not modified)
     */
    static float[] packWeights(ConvLowering l, boolean transposed, int g, int m, float[] w, int wOff, int cPerGroup,
            int kH, int kW, int kVolume) {
        int k = l.depth(), taps = l.taps(), mBlocks = Math.ceilDiv(m, MR);
        float[] a = new float[mBlocks * k * MR];
        for (int kk = 0; kk < k; kk++) {
            int c = kk / taps, tap = l.weightTap(kk, kH, kW);
            for (int row = 0; row < m; row++) {
                int o = transposed ? g * l.channels + c : g * m + row;
                int ci = transposed ? row : c;
                a[((row / MR) * k + kk) * MR + row % MR] = w[wOff + (o * cPerGroup + ci) * kVolume + tap];
            }
        }
        return a;
    }

    private static void directTask(ConvLowering l, ConvSource source, int[] taps, int p0, int p1, int m, float[] a,
            int srcBase, float[] bias, boolean relu, float[] out, int outBase, int outPlane, Scratch scratch) {
        int k = l.depth(), rowLen = l.w.targets, mBlocks = Math.ceilDiv(m, MR);
        boolean unitStride = l.w.outStride == 1;
        float[] data = source.data;
        fill(l, p0, p1, m, bias, out, outBase, outPlane);
        for (int k0 = 0; k0 < k; k0 += DIRECT_KC) {
            int kc = Math.min(DIRECT_KC, k - k0);
            for (int t = p0; t < p1;) {
                int row = t / rowLen, tw0 = t - row * rowLen, tw1 = Math.min(rowLen, tw0 + (p1 - t));
                int srcRow = srcBase + source.rowOrigin(l, row);
                int outRow = outBase + l.outIndex(row * rowLen);
                for (int w0 = tw0; w0 < tw1; w0 += NR) {
                    int nr = Math.min(NR, tw1 - w0);
                    boolean fullWidth = nr == NR && unitStride;
                    for (int j = 0; j < nr; j++) scratch.columns[j] = outRow + (w0 + j) * l.w.outStride;
                    for (int mb = 0; mb < mBlocks; mb++) {
                        block(kc, a, (mb * k + k0) * MR, Math.min(MR, m - mb * MR), data, srcRow + w0, taps, k0,
                                fullWidth, nr, out, outRow + w0, mb * MR * outPlane, outPlane, scratch);
                    }
                }
                t += tw1 - tw0;
            }
        }
        if (relu) relu(l, p0, p1, m, out, outBase, outPlane);
    }

    private static void packedTask(ConvLowering l, int p0, int p1, int m, float[] a, float[] src, int srcBase,
            float[] bias, boolean relu, float[] out, int outBase, int outPlane, Scratch scratch) {
        int k = l.depth(), mBlocks = Math.ceilDiv(m, MR), count = p1 - p0;
        boolean contiguous = l.contiguousOutput();
        float[] panel = scratch.panel;
        fill(l, p0, p1, m, bias, out, outBase, outPlane);
        for (int k0 = 0; k0 < k; k0 += KC) {
            int kc = Math.min(KC, k - k0);
            l.gather(src, srcBase, k0, kc, p0, p1, panel, NR);
            for (int t0 = 0; t0 < count; t0 += NR) {
                int nr = Math.min(NR, count - t0), tileBase = t0 * kc;
                boolean full = nr == NR && contiguous;
                for (int j = 0; j < nr; j++) scratch.columns[j] = outBase + l.outIndex(p0 + t0 + j);
                for (int mb = 0; mb < mBlocks; mb++) {
                    block(kc, a, (mb * k + k0) * MR, Math.min(MR, m - mb * MR), panel, tileBase, PANEL_TAPS, 0, full,
                            nr, out, outBase + p0 + t0, mb * MR * outPlane, outPlane, scratch);
                }
            }
        }
        if (relu) relu(l, p0, p1, m, out, outBase, outPlane);
    }

    /** Offsets of the reduction rows inside one tile of a packed panel: {@code kk·NR}. */
    private static final int[] PANEL_TAPS = new int[KC];

    static {
        for (int kk = 0; kk < KC; kk++) PANEL_TAPS[kk] = kk * NR;
    }

    /**
     * Adds one K block of one {@code mr × nr} tile to the output: straight into {@code out} at
     * {@code first + rowOff + r·ldc} when the tile is a full-width contiguous run, else through the
     * scratch tile to the column indices in {@code scratch.columns}. A full channel block uses
     * {@link #tile}; a partial one (fewer than MR channels left) one {@link #tileRow} per channel, so a
     * single output channel does not pay for eight.
     */
    private static void block(int kc, float[] a, int aOff, int mr, float[] b, int bBase, int[] taps, int tapOff,
            boolean full, int nr, float[] out, int first, int rowOff, int ldc, Scratch scratch) {
        float[] dst = full ? out : scratch.tile;
        int dstOff = full ? first + rowOff : 0, ld = full ? ldc : NR;
        if (!full) Arrays.fill(scratch.tile, 0f);
        if (mr == MR) {
            tile(kc, a, aOff, b, bBase, taps, tapOff, dst, dstOff, ld);
        } else {
            for (int r = 0; r < mr; r++) tileRow(kc, a, aOff + r, b, bBase, taps, tapOff, dst, dstOff + r * ld);
        }
        if (!full) addScratch(scratch, mr, nr, out, rowOff, ldc);
    }

    /** Adds the first {@code mr × nr} values of the scratch tile to {@code out[columns[j] + rowOff + r·ldc]}. */
    private static void addScratch(Scratch scratch, int mr, int nr, float[] out, int rowOff, int ldc) {
        for (int r = 0; r < mr; r++) {
            int off = rowOff + r * ldc;
            for (int j = 0; j < nr; j++) out[scratch.columns[j] + off] += scratch.tile[r * NR + j];
        }
    }

    /** Writes {@code bias[o]} to targets {@code [p0, p1)} of every output channel {@code o < m}: the sums start there. */
    private static void fill(ConvLowering l, int p0, int p1, int m, float[] bias, float[] out, int outBase,
            int outPlane) {
        boolean contiguous = l.contiguousOutput();
        for (int o = 0; o < m; o++) {
            int base = outBase + o * outPlane;
            if (contiguous) {
                Arrays.fill(out, base + p0, base + p1, bias[o]);
            } else {
                for (int t = p0; t < p1; t++) out[base + l.outIndex(t)] = bias[o];
            }
        }
    }

    /** {@code max(·, 0)} over targets {@code [p0, p1)} of every output channel {@code o < m}. */
    private static void relu(ConvLowering l, int p0, int p1, int m, float[] out, int outBase, int outPlane) {
        boolean contiguous = l.contiguousOutput();
        for (int o = 0; o < m; o++) {
            int base = outBase + o * outPlane;
            for (int t = p0; t < p1; t++) {
                int idx = base + (contiguous ? t : l.outIndex(t));
                out[idx] = Math.max(out[idx], 0f);
            }
        }
    }

    /**
     * The MR × NR micro-kernel: for rows {@code r < 8},
     * {@code c[cOff + r·ldc + j] += Σ_{kk<kc} a[aOff + kk·MR + r] · b[bBase + tap[tapOff + kk] + j]},
     * {@code j < NR}. Small and static, with a plain load-add-store epilogue, so that C2 inlines the
     * whole vector chain and keeps the 16 accumulators in registers (engine notes B1.1: with a
     * store helper taking vectors, this kernel fell to a sixth of its speed).
     */
    static void tile(int kc, float[] a, int aOff, float[] b, int bBase, int[] tap, int tapOff, float[] c, int cOff,
            int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int kk = 0, pa = aOff; kk < kc; kk++, pa += MR) {
            int pb = bBase + tap[tapOff + kk];
            FloatVector b0 = FloatVector.fromArray(S, b, pb);
            FloatVector b1 = FloatVector.fromArray(S, b, pb + L);
            FloatVector av = FloatVector.broadcast(S, a[pa]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[pa + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[pa + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[pa + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[pa + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[pa + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, a[pa + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, a[pa + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        int o = cOff;
        c00.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
        c01.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
        o += ldc;
        c10.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
        c11.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
        o += ldc;
        c20.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
        c21.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
        o += ldc;
        c30.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
        c31.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
        o += ldc;
        c40.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
        c41.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
        o += ldc;
        c50.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
        c51.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
        o += ldc;
        c60.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
        c61.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
        o += ldc;
        c70.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
        c71.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
    }

    /**
     * One row of {@link #tile}: {@code c[cOff + j] += Σ_{kk<kc} a[aOff + kk·MR] · b[bBase + tap[tapOff + kk] + j]},
     * {@code j < NR}. The reduction runs in four interleaved partial sums (kk mod 4) so that the FMA
     * latency is hidden with a single weight row; they are added in a fixed order.
     */
    static void tileRow(int kc, float[] a, int aOff, float[] b, int bBase, int[] tap, int tapOff, float[] c, int cOff) {
        FloatVector p0 = FloatVector.zero(S), q0 = FloatVector.zero(S);
        FloatVector p1 = FloatVector.zero(S), q1 = FloatVector.zero(S);
        FloatVector p2 = FloatVector.zero(S), q2 = FloatVector.zero(S);
        FloatVector p3 = FloatVector.zero(S), q3 = FloatVector.zero(S);
        int kk = 0, pa = aOff;
        for (; kk + 3 < kc; kk += 4, pa += 4 * MR) {
            int pb = bBase + tap[tapOff + kk];
            FloatVector av = FloatVector.broadcast(S, a[pa]);
            p0 = av.fma(FloatVector.fromArray(S, b, pb), p0);
            q0 = av.fma(FloatVector.fromArray(S, b, pb + L), q0);
            pb = bBase + tap[tapOff + kk + 1];
            av = FloatVector.broadcast(S, a[pa + MR]);
            p1 = av.fma(FloatVector.fromArray(S, b, pb), p1);
            q1 = av.fma(FloatVector.fromArray(S, b, pb + L), q1);
            pb = bBase + tap[tapOff + kk + 2];
            av = FloatVector.broadcast(S, a[pa + 2 * MR]);
            p2 = av.fma(FloatVector.fromArray(S, b, pb), p2);
            q2 = av.fma(FloatVector.fromArray(S, b, pb + L), q2);
            pb = bBase + tap[tapOff + kk + 3];
            av = FloatVector.broadcast(S, a[pa + 3 * MR]);
            p3 = av.fma(FloatVector.fromArray(S, b, pb), p3);
            q3 = av.fma(FloatVector.fromArray(S, b, pb + L), q3);
        }
        for (; kk < kc; kk++, pa += MR) {
            int pb = bBase + tap[tapOff + kk];
            FloatVector av = FloatVector.broadcast(S, a[pa]);
            p0 = av.fma(FloatVector.fromArray(S, b, pb), p0);
            q0 = av.fma(FloatVector.fromArray(S, b, pb + L), q0);
        }
        p0.add(p1).add(p2.add(p3)).add(FloatVector.fromArray(S, c, cOff)).intoArray(c, cOff);
        q0.add(q1).add(q2.add(q3)).add(FloatVector.fromArray(S, c, cOff + L)).intoArray(c, cOff + L);
    }
}
