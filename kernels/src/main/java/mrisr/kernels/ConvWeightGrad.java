package mrisr.kernels;

import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The backward-weight driver: {@code gw[o, kk] = Σ_n Σ_t gy[n, o, t] · B_n[kk, t]} with
 * {@code B_n[kk, t]} the source value that reduction row {@code kk = (c, tap)} reads at output
 * position {@code t} (the forward {@link ConvLowering}).
 *
 * <p>The reduction runs along the contiguous target axis of both operands: the micro-kernel
 * {@link #dot} keeps {@code 4 output channels × 4 reduction rows} of lane-wise partial sums (16
 * vectors), loading 4 vectors of {@code gy} and 4 of the source per step; lanes are summed once per
 * block of targets, in a fixed scalar order, into double accumulators. The vector steps of all rows
 * of a block are flattened into one offset list, so short rows cost no loop restarts. The source rows come
 * <ul>
 * <li>(direct) from a padded, phase-split copy of {@code x} ({@link ConvSource}), or {@code x} itself
 * when no tap leaves it, one target row at a time with a scalar tail for the row end;</li>
 * <li>(packed) from a panel of the task's reduction rows over a block of flattened targets, for rows
 * too short for vectors.</li>
 * </ul>
 *
 * <p>Tasks own disjoint sets of weight elements (group × block of output channels × block of
 * reduction rows, sizes fixed by the shape) and each walks all samples and targets in the same order,
 * so no partial sums are ever combined across threads: results are bit-identical for any thread count.
 */
final class ConvWeightGrad {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Output channels × reduction rows of one micro-kernel call. */
    static final int MO = 4, MK = 4;
    /** Targets per block (direct: whole rows, or row segments, of about this many). */
    static final int BLOCK = 4096;
    /** Targets per packed block: the task's panel ({@code reduction rows × PACKED_BLOCK}) stays in L2. */
    static final int PACKED_BLOCK = 1024;
    /** Output channels per direct task at most: their gy block ({@code 32 × BLOCK} floats) stays in L2. */
    static final int TASK_CHANNELS = 32;
    /** Tasks per group at least, by splitting the reduction rows. */
    static final int MIN_TASKS = 16;

    private ConvWeightGrad() {}

    /**
     * Computes the weight gradient for every group.
     *
     * @param packed    packed or direct source rows
     * @param l         the forward lowering (targets = output positions)
     * @param x         forward input {@code [N, C, in…]} from {@code xOff} (not modified)
     * @param gy        output gradient {@code [N, O, out…]} from {@code gyOff} (not modified)
     * @param gw        weight gradient {@code [O, C/groups, kD, kH, kW]} from {@code gwOff} (modified: every element written)
     */
    static void run(boolean packed, int batch, int inChannels, int outChannels, int groups, ConvLowering l,
            int kH, int kW, int kVolume, float[] x, int xOff, float[] gy, int gyOff, float[] gw, int gwOff) {
        int cPerGroup = inChannels / groups, oPerGroup = outChannels / groups;
        Arrays.fill(gw, gwOff, gwOff + outChannels * cPerGroup * kVolume, 0f);
        int k = l.depth(), targets = l.targets();
        if (k == 0 || targets == 0 || batch == 0) return;
        ConvSource source = null;
        int[] taps = null;
        if (!packed) {
            source = ConvSource.direct(x, xOff, l);
            if (source == null) source = ConvSource.padded(x, xOff, batch * inChannels, List.of(l));
            taps = source.tapOffsets(l);
        }
        int srcPlane = l.d.source * l.h.source * l.w.source;
        int oPerTask = packed ? oPerGroup
                : channelsPerTask(oPerGroup, k, (long) batch * oPerGroup * targets, (long) batch * cPerGroup * srcPlane);
        int oTasks = Math.ceilDiv(oPerGroup, oPerTask);
        int kTasks = reductionTasks(oTasks, k);
        int kPerTask = Math.ceilDiv(Math.ceilDiv(k, kTasks), MK) * MK;
        kTasks = Math.ceilDiv(k, kPerTask);
        int perGroup = oTasks * kTasks, tasks = groups * perGroup;
        int blockLen = packed ? Math.min(PACKED_BLOCK, targets)
                : l.w.targets >= BLOCK ? BLOCK : (BLOCK / l.w.targets) * l.w.targets;
        int rowLen = l.w.targets, outVolume = targets;
        ConvSource src = source;
        int[] tapOff = taps;
        int fOPerTask = oPerTask, fKTasks = kTasks, fKPerTask = kPerTask;
        Parallel.forRange(tasks, 1, (lo, hi) -> {
            for (int task = lo; task < hi; task++) {
                int g = task / perGroup, rem = task - g * perGroup;
                int o0 = (rem / fKTasks) * fOPerTask, o1 = Math.min(oPerGroup, o0 + fOPerTask);
                int k0 = (rem % fKTasks) * fKPerTask, k1 = Math.min(k, k0 + fKPerTask);
                double[] acc = new double[(o1 - o0) * (k1 - k0)];
                Block block = new Block(packed ? (k1 - k0) * blockLen : 0, blockLen);
                for (int n = 0; n < batch; n++) {
                    int gyBase = gyOff + (n * outChannels + g * oPerGroup) * outVolume;
                    for (int p0 = 0; p0 < targets;) {
                        // a block is whole rows or a segment of one row, so its runs have equal lengths
                        int p1 = Math.min(targets, p0 + blockLen);
                        if (!packed && rowLen > blockLen) p1 = Math.min(p1, (p0 / rowLen + 1) * rowLen);
                        if (packed) {
                            int srcBase = xOff + (n * inChannels + g * cPerGroup) * srcPlane;
                            l.gather(x, srcBase, k0, k1 - k0, p0, p1, block.panel, p1 - p0);
                            block.single(gyBase + p0, p1 - p0);
                            accumulate(block, gy, outVolume, block.panel, block.panelTaps, o0, o1, k0, k1, acc);
                        } else {
                            int srcBase = src.base + (n * inChannels + g * cPerGroup) * src.chStride;
                            block.rows(l, src, srcBase, gyBase, p0, p1);
                            accumulate(block, gy, outVolume, src.data, tapOff, o0, o1, k0, k1, acc);
                        }
                        p0 = p1;
                    }
                }
                for (int o = o0; o < o1; o++) {
                    int gwRow = gwOff + (g * oPerGroup + o) * cPerGroup * kVolume;
                    for (int kk = k0; kk < k1; kk++) {
                        int c = kk / l.taps();
                        gw[gwRow + c * kVolume + l.weightTap(kk, kH, kW)] = (float) acc[(o - o0) * (k1 - k0) + kk - k0];
                    }
                }
            }
        });
    }

    /** Reduction-row splits for {@code oTasks} channel splits: enough tasks in all, at most one per 4 rows. */
    private static int reductionTasks(int oTasks, int k) {
        return Math.max(1, Math.min(Math.ceilDiv(k, MK), Math.ceilDiv(MIN_TASKS, oTasks)));
    }

    /**
     * Output channels per direct task, from 4 up to {@link #TASK_CHANNELS}: each task reads its
     * channels' gy once and its reduction rows' input once, so the memory traffic is about
     * {@code reductionTasks · |gy| + channelTasks · |x|}; the cheapest split wins (narrow input, wide
     * output: split the channels; wide input: split the reduction rows).
     */
    private static int channelsPerTask(int oPerGroup, int k, long gyWords, long xWords) {
        int best = Math.min(oPerGroup, MO);
        double bestCost = Double.MAX_VALUE;
        for (int per = MO; ; per *= 2) {
            int oTasks = Math.ceilDiv(oPerGroup, per);
            double cost = (double) reductionTasks(oTasks, k) * gyWords + (double) oTasks * xWords;
            if (cost < bestCost) {
                bestCost = cost;
                best = Math.min(per, oPerGroup);
            }
            if (per >= oPerGroup || per >= TASK_CHANNELS) return best;
        }
    }

    /**
     * One block of targets as runs of equal length (gy and source offsets per run) and, for the vector
     * part, one flattened list of steps; plus the buffers of a task.
     */
    private static final class Block {
        final int[] gyRun, srcRun, gyStep, srcStep;
        int runs, length, steps, vectorLength;
        final float[] panel;
        final int[] panelTaps;
        final float[] lanes = new float[MO * MK * L];
        final double[] sums = new double[MO * MK];

        Block(int panelSize, int blockLen) {
            gyRun = new int[blockLen];
            srcRun = new int[blockLen];
            gyStep = new int[blockLen / L + 1];
            srcStep = new int[blockLen / L + 1];
            panel = new float[panelSize];
            panelTaps = new int[panelSize == 0 ? 0 : panelSize / blockLen + MK];
        }

        /** Direct: target rows (or one row segment) of {@code [p0, p1)}, which starts and ends on row boundaries or lies in one row. */
        void rows(ConvLowering l, ConvSource src, int srcBase, int gyBase, int p0, int p1) {
            int rowLen = l.w.targets;
            runs = 0;
            for (int t = p0; t < p1;) {
                int row = t / rowLen, tw0 = t - row * rowLen, len = Math.min(rowLen - tw0, p1 - t);
                gyRun[runs] = gyBase + t;
                srcRun[runs++] = srcBase + src.rowOrigin(l, row) + tw0;
                length = len;
                t += len;
            }
            steps();
        }

        /** Packed: one run over the panel; reduction row {@code kk} sits at {@code (kk − k0)·length}. */
        void single(int gyStart, int len) {
            runs = 1;
            length = len;
            gyRun[0] = gyStart;
            srcRun[0] = 0;
            for (int i = 0; i < panelTaps.length; i++) panelTaps[i] = i * len;
            steps();
        }

        private void steps() {
            vectorLength = S.loopBound(length);
            steps = 0;
            for (int r = 0; r < runs; r++) {
                for (int v = 0; v < vectorLength; v += L, steps++) {
                    gyStep[steps] = gyRun[r] + v;
                    srcStep[steps] = srcRun[r] + v;
                }
            }
        }
    }

    /**
     * Adds this block's contribution to {@code acc[(o − o0)·(k1 − k0) + kk − k0]} for the task's
     * channels and reduction rows, in tiles of {@code MO × MK}. Tiles at the edges repeat their last
     * channel or row (reading valid memory) and drop the repeated results.
     */
    private static void accumulate(Block block, float[] gy, int outVolume, float[] src, int[] taps, int o0, int o1,
            int k0, int k1, double[] acc) {
        int shift = taps == block.panelTaps ? k0 : 0;
        int width = k1 - k0;
        double[] sums = block.sums;
        for (int kb = k0; kb < k1; kb += MK) {
            int t0 = taps[kb - shift], t1 = taps[Math.min(kb + 1, k1 - 1) - shift];
            int t2 = taps[Math.min(kb + 2, k1 - 1) - shift], t3 = taps[Math.min(kb + 3, k1 - 1) - shift];
            for (int ob = o0; ob < o1; ob += MO) {
                int g0 = ob * outVolume, g1 = Math.min(ob + 1, o1 - 1) * outVolume;
                int g2 = Math.min(ob + 2, o1 - 1) * outVolume, g3 = Math.min(ob + 3, o1 - 1) * outVolume;
                dot(block.steps, block.gyStep, block.srcStep, gy, g0, g1, g2, g3, src, t0, t1, t2, t3, block.lanes,
                        sums);
                if (block.vectorLength < block.length) {
                    int[] g = {g0, g1, g2, g3}, t = {t0, t1, t2, t3};
                    for (int i = 0; i < MO; i++) {
                        for (int j = 0; j < MK; j++) {
                            sums[i * MK + j] += dotTail(block.runs, block.gyRun, block.srcRun, block.vectorLength,
                                    block.length, gy, g[i], src, t[j]);
                        }
                    }
                }
                for (int i = 0; i < MO && ob + i < o1; i++) {
                    for (int j = 0; j < MK && kb + j < k1; j++) {
                        acc[(ob + i - o0) * width + kb + j - k0] += sums[i * MK + j];
                    }
                }
            }
        }
    }

    /**
     * The 4 × 4 dot-product micro-kernel over {@code steps} vector steps:
     * {@code sums[i·4 + j] = Σ_steps Σ_lanes gy[gyStep + g_i + lane] · src[srcStep + t_j + lane]},
     * lanes summed in index order in double. Small and static so that the 16 accumulators stay in
     * registers.
     */
    static void dot(int steps, int[] gyStep, int[] srcStep, float[] gy, int g0, int g1, int g2, int g3, float[] src,
            int t0, int t1, int t2, int t3, float[] lanes, double[] sums) {
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S), s02 = FloatVector.zero(S);
        FloatVector s03 = FloatVector.zero(S), s10 = FloatVector.zero(S), s11 = FloatVector.zero(S);
        FloatVector s12 = FloatVector.zero(S), s13 = FloatVector.zero(S), s20 = FloatVector.zero(S);
        FloatVector s21 = FloatVector.zero(S), s22 = FloatVector.zero(S), s23 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S), s31 = FloatVector.zero(S), s32 = FloatVector.zero(S);
        FloatVector s33 = FloatVector.zero(S);
        for (int i = 0; i < steps; i++) {
            int sp = srcStep[i], gp = gyStep[i];
            FloatVector x0 = FloatVector.fromArray(S, src, sp + t0);
            FloatVector x1 = FloatVector.fromArray(S, src, sp + t1);
            FloatVector x2 = FloatVector.fromArray(S, src, sp + t2);
            FloatVector x3 = FloatVector.fromArray(S, src, sp + t3);
            FloatVector y = FloatVector.fromArray(S, gy, gp + g0);
            s00 = y.fma(x0, s00);
            s01 = y.fma(x1, s01);
            s02 = y.fma(x2, s02);
            s03 = y.fma(x3, s03);
            y = FloatVector.fromArray(S, gy, gp + g1);
            s10 = y.fma(x0, s10);
            s11 = y.fma(x1, s11);
            s12 = y.fma(x2, s12);
            s13 = y.fma(x3, s13);
            y = FloatVector.fromArray(S, gy, gp + g2);
            s20 = y.fma(x0, s20);
            s21 = y.fma(x1, s21);
            s22 = y.fma(x2, s22);
            s23 = y.fma(x3, s23);
            y = FloatVector.fromArray(S, gy, gp + g3);
            s30 = y.fma(x0, s30);
            s31 = y.fma(x1, s31);
            s32 = y.fma(x2, s32);
            s33 = y.fma(x3, s33);
        }
        s00.intoArray(lanes, 0);
        s01.intoArray(lanes, L);
        s02.intoArray(lanes, 2 * L);
        s03.intoArray(lanes, 3 * L);
        s10.intoArray(lanes, 4 * L);
        s11.intoArray(lanes, 5 * L);
        s12.intoArray(lanes, 6 * L);
        s13.intoArray(lanes, 7 * L);
        s20.intoArray(lanes, 8 * L);
        s21.intoArray(lanes, 9 * L);
        s22.intoArray(lanes, 10 * L);
        s23.intoArray(lanes, 11 * L);
        s30.intoArray(lanes, 12 * L);
        s31.intoArray(lanes, 13 * L);
        s32.intoArray(lanes, 14 * L);
        s33.intoArray(lanes, 15 * L);
        // lanes summed in index order per element; the 16 chains interleave so they are not latency-bound
        Arrays.fill(sums, 0.0);
        for (int v = 0; v < L; v++) {
            for (int i = 0; i < MO * MK; i++) sums[i] += lanes[i * L + v];
        }
    }

    /** The scalar tail of {@link #dot} for one pair: {@code Σ_runs Σ_{v ∈ [from, to)} gy[gyRun + g + v] · src[srcRun + t + v]}. */
    static double dotTail(int runs, int[] gyRun, int[] srcRun, int from, int to, float[] gy, int g, float[] src, int t) {
        double s = 0;
        for (int r = 0; r < runs; r++) {
            int gr = gyRun[r] + g, sr = srcRun[r] + t;
            for (int v = from; v < to; v++) s += (double) gy[gr + v] * src[sr + v];
        }
        return s;
    }
}
