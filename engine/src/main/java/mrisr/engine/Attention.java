package mrisr.engine;

import java.util.Arrays;
import java.util.Objects;

/**
 * Scaled dot-product attention with PyTorch semantics ({@code F.scaled_dot_product_attention}
 * without dropout), as one fused op:
 * <pre>
 *   out = softmax(q·kᵀ·scale + mask) · v,     scale = 1/√E by default
 * </pre>
 * Shapes: {@code q [*, L, E]}, {@code k [*, S, E]}, {@code v [*, S, Ev]} with the same leading
 * (batch, heads…) dimensions; result {@code [*, L, Ev]}. The mask is additive, broadcastable to
 * {@code [*, L, S]}, with finite or −∞ entries; {@link #scaledDotProductAttentionWithBooleanMask}
 * takes a 0/1 mask instead.
 *
 * <p>A query row whose scores are all −∞ (every key masked) has no softmax; it produces a zero
 * output row and zero gradients instead of NaN (older PyTorch releases return NaN there; the
 * math backend of recent ones returns 0 as well). The softmax subtracts the row maximum;
 * the forward pass saves the row log-sum-exp, and the backward pass recomputes the probabilities
 * from it instead of keeping the {@code L×S} matrix. Gradients flow to {@code q}, {@code k} and
 * {@code v}, never to the mask.
 *
 * <pre>{@code
 * Tensor q = Tensor.randn(rng, 2, 4, 16, 32), k = Tensor.randn(rng, 2, 4, 20, 32), v = Tensor.randn(rng, 2, 4, 20, 8);
 * Tensor out = Attention.scaledDotProductAttention(q, k, v);   // [2, 4, 16, 8]
 * }</pre>
 */
public final class Attention {
    private static final String OP = "scaled_dot_product_attention";

    private Attention() {}

    /**
     * {@code softmax(q·kᵀ/√E)·v} without a mask.
     *
     * @param q queries {@code [*, L, E]} (not modified)
     * @param k keys {@code [*, S, E]} (not modified)
     * @param v values {@code [*, S, Ev]} (not modified)
     * @return {@code [*, L, Ev]}
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v) {
        return scaledDotProductAttention(q, k, v, null, Double.NaN);
    }

    /**
     * {@code softmax(q·kᵀ·scale + mask)·v}.
     *
     * @param q     queries {@code [*, L, E]} (not modified)
     * @param k     keys {@code [*, S, E]} (not modified)
     * @param v     values {@code [*, S, Ev]} (not modified)
     * @param mask  additive mask broadcastable to {@code [*, L, S]}, entries finite or −∞, or null;
     *              not modified, receives no gradient
     * @param scale factor on {@code q·kᵀ}; NaN means PyTorch's default {@code 1/√E}
     * @return {@code [*, L, Ev]}; rows with every key masked are 0
     */
    public static Tensor scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor mask, double scale) {
        int[] qs = q.shape(), ks = k.shape(), vs = v.shape();
        if (q.dim() < 2 || k.dim() != q.dim() || v.dim() != q.dim()) {
            throw new ShapeException(OP, "q " + Shape.format(qs) + ", k " + Shape.format(ks) + ", v " + Shape.format(vs)
                    + " must be [*, L, E], [*, S, E], [*, S, Ev] with the same number of dimensions (at least 2)");
        }
        int nd = q.dim();
        int[] batch = Arrays.copyOf(qs, nd - 2);
        int l = qs[nd - 2], e = qs[nd - 1], s = ks[nd - 2], ev = vs[nd - 1];
        if (!Arrays.equals(batch, Arrays.copyOf(ks, nd - 2)) || !Arrays.equals(batch, Arrays.copyOf(vs, nd - 2))) {
            throw new ShapeException(OP, "leading dimensions differ: q " + Shape.format(qs) + ", k " + Shape.format(ks)
                    + ", v " + Shape.format(vs));
        }
        if (ks[nd - 1] != e) {
            throw new ShapeException(OP, "q " + Shape.format(qs) + " has E = " + e + " but k " + Shape.format(ks)
                    + " has " + ks[nd - 1]);
        }
        if (vs[nd - 2] != s) {
            throw new ShapeException(OP, "k " + Shape.format(ks) + " has S = " + s + " keys but v " + Shape.format(vs)
                    + " has " + vs[nd - 2]);
        }
        if (e < 1) throw new ShapeException(OP, "q " + Shape.format(qs) + " has an empty head dimension E");
        if (!Double.isNaN(scale) && !Double.isFinite(scale)) {
            throw new ShapeException(OP, "scale must be finite (or NaN for 1/sqrt(E)), got " + scale);
        }
        double sc = Double.isNaN(scale) ? 1 / Math.sqrt(e) : scale;
        q.checkSameDevice(OP, k);
        q.checkSameDevice(OP, v);

        int b = Shape.numel(batch);
        Tensor q3, k3, v3, maskView = null;
        try (var _ = Grad.off()) {
            q3 = q.contiguous().reshape(b, l, e);
            k3 = k.contiguous().reshape(b, s, e);
            v3 = v.contiguous().reshape(b, s, ev);
            if (mask != null) {
                q.checkSameDevice(OP, mask);
                int[] full = Arrays.copyOf(batch, nd);
                full[nd - 2] = l;
                full[nd - 1] = s;
                int[] broadcast;
                try {
                    broadcast = Shape.broadcast(OP, mask.shape(), full);
                } catch (ShapeException ex) {
                    broadcast = null;
                }
                if (!Arrays.equals(broadcast, full)) {
                    throw new ShapeException(OP, "mask " + Shape.format(mask.shape()) + " cannot be broadcast to "
                            + Shape.format(full) + " for q " + Shape.format(qs) + " and k " + Shape.format(ks));
                }
                maskView = mask.expand(full);
            }
        }
        Tensor[] result = q.backend().attention().scaledDotProductAttention(q3, k3, v3, maskView, sc);
        Tensor out3 = result[0], lse = result[1];
        int[] outShape = Arrays.copyOf(qs, nd);
        outShape[nd - 1] = ev;
        Tensor out = Tensor.wrap(out3.storage(), outShape);
        if (!Autograd.needsGrad(q, k, v)) return out;
        Tensor savedMask = maskView;
        return Autograd.record(OP, out, g -> {
            Tensor[] grads = q.backend().attention().scaledDotProductAttentionBackward(q3, k3, v3, savedMask, sc, out3,
                    lse, g.contiguous().reshape(b, l, ev), q.requiresGrad(), k.requiresGrad(), v.requiresGrad());
            return new Tensor[] {
                    grads[0] == null ? null : grads[0].reshape(qs),
                    grads[1] == null ? null : grads[1].reshape(ks),
                    grads[2] == null ? null : grads[2].reshape(vs)};
        }, q, k, v);
    }

    /**
     * {@code softmax(q·kᵀ·scale + M)·v} where {@code M = 0} where {@code allowed} is non-zero and −∞
     * where it is 0 (PyTorch's boolean {@code attn_mask}, with 1 = attend).
     *
     * @param allowed 0/1 tensor broadcastable to {@code [*, L, S]} (not modified)
     * @param scale   factor on {@code q·kᵀ}; NaN means {@code 1/√E}
     * @return {@code [*, L, Ev]}; rows with every key masked are 0
     */
    public static Tensor scaledDotProductAttentionWithBooleanMask(Tensor q, Tensor k, Tensor v, Tensor allowed,
            double scale) {
        return scaledDotProductAttention(q, k, v, additiveMask(allowed), scale);
    }

    /**
     * The additive mask of a 0/1 mask: 0 where {@code allowed} is non-zero, −∞ where it is 0, same
     * shape (not differentiable).
     *
     * @param allowed 0/1 tensor (not modified)
     */
    public static Tensor additiveMask(Tensor allowed) {
        Objects.requireNonNull(allowed, OP + ": allowed mask");
        try (var _ = Grad.off()) {
            return Ops.where(allowed, Tensor.scalar(0f), Tensor.scalar(Float.NEGATIVE_INFINITY));
        }
    }
}
