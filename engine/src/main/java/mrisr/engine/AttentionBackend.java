package mrisr.engine;

/**
 * Attention kernels of a {@link Backend}. Methods follow the conventions stated on {@link Backend};
 * the op-level semantics are documented on {@link Attention}.
 */
public interface AttentionBackend {
    /**
     * Fused scaled dot-product attention over {@code B} independent problems.
     *
     * @param q     contiguous {@code [B, L, E]}
     * @param k     contiguous {@code [B, S, E]}
     * @param v     contiguous {@code [B, S, Ev]}
     * @param mask  null, or an additive mask viewed with shape {@code [b₁…b_m, L, S]} whose batch
     *              dimensions flatten (row-major) to {@code B}; any strides, including 0
     * @param scale factor applied to {@code q·k} before the mask is added
     * @return {@code {out [B, L, Ev], logSumExp [B, L]}}; fully masked rows give 0 and −∞
     */
    Tensor[] scaledDotProductAttention(Tensor q, Tensor k, Tensor v, Tensor mask, double scale);

    /**
     * The gradients of {@link #scaledDotProductAttention} with respect to {@code q}, {@code k},
     * {@code v} (an entry is null where not needed), recomputing the probabilities from the saved
     * log-sum-exp.
     *
     * @param out        the forward output
     * @param logSumExp  the forward log-sum-exp
     * @param gradOutput contiguous {@code [B, L, Ev]}
     */
    Tensor[] scaledDotProductAttentionBackward(Tensor q, Tensor k, Tensor v, Tensor mask, double scale, Tensor out,
            Tensor logSumExp, Tensor gradOutput, boolean needQ, boolean needK, boolean needV);
}
