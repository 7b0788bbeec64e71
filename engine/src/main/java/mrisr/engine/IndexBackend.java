package mrisr.engine;

/**
 * Index kernels of a {@link Backend}: padding and integer selection along one dimension, with their
 * adjoints. Methods follow the conventions stated on {@link Backend}: inputs may be strided views
 * and are not modified, results are new contiguous tensors. Concatenation needs no kernel of its own
 * ({@link Index#cat} writes through {@link Backend#copyInto}).
 *
 * <p>Every adjoint must be deterministic: repeated indices and overlapping reflections are summed in
 * a fixed order that does not depend on the thread count.
 */
public interface IndexBackend {
    /**
     * Pads (or, for negative amounts, crops) every dimension of {@code x}: output coordinate
     * {@code o} along dimension {@code d} reads input coordinate {@code mode.source(o, before[d],
     * x.size(d))}, or {@code value} where that is {@code -1}.
     *
     * @param before per dimension, elements added before the first (may be negative)
     * @param after  per dimension, elements added after the last (may be negative)
     * @return shape {@code x.size(d) + before[d] + after[d]} per dimension
     */
    Tensor pad(Tensor x, int[] before, int[] after, Index.PadMode mode, float value);

    /**
     * Adjoint of {@link #pad}: each input element receives the sum of the gradients of every output
     * element that read it.
     *
     * @param g          gradient of the padded output
     * @param inputShape shape of the unpadded input
     * @return shape {@code inputShape}
     */
    Tensor padBackward(Tensor g, int[] inputShape, int[] before, int[] after, Index.PadMode mode);

    /**
     * {@code out[…, k, …] = x[…, index[k], …]} along {@code dim}.
     *
     * @param index entries in {@code [0, x.size(dim))} (validated by the caller), repeats allowed
     * @return {@code x}'s shape with {@code index.length} at {@code dim}
     */
    Tensor indexSelect(Tensor x, int dim, int[] index);

    /**
     * Adjoint of {@link #indexSelect} ({@code index_add} into zeros):
     * {@code out[…, i, …] = Σ_{k : index[k] = i} g[…, k, …]}.
     *
     * @param size length of the result along {@code dim}
     * @return {@code g}'s shape with {@code size} at {@code dim}
     */
    Tensor indexAdd(Tensor g, int dim, int[] index, int size);

    /**
     * PyTorch's {@code gather}: {@code out[c] = x[c with c[dim] replaced by index[c]]}.
     *
     * @param index      row-major entries in {@code [0, x.size(dim))} (validated by the caller)
     * @param indexShape rank of {@code x}, no larger than {@code x} except along {@code dim}
     * @return shape {@code indexShape}
     */
    Tensor gather(Tensor x, int dim, int[] index, int[] indexShape);

    /**
     * Adjoint of {@link #gather} ({@code scatter_add} into zeros):
     * {@code out[c with c[dim] = index[c]] += g[c]}.
     *
     * @param g          shape {@code indexShape}
     * @param inputShape shape of the gathered-from tensor
     * @return shape {@code inputShape}
     */
    Tensor scatterAdd(Tensor g, int dim, int[] index, int[] inputShape);
}
