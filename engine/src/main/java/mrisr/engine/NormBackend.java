package mrisr.engine;

/**
 * Softmax and normalisation kernels of a {@link Backend}. Methods follow the conventions stated on
 * {@link Backend}: inputs may be strided views and are not modified, results are new contiguous
 * tensors. Statistics are computed in double; weight and bias gradients are reduced in a fixed
 * order, so results do not depend on the thread count.
 */
public interface NormBackend {
    /**
     * Max-subtracted softmax, or log-softmax when {@code log}, along {@code dim} (already
     * normalised to {@code [0, x.dim())}).
     */
    Tensor softmax(Tensor x, int dim, boolean log);

    /**
     * Input gradient of {@link #softmax} from its output {@code y} and the upstream gradient
     * {@code g} (same shape): {@code y·(g − Σ g·y)}, or {@code g − exp(y)·Σ g} when {@code log}.
     */
    Tensor softmaxBackward(Tensor y, Tensor g, int dim, boolean log);

    /**
     * Layer norm over the trailing {@code normalizedDims} dimensions:
     * {@code y = (x − μ)/√(σ² + eps)·w + b} with the biased variance, one {@code (μ, σ²)} per
     * position of the leading dimensions ("row").
     *
     * @param weight one value per normalised element (any shape), or null for 1
     * @param bias   one value per normalised element (any shape), or null for 0
     * @return {@code {y, mean, rstd}}: {@code y} of {@code x}'s shape, {@code mean} and
     *     {@code rstd = 1/√(σ² + eps)} of shape {@code [rows]}
     */
    Tensor[] layerNorm(Tensor x, int normalizedDims, Tensor weight, Tensor bias, double eps);

    /**
     * Gradients of {@link #layerNorm} from the saved {@code mean} and {@code rstd}.
     *
     * @return {@code {gx, gw, gb}}: {@code gx} of {@code x}'s shape, {@code gw} and {@code gb} flat with
     *     one value per normalised element; an entry is null where its {@code need} flag is false
     */
    Tensor[] layerNormBackward(Tensor g, Tensor x, Tensor mean, Tensor rstd, int normalizedDims, Tensor weight,
            boolean needInput, boolean needWeight, boolean needBias);

    /**
     * Group norm of {@code x [N, C, …]}: channels are split into {@code groups} consecutive groups,
     * each (sample, group) is standardised over its channels and spatial positions, then scaled and
     * shifted per channel.
     *
     * @param weight {@code [C]} or null for 1
     * @param bias   {@code [C]} or null for 0
     * @return {@code {y, mean, rstd}} with {@code mean} and {@code rstd} of shape {@code [N, groups]}
     */
    Tensor[] groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, double eps);

    /**
     * Gradients of {@link #groupNorm} from the saved {@code mean} and {@code rstd}.
     *
     * @return {@code {gx, gw, gb}} with {@code gw} and {@code gb} of shape {@code [C]}; an entry is
     *     null where its {@code need} flag is false
     */
    Tensor[] groupNormBackward(Tensor g, Tensor x, Tensor mean, Tensor rstd, int groups, Tensor weight,
            boolean needInput, boolean needWeight, boolean needBias);
}
