package mrisr.nn.attention;

import mrisr.engine.Attention;
import mrisr.engine.Rng;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.nn.Cost;
import mrisr.nn.Linear;
import mrisr.nn.Module;

/**
 * Multi-head cross-attention: queries from one feature stream, keys and values from another (for
 * example T2-weighted features querying T1-weighted ones in multi-contrast super-resolution):
 * <pre>
 *   Q = x·W_qᵀ + b_q,   K = c·W_kᵀ + b_k,   V = c·W_vᵀ + b_v,   split into h heads of d = C/h
 *   head_i = softmax(Q_i·K_iᵀ/√d + mask)·V_i,   y = [head_1 | … | head_h]·W_projᵀ + b_proj
 * </pre>
 * with {@code x [B, L, C]} and context {@code c [B, S, C_c]}; the streams may differ in length and
 * width. Uses the engine's fused {@link Attention#scaledDotProductAttention}. Children: {@code q}
 * ({@code C → C}), {@code k}, {@code v} ({@code C_c → C}; these three with bias unless
 * {@code qkvBias} is false), {@code proj} ({@code C → C}). No dropout. PyTorch's default linear
 * initialisation. Output {@code [B, L, C]}. MACs: {@code B·L·2C² + B·S·2·C_c·C} for the projections
 * plus {@code 2·B·L·S·C} for the attention products.
 *
 * <pre>{@code
 * CrossAttention fuse = new CrossAttention(64, 32, 4, true, new Rng(0));
 * Tensor y = fuse.forward(Tokens.fromMap(t2Features), Tokens.fromMap(t1Features));   // [N, H·W, 64]
 * }</pre>
 */
public final class CrossAttention extends Module {
    private final int dim, contextDim, heads;
    private final Linear q, k, v, proj;

    /**
     * @param dim        query stream features {@code C} (also the output width)
     * @param contextDim context stream features {@code C_c}
     * @param heads      {@code h ≥ 1} dividing {@code C}
     * @param qkvBias    whether the query, key and value projections have a bias
     * @param rng        draws the default initialisation ({@code q, k, v, proj} in that order)
     */
    public CrossAttention(int dim, int contextDim, int heads, boolean qkvBias, Rng rng) {
        Heads.headDim("CrossAttention", dim, heads);
        if (contextDim < 1) throw new IllegalArgumentException("CrossAttention: context dimension must be >= 1, got " + contextDim);
        this.dim = dim;
        this.contextDim = contextDim;
        this.heads = heads;
        this.q = registerModule("q", new Linear(dim, dim, qkvBias, rng));
        this.k = registerModule("k", new Linear(contextDim, dim, qkvBias, rng));
        this.v = registerModule("v", new Linear(contextDim, dim, qkvBias, rng));
        this.proj = registerModule("proj", new Linear(dim, dim, rng));
    }

    /**
     * Self-attention: {@code x} is its own context (needs {@code C_c = C}).
     *
     * @param x {@code [B, L, C]} (not modified)
     */
    @Override
    public Tensor forward(Tensor x) {
        return forward(x, x, null);
    }

    /**
     * @param x       queries' stream {@code [B, L, C]} (not modified)
     * @param context keys' and values' stream {@code [B, S, C_c]} (not modified)
     * @return {@code [B, L, C]}
     */
    public Tensor forward(Tensor x, Tensor context) {
        return forward(x, context, null);
    }

    /**
     * @param x       queries' stream {@code [B, L, C]} (not modified)
     * @param context keys' and values' stream {@code [B, S, C_c]} (not modified)
     * @param mask    added to the scores, broadcastable to {@code [B, h, L, S]}, finite or −∞, or
     *                null (not modified, receives no gradient)
     * @return {@code [B, L, C]}
     */
    public Tensor forward(Tensor x, Tensor context, Tensor mask) {
        check(x.shape(), context.shape());
        Tensor out = Attention.scaledDotProductAttention(Heads.split(Tokens.rowwise(q, x), heads),
                Heads.split(Tokens.rowwise(k, context), heads), Heads.split(Tokens.rowwise(v, context), heads), mask,
                Double.NaN);
        return Tokens.rowwise(proj, Heads.merge(out));
    }

    private void check(int[] x, int[] c) {
        Heads.checkTokens("CrossAttention", "queries", x, dim);
        Heads.checkTokens("CrossAttention", "context", c, contextDim);
        if (x[0] != c[0]) {
            throw new ShapeException("CrossAttention", "queries " + Shape.format(x) + " and context " + Shape.format(c)
                    + " have different batch sizes");
        }
    }

    public int dim() {
        return dim;
    }

    public int contextDim() {
        return contextDim;
    }

    public int heads() {
        return heads;
    }

    /** Cost of self-attention on {@code [B, L, C]} (context = input). */
    @Override
    public Cost cost(int... in) {
        return cost(in, in);
    }

    /** Cost for queries {@code [B, L, C]} and context {@code [B, S, C_c]}. */
    public Cost cost(int[] x, int[] context) {
        check(x, context);
        long queries = (long) x[0] * x[1], keys = (long) context[0] * context[1];
        long projections = Math.addExact(Math.multiplyExact(queries, 2L * dim * dim),
                Math.multiplyExact(keys, 2L * contextDim * dim));
        long products = Math.multiplyExact(Math.multiplyExact(queries, 2L * context[1]), dim);
        return new Cost(x, Math.addExact(projections, products));
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim + ", context_dim=" + contextDim + ", heads=" + heads;
    }
}
