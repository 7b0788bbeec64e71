package mrisr.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Joining, splitting, padding and integer indexing, with PyTorch semantics. Every result is
 * differentiable with respect to the data tensors (never the indices).
 *
 * <ul>
 *   <li>{@link #cat}: {@code out = [x₀ | x₁ | …]} along one dimension; backward slices the gradient.
 *   <li>{@link #stack}: {@code cat} of the inputs each with a new size-1 dimension.
 *   <li>{@link #split}: pieces are narrow views sharing the input's storage.
 *   <li>{@link #pad}: constant, reflect ({@code [a b c] → b a [a b c] b a}, the edge is not repeated)
 *       or replicate ({@code → a a [a b c] c c}); backward adds every copy's gradient back onto the
 *       element it was copied from.
 *   <li>{@link #indexSelect}: {@code out[…, k, …] = x[…, index[k], …]}; backward is
 *       {@code index_add}.
 *   <li>{@link #gather}: {@code out[c] = x[c with c[dim] = index[c]]}; backward is
 *       {@code scatter_add}.
 * </ul>
 *
 * <p>Index tensors are float32 tensors holding integers (the engine has no integer dtype); an entry
 * that is not an integer, or lies outside {@code [0, size)}, is rejected with a
 * {@link ShapeException}. Gradients with repeated indices are summed in a fixed order, so they are
 * bit-identical for every thread count.
 *
 * <pre>{@code
 * Tensor y = Index.pad(x, new int[] {1, 1, 2, 2}, Index.PadMode.REFLECT);   // H += 4, W += 2
 * Tensor both = Index.cat(List.of(a, b), 1);
 * List<Tensor> halves = Index.split(both, 2, 1);
 * }</pre>
 */
public final class Index {
    private Index() {}

    /** How {@link #pad} fills the new border. */
    public enum PadMode {
        /** A fixed fill value. */
        CONSTANT,
        /** Mirror without repeating the edge: {@code [a b c]} padded by 2 is {@code c b [a b c] b a}. */
        REFLECT,
        /** Repeat the edge value: {@code [a b c]} padded by 2 is {@code a a [a b c] c c}. */
        REPLICATE;

        /**
         * The input coordinate that output coordinate {@code out} reads along one dimension, or
         * {@code -1} where the fill value goes (constant mode only).
         *
         * @param out    output coordinate, in {@code [0, size + before + after)}
         * @param before elements padded before the first (negative crops)
         * @param size   input length; at least 1, and more than the padding for reflect
         */
        public int source(int out, int before, int size) {
            int i = out - before;
            if (i >= 0 && i < size) return i;
            return switch (this) {
                case CONSTANT -> -1;
                case REFLECT -> i < 0 ? -i : 2 * (size - 1) - i;
                case REPLICATE -> i < 0 ? 0 : size - 1;
            };
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    // ------------------------------------------------------------------ cat, stack, split

    /**
     * Concatenates along {@code dim}: all tensors have the same rank and the same sizes except
     * along {@code dim} (which may be 0).
     *
     * @param tensors at least one tensor, all on one device (not modified)
     * @param dim     in {@code [-rank, rank)}
     * @return a new contiguous tensor whose size along {@code dim} is the sum of the inputs'
     */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        Tensor[] in = nonEmpty("cat", tensors);
        Tensor first = in[0];
        int nd = first.dim();
        if (nd == 0) throw new ShapeException("cat", "zero-dimensional tensors cannot be concatenated (tensor 0 has shape [])");
        int d = Shape.dim("cat", dim, nd);
        int[] outShape = first.shape();
        int[] starts = new int[in.length], lengths = new int[in.length];
        long total = 0;
        for (int i = 0; i < in.length; i++) {
            int[] s = in[i].shape();
            boolean same = s.length == nd;
            for (int k = 0; same && k < nd; k++) same = k == d || s[k] == outShape[k];
            if (!same) {
                throw new ShapeException("cat", "tensor " + i + " of shape " + Shape.format(s) + " does not match tensor 0 of shape "
                        + Shape.format(outShape) + " in every dimension except " + d);
            }
            first.checkSameDevice("cat", in[i]);
            starts[i] = (int) total;
            lengths[i] = s[d];
            total += s[d];
        }
        if (total > Integer.MAX_VALUE) throw new ShapeException("cat", "dimension " + d + " would have " + total + " elements");
        outShape[d] = (int) total;
        Tensor out = first.backend().full(outShape, 0f);
        for (int i = 0; i < in.length; i++) {
            // out is fresh and needs no gradient, so its narrow views record nothing
            if (lengths[i] > 0) out.narrow(d, starts[i], lengths[i]).copyFrom_(in[i]);
        }
        return Autograd.record("cat", out, g -> {
            Tensor[] gs = new Tensor[in.length];
            for (int i = 0; i < in.length; i++) gs[i] = in[i].requiresGrad() ? g.narrow(d, starts[i], lengths[i]) : null;
            return gs;
        }, in);
    }

    /** {@link #cat(List, int)} over an array. */
    public static Tensor cat(Tensor[] tensors, int dim) {
        return cat(Arrays.asList(tensors), dim);
    }

    /**
     * Stacks equally shaped tensors along a new dimension {@code dim}.
     *
     * @param tensors at least one tensor, all of one shape (not modified)
     * @param dim     in {@code [-(rank+1), rank]}
     * @return shape of the inputs with {@code tensors.size()} inserted at {@code dim}
     */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        Tensor[] in = nonEmpty("stack", tensors);
        int[] shape = in[0].shape();
        for (int i = 1; i < in.length; i++) {
            if (!Arrays.equals(in[i].shape(), shape)) {
                throw new ShapeException("stack", "tensor " + i + " has shape " + Shape.format(in[i].shape())
                        + ", tensor 0 has " + Shape.format(shape) + "; all must be equal");
            }
        }
        int d = Shape.dim("stack", dim, shape.length + 1);
        Tensor[] expanded = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) expanded[i] = in[i].unsqueeze(d);
        return cat(expanded, d);
    }

    /** {@link #stack(List, int)} over an array. */
    public static Tensor stack(Tensor[] tensors, int dim) {
        return stack(Arrays.asList(tensors), dim);
    }

    private static Tensor[] nonEmpty(String op, List<Tensor> tensors) {
        if (tensors.isEmpty()) throw new ShapeException(op, "needs at least one tensor");
        Tensor[] in = tensors.toArray(new Tensor[0]);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == null) throw new ShapeException(op, "tensor " + i + " is null");
        }
        return in;
    }

    /**
     * Splits into pieces of {@code splitSize} along {@code dim}; the last piece is shorter when the
     * size is not a multiple. A dimension of size 0 gives one empty piece.
     *
     * @param x         not modified; the pieces are views of it
     * @param splitSize at least 1
     */
    public static List<Tensor> split(Tensor x, int splitSize, int dim) {
        int d = Shape.dim("split", dim, x.dim());
        int n = x.size(d);
        if (splitSize < 1) {
            throw new ShapeException("split", "split size must be >= 1, got " + splitSize + " for " + Shape.format(x.shape()));
        }
        List<Tensor> pieces = new ArrayList<>();
        if (n == 0) pieces.add(x.narrow(d, 0, 0));
        for (int start = 0; start < n; start += splitSize) pieces.add(x.narrow(d, start, Math.min(splitSize, n - start)));
        return pieces;
    }

    /**
     * Splits into pieces of the given sizes along {@code dim}.
     *
     * @param x     not modified; the pieces are views of it
     * @param sizes non-negative, summing to {@code x.size(dim)}
     */
    public static List<Tensor> split(Tensor x, int[] sizes, int dim) {
        int d = Shape.dim("split", dim, x.dim());
        long sum = 0;
        for (int s : sizes) {
            if (s < 0) throw new ShapeException("split", "negative size in " + Arrays.toString(sizes));
            sum += s;
        }
        if (sum != x.size(d)) {
            throw new ShapeException("split", "sizes " + Arrays.toString(sizes) + " sum to " + sum + ", but dimension " + d
                    + " of " + Shape.format(x.shape()) + " has " + x.size(d));
        }
        List<Tensor> pieces = new ArrayList<>(sizes.length);
        int start = 0;
        for (int s : sizes) {
            pieces.add(x.narrow(d, start, s));
            start += s;
        }
        return pieces;
    }

    // ------------------------------------------------------------------ pad

    /** Zero padding: {@code pad(x, pad, PadMode.CONSTANT, 0)}. */
    public static Tensor pad(Tensor x, int[] pad) {
        return pad(x, pad, PadMode.CONSTANT, 0f);
    }

    /** Padding without a fill value (reflect, replicate, or constant 0). */
    public static Tensor pad(Tensor x, int[] pad, PadMode mode) {
        return pad(x, pad, mode, 0f);
    }

    /**
     * Pads the trailing dimensions, PyTorch's {@code F.pad}: {@code pad = (left_last, right_last,
     * left_second_last, right_second_last, …)}, so {@code {1, 1, 2, 2}} grows the last dimension by 2
     * and the one before by 4. Negative amounts crop. Output size per dimension:
     * {@code size + before + after}, which must be ≥ 0.
     *
     * @param x     not modified
     * @param pad   an even number of amounts, at most two per dimension of {@code x}
     * @param mode  {@link PadMode}; reflect needs each amount below the dimension's size, replicate a
     *              non-empty dimension
     * @param value fill for {@link PadMode#CONSTANT}; must be 0 for the other modes
     */
    public static Tensor pad(Tensor x, int[] pad, PadMode mode, float value) {
        Objects.requireNonNull(mode, "pad: mode");
        int nd = x.dim();
        int[] shape = x.shape();
        if (pad.length % 2 != 0) {
            throw new ShapeException("pad", "padding " + Arrays.toString(pad) + " must have an even length (left, right pairs)");
        }
        if (pad.length / 2 > nd) {
            throw new ShapeException("pad", "padding " + Arrays.toString(pad) + " covers " + pad.length / 2
                    + " dimensions, input " + Shape.format(shape) + " has " + nd);
        }
        if (mode != PadMode.CONSTANT && value != 0f) {
            throw new ShapeException("pad", "mode " + mode.label() + " takes no fill value, got " + value);
        }
        int[] before = new int[nd], after = new int[nd];
        for (int k = 0; k < pad.length / 2; k++) {
            int d = nd - 1 - k;
            before[d] = pad[2 * k];
            after[d] = pad[2 * k + 1];
            long size = (long) shape[d] + before[d] + after[d];
            String which = "padding (" + before[d] + ", " + after[d] + ") of dimension " + d + " of " + Shape.format(shape);
            if (size < 0 || size > Integer.MAX_VALUE) throw new ShapeException("pad", which + " gives size " + size);
            if (mode == PadMode.REFLECT && (before[d] >= shape[d] || after[d] >= shape[d])) {
                throw new ShapeException("pad", which + ": reflect padding must be less than the dimension size " + shape[d]);
            }
            if (mode == PadMode.REPLICATE && shape[d] == 0 && size > 0) {
                throw new ShapeException("pad", which + ": cannot replicate an empty dimension");
            }
        }
        IndexBackend backend = x.backend().index();
        Tensor y = backend.pad(x, before, after, mode, value);
        return Autograd.record("pad", y, g -> new Tensor[] {backend.padBackward(g, shape, before, after, mode)}, x);
    }

    // ------------------------------------------------------------------ index_select, gather

    /**
     * Selects entries along {@code dim}: {@code out[…, k, …] = x[…, index[k], …]}. Backward adds
     * {@code g[…, k, …]} onto {@code x[…, index[k], …]} ({@code index_add}), in increasing {@code k}
     * for repeated indices.
     *
     * @param x     not modified
     * @param index entries in {@code [0, x.size(dim))}, repeats allowed
     * @return {@code x}'s shape with {@code index.length} at {@code dim}
     */
    public static Tensor indexSelect(Tensor x, int dim, int[] index) {
        int d = Shape.dim("index_select", dim, x.dim());
        int n = x.size(d);
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= n) {
                throw new ShapeException("index_select", "index " + index[i] + " at position " + i
                        + " is out of range for dimension " + d + " of size " + n + " in " + Shape.format(x.shape()));
            }
        }
        int[] idx = index.clone();
        IndexBackend backend = x.backend().index();
        Tensor y = backend.indexSelect(x, d, idx);
        return Autograd.record("index_select", y, g -> new Tensor[] {backend.indexAdd(g, d, idx, n)}, x);
    }

    /**
     * {@link #indexSelect(Tensor, int, int[])} with the indices in a 0-d or 1-d tensor of integers.
     *
     * @param index not modified, never differentiated
     */
    public static Tensor indexSelect(Tensor x, int dim, Tensor index) {
        if (index.dim() > 1) {
            throw new ShapeException("index_select", "index must be 0-d or 1-d, got shape " + Shape.format(index.shape()));
        }
        return indexSelect(x, dim, integers("index_select", index));
    }

    /**
     * Gathers along {@code dim}: {@code out[c] = x[c with c[dim] replaced by index[c]]} for every
     * coordinate {@code c} of the index; for a 2-d input and {@code dim = 1},
     * {@code out[i][j] = x[i][index[i][j]]}. Backward adds each {@code g[c]} onto the element it
     * came from ({@code scatter_add}), in increasing position along {@code dim} for repeats.
     *
     * @param x     not modified
     * @param index integers in {@code [0, x.size(dim))}, of {@code x}'s rank and no larger than
     *              {@code x} in any dimension but {@code dim} (not modified, never differentiated)
     * @return shape of {@code index}
     */
    public static Tensor gather(Tensor x, int dim, Tensor index) {
        return gather(x, dim, integers("gather", index), index.shape());
    }

    /**
     * {@link #gather(Tensor, int, Tensor)} with the index given as row-major integers and a shape.
     *
     * @param index      {@code numel(indexShape)} entries, row-major
     * @param indexShape shape of the index and of the result
     */
    public static Tensor gather(Tensor x, int dim, int[] index, int[] indexShape) {
        int nd = x.dim();
        int d = Shape.dim("gather", dim, nd);
        int[] shape = x.shape();
        if (indexShape.length != nd) {
            throw new ShapeException("gather", "index of shape " + Shape.format(indexShape) + " must have the rank of input "
                    + Shape.format(shape));
        }
        if (index.length != Shape.numelLong(indexShape)) {
            throw new ShapeException("gather", index.length + " indices cannot fill index shape " + Shape.format(indexShape));
        }
        for (int k = 0; k < nd; k++) {
            if (k != d && indexShape[k] > shape[k]) {
                throw new ShapeException("gather", "index of shape " + Shape.format(indexShape) + " is larger than input "
                        + Shape.format(shape) + " in dimension " + k);
            }
        }
        int n = shape[d];
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= n) {
                throw new ShapeException("gather", "index " + index[i] + " at flat position " + i
                        + " is out of range for dimension " + d + " of size " + n + " in " + Shape.format(shape));
            }
        }
        int[] idx = index.clone(), idxShape = indexShape.clone();
        IndexBackend backend = x.backend().index();
        Tensor y = backend.gather(x, d, idx, idxShape);
        return Autograd.record("gather", y, g -> new Tensor[] {backend.scatterAdd(g, d, idx, shape)}, x);
    }

    /** The entries of an index tensor as ints; each must be an integer value. */
    private static int[] integers(String op, Tensor index) {
        float[] v = index.toArray();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] == Math.rint(v[i])) || Math.abs(v[i]) > Integer.MAX_VALUE) {
                throw new ShapeException(op, "index value " + v[i] + " at flat position " + i + " of "
                        + Shape.format(index.shape()) + " is not an integer");
            }
            out[i] = (int) v[i];
        }
        return out;
    }
}
