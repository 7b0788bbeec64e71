package mrisr.kernels;

import java.util.List;
import mrisr.kernels.reference.ConvReference;
import mrisr.kernels.reference.SlidingWindow;

/**
 * Fast convolution kernels (Vector API) over 1 to 3 spatial axes, with the semantics, layouts and
 * arguments of their scalar twins in {@link ConvReference}: forward, backward data (also the
 * transposed convolution) and backward weight of a grouped, strided, padded, dilated
 * cross-correlation
 * <pre>
 *   y[n,o,p] = bias[o] + Σ_{c<C/groups} Σ_k w[o,c,k] · x[n, g·C/groups + c, p·stride − padding + k·dilation]
 * </pre>
 * with optional ReLU fused into the output pass of forward and backward data.
 *
 * <p>Each pass is lowered to a GEMM with the output channels as rows ({@link ConvLowering}); backward
 * data is split by stride residue so that each class is a dense stride-1 correlation of {@code gy}.
 * {@link #plan} picks the algorithm per shape:
 * <ul>
 * <li>{@link Algorithm#WINOGRAD} (all three passes): stride-1, undilated 3×3 or 3×3×3 (1×3×3)
 * kernels with at least 16 channels per group on both sides and rows of at least 12 output tiles
 * ({@link ConvWinograd}: 64 instead of 216 multiplications per tile and channel pair; the 32 → 32 and
 * 64 → 64 layers of the SR networks, forward 1.6–2× faster than {@code DIRECT} here).</li>
 * <li>{@link Algorithm#POINTWISE_GEMM}: a 1×1×1 kernel with stride 1 and no padding is a plain GEMM
 * over the flattened volume, run by the direct kernel along one long row (measured faster than
 * packing B panels, and than {@link Sgemm}, which packs all of B first).</li>
 * <li>{@link Algorithm#DIRECT}: when the target rows are wide (at least 3/4 of the
 * {@code 2·lanes}-wide vector tiles along a row are useful): the kernel loads whole vectors straight
 * from a zero-padded copy of the source, vectorised along the width, broadcasting each weight into
 * 8 output channels. It serves the narrow-input first layer (1 → 32 channels, a 27-long reduction
 * that a panel would re-pack for every tile) and, as measured here, wide channels too: on 32³
 * volumes it ran 3×3×3 layers 32 → 32 and 64 → 64 at 150–175 GFLOP/s per core against 80 and 120
 * for the packed path (whose patch copies cost a large share of the tiles' arithmetic), so the
 * channel count does not enter the choice.</li>
 * <li>{@link Algorithm#IMPLICIT_GEMM}: otherwise (narrow rows, e.g. 8³ volumes): the patches of a
 * block of 256 targets are packed per K block of 256 into {@code 2·lanes}-wide tiles and the same
 * micro-kernel runs along the flattened block, so short rows waste no vector lanes.</li>
 * </ul>
 * Backward weight runs {@code WINOGRAD} ({@link ConvWinogradWeight}) for those layers with at least
 * 64 channels per group on both sides, else {@link Algorithm#OUTER_PRODUCT} when a group has at least
 * one vector of output channels and at least 96 reduction rows ({@link ConvWeightOuter}: vectorised
 * along the channels, {@code gy} transposed a block at a time); otherwise (the 1 → 32 first layer, the
 * 32 → 1 last one) a 4 × 4 dot-product kernel reduces along the targets over rows of {@code gy} and
 * of the (padded) input: {@code DIRECT} when rows are at least one vector long with a short tail,
 * else {@code IMPLICIT_GEMM} over packed panels of flattened targets.
 *
 * <p>Memory: {@code DIRECT} allocates one zero-padded copy of its source (about the input's size;
 * {@code gy}'s for backward data) per call, {@code WINOGRAD} one padded, parity-split copy (same size),
 * the transformed weights (64/27 of the weight's size) and about {@code 2048·C} floats of block scratch
 * per worker (C input channels per group; a quarter in 2-D), {@code IMPLICIT_GEMM} one 256 × 256 panel per worker,
 * {@code OUTER_PRODUCT} a padded copy of {@code x} and about 4 MiB of transposed {@code gy}, the
 * Winograd weight gradient channels-last copies of {@code x} and {@code gy} and 8 × points × O × C
 * floats of accumulators;
 * no full im2col is ever built.
 *
 * <p>Results are bit-identical for any thread count: work is cut into tasks fixed by the shape and
 * every output element (weight-gradient element) is summed by one task in a fixed order. They agree
 * with the double-accumulating twins to float rounding: relative error about
 * {@code 1e-6·√K} of {@code Σ|terms|}. {@code -Dmrisr.kernels=scalar} routes every call to the twin.
 *
 * <pre>{@code
 * SlidingWindow win = SlidingWindow.of(new int[] {64, 64, 64}, new int[] {3, 3, 3}, new int[] {64, 64, 64},
 *         new int[] {1, 1, 1}, new int[] {1, 1, 1}, new int[] {1, 1, 1});
 * FastConv.forward(1, 32, 32, 1, win, x, 0, w, 0, bias, 0, true, y, 0); // conv + bias + ReLU
 * }</pre>
 */
public final class FastConv {
    /** The three passes of a convolution. */
    public enum Pass { FORWARD, BACKWARD_DATA, BACKWARD_WEIGHT }

    /** The kernel family a pass runs on (see the class comment for the heuristic). */
    public enum Algorithm {
        /** Vector kernel reading a zero-padded copy of the source along the width, no packing. */
        DIRECT,
        /** Implicit GEMM: patches of a block of targets packed into panels on the fly. */
        IMPLICIT_GEMM,
        /** 1×1×1, stride 1, no padding: a plain GEMM over the flattened volume. */
        POINTWISE_GEMM,
        /**
         * Backward weight only: an outer-product GEMM vectorised along the output channels
         * ({@link ConvWeightOuter}), for layers with at least one vector of output channels per group.
         */
        OUTER_PRODUCT,
        /**
         * Winograd F(2, 3) per kernel axis ({@link ConvWinograd}; {@link ConvWinogradWeight} for the
         * weight gradient) for stride-1 3×3 and 3×3×3 layers with at least 16 channels per group on
         * both sides.
         */
        WINOGRAD,
        /** The scalar twin in {@link ConvReference}, forced by {@code -Dmrisr.kernels=scalar}. */
        SCALAR
    }

    private static volatile String lastChoice = "none";

    private FastConv() {}

    /**
     * The algorithm {@link #forward}, {@link #backwardData} or {@link #backwardWeight} uses for this
     * shape (arguments as there).
     */
    public static Algorithm plan(Pass pass, int batch, int inChannels, int outChannels, int groups,
            SlidingWindow win) {
        if (KernelInfo.scalarForced()) return Algorithm.SCALAR;
        if (pointwise(win)) return Algorithm.POINTWISE_GEMM;
        int cPerGroup = inChannels / Math.max(1, groups), oPerGroup = outChannels / Math.max(1, groups);
        return switch (pass) {
            case FORWARD -> ConvWinograd.applies(win, cPerGroup, oPerGroup, false) ? Algorithm.WINOGRAD
                    : wideRows(win.outWidth) ? Algorithm.DIRECT : Algorithm.IMPLICIT_GEMM;
            case BACKWARD_DATA -> ConvWinograd.applies(win, cPerGroup, oPerGroup, true) ? Algorithm.WINOGRAD
                    : wideRows(Math.ceilDiv(win.inWidth, win.strideWidth)) ? Algorithm.DIRECT
                    : Algorithm.IMPLICIT_GEMM;
            case BACKWARD_WEIGHT -> {
                if (ConvWinogradWeight.applies(win, cPerGroup, oPerGroup)) yield Algorithm.WINOGRAD;
                if (ConvWeightOuter.applies(oPerGroup, cPerGroup * win.kernelVolume())) {
                    yield Algorithm.OUTER_PRODUCT;
                }
                int rowLen = win.outWidth, tail = rowLen % ConvWeightGrad.L;
                yield rowLen >= ConvWeightGrad.L && 4 * tail <= rowLen ? Algorithm.DIRECT : Algorithm.IMPLICIT_GEMM;
            }
        };
    }

    /** Whether vector tiles along a row of {@code rowLen} targets are at least 3/4 useful. */
    private static boolean wideRows(int rowLen) {
        int tiles = Math.ceilDiv(rowLen, ConvGemm.NR);
        return 4L * rowLen >= 3L * tiles * ConvGemm.NR;
    }

    private static boolean pointwise(SlidingWindow win) {
        return win.kernelDepth == 1 && win.kernelHeight == 1 && win.kernelWidth == 1 && win.strideDepth == 1
                && win.strideHeight == 1 && win.strideWidth == 1 && win.paddingDepth == 0 && win.paddingHeight == 0
                && win.paddingWidth == 0 && win.inDepth == win.outDepth && win.inHeight == win.outHeight
                && win.inWidth == win.outWidth;
    }

    /**
     * The last pass and algorithm run by any thread, e.g. {@code "forward DIRECT"}, for op profiles.
     */
    public static String lastChoice() {
        return lastChoice;
    }

    /**
     * Forward convolution {@code y = relu?(conv(x, w) + bias)}; arguments as
     * {@link ConvReference#forward}.
     *
     * @param x    input {@code [N, C, in…]} from {@code xOff} (not modified)
     * @param w    weight {@code [O, C/groups, k…]} from {@code wOff} (not modified)
     * @param bias {@code O} values from {@code biasOff}, or null (not modified)
     * @param relu whether to apply {@code max(·, 0)} to the result
     * @param y    output {@code [N, O, out…]} from {@code yOff} (modified)
     */
    public static void forward(int batch, int inChannels, int outChannels, int groups, SlidingWindow win, float[] x,
            int xOff, float[] w, int wOff, float[] bias, int biasOff, boolean relu, float[] y, int yOff) {
        forward(plan(Pass.FORWARD, batch, inChannels, outChannels, groups, win), batch, inChannels, outChannels,
                groups, win, x, xOff, w, wOff, bias, biasOff, relu, y, yOff);
    }

    /** {@link #forward} with the algorithm given (tests run every algorithm on every shape). */
    static void forward(Algorithm alg, int batch, int inChannels, int outChannels, int groups, SlidingWindow win,
            float[] x, int xOff, float[] w, int wOff, float[] bias, int biasOff, boolean relu, float[] y, int yOff) {
        requireApplicable(alg, Pass.FORWARD, win, inChannels / groups, outChannels / groups);
        lastChoice = "forward " + alg;
        int count = batch * outChannels * win.outVolume();
        if (count == 0) return;
        if (alg == Algorithm.SCALAR) {
            ConvReference.forward(batch, inChannels, outChannels, groups, win, x, xOff, w, wOff, bias, biasOff, y, yOff);
            if (relu) relu(y, yOff, count);
            return;
        }
        if (alg == Algorithm.WINOGRAD) {
            ConvWinograd.forward(batch, inChannels, outChannels, groups, win, x, xOff, w, wOff, bias, biasOff, relu,
                    y, yOff);
            return;
        }
        int cPerGroup = inChannels / groups, oPerGroup = outChannels / groups;
        ConvLowering l = alg == Algorithm.POINTWISE_GEMM ? ConvLowering.pointwise(win.outVolume(), cPerGroup)
                : ConvLowering.forward(win, cPerGroup);
        float[][][] a = new float[1][groups][];
        for (int g = 0; g < groups; g++) {
            a[0][g] = ConvGemm.packWeights(l, false, g, oPerGroup, w, wOff, cPerGroup, win.kernelHeight,
                    win.kernelWidth, win.kernelVolume());
        }
        ConvGemm.run(alg == Algorithm.IMPLICIT_GEMM, batch, groups, oPerGroup, inChannels, List.of(l), a, x, xOff, bias,
                biasOff, relu, y, yOff, win.outVolume());
    }

    /**
     * The adjoint of {@link #forward} in {@code x} plus bias (and ReLU): the input gradient, or the
     * transposed convolution of {@code gy}; arguments as {@link ConvReference#backwardData}.
     *
     * @param gy   {@code [N, O, out…]} from {@code gyOff} (not modified)
     * @param w    weight {@code [O, C/groups, k…]} from {@code wOff} (not modified)
     * @param bias {@code C} values from {@code biasOff}, or null (not modified)
     * @param relu whether to apply {@code max(·, 0)} to the result
     * @param gx   result {@code [N, C, in…]} from {@code gxOff} (modified)
     */
    public static void backwardData(int batch, int inChannels, int outChannels, int groups, SlidingWindow win,
            float[] gy, int gyOff, float[] w, int wOff, float[] bias, int biasOff, boolean relu, float[] gx, int gxOff) {
        backwardData(plan(Pass.BACKWARD_DATA, batch, inChannels, outChannels, groups, win), batch, inChannels,
                outChannels, groups, win, gy, gyOff, w, wOff, bias, biasOff, relu, gx, gxOff);
    }

    /** {@link #backwardData} with the algorithm given. */
    static void backwardData(Algorithm alg, int batch, int inChannels, int outChannels, int groups, SlidingWindow win,
            float[] gy, int gyOff, float[] w, int wOff, float[] bias, int biasOff, boolean relu, float[] gx, int gxOff) {
        requireApplicable(alg, Pass.BACKWARD_DATA, win, inChannels / groups, outChannels / groups);
        lastChoice = "backwardData " + alg;
        int count = batch * inChannels * win.inVolume();
        if (count == 0) return;
        if (alg == Algorithm.SCALAR) {
            ConvReference.backwardData(batch, inChannels, outChannels, groups, win, gy, gyOff, w, wOff, bias, biasOff,
                    gx, gxOff);
            if (relu) relu(gx, gxOff, count);
            return;
        }
        if (alg == Algorithm.WINOGRAD) {
            ConvWinograd.backwardData(batch, inChannels, outChannels, groups, win, gy, gyOff, w, wOff, bias, biasOff,
                    relu, gx, gxOff);
            return;
        }
        int cPerGroup = inChannels / groups, oPerGroup = outChannels / groups;
        List<ConvLowering> lowerings = alg == Algorithm.POINTWISE_GEMM
                ? List.of(ConvLowering.pointwise(win.inVolume(), oPerGroup))
                : ConvLowering.backwardData(win, oPerGroup);
        float[][][] a = new float[lowerings.size()][groups][];
        for (int li = 0; li < lowerings.size(); li++) {
            for (int g = 0; g < groups; g++) {
                a[li][g] = ConvGemm.packWeights(lowerings.get(li), true, g, cPerGroup, w, wOff, cPerGroup,
                        win.kernelHeight, win.kernelWidth, win.kernelVolume());
            }
        }
        ConvGemm.run(alg == Algorithm.IMPLICIT_GEMM, batch, groups, cPerGroup, outChannels, lowerings, a, gy, gyOff, bias,
                biasOff, relu, gx, gxOff, win.inVolume());
    }

    /**
     * The adjoint of {@link #forward} in {@code w}; arguments as {@link ConvReference#backwardWeight}.
     *
     * @param x  forward input {@code [N, C, in…]} from {@code xOff} (not modified)
     * @param gy output gradient {@code [N, O, out…]} from {@code gyOff} (not modified)
     * @param gw weight gradient {@code [O, C/groups, k…]} from {@code gwOff} (modified: every element written)
     */
    public static void backwardWeight(int batch, int inChannels, int outChannels, int groups, SlidingWindow win,
            float[] x, int xOff, float[] gy, int gyOff, float[] gw, int gwOff) {
        backwardWeight(plan(Pass.BACKWARD_WEIGHT, batch, inChannels, outChannels, groups, win), batch, inChannels,
                outChannels, groups, win, x, xOff, gy, gyOff, gw, gwOff);
    }

    /** {@link #backwardWeight} with the algorithm given. */
    static void backwardWeight(Algorithm alg, int batch, int inChannels, int outChannels, int groups,
            SlidingWindow win, float[] x, int xOff, float[] gy, int gyOff, float[] gw, int gwOff) {
        requireApplicable(alg, Pass.BACKWARD_WEIGHT, win, inChannels / groups, outChannels / groups);
        lastChoice = "backwardWeight " + alg;
        if (outChannels == 0 || inChannels == 0) return;
        if (alg == Algorithm.SCALAR) {
            ConvReference.backwardWeight(batch, inChannels, outChannels, groups, win, x, xOff, gy, gyOff, gw, gwOff);
            return;
        }
        if (alg == Algorithm.WINOGRAD) {
            ConvWinogradWeight.run(batch, inChannels, outChannels, groups, win, x, xOff, gy, gyOff, gw, gwOff);
            return;
        }
        int cPerGroup = inChannels / groups;
        if (alg == Algorithm.OUTER_PRODUCT) {
            ConvWeightOuter.run(batch, inChannels, outChannels, groups, ConvLowering.forward(win, cPerGroup),
                    win.kernelHeight, win.kernelWidth, win.kernelVolume(), x, xOff, gy, gyOff, gw, gwOff);
            return;
        }
        ConvLowering l = alg == Algorithm.POINTWISE_GEMM ? ConvLowering.pointwise(win.outVolume(), cPerGroup)
                : ConvLowering.forward(win, cPerGroup);
        ConvWeightGrad.run(alg == Algorithm.IMPLICIT_GEMM, batch, inChannels, outChannels, groups, l, win.kernelHeight,
                win.kernelWidth, win.kernelVolume(), x, xOff, gy, gyOff, gw, gwOff);
    }

    private static void requireApplicable(Algorithm alg, Pass pass, SlidingWindow win, int cPerGroup,
            int oPerGroup) {
        if (alg == Algorithm.OUTER_PRODUCT && pass != Pass.BACKWARD_WEIGHT) {
            throw new IllegalArgumentException("OUTER_PRODUCT computes weight gradients only");
        }
        if (alg == Algorithm.WINOGRAD && !ConvWinograd.applies(win, cPerGroup, oPerGroup, pass == Pass.BACKWARD_DATA)) {
            throw new IllegalArgumentException("WINOGRAD runs stride-1 undilated 3x3 (3x3x3, 1x3x3) kernels with >= "
                    + ConvWinograd.MIN_CHANNELS + " channels per group and rows of >= 12 tiles; " + pass
                    + " of this shape is not one");
        }
        if (alg == Algorithm.POINTWISE_GEMM && !pointwise(win)) {
            throw new IllegalArgumentException("POINTWISE_GEMM needs a 1x1x1 kernel, stride 1 and no padding");
        }
    }

    private static void relu(float[] v, int off, int count) {
        for (int i = off; i < off + count; i++) v[i] = Math.max(v[i], 0f);
    }
}
