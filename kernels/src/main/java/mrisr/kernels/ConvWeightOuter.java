package mrisr.kernels;

import java.util.Arrays;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The backward-weight driver for layers with many output channels per group ({@link #applies}): an
 * outer-product GEMM {@code gw[o, kk] = Σ_n Σ_t B_n[kk, t] · gyT[t, o]}, vectorised along the
 * output channels. {@code B_n[kk, t]} is read straight from a padded, phase-split copy of the input
 * ({@link ConvSource}, or {@code x} itself when no tap leaves it) at {@code rowOrigin(t) + tw + tap[kk]};
 * {@code gy} is first transposed, a block of targets at a time, into channel-minor tiles
 * {@code gyT[oBlock][t][NR]} (zero past the last channel).
 *
 * <p>The micro-kernel {@link #tile} keeps {@code MR = 6} reduction rows × {@code NR = 2·lanes}
 * output channels in 12 vector accumulators: per target it loads two vectors of {@code gyT},
 * broadcasts one input value per reduction row and issues 12 FMAs. Its loops run along whole target
 * rows with every index linear in the target, so the JIT checks bounds once per row, not per load;
 * the 4 × 4 dot-product kernel of {@link ConvWeightGrad} (kept for narrow layers) indexes through
 * offset lists and checks every load. Measured (JMH, 2 threads, 3×3×3): 32 → 32 on 64³ 65 → 40 ms,
 * 64 → 64 on 32³ 30 → 20 ms, 2-D 64 → 64 on 16 × 64² 23 → 18 ms.
 *
 * <p>Sums: a tile call accumulates one chunk of about {@link #CHUNK} targets in float; chunks are
 * added, in target order, into double accumulators. Tasks own (group, range of reduction rows,
 * part of the targets) with sizes fixed by the shape; parts are added in order at the end, so results
 * are bit-identical for any thread count.
 */
final class ConvWeightOuter {
    static final VectorSpecies<Float> S = KernelInfo.species();
    static final int L = S.length();
    /** Output channels per tile: two vectors. */
    static final int NR = 2 * L;
    /** Reduction rows per tile. */
    static final int MR = 6;
    /** Targets per tile call, about: whole rows, or a segment of one row. */
    static final int CHUNK = 1024;
    /** Floats of transposed gy held at once (per block of targets, all groups). */
    static final int BLOCK_FLOATS = 1 << 20;
    /** The calling thread's transposed-gy buffer, kept between calls (every use writes what it reads). */
    private static final ThreadLocal<float[]> GY_T = new ThreadLocal<>();
    /** Tasks per block at least (reduction-row ranges × target parts). */
    static final int MIN_TASKS = 16;

    private ConvWeightOuter() {}

    /** Reduction rows at least: below, transposing gy costs more than the kernel saves. */
    static final int MIN_DEPTH = 96;

    /**
     * Whether this driver serves a layer with {@code oPerGroup} output channels per group and a
     * reduction of {@code depth} rows: at least one vector of channels, and a reduction deep enough to
     * repay the transposition of gy (one pass over it; measured on 1 → 32, 3×3×3 on 64³, depth 27: 6.4 ms
     * here against 3.3 ms for the dot-product kernel).
     */
    static boolean applies(int oPerGroup, int depth) {
        return oPerGroup >= L && depth >= MIN_DEPTH;
    }

    /**
     * Computes the weight gradient for every group; arguments as {@link ConvWeightGrad#run} (direct
     * source only: any row length works, since the vectors run along the channels).
     */
    static void run(int batch, int inChannels, int outChannels, int groups, ConvLowering l, int kH, int kW,
            int kVolume, float[] x, int xOff, float[] gy, int gyOff, float[] gw, int gwOff) {
        int cPerGroup = inChannels / groups, oPerGroup = outChannels / groups;
        // taps that never reach the input have no reduction row: their gradient stays zero
        Arrays.fill(gw, gwOff, gwOff + outChannels * cPerGroup * kVolume, 0f);
        int k = l.depth(), targets = l.targets();
        if (k == 0 || targets == 0 || batch == 0) return;
        ConvSource source = ConvSource.direct(x, xOff, l);
        if (source == null) source = ConvSource.padded(x, xOff, batch * inChannels, List.of(l));
        int[] taps = source.tapOffsets(l);
        Chunks chunks = new Chunks(l.w.targets, targets);
        int oBlocks = Math.ceilDiv(oPerGroup, NR), oPad = oBlocks * NR;
        int kTiles = Math.ceilDiv(k, MR);
        int kRanges = Math.min(kTiles, Math.ceilDiv(MIN_TASKS, groups));
        int tilesPerRange = Math.ceilDiv(kTiles, kRanges);
        kRanges = Math.ceilDiv(kTiles, tilesPerRange);
        int parts = Math.min(chunks.count, Math.ceilDiv(MIN_TASKS, groups * kRanges));
        int perPart = Math.ceilDiv(chunks.count, parts);
        parts = Math.ceilDiv(chunks.count, perPart);
        // accumulators [part][g][kk][o]
        int accPerGroup = kTiles * MR * oPad;
        double[] acc = new double[Math.multiplyExact(parts * groups, accPerGroup)];
        // blocks of whole chunks whose transposed gy (all groups) holds about BLOCK_FLOATS
        int blockTargets = Math.max(chunks.length, BLOCK_FLOATS / (groups * oPad) / chunks.length * chunks.length);
        int blockLen = Math.min(blockTargets, targets);
        float[] kept = GY_T.get();
        int gyTSize = Math.multiplyExact(groups * oPad, blockLen);
        float[] gyT = kept != null && kept.length >= gyTSize ? kept : new float[gyTSize];
        if (gyT != kept && gyTSize <= 2 * BLOCK_FLOATS) GY_T.set(gyT);
        int tasks = groups * kRanges * parts, fParts = parts, fKRanges = kRanges, fTiles = tilesPerRange;
        ConvSource src = source;
        for (int n = 0; n < batch; n++) {
            int gyN = gyOff + n * outChannels * targets, srcN = src.base + n * inChannels * src.chStride;
            for (int c0 = 0; c0 < chunks.count;) {
                int p0 = chunks.start(c0), c1 = c0;
                while (c1 < chunks.count && chunks.start(c1 + 1) - p0 <= blockLen) c1++;
                int p1 = chunks.start(c1), len = p1 - p0, fc0 = c0, fc1 = c1;
                transpose(gy, gyN, targets, groups, oPerGroup, oPad, p0, len, gyT);
                Parallel.forRange(tasks, 1, (lo, hi) -> {
                    Scratch s = new Scratch(chunks.length);
                    for (int task = lo; task < hi; task++) {
                        int part = task % fParts, gr = task / fParts, g = gr / fKRanges, range = gr % fKRanges;
                        int from = Math.max(fc0, part * perPart), to = Math.min(fc1, (part + 1) * perPart);
                        int t0 = range * fTiles, t1 = Math.min(kTiles, t0 + fTiles);
                        int srcG = srcN + g * cPerGroup * src.chStride, gyTG = g * oPad * len;
                        int accBase = (part * groups + g) * accPerGroup;
                        for (int c = from; c < to; c++) {
                            s.runs(l, src, chunks.start(c), chunks.start(c + 1), srcG, p0);
                            for (int tile = t0; tile < t1; tile++) {
                                s.taps(taps, tile * MR, k);
                                for (int ob = 0; ob < oBlocks; ob++) {
                                    tile(s.count, s.srcRun, s.gyRun, s.length, src.data, s.tap, gyT,
                                            gyTG + ob * NR * len, s.out);
                                    add(s.out, acc, accBase + tile * MR * oPad + ob * NR, oPad);
                                }
                            }
                        }
                    }
                });
                c0 = c1;
            }
        }
        for (int g = 0; g < groups; g++) {
            for (int o = 0; o < oPerGroup; o++) {
                int gwRow = gwOff + (g * oPerGroup + o) * cPerGroup * kVolume;
                for (int kk = 0; kk < k; kk++) {
                    double sum = 0;
                    for (int part = 0; part < parts; part++) {
                        sum += acc[(part * groups + g) * accPerGroup + kk * oPad + o];
                    }
                    gw[gwRow + (kk / l.taps()) * kVolume + l.weightTap(kk, kH, kW)] = (float) sum;
                }
            }
        }
    }

    /**
     * The targets cut into chunks: segments of at most {@link #CHUNK} of one row when rows are long,
     * else whole rows, {@code ⌊CHUNK / rowLen⌋} of them.
     */
    private static final class Chunks {
        final int rowLen, segments, rowsPer, count, length, targets;

        Chunks(int rowLen, int targets) {
            this.rowLen = rowLen;
            this.targets = targets;
            int rows = targets / rowLen;
            if (rowLen > CHUNK) {
                segments = Math.ceilDiv(rowLen, CHUNK);
                rowsPer = 1;
                count = rows * segments;
                length = Math.ceilDiv(rowLen, segments);
            } else {
                segments = 1;
                rowsPer = CHUNK / rowLen;
                count = Math.ceilDiv(rows, rowsPer);
                length = rowsPer * rowLen;
            }
        }

        /** First target of chunk {@code c} ({@code c ≤ count}). */
        int start(int c) {
            if (c >= count) return targets;
            if (segments == 1) return c * length;
            int row = c / segments, seg = c - row * segments;
            return row * rowLen + seg * length;
        }
    }

    /** Per-worker buffers: the runs of one chunk, the taps of one tile and the tile's sums. */
    private static final class Scratch {
        final int[] srcRun, gyRun;
        final int[] tap = new int[MR];
        final float[] out = new float[MR * NR];
        int count, length;

        Scratch(int chunkLength) {
            srcRun = new int[chunkLength];
            gyRun = new int[chunkLength];
        }

        /** The rows (or the row segment) of targets {@code [p0, p1)}: source and gyT offsets of each. */
        void runs(ConvLowering l, ConvSource src, int p0, int p1, int srcBase, int blockStart) {
            int rowLen = l.w.targets;
            count = 0;
            for (int t = p0; t < p1;) {
                int row = t / rowLen, tw0 = t - row * rowLen, len = Math.min(rowLen - tw0, p1 - t);
                srcRun[count] = srcBase + src.rowOrigin(l, row) + tw0;
                gyRun[count++] = (t - blockStart) * NR;
                length = len;
                t += len;
            }
        }

        /** The tap offsets of reduction rows {@code [kk0, kk0 + MR)}, the last valid one repeated past {@code k}. */
        void taps(int[] taps, int kk0, int k) {
            for (int r = 0; r < MR; r++) tap[r] = taps[Math.min(kk0 + r, k - 1)];
        }
    }

    /**
     * Copies {@code gy[n, g·oPerGroup + o, p0 + t]} to {@code gyT[((g·oBlocks + o / NR)·len + t)·NR + o % NR]}
     * for {@code t < len}, zero for {@code o ≥ oPerGroup}; in parallel over groups × channel blocks × 256 targets.
     */
    private static void transpose(float[] gy, int gyN, int targets, int groups, int oPerGroup, int oPad, int p0,
            int len, float[] gyT) {
        int oBlocks = oPad / NR, tBlocks = Math.ceilDiv(len, 256);
        Parallel.forRange(groups * oBlocks * tBlocks, Parallel.grain(groups * oBlocks * tBlocks, 256L * NR),
                (lo, hi) -> {
                    for (int item = lo; item < hi; item++) {
                        int gb = item / tBlocks, tb = item - gb * tBlocks, g = gb / oBlocks, ob = gb - g * oBlocks;
                        int ta = tb * 256, tz = Math.min(len, ta + 256), dst = gb * NR * len;
                        for (int j = 0; j < NR; j++) {
                            int o = ob * NR + j;
                            if (o >= oPerGroup) {
                                for (int t = ta; t < tz; t++) gyT[dst + t * NR + j] = 0f;
                            } else {
                                int from = gyN + (g * oPerGroup + o) * targets + p0;
                                for (int t = ta; t < tz; t++) gyT[dst + t * NR + j] = gy[from + t];
                            }
                        }
                    }
                });
    }

    /** Adds the tile's sums {@code out[r·NR + j]} to {@code acc[base + r·oPad + j]}. */
    private static void add(float[] out, double[] acc, int base, int oPad) {
        for (int r = 0; r < MR; r++) {
            int a = base + r * oPad, o = r * NR;
            for (int j = 0; j < NR; j++) acc[a + j] += out[o + j];
        }
    }

    /**
     * The 6 × NR micro-kernel: {@code out[r·NR + j] = Σ_runs Σ_{i<len} src[srcRun + tap[r] + i] · gyT[gyBase + gyRun + i·NR + j]}.
     * Small and static with the 12 accumulators as locals, so that C2 keeps them in registers (measured
     * alone, one core: 6 × 2 vectors 240–251 GFLOP/s, 8 × 2 232–245, 12 × 2 only 106–108).
     */
    static void tile(int runs, int[] srcRun, int[] gyRun, int len, float[] src, int[] tap, float[] gyT, int gyBase,
            float[] out) {
        int q0 = tap[0], q1 = tap[1], q2 = tap[2], q3 = tap[3], q4 = tap[4], q5 = tap[5];
        FloatVector a00 = FloatVector.zero(S), a01 = FloatVector.zero(S), a10 = FloatVector.zero(S);
        FloatVector a11 = FloatVector.zero(S), a20 = FloatVector.zero(S), a21 = FloatVector.zero(S);
        FloatVector a30 = FloatVector.zero(S), a31 = FloatVector.zero(S), a40 = FloatVector.zero(S);
        FloatVector a41 = FloatVector.zero(S), a50 = FloatVector.zero(S), a51 = FloatVector.zero(S);
        for (int r = 0; r < runs; r++) {
            int s = srcRun[r], g = gyBase + gyRun[r];
            for (int i = 0; i < len; i++) {
                FloatVector y0 = FloatVector.fromArray(S, gyT, g + i * NR);
                FloatVector y1 = FloatVector.fromArray(S, gyT, g + i * NR + L);
                FloatVector b = FloatVector.broadcast(S, src[s + q0 + i]);
                a00 = b.fma(y0, a00);
                a01 = b.fma(y1, a01);
                b = FloatVector.broadcast(S, src[s + q1 + i]);
                a10 = b.fma(y0, a10);
                a11 = b.fma(y1, a11);
                b = FloatVector.broadcast(S, src[s + q2 + i]);
                a20 = b.fma(y0, a20);
                a21 = b.fma(y1, a21);
                b = FloatVector.broadcast(S, src[s + q3 + i]);
                a30 = b.fma(y0, a30);
                a31 = b.fma(y1, a31);
                b = FloatVector.broadcast(S, src[s + q4 + i]);
                a40 = b.fma(y0, a40);
                a41 = b.fma(y1, a41);
                b = FloatVector.broadcast(S, src[s + q5 + i]);
                a50 = b.fma(y0, a50);
                a51 = b.fma(y1, a51);
            }
        }
        a00.intoArray(out, 0);
        a01.intoArray(out, L);
        a10.intoArray(out, NR);
        a11.intoArray(out, NR + L);
        a20.intoArray(out, 2 * NR);
        a21.intoArray(out, 2 * NR + L);
        a30.intoArray(out, 3 * NR);
        a31.intoArray(out, 3 * NR + L);
        a40.intoArray(out, 4 * NR);
        a41.intoArray(out, 4 * NR + L);
        a50.intoArray(out, 5 * NR);
        a51.intoArray(out, 5 * NR + L);
    }
}
