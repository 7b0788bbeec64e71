package mrisr.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import mrisr.kernels.reference.SlidingWindow;

/**
 * The weight gradient of the layers {@link ConvWinograd} runs forward, through the same F(2, 3)
 * transforms: with {@code y_t = Aᵀ[(G w) ⊙ (Bᵀ d_t)]} per output tile {@code t} and axis,
 * <pre>
 *   ∂L/∂w[o,c] = Gᵀ [ Σ_n Σ_t (A gy_t[o]) ⊙ (Bᵀ d_t[c]) ] G        (per axis; 64 or 16 points)
 * </pre>
 * so the reduction over the targets is one GEMM per transform point, {@code M[p][o][c] = Σ_t
 * GY[p][t][o]·V[p][t][c]}, with 64 instead of 216 multiplications per tile and channel pair.
 *
 * <p>Layout: input and {@code gy} are first copied channels-last and zero-padded
 * ({@code [n][g][position][channel]}, channels rounded up to whole vectors), so one vector holds a
 * position's channels and both transforms run on whole vectors of channels. A chunk of {@link #TILES}
 * tiles is transformed into {@code V[p][t][c]} and {@code GY[p][t][o]}; per point, the micro-kernel
 * {@link #tile} keeps {@code MR = 6} output channels × 2 vectors of input channels in 12
 * accumulators over the chunk's tiles (the shape of {@link ConvWeightOuter}'s kernel) and adds them
 * into the task's float accumulator. Tasks own (group, fixed range of tile chunks); their
 * accumulators are added in double, in task order, before {@code Gᵀ · G} (in double): bit-identical
 * for any thread count.
 *
 * <p>Accuracy: each task sums its tiles in float, so the error grows with the targets per task
 * (about {@code 1e-6·√(targets / parts)} relative); the tests hold it to the
 * {@code 2e-5·Σ|terms|} bound of every backward-weight algorithm.
 */
final class ConvWinogradWeight {
    static final VectorSpecies<Float> S = KernelInfo.species();
    static final int L = S.length();
    /** Output channels per micro-kernel call (broadcast). */
    static final int MR = 6;
    /** Input channels per micro-kernel call: two vectors. */
    static final int NR = 2 * L;
    /** Tiles per chunk: the micro-kernel's reduction length. */
    static final int TILES = 32;
    /** Task parts per group at most (each holds a points × channels accumulator). */
    static final int PARTS = 8;

    /** The calling thread's channels-last copies of x and gy (see {@link ConvSource#buffer}). */
    private static final ThreadLocal<ConvSource.Kept> KEPT_X = new ThreadLocal<>(), KEPT_GY = new ThreadLocal<>();
    /** The calling thread's task accumulators, kept between calls (each task zeroes its own). */
    private static final ThreadLocal<float[]> ACC = new ThreadLocal<>();
    /** Per-thread chunk scratch (V, GY, transform scratch), kept between calls. */
    private static final ThreadLocal<float[]> SCRATCH = new ThreadLocal<>();

    /** Gather indices reading column {@code j} of an {@code L × L} row-major block. */
    private static final int[] TRANSPOSE = new int[L];

    static {
        for (int r = 0; r < L; r++) TRANSPOSE[r] = r * L;
    }

    private ConvWinogradWeight() {}

    /** Channels per group at least (input and output). */
    static final int MIN_CHANNELS = 64;

    /**
     * Whether the weight gradient of a layer runs here: a layer {@link ConvWinograd} runs forward, with
     * at least {@link #MIN_CHANNELS} channels per group on both sides. Measured (two threads): 64 → 64
     * on 32³ 12.9 ms against 21.0 for {@link ConvWeightOuter}, 2-D 16 × 64² 64 → 64 16.0 against 18–27,
     * but 32 → 32 on 64³ 56 against 45 (the transforms and channels-last copies grow with C + O, the
     * products with C·O).
     */
    static boolean applies(SlidingWindow win, int cPerGroup, int oPerGroup) {
        return cPerGroup >= MIN_CHANNELS && oPerGroup >= MIN_CHANNELS
                && ConvWinograd.applies(win, cPerGroup, oPerGroup, false);
    }

    /** Arguments as {@link FastConv#backwardWeight} (the caller checked {@link #applies}). */
    static void run(int batch, int inChannels, int outChannels, int groups, SlidingWindow win, float[] x, int xOff,
            float[] gy, int gyOff, float[] gw, int gwOff) {
        int cPerGroup = inChannels / groups, oPerGroup = outChannels / groups;
        // the forward's tiles (and padded source extent), here with channels-last copies
        ConvWinograd.Geometry geo = ConvWinograd.Geometry.forward(win, cPerGroup);
        boolean depth3 = geo.depth3;
        int md = geo.md, points = geo.points, kVol = depth3 ? 27 : 9;
        int tilesD = geo.tilesD, tilesH = geo.tilesH, tilesW = geo.tilesW, tiles = tilesD * tilesH * tilesW;
        // channels-last x: padded positions [planes][rows][cols], channels rounded up to two vectors
        int cp = Math.ceilDiv(cPerGroup, NR) * NR;
        int planes = geo.planes, rows = geo.rows, cols = 2 * tilesW + 2;
        int xCol = cp, xRow = cols * xCol, xPlane = rows * xRow, xGroup = planes * xPlane;
        int xZeros = 3 * xRow + 3 * xCol + L, xZeroOff = batch * groups * xGroup; // zeros after the last group
        float[] xs = channelsLast(KEPT_X, batch * groups, cPerGroup, cp, win.inDepth, win.inHeight, win.inWidth,
                win.paddingDepth, win.paddingHeight, win.paddingWidth, planes, rows, cols, xZeros, x, xOff);
        // channels-last gy over even-padded output positions; row length a multiple of MR and of L
        int og = Math.ceilDiv(Math.ceilDiv(oPerGroup, MR) * MR, L) * L;
        int gPlanes = md * tilesD, gRows = 2 * tilesH, gCols = 2 * tilesW;
        int gCol = og, gRow = gCols * gCol, gPlane = gRows * gRow, gGroup = gPlanes * gPlane;
        float[] gs = channelsLast(KEPT_GY, batch * groups, oPerGroup, og, win.outDepth, win.outHeight, win.outWidth,
                0, 0, 0, gPlanes, gRows, gCols, 0, gy, gyOff);
        int oTiles = Math.ceilDiv(oPerGroup, MR), cTiles = cp / NR, depthPoints = depth3 ? 4 : 1;
        int accRow = cp, accPoint = oTiles * MR * accRow, accPart = points * accPoint;
        // parts fixed by the shape; fewer for wide layers, so the accumulators stay within about 64 MiB
        int chunksPerImage = Math.ceilDiv(tiles, TILES), chunks = batch * chunksPerImage;
        int maxParts = (int) Math.max(2, ConvSource.KEEP_LIMIT / ((long) groups * accPart));
        int parts = Math.min(chunks, Math.min(PARTS, maxParts)), perPart = Math.ceilDiv(chunks, parts);
        parts = Math.ceilDiv(chunks, perPart);
        int accSize = Math.multiplyExact(groups * parts, accPart);
        float[] acc = ConvSource.scratch(ACC, accSize);
        // one depth point (16 transform points) of a chunk at a time: its V, GY and accumulators stay in L2
        int vStride = TILES * cp + L, gStride = TILES * og + L; // point strides, off the cache-set aliasing
        int scratchSize = 16 * (vStride + gStride) + 16 * L;
        int fParts = parts;
        Parallel.forRange(groups * parts, 1, (lo, hi) -> {
            float[] scratch = ConvSource.scratch(SCRATCH, scratchSize);
            int gOff = 16 * vStride, tOff = gOff + 16 * gStride;
            for (int task = lo; task < hi; task++) {
                int g = task / fParts, part = task % fParts, accBase = task * accPart;
                Arrays.fill(acc, accBase, accBase + accPart, 0f);
                for (int pd = 0; pd < depthPoints; pd++) {
                    for (int k = part * perPart; k < Math.min(chunks, (part + 1) * perPart); k++) {
                        int n = k / chunksPerImage, t0 = (k % chunksPerImage) * TILES;
                        int count = Math.min(TILES, tiles - t0), ng = n * groups + g;
                        for (int t = 0; t < count; t++) {
                            int tile = t0 + t, tw = tile % tilesW, rest = tile / tilesW, th = rest % tilesH;
                            int tdi = rest / tilesH;
                            int xOrigin = ng * xGroup + md * tdi * xPlane + 2 * th * xRow + 2 * tw * xCol;
                            for (int c = 0; c < cp; c += L) {
                                ConvWinograd.transformDepthPoint(xs, xOrigin + c, depth3, xZeroOff, pd, xPlane, xRow,
                                        xCol, 2 * xCol, scratch, t * cp + c, vStride);
                            }
                            int gOrigin = ng * gGroup + md * tdi * gPlane + 2 * th * gRow + 2 * tw * gCol;
                            for (int o = 0; o < og; o += L) {
                                expandGradient(gs, gOrigin + o, depth3 ? gPlane : 0, pd, gRow, gCol, scratch,
                                        gOff + t * og + o, gStride, scratch, tOff);
                            }
                        }
                        for (int p = 0; p < 16; p++) {
                            int accP = accBase + (pd * 16 + p) * accPoint;
                            for (int ot = 0; ot < oTiles; ot++) {
                                for (int ct = 0; ct < cTiles; ct++) {
                                    tile(scratch, gOff + p * gStride + ot * MR, og, scratch, p * vStride + ct * NR,
                                            cp, count, acc, accP + ot * MR * accRow + ct * NR, accRow);
                                }
                            }
                        }
                    }
                }
            }
        });
        finish(groups, parts, oPerGroup, cPerGroup, points, kVol, depth3, acc, accPart, accPoint, accRow, gw, gwOff);
    }

    /**
     * A zero-padded channels-last copy {@code [ng][plane][row][col][chStride]} of {@code count}
     * channel-first volumes of {@code channels} channels each (position {@code (d+padD, h+padH,
     * w+padW)} holds {@code src[ng][c][d][h][w]}), followed by {@code zeros} zero floats; kept per
     * calling thread (padding and unused channels stay zero between calls of the same layout).
     */
    private static float[] channelsLast(ThreadLocal<ConvSource.Kept> slot, int count, int channels, int chStride,
            int d, int h, int w, int padD, int padH, int padW, int planes, int rows, int cols, int zeros,
            float[] src, int srcOff) {
        int row = cols * chStride, plane = rows * row, group = planes * plane;
        int size = Math.addExact(Math.multiplyExact(count, group), zeros);
        float[] out = ConvSource.buffer(slot, size, new long[] {count, channels, chStride, d, h, w, padD, padH, padW,
                planes, rows, cols, zeros});
        int vol = d * h * w, total = count * d;
        Parallel.forRange(total, Parallel.grain(total, (long) h * w * channels), (lo, hi) -> {
            float[] block = new float[L * L];
            for (int nd = lo; nd < hi; nd++) {
                int ng = nd / d, z = nd % d, dst = ng * group + (z + padD) * plane + padH * row + padW * chStride;
                int in = srcOff + ng * channels * vol + z * h * w;
                // blocks of L channels × L columns: L row loads, then one gathered vector per position
                int c = 0;
                for (; c + L <= channels; c += L) {
                    for (int y = 0; y < h; y++) {
                        int i = 0;
                        for (; i + L <= w; i += L) {
                            for (int r = 0; r < L; r++) {
                                FloatVector.fromArray(S, src, in + (c + r) * vol + y * w + i).intoArray(block, r * L);
                            }
                            for (int j = 0, o = dst + y * row + i * chStride + c; j < L; j++, o += chStride) {
                                FloatVector.fromArray(S, block, j, TRANSPOSE, 0).intoArray(out, o);
                            }
                        }
                        for (int r = 0; r < L; r++) {
                            copyRow(src, in + (c + r) * vol + y * w, i, w, out, dst + y * row + c + r, chStride);
                        }
                    }
                }
                for (; c < channels; c++) {
                    for (int y = 0; y < h; y++) {
                        copyRow(src, in + c * vol + y * w, 0, w, out, dst + y * row + c, chStride);
                    }
                }
            }
        });
        return out;
    }

    /** {@code out[o + i·stride] = src[in + i]} for {@code i ∈ [from, to)}. */
    private static void copyRow(float[] src, int in, int from, int to, float[] out, int o, int stride) {
        for (int i = from; i < to; i++) out[o + i * stride] = src[in + i];
    }

    /** Per depth point of {@code A}: the weights of the first and second plane of the gradient tile. */
    private static final float[] A_FIRST = {1f, 1f, 1f, 0f}, A_SECOND = {0f, 1f, -1f, -1f};

    /**
     * {@code A gy} per axis for depth point {@code pd} of one tile and one vector of output channels:
     * the gradient vectors at {@code gs[origin + a·plane + b·row + e·col]} ({@code plane} 0 for 2-D
     * tiles, whose one plane then counts once) combined along depth, then expanded by {@code A = [1 0;
     * 1 1; 1 −1; 0 −1]} along width and height into 16 points at {@code v[vOff + point·ps]}
     * ({@code t} is scratch).
     */
    private static void expandGradient(float[] gs, int origin, int plane, int pd, int row, int col, float[] v,
            int vOff, int ps, float[] t, int tOff) {
        // depth: a0·first + a1·second (2-D: the plane once, plus zero times itself)
        FloatVector first = FloatVector.broadcast(S, plane == 0 ? 1f : A_FIRST[pd]);
        FloatVector second = FloatVector.broadcast(S, plane == 0 ? 0f : A_SECOND[pd]);
        for (int be = 0; be < 4; be++) {
            int at = origin + (be >> 1) * row + (be & 1) * col;
            FloatVector a0 = FloatVector.fromArray(S, gs, at), a1 = FloatVector.fromArray(S, gs, at + plane);
            a0.mul(first).add(a1.mul(second)).intoArray(t, tOff + be * L);
        }
        // width: t[b][·] → t2[b][pw]; height: t2[·][pw] → v[ph·4 + pw]
        int t2 = tOff + 4 * L;
        for (int b = 0; b < 2; b++) expand(t, tOff + 2 * b * L, L, t, t2 + b * 4 * L, L);
        for (int pw = 0; pw < 4; pw++) expand(t, t2 + pw * L, 4 * L, v, vOff + pw * ps, 4 * ps);
    }

    /** {@code (x0, x1) → (x0, x0 + x1, x0 − x1, −x1)} on strided vectors. */
    private static void expand(float[] in, int i0, int is, float[] out, int o0, int os) {
        FloatVector x0 = FloatVector.fromArray(S, in, i0), x1 = FloatVector.fromArray(S, in, i0 + is);
        x0.intoArray(out, o0);
        x0.add(x1).intoArray(out, o0 + os);
        x0.sub(x1).intoArray(out, o0 + 2 * os);
        x1.neg().intoArray(out, o0 + 3 * os);
    }

    /**
     * {@code acc[r][·] += Σ_t gy[t][r] · v[t][·]} for {@link #MR} output channels × {@link #NR} input
     * channels over {@code count} tiles: 12 vector accumulators, 6 broadcasts and 2 loads per tile.
     */
    static void tile(float[] g, int gOff, int gStride, float[] v, int vOff, int vStride, int count, float[] acc,
            int aOff, int accRow) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00,
                a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00;
        for (int t = 0; t < count; t++) {
            int gi = gOff + t * gStride, vi = vOff + t * vStride;
            FloatVector b0 = FloatVector.fromArray(S, v, vi), b1 = FloatVector.fromArray(S, v, vi + L);
            FloatVector w = FloatVector.broadcast(S, g[gi]);
            a00 = w.fma(b0, a00);
            a01 = w.fma(b1, a01);
            w = FloatVector.broadcast(S, g[gi + 1]);
            a10 = w.fma(b0, a10);
            a11 = w.fma(b1, a11);
            w = FloatVector.broadcast(S, g[gi + 2]);
            a20 = w.fma(b0, a20);
            a21 = w.fma(b1, a21);
            w = FloatVector.broadcast(S, g[gi + 3]);
            a30 = w.fma(b0, a30);
            a31 = w.fma(b1, a31);
            w = FloatVector.broadcast(S, g[gi + 4]);
            a40 = w.fma(b0, a40);
            a41 = w.fma(b1, a41);
            w = FloatVector.broadcast(S, g[gi + 5]);
            a50 = w.fma(b0, a50);
            a51 = w.fma(b1, a51);
        }
        add(a00, a01, acc, aOff, L);
        add(a10, a11, acc, aOff + accRow, L);
        add(a20, a21, acc, aOff + 2 * accRow, L);
        add(a30, a31, acc, aOff + 3 * accRow, L);
        add(a40, a41, acc, aOff + 4 * accRow, L);
        add(a50, a51, acc, aOff + 5 * accRow, L);
    }

    private static void add(FloatVector lo, FloatVector hi, float[] acc, int off, int l) {
        FloatVector.fromArray(S, acc, off).add(lo).intoArray(acc, off);
        FloatVector.fromArray(S, acc, off + l).add(hi).intoArray(acc, off + l);
    }

    /** Adds the parts in double, in order, and applies {@code Gᵀ · G} per axis (64 → 27 or 16 → 9). */
    private static void finish(int groups, int parts, int oPerGroup, int cPerGroup, int points, int kVol,
            boolean depth3, float[] acc, int accPart, int accPoint, int accRow, float[] gw, int gwOff) {
        Parallel.forRange(groups * oPerGroup, Parallel.grain(groups * oPerGroup, (long) cPerGroup * points * parts),
                (lo, hi) -> {
                    double[] m = new double[64], t1 = new double[48], t2 = new double[36], k = new double[27];
                    for (int go = lo; go < hi; go++) {
                        int g = go / oPerGroup, o = go % oPerGroup;
                        for (int c = 0; c < cPerGroup; c++) {
                            for (int p = 0; p < points; p++) {
                                double sum = 0;
                                for (int part = 0; part < parts; part++) {
                                    sum += acc[(g * parts + part) * accPart + p * accPoint + o * accRow + c];
                                }
                                m[p] = sum;
                            }
                            reduceKernel(m, depth3, t1, t2, k);
                            int dst = gwOff + (go * cPerGroup + c) * kVol;
                            for (int i = 0; i < kVol; i++) gw[dst + i] = (float) k[i];
                        }
                    }
                });
    }

    /** {@code Gᵀ m G} per axis: [pd][ph][pw] (64 or 16) → [kd][kh][kw] (27 or 9), depth first. */
    private static void reduceKernel(double[] m, boolean depth3, double[] t1, double[] t2, double[] k) {
        double[] hw = m;
        if (depth3) {
            for (int i = 0; i < 16; i++) gt(m, i, 16, t1, i, 16); // depth: [4][16] → [3][16]
            hw = t1;
        }
        int depths = depth3 ? 3 : 1;
        for (int d = 0; d < depths; d++) {
            for (int pw = 0; pw < 4; pw++) gt(hw, d * 16 + pw, 4, t2, d * 12 + pw, 4); // height → [d][3][4]
            for (int kh = 0; kh < 3; kh++) gt(t2, d * 12 + kh * 4, 1, k, (d * 3 + kh) * 3, 1); // width → [d][3][3]
        }
    }

    /** {@code Gᵀ = [1 ½ ½ 0; 0 ½ −½ 0; 0 ½ ½ 1]} on four strided values. */
    private static void gt(double[] in, int i0, int is, double[] out, int o0, int os) {
        double a = in[i0], b = in[i0 + is], c = in[i0 + 2 * is], d = in[i0 + 3 * is];
        out[o0] = a + 0.5 * (b + c);
        out[o0 + os] = 0.5 * (b - c);
        out[o0 + 2 * os] = 0.5 * (b + c) + d;
    }
}
