package mrisr.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import mrisr.kernels.reference.SlidingWindow;

/**
 * Winograd convolution F(2, 3) along each 3-long kernel axis (Lavin and Gray, "Fast Algorithms for
 * Convolutional Neural Networks", 2016) for stride-1, undilated 3×3 and 3×3×3 kernels with wide
 * channels: forward, and backward data as the forward correlation of {@code gy} with the flipped,
 * transposed kernel. Each output tile of 2 (×2×2) targets is
 * <pre>
 *   Y = Aᵀ [ Σ_c (G w[o,c] Gᵀ) ⊙ (Bᵀ d_c B) ] A        (per axis; 4³ = 64 or 4² = 16 points)
 * </pre>
 * so a 3×3×3 layer does 64 instead of 216 multiplications per tile and channel pair (3.4× fewer;
 * 2.25× for 3×3), at the cost of transforming each input tile once per input channel and each
 * output tile once per output channel.
 *
 * <p>Layout: the source is first copied zero-padded and split by width parity (even and odd
 * columns in separate rows), so that a vector of {@code lanes} consecutive tiles along the width
 * loads its four columns {@code x[2j], x[2j+1], x[2j+2], x[2j+3]} as four contiguous vectors. A
 * block of two such vectors ({@link #NB} tiles) is transformed for every input channel into
 * {@code V[point][c][NB]}; per point, the micro-kernel {@link #gemm} multiplies the transformed
 * weights {@code U[point][oBlock][c][OB]} (OB = 8 output channels, broadcast) into 16 vector
 * accumulators; the output transform runs on each 8-channel block as soon as all its points are
 * done, adds the bias, applies ReLU and stores two interleaved vectors per output row.
 *
 * <p>Accuracy: the input and output transforms only add and subtract, the weight transform (with ½)
 * is computed in double, but the products are summed over transformed values up to 2³ times larger
 * than the inputs, so the rounding error is a few times the direct kernel's. Bound: within
 * {@code 2e-5·Σ|terms|} of the double-accumulating twin per element, the bound {@code FastConvTest}
 * checks for every algorithm (cases at 16–64 channels, odd sizes, groups, offsets). An infinite input
 * can give NaN where the direct kernels give ±∞ (the transforms subtract it from itself), as in other
 * Winograd implementations; NaN stays NaN. Every output tile is computed by one task in a fixed order:
 * bit-identical for any thread count.
 */
final class ConvWinograd {
    static final VectorSpecies<Float> S = KernelInfo.species();
    static final int L = S.length();
    /** Tiles per block: two vectors along the width. */
    static final int NB = 2 * L;
    /** Output channels per micro-kernel call (broadcast from U). */
    static final int OB = 8;
    /** Channels per group at least (input and output): below, the transforms cost more than they save. */
    static final int MIN_CHANNELS = 16;

    /** Index vectors interleaving two vectors of tile outputs (a, b → a0 b0 a1 b1 …; low and high half). */
    private static final FloatVector ZIP_LO, ZIP_HI;

    static {
        float[] lo = new float[L], hi = new float[L];
        for (int i = 0; i < L; i++) {
            int k = i / 2 + ((i & 1) == 0 ? 0 : L);
            lo[i] = k;
            hi[i] = k + L / 2;
        }
        ZIP_LO = FloatVector.fromArray(S, lo, 0);
        ZIP_HI = FloatVector.fromArray(S, hi, 0);
    }

    /** The calling thread's last split source (see {@link ConvSource#buffer}). */
    private static final ThreadLocal<ConvSource.Kept> KEPT = new ThreadLocal<>();

    /** Per-thread block scratch (V, M and the small transform buffers), kept between calls. */
    private static final ThreadLocal<float[]> SCRATCH = new ThreadLocal<>();

    private ConvWinograd() {}

    /**
     * Whether a layer can run here: kernel 3 along height and width and 1 or 3 along depth, stride
     * 1, no dilation, at least {@link #MIN_CHANNELS} input and output channels per group, and output
     * rows wide enough that vectors of tiles are at least 3/4 used.
     */
    static boolean applies(SlidingWindow win, int cPerGroup, int oPerGroup, boolean backwardData) {
        if (win.kernelWidth != 3 || win.kernelHeight != 3 || (win.kernelDepth != 1 && win.kernelDepth != 3)) {
            return false;
        }
        if (win.strideDepth != 1 || win.strideHeight != 1 || win.strideWidth != 1 || win.dilationDepth != 1
                || win.dilationHeight != 1 || win.dilationWidth != 1) {
            return false;
        }
        if (cPerGroup < MIN_CHANNELS || oPerGroup < MIN_CHANNELS) return false;
        if (backwardData && (win.paddingHeight > 2 || win.paddingWidth > 2
                || (win.kernelDepth == 3 ? win.paddingDepth > 2 : win.paddingDepth > 0))) {
            return false; // the transposed padding k - 1 - p must be >= 0
        }
        int rowLen = backwardData ? win.inWidth : win.outWidth, tiles = Math.ceilDiv(rowLen, 2);
        return 4L * tiles >= 3L * Math.ceilDiv(tiles, L) * L;
    }

    /**
     * Tile geometry of one correlation: source {@code src…} padded by {@code pad…} into {@code dst…},
     * {@code channels} source channels per group (every derived size precomputed: the kernels read
     * them per tile).
     */
    static final class Geometry {
        final boolean depth3;
        final int srcD, srcH, srcW, dstD, dstH, dstW, padD, padH, padW, channels;
        /** Targets per tile along depth (2 or 1), source planes per tile (4 or 1), transform points. */
        final int md, td, points;
        final int tilesD, tilesH, tilesW, vectorsW;
        /** Padded source planes and rows, enough for every tile. */
        final int planes, rows;
        /** Floats per parity row: every tile vector and the next tile's first column. */
        final int rowLen;
        /** Split source layout {@code [n][g][plane][row][c][parity][rowLen]}: one row of every channel together. */
        final int row, plane, group;
        /** Zeros after the last group, read as the second plane of 2-D tiles (at {@code groups·group}). */
        final int zeros;

        Geometry(boolean depth3, int srcD, int srcH, int srcW, int dstD, int dstH, int dstW, int padD, int padH,
                int padW, int channels) {
            this.depth3 = depth3;
            this.srcD = srcD;
            this.srcH = srcH;
            this.srcW = srcW;
            this.dstD = dstD;
            this.dstH = dstH;
            this.dstW = dstW;
            this.padD = padD;
            this.padH = padH;
            this.padW = padW;
            this.channels = channels;
            md = depth3 ? 2 : 1;
            td = depth3 ? 4 : 1;
            points = depth3 ? 64 : 16;
            tilesD = Math.ceilDiv(dstD, md);
            tilesH = Math.ceilDiv(dstH, 2);
            tilesW = Math.ceilDiv(dstW, 2);
            vectorsW = Math.ceilDiv(tilesW, L);
            planes = md * tilesD + td - md;
            rows = 2 * tilesH + 2;
            rowLen = vectorsW * L + 1;
            row = Math.multiplyExact(channels, 2 * rowLen);
            plane = Math.multiplyExact(rows, row);
            group = Math.multiplyExact(planes, plane);
            zeros = 3 * row + 2 * rowLen + L;
        }

        /** The forward correlation of {@code win} with {@code channels} input channels per group. */
        static Geometry forward(SlidingWindow win, int channels) {
            return new Geometry(win.kernelDepth == 3, win.inDepth, win.inHeight, win.inWidth, win.outDepth,
                    win.outHeight, win.outWidth, win.paddingDepth, win.paddingHeight, win.paddingWidth, channels);
        }

        long[] layout(int groupsCount) {
            return new long[] {groupsCount, md, srcD, srcH, srcW, dstD, dstH, dstW, padD, padH, padW, channels};
        }
    }

    /**
     * Forward correlation {@code y = relu?(conv(x, w) + bias)}; arguments as {@link FastConv#forward}
     * (the caller checked {@link #applies}).
     */
    static void forward(int batch, int inChannels, int outChannels, int groups, SlidingWindow win, float[] x,
            int xOff, float[] w, int wOff, float[] bias, int biasOff, boolean relu, float[] y, int yOff) {
        boolean depth3 = win.kernelDepth == 3;
        int cPerGroup = inChannels / groups, oPerGroup = outChannels / groups;
        Geometry geo = Geometry.forward(win, cPerGroup);
        float[] u = weights(groups, oPerGroup, cPerGroup, depth3, w, wOff, false);
        run(batch, groups, cPerGroup, oPerGroup, geo, x, xOff, u, bias, biasOff, relu, y, yOff);
    }

    /**
     * Backward data (transposed convolution) {@code gx = relu?(convᵀ(gy, w) + bias)}: the forward
     * correlation of {@code gy}, padded by {@code k − 1 − p}, with the flipped kernel and input and
     * output channels exchanged; arguments as {@link FastConv#backwardData}.
     */
    static void backwardData(int batch, int inChannels, int outChannels, int groups, SlidingWindow win, float[] gy,
            int gyOff, float[] w, int wOff, float[] bias, int biasOff, boolean relu, float[] gx, int gxOff) {
        boolean depth3 = win.kernelDepth == 3;
        int cPerGroup = inChannels / groups, oPerGroup = outChannels / groups;
        Geometry geo = new Geometry(depth3, win.outDepth, win.outHeight, win.outWidth, win.inDepth, win.inHeight,
                win.inWidth, depth3 ? 2 - win.paddingDepth : 0, 2 - win.paddingHeight, 2 - win.paddingWidth, oPerGroup);
        float[] u = weights(groups, cPerGroup, oPerGroup, depth3, w, wOff, true);
        run(batch, groups, oPerGroup, cPerGroup, geo, gy, gyOff, u, bias, biasOff, relu, gx, gxOff);
    }

    /**
     * Transformed weights {@code U[g][point][oBlock][c][OB]} ({@code G w Gᵀ} per axis, in double),
     * zero for padding channels. {@code transposed}: the kernel of backward data, whose rows are the
     * layer's input channels and whose taps are flipped.
     */
    private static float[] weights(int groups, int rowsPerGroup, int colsPerGroup, boolean depth3, float[] w,
            int wOff, boolean transposed) {
        int points = depth3 ? 64 : 16, kd = depth3 ? 3 : 1, kVol = kd * 9;
        int oBlocks = Math.ceilDiv(rowsPerGroup, OB), perGroup = points * oBlocks * colsPerGroup * OB;
        float[] u = new float[Math.multiplyExact(groups, perGroup)];
        // the layer's weight is [O, C/groups, k…]: forward rows are O, backward-data rows are C
        int layerCols = transposed ? rowsPerGroup : colsPerGroup;
        Parallel.forRange(groups * rowsPerGroup, Parallel.grain(groups * rowsPerGroup, 64L * colsPerGroup * 8),
                (lo, hi) -> {
                    double[] k = new double[27], t1 = new double[36], t2 = new double[48], t3 = new double[64];
                    for (int gr = lo; gr < hi; gr++) {
                        int g = gr / rowsPerGroup, r = gr % rowsPerGroup;
                        for (int c = 0; c < colsPerGroup; c++) {
                            int layerO = g * (transposed ? colsPerGroup : rowsPerGroup) + (transposed ? c : r);
                            int layerC = transposed ? r : c;
                            int base = wOff + (layerO * layerCols + layerC) * kVol;
                            for (int t = 0; t < kVol; t++) k[t] = w[base + (transposed ? kVol - 1 - t : t)];
                            transformKernel(k, kd, t1, t2, t3);
                            int dst = g * perGroup + ((r / OB) * colsPerGroup + c) * OB + r % OB;
                            for (int p = 0; p < points; p++) {
                                u[dst + p * oBlocks * colsPerGroup * OB] = (float) t3[p];
                            }
                        }
                    }
                });
        return u;
    }

    /** {@code G k Gᵀ} along width, height and (when {@code kd = 3}) depth: 27 → 64 (9 → 16) values. */
    private static void transformKernel(double[] k, int kd, double[] t1, double[] t2, double[] t3) {
        for (int i = 0; i < kd * 3; i++) g(k, i * 3, 1, t1, i * 4, 1); // width: [kd][3][3] → [kd][3][4]
        for (int i = 0; i < kd; i++) {
            for (int pw = 0; pw < 4; pw++) g(t1, i * 12 + pw, 4, t2, i * 16 + pw, 4); // height → [kd][4][4]
        }
        if (kd == 1) {
            System.arraycopy(t2, 0, t3, 0, 16);
            return;
        }
        for (int hw = 0; hw < 16; hw++) g(t2, hw, 16, t3, hw, 16); // depth → [4][4][4]
    }

    /** One 3 → 4 kernel transform {@code G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]} on strided values. */
    private static void g(double[] in, int i0, int is, double[] out, int o0, int os) {
        double a = in[i0], b = in[i0 + is], c = in[i0 + 2 * is];
        out[o0] = a;
        out[o0 + os] = 0.5 * (a + b + c);
        out[o0 + 2 * os] = 0.5 * (a - b + c);
        out[o0 + 3 * os] = c;
    }

    private static void run(int batch, int groups, int cPerGroup, int oPerGroup, Geometry geo, float[] x, int xOff,
            float[] u, float[] bias, int biasOff, boolean relu, float[] y, int yOff) {
        int channels = groups * cPerGroup;
        float[] src = source(batch * groups, geo, x, xOff);
        // the zeros follow the last group (a kept array can be longer than this layout)
        int zeroOff = batch * groups * geo.group;
        int tileVectors = geo.tilesD * geo.tilesH * geo.vectorsW, blocks = Math.ceilDiv(tileVectors, 2);
        int points = geo.points, oBlocks = Math.ceilDiv(oPerGroup, OB);
        // point strides one cache line longer than the data: 2^k strides would put every point in one cache set
        int vStride = cPerGroup * NB + L, mStride = OB * NB + L;
        int vSize = points * vStride, mSize = points * mStride, scratchSize = vSize + mSize + 128 * L;
        int uPerGroup = points * oBlocks * cPerGroup * OB;
        int dstVol = geo.dstD * geo.dstH * geo.dstW;
        int tasks = batch * groups * blocks;
        long cost = (long) points * cPerGroup * oPerGroup * NB;
        Parallel.forRange(tasks, Parallel.grain(tasks, cost / 64), (lo, hi) -> {
            float[] scratch = ConvSource.scratch(SCRATCH, scratchSize);
            int mOff = vSize, tOff = vSize + mSize;
            for (int task = lo; task < hi; task++) {
                int b = task % blocks, ng = task / blocks, g = ng % groups, n = ng / groups;
                int tv0 = 2 * b, tv1 = Math.min(tv0 + 1, tileVectors - 1);
                int srcG = (n * groups + g) * geo.group;
                for (int c = 0; c < cPerGroup; c++) {
                    int plane = srcG + c * 2 * geo.rowLen;
                    inputTransform(geo, src, zeroOff, plane, tv0, scratch, c * NB, vStride);
                    inputTransform(geo, src, zeroOff, plane, tv1, scratch, c * NB + L, vStride);
                }
                for (int ob = 0; ob < oBlocks; ob++) {
                    int uBase = g * uPerGroup + ob * cPerGroup * OB;
                    for (int p = 0; p < points; p++) {
                        gemm(scratch, p * vStride, u, uBase + p * oBlocks * cPerGroup * OB, cPerGroup, scratch,
                                mOff + p * mStride);
                    }
                    int o1 = Math.min(OB, oPerGroup - ob * OB);
                    for (int oo = 0; oo < o1; oo++) {
                        int o = g * oPerGroup + ob * OB + oo;
                        float bv = bias == null ? 0f : bias[biasOff + o];
                        int dst = yOff + (n * groups * oPerGroup + o) * dstVol;
                        int mo = mOff + oo * NB;
                        outputTransform(geo, scratch, mo, mStride, tv0, bv, relu, y, dst, scratch, tOff);
                        if (tv1 != tv0) {
                            outputTransform(geo, scratch, mo + L, mStride, tv1, bv, relu, y, dst, scratch, tOff);
                        }
                    }
                }
            }
        });
    }

    /**
     * The zero-padded source split by width parity, {@code [n][g][plane][row][c][parity][rowLen]}:
     * an even row {@code E[j] = xp[2j]} then an odd row {@code O[j] = xp[2j+1]} per channel.
     */
    private static float[] source(int groupsCount, Geometry geo, float[] x, int xOff) {
        int planes = geo.planes, rows = geo.rows, rowLen = geo.rowLen, channels = geo.channels;
        int size = Math.addExact(Math.multiplyExact(groupsCount, geo.group), geo.zeros);
        float[] src = ConvSource.buffer(KEPT, size, geo.layout(groupsCount));
        int srcVol = geo.srcD * geo.srcH * geo.srcW;
        int total = groupsCount * planes;
        Parallel.forRange(total, Parallel.grain(total, (long) geo.plane), (lo, hi) -> {
            for (int gp = lo; gp < hi; gp++) {
                int ng = gp / planes, dp = gp % planes, d = dp - geo.padD;
                if (d < 0 || d >= geo.srcD) continue;
                // channel by channel: the rows of all channels in turn are 2^k apart (one cache set)
                for (int c = 0; c < channels; c++) {
                    for (int hp = 0; hp < rows; hp++) {
                        int h = hp - geo.padH;
                        if (h < 0 || h >= geo.srcH) continue;
                        int in = xOff + (ng * channels + c) * srcVol + (d * geo.srcH + h) * geo.srcW;
                        int out = gp * geo.plane + hp * geo.row + c * 2 * rowLen;
                        splitRow(x, in, geo.srcW, geo.padW, src, out, rowLen);
                    }
                }
            }
        });
        return src;
    }

    /**
     * {@code E[j] = row[2j − pad]}, {@code O[j] = row[2j + 1 − pad]} (zero outside the row) for
     * {@code j < rowLen}. Scalar: on 17-long rows it ran 3× faster than masked vector loads and
     * two-vector selects.
     */
    private static void splitRow(float[] x, int in, int width, int pad, float[] src, int out, int rowLen) {
        // interior: both columns of j inside the row, no bounds tests
        int lo = Math.min(rowLen, (pad + 1) / 2), hi = Math.max(lo, Math.min(rowLen, (width + pad - 1) / 2));
        for (int j = 0; j < lo; j++) splitColumn(x, in, width, pad, src, out, rowLen, j);
        for (int j = lo, e = in + 2 * lo - pad; j < hi; j++, e += 2) {
            src[out + j] = x[e];
            src[out + rowLen + j] = x[e + 1];
        }
        for (int j = hi; j < rowLen; j++) splitColumn(x, in, width, pad, src, out, rowLen, j);
    }

    private static void splitColumn(float[] x, int in, int width, int pad, float[] src, int out, int rowLen, int j) {
        int e = 2 * j - pad, o = e + 1;
        src[out + j] = e >= 0 && e < width ? x[in + e] : 0f;
        src[out + rowLen + j] = o >= 0 && o < width ? x[in + o] : 0f;
    }

    /** Per depth point of {@code Bᵀ}: the two source planes combined and the sign of the second. */
    private static final int[] PLANE_A = {0, 1, 2, 1}, PLANE_B = {2, 2, 1, 3};
    private static final float[] SIGN_B = {-1f, 1f, -1f, -1f};

    /**
     * {@code Bᵀ d B} per axis for one vector of tiles {@code tv} of one source channel, into
     * {@code v[vOff + point·pointStride]} (16 or 64 points).
     */
    private static void inputTransform(Geometry geo, float[] src, int zeroOff, int plane, int tv, float[] v, int vOff,
            int pointStride) {
        int vw = geo.vectorsW, th = geo.tilesH;
        int jv = tv % vw, r = tv / vw, tileH = r % th, tileD = r / th;
        int origin = plane + geo.md * tileD * geo.plane + 2 * tileH * geo.row + jv * L;
        transformTile(src, origin, geo.depth3, zeroOff, geo.plane, geo.row, geo.rowLen, 1, v, vOff, pointStride);
    }

    /**
     * {@code Bᵀ d B} per axis of one vector of source values per position: position (plane i, row r,
     * column q) at {@code origin + i·planeStride + r·rowStride + (q & 1)·col1 + (q >> 1)·col2}; the 16
     * or 64 points into {@code v[vOff + point·ps]}. 2-D tiles ({@code !depth3}) add a zero plane at
     * {@code zeros}, so no branch selects between vectors.
     */
    static void transformTile(float[] src, int origin, boolean depth3, int zeros, int planeStride, int rowStride,
            int col1, int col2, float[] v, int vOff, int ps) {
        for (int pd = 0; pd < (depth3 ? 4 : 1); pd++) {
            transformDepthPoint(src, origin, depth3, zeros, pd, planeStride, rowStride, col1, col2, v,
                    vOff + pd * 16 * ps, ps);
        }
    }

    /** The 16 points of depth point {@code pd} of {@link #transformTile} (arguments as there). */
    static void transformDepthPoint(float[] src, int origin, boolean depth3, int zeros, int pd, int planeStride,
            int rowStride, int col1, int col2, float[] v, int vOff, int ps) {
        if (!depth3) {
            heightWidth(src, origin, zeros, 1f, rowStride, col1, col2, v, vOff, ps);
        } else {
            heightWidth(src, origin + PLANE_A[pd] * planeStride, origin + PLANE_B[pd] * planeStride, SIGN_B[pd],
                    rowStride, col1, col2, v, vOff, ps);
        }
    }

    /**
     * One depth point: the 4 × 4 source vectors {@code x[r][q] = a[r][q] + sign·b[r][q]}, then
     * {@code Bᵀ} along the rows and along the columns into 16 points of {@code v}.
     */
    private static void heightWidth(float[] s, int a, int b, float signB, int rs, int col1, int col2, float[] v,
            int o, int ps) {
        FloatVector sign = FloatVector.broadcast(S, signB);
        for (int q = 0; q < 4; q++) {
            int off = (q & 1) * col1 + (q >> 1) * col2;
            FloatVector x0 = column(s, a + off, b + off, sign);
            FloatVector x1 = column(s, a + rs + off, b + rs + off, sign);
            FloatVector x2 = column(s, a + 2 * rs + off, b + 2 * rs + off, sign);
            FloatVector x3 = column(s, a + 3 * rs + off, b + 3 * rs + off, sign);
            // height transform of column q, parked in v at the points (ph, q); the width pass reads them back
            x0.sub(x2).intoArray(v, o + q * ps);
            x1.add(x2).intoArray(v, o + (4 + q) * ps);
            x2.sub(x1).intoArray(v, o + (8 + q) * ps);
            x1.sub(x3).intoArray(v, o + (12 + q) * ps);
        }
        for (int ph = 0; ph < 4; ph++) bt(v, o + 4 * ph * ps, ps, v, o + 4 * ph * ps, ps);
    }

    private static FloatVector column(float[] s, int a, int b, FloatVector sign) {
        return sign.fma(FloatVector.fromArray(S, s, b), FloatVector.fromArray(S, s, a));
    }

    /** {@code Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1]} on four strided vectors. */
    private static void bt(float[] in, int i0, int is, float[] out, int o0, int os) {
        FloatVector x0 = FloatVector.fromArray(S, in, i0), x1 = FloatVector.fromArray(S, in, i0 + is);
        FloatVector x2 = FloatVector.fromArray(S, in, i0 + 2 * is), x3 = FloatVector.fromArray(S, in, i0 + 3 * is);
        x0.sub(x2).intoArray(out, o0);
        x1.add(x2).intoArray(out, o0 + os);
        x2.sub(x1).intoArray(out, o0 + 2 * os);
        x1.sub(x3).intoArray(out, o0 + 3 * os);
    }

    /**
     * {@code m[r][·] = Σ_c u[c][r] · v[c][·]} for {@link #OB} rows × {@link #NB} tiles: 16 vector
     * accumulators, two vector loads and eight broadcasts per channel.
     */
    static void gemm(float[] v, int vOff, float[] u, int uOff, int channels, float[] m, int mOff) {
        FloatVector a00 = FloatVector.zero(S), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00,
                a31 = a00, a40 = a00, a41 = a00, a50 = a00, a51 = a00, a60 = a00, a61 = a00, a70 = a00, a71 = a00;
        for (int c = 0; c < channels; c++) {
            int vi = vOff + c * NB, ui = uOff + c * OB;
            FloatVector b0 = FloatVector.fromArray(S, v, vi), b1 = FloatVector.fromArray(S, v, vi + L);
            FloatVector w = FloatVector.broadcast(S, u[ui]);
            a00 = w.fma(b0, a00);
            a01 = w.fma(b1, a01);
            w = FloatVector.broadcast(S, u[ui + 1]);
            a10 = w.fma(b0, a10);
            a11 = w.fma(b1, a11);
            w = FloatVector.broadcast(S, u[ui + 2]);
            a20 = w.fma(b0, a20);
            a21 = w.fma(b1, a21);
            w = FloatVector.broadcast(S, u[ui + 3]);
            a30 = w.fma(b0, a30);
            a31 = w.fma(b1, a31);
            w = FloatVector.broadcast(S, u[ui + 4]);
            a40 = w.fma(b0, a40);
            a41 = w.fma(b1, a41);
            w = FloatVector.broadcast(S, u[ui + 5]);
            a50 = w.fma(b0, a50);
            a51 = w.fma(b1, a51);
            w = FloatVector.broadcast(S, u[ui + 6]);
            a60 = w.fma(b0, a60);
            a61 = w.fma(b1, a61);
            w = FloatVector.broadcast(S, u[ui + 7]);
            a70 = w.fma(b0, a70);
            a71 = w.fma(b1, a71);
        }
        a00.intoArray(m, mOff);
        a01.intoArray(m, mOff + L);
        a10.intoArray(m, mOff + NB);
        a11.intoArray(m, mOff + NB + L);
        a20.intoArray(m, mOff + 2 * NB);
        a21.intoArray(m, mOff + 2 * NB + L);
        a30.intoArray(m, mOff + 3 * NB);
        a31.intoArray(m, mOff + 3 * NB + L);
        a40.intoArray(m, mOff + 4 * NB);
        a41.intoArray(m, mOff + 4 * NB + L);
        a50.intoArray(m, mOff + 5 * NB);
        a51.intoArray(m, mOff + 5 * NB + L);
        a60.intoArray(m, mOff + 6 * NB);
        a61.intoArray(m, mOff + 6 * NB + L);
        a70.intoArray(m, mOff + 7 * NB);
        a71.intoArray(m, mOff + 7 * NB + L);
    }

    /**
     * {@code Aᵀ M A} per axis for one output channel and one vector of tiles: the products at
     * {@code m[mOff + point·ps]}, then bias, ReLU and the store of 2 (×2) rows of {@code 2·L}
     * interleaved targets into {@code y} from {@code dst} (the channel's first target). Width and
     * height run in registers per depth point into {@code t[pd][b][e]}; depth runs per output row.
     */
    private static void outputTransform(Geometry geo, float[] m, int mOff, int ps, int tv, float bias,
            boolean relu, float[] y, int dst, float[] t, int tOff) {
        int jv = tv % geo.vectorsW, r = tv / geo.vectorsW, tileH = r % geo.tilesH, tileD = r / geo.tilesH;
        for (int pd = 0; pd < geo.td; pd++) widthHeightOut(m, mOff + pd * 16 * ps, ps, t, tOff + pd * 4 * L);
        int w0 = 2 * jv * L, width = geo.dstW;
        boolean full = w0 + NB <= width;
        FloatVector bv = FloatVector.broadcast(S, bias);
        FloatVector floor = FloatVector.broadcast(S, relu ? 0f : Float.NEGATIVE_INFINITY);
        for (int b = 0; b < 2; b++) {
            int h = 2 * tileH + b;
            if (h >= geo.dstH) break;
            int i = tOff + 2 * b * L;
            if (!geo.depth3) {
                int row = dst + (tileD * geo.dstH + h) * width + w0;
                store(FloatVector.fromArray(S, t, i), FloatVector.fromArray(S, t, i + L), bv, floor, y, row, full,
                        width - w0);
                continue;
            }
            FloatVector p0 = FloatVector.fromArray(S, t, i), p1 = FloatVector.fromArray(S, t, i + 4 * L);
            FloatVector p2 = FloatVector.fromArray(S, t, i + 8 * L), p3 = FloatVector.fromArray(S, t, i + 12 * L);
            FloatVector q0 = FloatVector.fromArray(S, t, i + L), q1 = FloatVector.fromArray(S, t, i + 5 * L);
            FloatVector q2 = FloatVector.fromArray(S, t, i + 9 * L), q3 = FloatVector.fromArray(S, t, i + 13 * L);
            int d = 2 * tileD, row = dst + (d * geo.dstH + h) * width + w0;
            store(p0.add(p1).add(p2), q0.add(q1).add(q2), bv, floor, y, row, full, width - w0);
            if (d + 1 < geo.dstD) {
                store(p1.sub(p2).sub(p3), q1.sub(q2).sub(q3), bv, floor, y, row + geo.dstH * width, full, width - w0);
            }
        }
    }

    /**
     * {@code Aᵀ} along width then height for one depth point: 16 products {@code m[(ph·4 + pw)·ps]}
     * into {@code t[(b·2 + e)·L]}.
     */
    private static void widthHeightOut(float[] m, int o, int ps, float[] t, int tOff) {
        FloatVector a0 = FloatVector.fromArray(S, m, o), a1 = FloatVector.fromArray(S, m, o + ps);
        FloatVector a2 = FloatVector.fromArray(S, m, o + 2 * ps), a3 = FloatVector.fromArray(S, m, o + 3 * ps);
        FloatVector r00 = a0.add(a1).add(a2), r01 = a1.sub(a2).sub(a3);
        a0 = FloatVector.fromArray(S, m, o + 4 * ps);
        a1 = FloatVector.fromArray(S, m, o + 5 * ps);
        a2 = FloatVector.fromArray(S, m, o + 6 * ps);
        a3 = FloatVector.fromArray(S, m, o + 7 * ps);
        FloatVector r10 = a0.add(a1).add(a2), r11 = a1.sub(a2).sub(a3);
        a0 = FloatVector.fromArray(S, m, o + 8 * ps);
        a1 = FloatVector.fromArray(S, m, o + 9 * ps);
        a2 = FloatVector.fromArray(S, m, o + 10 * ps);
        a3 = FloatVector.fromArray(S, m, o + 11 * ps);
        FloatVector r20 = a0.add(a1).add(a2), r21 = a1.sub(a2).sub(a3);
        a0 = FloatVector.fromArray(S, m, o + 12 * ps);
        a1 = FloatVector.fromArray(S, m, o + 13 * ps);
        a2 = FloatVector.fromArray(S, m, o + 14 * ps);
        a3 = FloatVector.fromArray(S, m, o + 15 * ps);
        FloatVector r30 = a0.add(a1).add(a2), r31 = a1.sub(a2).sub(a3);
        r00.add(r10).add(r20).intoArray(t, tOff);
        r01.add(r11).add(r21).intoArray(t, tOff + L);
        r10.sub(r20).sub(r30).intoArray(t, tOff + 2 * L);
        r11.sub(r21).sub(r31).intoArray(t, tOff + 3 * L);
    }

    /**
     * Adds the bias to two vectors of tile outputs (even and odd targets), clamps them below at
     * {@code floor} (0 for ReLU, −∞ otherwise: no branch on vectors), interleaves them and stores
     * {@code min(2·L, room)} targets at {@code y[row…]}.
     */
    private static void store(FloatVector even, FloatVector odd, FloatVector bias, FloatVector floor, float[] y,
            int row, boolean full, int room) {
        FloatVector y0 = ZIP_LO.selectFrom(even, odd).add(bias).max(floor);
        FloatVector y1 = ZIP_HI.selectFrom(even, odd).add(bias).max(floor);
        if (full) {
            y0.intoArray(y, row);
            y1.intoArray(y, row + L);
        } else {
            y0.intoArray(y, row, S.indexInRange(0, room));
            y1.intoArray(y, row + L, S.indexInRange(L, room));
        }
    }
}
