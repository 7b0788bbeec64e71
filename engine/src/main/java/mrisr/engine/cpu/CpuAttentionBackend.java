package mrisr.engine.cpu;

import mrisr.engine.AttentionBackend;
import mrisr.engine.Tensor;
import mrisr.kernels.FlashAttention;
import mrisr.kernels.reference.AttentionReference;

/** CPU implementation of {@link AttentionBackend} over the kernels in {@code mrisr.kernels}. */
final class CpuAttentionBackend implements AttentionBackend {
    static final CpuAttentionBackend INSTANCE = new CpuAttentionBackend();

    private CpuAttentionBackend() {}

    @Override
    public Tensor[] scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor mask, double scale) {
        AttentionReference.Sizes n = sizes(q, k, v);
        Tensor out = CpuBackend.empty("scaled_dot_product_attention", n.batch(), n.queries(), n.valueDim());
        Tensor lse = CpuBackend.empty("scaled_dot_product_attention log-sum-exp", n.batch(), n.queries());
        FlashAttention.forward(n, CpuBackend.denseData(q), CpuBackend.denseData(k), CpuBackend.denseData(v), scale,
                mask(mask, n.batch()), CpuBackend.data(out), CpuBackend.data(lse));
        return new Tensor[] {out, lse};
    }

    @Override
    public Tensor[] scaledDotProductAttentionBackward(Tensor q, Tensor k, Tensor v, Tensor mask, double scale,
            Tensor out, Tensor logSumExp, Tensor gradOutput, boolean needQ, boolean needK, boolean needV) {
        AttentionReference.Sizes n = sizes(q, k, v);
        String what = "scaled_dot_product_attention backward";
        Tensor gq = needQ ? CpuBackend.empty(what, q.shape()) : null;
        Tensor gk = needK ? CpuBackend.empty(what, k.shape()) : null;
        Tensor gv = needV ? CpuBackend.empty(what, v.shape()) : null;
        FlashAttention.backward(n, CpuBackend.denseData(q), CpuBackend.denseData(k), CpuBackend.denseData(v),
                scale, mask(mask, n.batch()), CpuBackend.denseData(out), CpuBackend.denseData(logSumExp),
                CpuBackend.denseData(gradOutput), gq == null ? null : CpuBackend.data(gq),
                gk == null ? null : CpuBackend.data(gk), gv == null ? null : CpuBackend.data(gv));
        return new Tensor[] {gq, gk, gv};
    }

    private static AttentionReference.Sizes sizes(Tensor q, Tensor k, Tensor v) {
        return new AttentionReference.Sizes(q.size(0), q.size(1), k.size(1), q.size(2), v.size(2));
    }

    /** The strided mask view as per-problem offsets plus row and column strides. */
    private static AttentionReference.Mask mask(Tensor mask, int batch) {
        if (mask == null) return null;
        int[] shape = mask.shape(), strides = mask.strides();
        int lead = shape.length - 2;
        int[] offsets = new int[batch];
        int[] index = new int[lead];
        for (int b = 0; b < batch; b++) {
            int o = mask.offset();
            for (int d = 0; d < lead; d++) o += index[d] * strides[d];
            offsets[b] = o;
            for (int d = lead - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) break;
                index[d] = 0;
            }
        }
        return new AttentionReference.Mask(CpuBackend.data(mask), offsets, strides[lead], strides[lead + 1]);
    }
}
