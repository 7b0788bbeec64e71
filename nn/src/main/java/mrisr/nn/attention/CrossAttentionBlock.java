package mrisr.nn.attention;

import mrisr.engine.Rng;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.nn.Cost;
import mrisr.nn.LayerNorm;
import mrisr.nn.Module;

/**
 * A pre-norm transformer block that fuses a context stream into a query stream:
 * <pre>
 *   z = x + CrossAttention(LN₁(x), LN_c(c))
 *   y = z + MLP(LN₂(z)),    MLP = fc2 ∘ GELU ∘ fc1,  hidden = mlpRatio·C
 * </pre>
 * Tokens {@code x [B, L, C]} and {@code c [B, S, C_c]}, output {@code [B, L, C]}; {@link #forwardMaps}
 * takes channels-first maps of any rank (the two streams may have different sizes, as when a
 * high-resolution reference contrast guides a low-resolution one). Children: {@code norm1},
 * {@code norm_context}, {@code attn} ({@link CrossAttention}), {@code norm2}, {@code mlp}
 * ({@link Mlp}). No dropout. MACs: the norms' affine steps, the attention and the MLP.
 *
 * <pre>{@code
 * CrossAttentionBlock fuse = new CrossAttentionBlock(32, 16, 4, 2.0, new Rng(0));
 * Tensor t2 = fuse.forwardMaps(t2Features, t1Features);     // [N, 32, D, H, W] guided by [N, 16, D', H', W']
 * }</pre>
 */
public final class CrossAttentionBlock extends Module {
    private final int dim, contextDim;
    private final LayerNorm norm1, normContext, norm2;
    private final CrossAttention attn;
    private final Mlp mlp;

    /**
     * @param dim        query stream channels {@code C}
     * @param contextDim context stream channels {@code C_c}
     * @param heads      attention heads, dividing {@code C}
     * @param mlpRatio   hidden width of the MLP over {@code C} ({@code round(C·mlpRatio) ≥ 1})
     * @param rng        draws the initialisation (attention, then MLP)
     */
    public CrossAttentionBlock(int dim, int contextDim, int heads, double mlpRatio, Rng rng) {
        long hidden = Math.round(dim * mlpRatio);
        if (!(mlpRatio > 0) || hidden < 1 || hidden > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("CrossAttentionBlock: MLP ratio " + mlpRatio + " gives hidden width " + hidden);
        }
        this.dim = dim;
        this.contextDim = contextDim;
        this.norm1 = registerModule("norm1", new LayerNorm(dim));
        this.normContext = registerModule("norm_context", new LayerNorm(contextDim));
        this.attn = registerModule("attn", new CrossAttention(dim, contextDim, heads, true, rng));
        this.norm2 = registerModule("norm2", new LayerNorm(dim));
        this.mlp = registerModule("mlp", new Mlp(dim, (int) hidden, dim, rng));
    }

    /** The block with {@code x [B, L, C]} as its own context (needs {@code C_c = C}); not modified. */
    @Override
    public Tensor forward(Tensor x) {
        return forward(x, x);
    }

    /**
     * @param x       query tokens {@code [B, L, C]} (not modified)
     * @param context context tokens {@code [B, S, C_c]} (not modified)
     * @return {@code [B, L, C]}
     */
    public Tensor forward(Tensor x, Tensor context) {
        Heads.checkTokens("CrossAttentionBlock", "queries", x.shape(), dim);
        Heads.checkTokens("CrossAttentionBlock", "context", context.shape(), contextDim);
        Tensor z = x.add(attn.forward(norm1.forward(x), normContext.forward(context)));
        return z.add(mlp.forward(norm2.forward(z)));
    }

    /**
     * The block on channels-first maps.
     *
     * @param x       {@code [N, C, S…]} (not modified)
     * @param context {@code [N, C_c, S'…]} (not modified)
     * @return {@code [N, C, S…]}
     */
    public Tensor forwardMaps(Tensor x, Tensor context) {
        if (x.dim() < 3 || x.size(1) != dim || context.dim() < 3 || context.size(1) != contextDim) {
            throw new ShapeException("CrossAttentionBlock", "maps " + Shape.format(x.shape()) + " and " + Shape.format(context.shape())
                    + " must be [N, " + dim + ", spatial…] and [N, " + contextDim + ", spatial…]");
        }
        return Tokens.toMap(forward(Tokens.fromMap(x), Tokens.fromMap(context)), Tokens.spatialOf(x));
    }

    public CrossAttention attention() {
        return attn;
    }

    /** Cost with {@code [B, L, C]} as its own context. */
    @Override
    public Cost cost(int... in) {
        return cost(in, in);
    }

    /** Cost for query tokens {@code [B, L, C]} and context tokens {@code [B, S, C_c]}. */
    public Cost cost(int[] x, int[] context) {
        Cost attention = attn.cost(x, context);
        long norms = Math.addExact(2 * Shape.numelLong(x), Shape.numelLong(context));
        return new Cost(x, Math.addExact(Math.addExact(norms, attention.macs()), mlp.cost(x).macs()));
    }

    @Override
    protected String extraRepr() {
        return "dim=" + dim + ", context_dim=" + contextDim;
    }
}
