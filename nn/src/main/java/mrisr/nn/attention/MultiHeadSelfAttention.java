package mrisr.nn.attention;

import mrisr.engine.Attention;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.Cost;
import mrisr.nn.Linear;
import mrisr.nn.Module;

/**
 * Multi-head self-attention over a token sequence (Vaswani et al.; timm's {@code Attention}):
 * <pre>
 *   [Q | K | V] = x·W_qkvᵀ + b_qkv,   Q, K, V split into h heads of d = C/h features
 *   head_i = softmax(Q_i·K_iᵀ/√d + mask)·V_i,   y = [head_1 | … | head_h]·W_projᵀ + b_proj
 * </pre>
 * through the engine's fused {@link Attention#scaledDotProductAttention}. Children: {@code qkv}
 * ({@code Linear(C, 3C)}, bias optional), {@code proj} ({@code Linear(C, C)}), the names of timm and
 * Swin. Input and output {@code [B, L, C]}; use {@link Tokens} for feature maps. No dropout.
 * PyTorch's default linear initialisation. MACs: {@code 4·B·L·C²} for the projections plus
 * {@code 2·B·L²·C} for the two attention products.
 *
 * <pre>{@code
 * MultiHeadSelfAttention msa = new MultiHeadSelfAttention(64, 4, new Rng(0));
 * Tensor y = Tokens.toMap(msa.forward(Tokens.fromMap(features)), 16, 16);
 * }</pre>
 */
public final class MultiHeadSelfAttention extends Module {
    private final int dim, heads;
    private final Linear qkv, proj;

    /** With a bias on the query/key/value projection. */
    public MultiHeadSelfAttention(int dim, int heads, Rng rng) {
        this(dim, heads, true, rng);
    }

    /**
     * @param dim     token features {@code C}
     * @param heads   {@code h ≥ 1} dividing {@code C}
     * @param qkvBias whether the query/key/value projection has a bias
     * @param rng     draws the default initialisation ({@code qkv} first)
     */
    public MultiHeadSelfAttention(int dim, int heads, boolean qkvBias, Rng rng) {
        Heads.headDim("MultiHeadSelfAttention", dim, heads);
        this.dim = dim;
        this.heads = heads;
        this.qkv = registerModule("qkv", new Linear(dim, 3 * dim, qkvBias, rng));
        this.proj = registerModule("proj", new Linear(dim, dim, rng));
    }

    /** Unmasked self-attention of {@code x [B, L, C]} (not modified). */
    @Override
    public Tensor forward(Tensor x) {
        return forward(x, null);
    }

    /**
     * Self-attention with an additive mask.
     *
     * @param x    tokens {@code [B, L, C]} (not modified)
     * @param mask added to the scores, broadcastable to {@code [B, h, L, L]}, finite or −∞, or null
     *             (not modified, receives no gradient)
     * @return {@code [B, L, C]}
     */
    public Tensor forward(Tensor x, Tensor mask) {
        Heads.checkTokens("MultiHeadSelfAttention", "input", x.shape(), dim);
        Tensor[] qkvHeads = Heads.splitQkv(Tokens.rowwise(qkv, x), heads);
        Tensor out = Attention.scaledDotProductAttention(qkvHeads[0], qkvHeads[1], qkvHeads[2], mask, Double.NaN);
        return Tokens.rowwise(proj, Heads.merge(out));
    }

    public int dim() {
        return dim;
    }

    public int heads() {
        return heads;
    }

    @Override
    public Cost cost(int... in) {
        Heads.checkTokens("MultiHeadSelfAttention", "input", in, dim);
        long tokens = (long) in[0] * in[1];
        long projections = Math.multiplyExact(tokens, 4L * dim * dim);
        long products = Math.multiplyExact(Math.multiplyExact(tokens, 2L * in[1]), dim);
        return new Cost(in, Math.addExact(projections, products));
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim + ", heads=" + heads;
    }
}
