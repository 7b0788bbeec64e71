package mrisr.nn.attention;

import java.util.Arrays;
import mrisr.engine.Index;
import mrisr.engine.Rng;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.nn.Cost;
import mrisr.nn.LayerNorm;
import mrisr.nn.Module;

/**
 * A Swin transformer block (Liu et al. 2021; SwinIR's building block; Video Swin's for volumes) on
 * a feature map with {@code r} = 2 or 3 spatial axes:
 * <pre>
 *   z = x + unshift(merge(W-MSA(partition(shift(pad(LN₁(x)))), mask)))     (W-MSA, or SW-MSA when shifted)
 *   y = z + MLP(LN₂(z)),    MLP = fc2 ∘ GELU ∘ fc1,  hidden = mlpRatio·C
 * </pre>
 * {@code partition} cuts the map into windows of {@code M} ({@link Windows#partition}); with a shift
 * {@code s > 0} the normalised map is first rolled by {@code −s} ({@link Windows#roll}) and the
 * windows that straddle the wrap-around are masked with Swin's mask
 * ({@link Windows#shiftedWindowMask}, cached per map size), then rolled back; the attention is
 * {@link WindowAttention} with its relative position bias. Consecutive blocks alternate
 * {@code s = 0} and {@code s = M/2}.
 *
 * <p>Sizes that are not multiples of the window are padded with zeros at the high end after
 * {@code LN₁} and cropped after the attention, as in Swin's detection and Video Swin code (the
 * padded tokens take part in the attention as zero vectors; the mask covers the padded map). The
 * original classification code instead shrinks the window to the map when the map is smaller; here
 * the window is fixed at construction, so one block handles every input size.
 *
 * <p>Children (Swin's names, so checkpoints load): {@code norm1}, {@code attn} (with
 * {@code relative_position_bias_table}, {@code relative_position_index}, {@code qkv}, {@code proj}),
 * {@code norm2}, {@code mlp} ({@code fc1}, {@code fc2}). Swin's {@code attn_mask} buffer, which fixes
 * the input resolution, is not kept: the mask is computed from the input. No dropout or stochastic
 * depth. Input and output {@code [N, C, S₁, …, S_r]} ({@link #forward}) or channels-last
 * {@code [N, S₁, …, S_r, C]} ({@link #forwardChannelsLast}, which avoids two transposes per block
 * in a stack). MACs: both layer norms' affine step, the window attention on the padded map, the
 * MLP.
 *
 * <pre>{@code
 * Rng rng = new Rng(0);
 * Module stage = new Sequential(new SwinTransformerBlock(2, 60, 6, 8, 0, rng),
 *         new SwinTransformerBlock(2, 60, 6, 8, 4, rng));     // SwinIR: C = 60, 6 heads, M = 8
 * Tensor y = stage.forward(features);                         // [N, 60, H, W]
 * }</pre>
 */
public final class SwinTransformerBlock extends Module {
    private final int dim;
    private final int[] window, shift;
    private final LayerNorm norm1, norm2;
    private final WindowAttention attn;
    private final Mlp mlp;
    private int[] maskSize;
    private Tensor mask;

    /**
     * Cubic (square) windows, MLP ratio 4, a bias on the query/key/value projection (Swin's defaults).
     *
     * @param spatialDims 2 for images, 3 for volumes
     * @param windowSize  {@code M ≥ 1} on every axis
     * @param shiftSize   {@code s} in {@code [0, M)} on every axis (0: W-MSA; usually {@code M/2}: SW-MSA)
     */
    public SwinTransformerBlock(int spatialDims, int dim, int heads, int windowSize, int shiftSize, Rng rng) {
        this(dim, heads, filled(spatialDims, windowSize), filled(spatialDims, shiftSize), 4.0, true, rng);
    }

    /**
     * @param dim      channels {@code C}
     * @param heads    attention heads, dividing {@code C}
     * @param window   window sizes {@code M_d ≥ 1}, 2 or 3 of them (this sets the map's rank)
     * @param shift    shifts {@code s_d} in {@code [0, M_d)}, one per axis
     * @param mlpRatio hidden width of the MLP over {@code C} ({@code round(C·mlpRatio) ≥ 1}; Swin: 4)
     * @param qkvBias  whether the query/key/value projection has a bias (Swin: true)
     * @param rng      draws the initialisation (attention, then MLP)
     */
    public SwinTransformerBlock(int dim, int heads, int[] window, int[] shift, double mlpRatio, boolean qkvBias, Rng rng) {
        if (window.length != 2 && window.length != 3) {
            throw new IllegalArgumentException("SwinTransformerBlock: window " + Shape.format(window) + " must have 2 or 3 axes");
        }
        if (shift.length != window.length) {
            throw new IllegalArgumentException("SwinTransformerBlock: shift " + Shape.format(shift) + " needs one value per window axis "
                    + Shape.format(window));
        }
        for (int d = 0; d < window.length; d++) {
            if (window[d] < 1 || shift[d] < 0 || shift[d] >= window[d]) {
                throw new IllegalArgumentException("SwinTransformerBlock: shift " + Shape.format(shift) + " must lie in [0, window) for window "
                        + Shape.format(window));
            }
        }
        long hidden = Math.round(dim * mlpRatio);
        if (!(mlpRatio > 0) || hidden < 1 || hidden > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("SwinTransformerBlock: MLP ratio " + mlpRatio + " gives hidden width " + hidden);
        }
        this.dim = dim;
        this.window = window.clone();
        this.shift = shift.clone();
        this.norm1 = registerModule("norm1", new LayerNorm(dim));
        this.attn = registerModule("attn", new WindowAttention(dim, window, heads, qkvBias, rng));
        this.norm2 = registerModule("norm2", new LayerNorm(dim));
        this.mlp = registerModule("mlp", new Mlp(dim, (int) hidden, dim, rng));
    }

    private static int[] filled(int n, int v) {
        if (n != 2 && n != 3) throw new IllegalArgumentException("SwinTransformerBlock: spatial dimensions must be 2 or 3, got " + n);
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }

    /**
     * The block on a channels-first map.
     *
     * @param x {@code [N, C, S₁, …, S_r]} (not modified)
     * @return {@code [N, C, S₁, …, S_r]}
     */
    @Override
    public Tensor forward(Tensor x) {
        int r = window.length;
        checkChannelsFirst(x.shape());
        int[] toLast = new int[r + 2], toFirst = new int[r + 2];
        for (int d = 0; d < r; d++) {
            toLast[1 + d] = 2 + d;
            toFirst[2 + d] = 1 + d;
        }
        toLast[r + 1] = 1;
        toFirst[1] = r + 1;
        return forwardChannelsLast(x.permute(toLast)).permute(toFirst);
    }

    /**
     * The block on a channels-last map.
     *
     * @param x {@code [N, S₁, …, S_r, C]} (not modified)
     * @return {@code [N, S₁, …, S_r, C]}
     */
    public Tensor forwardChannelsLast(Tensor x) {
        int r = window.length;
        int[] s = x.shape();
        if (s.length != r + 2 || s[r + 1] != dim) {
            throw new ShapeException("SwinTransformerBlock", "input " + Shape.format(s) + " must be " + (r + 2)
                    + "-d channels-last [N, spatial…, " + dim + "]");
        }
        int[] size = Arrays.copyOfRange(s, 1, r + 1), padded = paddedSize(size);
        int[] axes = new int[r], back = new int[r], forth = new int[r];
        boolean shifted = false;
        for (int d = 0; d < r; d++) {
            axes[d] = 1 + d;
            back[d] = -shift[d];
            forth[d] = shift[d];
            shifted |= shift[d] != 0;
        }
        Tensor h = norm1.forward(x);
        boolean pads = !Arrays.equals(size, padded);
        if (pads) {
            int[] amounts = new int[2 * (r + 1)];   // F.pad order: channels (0, 0), then the last spatial axis first
            for (int d = 0; d < r; d++) amounts[2 * (r - d) + 1] = padded[d] - size[d];
            h = Index.pad(h, amounts);
        }
        if (shifted) h = Windows.roll(h, back, axes);
        h = Windows.merge(attn.forward(Windows.partition(h, window), shifted ? maskFor(padded) : null), window, padded);
        if (shifted) h = Windows.roll(h, forth, axes);
        if (pads) {
            for (int d = 0; d < r; d++) h = h.narrow(1 + d, 0, size[d]);
        }
        Tensor z = x.add(h);
        return z.add(mlp.forward(norm2.forward(z)));
    }

    private int[] paddedSize(int[] size) {
        int[] p = new int[size.length];
        for (int d = 0; d < size.length; d++) {
            if (size[d] < 1) throw new ShapeException("SwinTransformerBlock", "spatial size " + Shape.format(size) + " has an empty axis");
            p[d] = Math.multiplyExact(Math.ceilDiv(size[d], window[d]), window[d]);
        }
        return p;
    }

    private Tensor maskFor(int[] padded) {
        if (!Arrays.equals(padded, maskSize)) {
            mask = Windows.shiftedWindowMask(padded, window, shift);
            maskSize = padded.clone();
        }
        return mask;
    }

    private void checkChannelsFirst(int[] s) {
        int r = window.length;
        if (s.length != r + 2 || s[1] != dim) {
            throw new ShapeException("SwinTransformerBlock", "input " + Shape.format(s) + " must be " + (r + 2) + "-d [N, " + dim
                    + ", spatial…]");
        }
    }

    public WindowAttention attention() {
        return attn;
    }

    public Mlp mlp() {
        return mlp;
    }

    public int[] windowSize() {
        return window.clone();
    }

    public int[] shiftSize() {
        return shift.clone();
    }

    /** Cost for a channels-first input {@code [N, C, S…]}. */
    @Override
    public Cost cost(int... in) {
        checkChannelsFirst(in);
        int r = window.length;
        int[] size = Arrays.copyOfRange(in, 2, r + 2), padded = paddedSize(size);
        long elements = Shape.numelLong(in);
        long windows = (long) in[0] * Shape.numelLong(padded) / Shape.numelLong(window);
        long attention = attn.cost(Math.toIntExact(windows), Shape.numel(window), dim).macs();
        long mlpMacs = mlp.cost(Math.toIntExact(elements / dim), dim).macs();
        return new Cost(in, Math.addExact(Math.addExact(2 * elements, attention), mlpMacs));
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim + ", window_size=" + Shape.format(window) + ", shift_size=" + Shape.format(shift);
    }
}
