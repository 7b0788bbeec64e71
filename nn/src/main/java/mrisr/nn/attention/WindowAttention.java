package mrisr.nn.attention;

import mrisr.engine.Index;
import mrisr.engine.Norm;
import mrisr.engine.Rng;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.nn.Cost;
import mrisr.nn.Init;
import mrisr.nn.Linear;
import mrisr.nn.Module;
import mrisr.nn.Parameter;

/**
 * Window multi-head self-attention with a learned relative position bias (Swin's
 * {@code WindowAttention}; Video Swin's for 3-D windows): within each window of {@code N = ΠM_d}
 * tokens,
 * <pre>
 *   head_i = softmax(Q_i·K_iᵀ/√d + B_i + mask_w)·V_i,    B_i[a, b] = T[idx(a, b), i]
 * </pre>
 * where {@code T} is the learned table {@code relative_position_bias_table [Π(2M_d − 1), h]},
 * {@code idx} the persistent buffer {@code relative_position_index [N, N]} of
 * {@link Windows#relativePositionIndex} (so that tokens at the same relative offset share a bias),
 * and {@code mask_w} the optional per-window additive mask of shifted windows
 * ({@link Windows#shiftedWindowMask}). Children {@code qkv}, {@code proj} as in
 * {@link MultiHeadSelfAttention}. Parameter and buffer names are Swin's, so its checkpoints load
 * directly. Input and output: windows {@code [B·nW, N, C]} as {@link Windows#partition} makes them.
 *
 * <p>The scores are formed explicitly (two batched matrix products and a softmax) rather than
 * through the fused scaled-dot-product op, because the bias is learned and the fused op gives its
 * additive mask no gradient. No dropout. Initialisation: the table {@code N(0, 0.02²)} (Swin's
 * {@code trunc_normal_(std=.02)}, whose ±2 cut-off lies 100σ out), linear layers PyTorch's
 * default. MACs per window: {@code 4·N·C²} for the projections plus {@code 2·N²·C} for the
 * attention products.
 *
 * <pre>{@code
 * WindowAttention attn = new WindowAttention(96, new int[] {7, 7}, 3, true, new Rng(0));
 * Tensor y = attn.forward(Windows.partition(x, new int[] {7, 7}), null);   // x [B, H, W, 96]
 * }</pre>
 */
public final class WindowAttention extends Module {
    private final int dim, heads;
    private final int[] window;
    private final double scale;
    private final Parameter biasTable;
    private final Tensor relativePositionIndex;
    private final Linear qkv, proj;

    /**
     * @param dim     token features {@code C}
     * @param window  window sizes {@code M_d ≥ 1} (2 for images, 3 for volumes)
     * @param heads   {@code h ≥ 1} dividing {@code C}
     * @param qkvBias whether the query/key/value projection has a bias (Swin: true)
     * @param rng     draws the initialisation (the table, then {@code qkv}, then {@code proj})
     */
    public WindowAttention(int dim, int[] window, int heads, boolean qkvBias, Rng rng) {
        int headDim = Heads.headDim("WindowAttention", dim, heads);
        this.dim = dim;
        this.heads = heads;
        this.window = window.clone();
        this.scale = 1 / Math.sqrt(headDim);
        int tokens = Shape.numel(window);
        this.biasTable = registerParameter("relative_position_bias_table", Tensor.zeros(Windows.tableSize(window), heads));
        Init.normal(biasTable, rng, 0, 0.02);
        int[] index = Windows.relativePositionIndex(window);
        float[] asFloat = new float[index.length];
        for (int i = 0; i < index.length; i++) asFloat[i] = index[i];
        this.relativePositionIndex = registerBuffer("relative_position_index", Tensor.fromArray(asFloat, tokens, tokens));
        this.qkv = registerModule("qkv", new Linear(dim, 3 * dim, qkvBias, rng));
        this.proj = registerModule("proj", new Linear(dim, dim, rng));
    }

    /** Attention within each window without a mask (regular, unshifted windows). */
    @Override
    public Tensor forward(Tensor windows) {
        return forward(windows, null);
    }

    /**
     * Attention within each window.
     *
     * @param windows {@code [B·nW, N, C]}, batch-major (not modified)
     * @param mask    {@code [nW, N, N]} added to the scores of window {@code w} of every batch
     *                entry, or null (not modified, receives no gradient)
     * @return {@code [B·nW, N, C]}
     */
    public Tensor forward(Tensor windows, Tensor mask) {
        int[] s = windows.shape();
        int n = Shape.numel(window);
        if (s.length != 3 || s[1] != n || s[2] != dim) {
            throw new ShapeException("WindowAttention", "windows " + Shape.format(s) + " must be [B·nW, " + n + ", " + dim
                    + "] for window " + Shape.format(window));
        }
        if (mask != null) {
            int[] ms = mask.shape();
            if (ms.length != 3 || ms[1] != n || ms[2] != n || ms[0] < 1 || s[0] % ms[0] != 0) {
                throw new ShapeException("WindowAttention", "mask " + Shape.format(ms) + " must be [nW, " + n + ", " + n
                        + "] with nW dividing the " + s[0] + " windows of " + Shape.format(s));
            }
        }
        Tensor[] qkvHeads = Heads.splitQkv(Tokens.rowwise(qkv, windows), heads);
        Tensor scores = qkvHeads[0].mul(scale).matmul(qkvHeads[1].transpose(2, 3)).add(relativePositionBias());
        if (mask != null) {
            int nw = mask.size(0);
            scores = scores.reshape(s[0] / nw, nw, heads, n, n).add(mask.unsqueeze(1)).reshape(s[0], heads, n, n);
        }
        Tensor out = Norm.softmax(scores, -1).matmul(qkvHeads[2]);
        return Tokens.rowwise(proj, Heads.merge(out));
    }

    /**
     * The bias added to the scores of every window, gathered from the table through the index
     * (differentiable with respect to the table).
     *
     * @return {@code [h, N, N]}
     */
    public Tensor relativePositionBias() {
        int n = Shape.numel(window);
        return Index.indexSelect(biasTable.data(), 0, relativePositionIndex.reshape(-1))
                .reshape(n, n, heads).permute(2, 0, 1);
    }

    /** The learned table {@code [Π(2M_d − 1), h]}. */
    public Parameter relativePositionBiasTable() {
        return biasTable;
    }

    public int dim() {
        return dim;
    }

    public int heads() {
        return heads;
    }

    public int[] windowSize() {
        return window.clone();
    }

    /** Cost for windows {@code [B·nW, N, C]}. */
    @Override
    public Cost cost(int... in) {
        int n = Shape.numel(window);
        if (in.length != 3 || in[1] != n || in[2] != dim) {
            throw new ShapeException("WindowAttention", "windows " + Shape.format(in) + " must be [B·nW, " + n + ", " + dim + "]");
        }
        long tokens = (long) in[0] * n;
        long projections = Math.multiplyExact(tokens, 4L * dim * dim);
        long products = Math.multiplyExact(Math.multiplyExact(tokens, 2L * n), dim);
        return new Cost(in, Math.addExact(projections, products));
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim + ", window_size=" + Shape.format(window) + ", heads=" + heads;
    }
}
