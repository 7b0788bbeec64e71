package mrisr.kernels.reference;

import java.util.Arrays;
import mrisr.kernels.Parallel;

/**
 * Scalar kernels for padding and integer indexing on contiguous row-major arrays, with their
 * adjoints.
 *
 * <p>Padding is separable: output coordinate {@code o} along dimension {@code d} reads input
 * coordinate {@code source[d][o]}, or the fill value where that is {@code -1}. The adjoint sums, for
 * each input element, every output element that read it; it is computed as a gather over the
 * inverted maps, so each input element is written by exactly one task in a fixed order.
 *
 * <p>Selection along a dimension views arrays as {@code [outer, n, inner]}. Every adjoint
 * ({@link #indexAdd}, {@link #scatterAdd}) gives each output element to one task that adds its
 * contributions in increasing source position, so repeated indices give bit-identical sums for any
 * thread count.
 *
 * <pre>{@code
 * int[][] source = {{1, 0, 1, 2, 1}};             // reflect-pad a length-3 vector by 1 on each side
 * IndexReference.pad(new int[] {3}, x, new int[] {5}, source, 0f, out);
 * }</pre>
 */
public final class IndexReference {
    private IndexReference() {}

    // ------------------------------------------------------------------ padding

    /**
     * {@code out[o] = x[source[0][o_0], …, source[nd-1][o_nd-1]]}, or {@code value} when any map entry
     * is {@code -1}.
     *
     * @param inShape  shape of {@code x} (contiguous)
     * @param outShape shape of {@code out} (contiguous, written)
     * @param source   per dimension, {@code outShape[d]} input coordinates in {@code [-1, inShape[d])}
     */
    public static void pad(int[] inShape, float[] x, int[] outShape, int[][] source, float value, float[] out) {
        int nd = outShape.length;
        if (nd == 0) {
            out[0] = x[0];
            return;
        }
        int[] inStrides = contiguousStrides(inShape);
        int inner = outShape[nd - 1];
        int rows = rowCount(outShape);
        if (rows == 0 || inner == 0) return;
        int[] lastMap = source[nd - 1];
        int lastStride = inStrides[nd - 1];
        Parallel.forRange(rows, Parallel.grain(rows, inner), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int base = 0;
                boolean filled = false;
                for (int d = nd - 2, rem = r; d >= 0; d--) {
                    int s = source[d][rem % outShape[d]];
                    rem /= outShape[d];
                    if (s < 0) {
                        filled = true;
                        break;
                    }
                    base += s * inStrides[d];
                }
                int o = r * inner;
                if (filled) {
                    for (int j = 0; j < inner; j++) out[o + j] = value;
                    continue;
                }
                for (int j = 0; j < inner; j++) {
                    int s = lastMap[j];
                    out[o + j] = s < 0 ? value : x[base + s * lastStride];
                }
            }
        });
    }

    /**
     * Adjoint of {@link #pad}: {@code gx[i] = Σ g[o]} over the output elements {@code o} whose source
     * is {@code i}, summed in double in row-major order of {@code o}.
     *
     * @param outShape shape of {@code g} (contiguous)
     * @param inShape  shape of {@code gx} (contiguous, written)
     * @param source   the maps given to {@link #pad}
     */
    public static void padBackward(int[] outShape, float[] g, int[] inShape, int[][] source, float[] gx) {
        int nd = inShape.length;
        if (nd == 0) {
            gx[0] = g[0];
            return;
        }
        int[] outStrides = contiguousStrides(outShape);
        int[][] start = new int[nd][], preimage = new int[nd][];
        for (int d = 0; d < nd; d++) {
            int[][] inverse = invert(source[d], inShape[d]);
            start[d] = inverse[0];
            preimage[d] = inverse[1];
        }
        int inner = inShape[nd - 1];
        int rows = rowCount(inShape);
        if (rows == 0 || inner == 0) return;
        int[] lastStart = start[nd - 1], lastPre = preimage[nd - 1];
        int lastStride = outStrides[nd - 1];
        Parallel.forRange(rows, Parallel.grain(rows, inner), (lo, hi) -> {
            int[] idx = new int[nd];
            for (int r = lo; r < hi; r++) {
                int[] bases = rowBases(r, inShape, outStrides, start, preimage, idx);
                int o = r * inner;
                for (int j = 0; j < inner; j++) {
                    double s = 0;
                    for (int base : bases) {
                        for (int p = lastStart[j]; p < lastStart[j + 1]; p++) s += g[base + lastPre[p] * lastStride];
                    }
                    gx[o + j] = (float) s;
                }
            }
        });
    }

    /**
     * The output offsets (without the last dimension) of every output row that reads input row
     * {@code r}: the Cartesian product of the per-dimension preimages, in row-major order.
     */
    private static int[] rowBases(int r, int[] inShape, int[] outStrides, int[][] start, int[][] preimage, int[] idx) {
        int nd = inShape.length;
        int count = 1;
        for (int d = nd - 2, rem = r; d >= 0; d--) {
            idx[d] = rem % inShape[d];
            rem /= inShape[d];
            count *= start[d][idx[d] + 1] - start[d][idx[d]];
        }
        int[] bases = new int[count];
        if (count == 0) return bases;
        bases[0] = 0;
        int filled = 1;
        for (int d = 0; d < nd - 1; d++) {
            int lo = start[d][idx[d]], hi = start[d][idx[d] + 1];
            int k = hi - lo;
            // expand in place from the back so earlier dimensions vary slowest
            for (int b = filled - 1; b >= 0; b--) {
                int prefix = bases[b];
                for (int p = k - 1; p >= 0; p--) bases[b * k + p] = prefix + preimage[d][lo + p] * outStrides[d];
            }
            filled *= k;
        }
        return bases;
    }

    /**
     * Inverts a map {@code out → in} into compressed rows: the outputs reading input {@code i} are
     * {@code list[start[i] … start[i+1])}, in increasing order. Returns {@code {start, list}}.
     */
    private static int[][] invert(int[] map, int inSize) {
        int[] start = new int[inSize + 1];
        for (int s : map) if (s >= 0) start[s + 1]++;
        for (int i = 0; i < inSize; i++) start[i + 1] += start[i];
        int[] list = new int[start[inSize]];
        int[] next = Arrays.copyOf(start, inSize);
        for (int o = 0; o < map.length; o++) if (map[o] >= 0) list[next[map[o]]++] = o;
        return new int[][] {start, list};
    }

    // ------------------------------------------------------------------ selection along one dimension

    /**
     * {@code out[a, k, b] = x[a, index[k], b]} with {@code x} viewed as {@code [outer, n, inner]} and
     * {@code out} as {@code [outer, index.length, inner]}; indices must lie in {@code [0, n)}.
     */
    public static void indexSelect(float[] x, int outer, int n, int inner, int[] index, float[] out) {
        int k = index.length;
        int rows = outer * k;
        Parallel.forRange(rows, Parallel.grain(rows, inner), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int a = r / k, src = (a * n + index[r % k]) * inner;
                System.arraycopy(x, src, out, r * inner, inner);
            }
        });
    }

    /**
     * Adjoint of {@link #indexSelect}: {@code gx[a, i, b] = Σ_{k : index[k] = i} g[a, k, b]}, added in
     * increasing {@code k}; rows of {@code gx} that no index selects become 0.
     *
     * @param g  {@code [outer, index.length, inner]}
     * @param gx {@code [outer, n, inner]} (written)
     */
    public static void indexAdd(float[] g, int outer, int n, int inner, int[] index, float[] gx) {
        int k = index.length;
        int[][] inverse = invert(index, n);
        int[] start = inverse[0], list = inverse[1];
        int rows = outer * n;
        // cost per row: one pass over the row plus its share of the selected rows
        long cost = (long) inner * (1 + k / Math.max(1, n));
        Parallel.forRange(rows, Parallel.grain(rows, cost), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                int a = r / n, i = r % n, dst = r * inner;
                Arrays.fill(gx, dst, dst + inner, 0f);
                for (int p = start[i]; p < start[i + 1]; p++) {
                    int src = (a * k + list[p]) * inner;
                    for (int b = 0; b < inner; b++) gx[dst + b] += g[src + b];
                }
            }
        });
    }

    /**
     * PyTorch's {@code gather}: {@code out[c] = x[c with c[dim] replaced by index[c]]} for every
     * coordinate {@code c} of {@code indexShape}. {@code indexShape} has {@code x}'s rank and is no
     * larger than {@code xShape} except along {@code dim}; indices lie in {@code [0, xShape[dim])}.
     *
     * @param index contiguous, {@code indexShape}
     * @param out   contiguous, {@code indexShape} (written)
     */
    public static void gather(float[] x, int[] xShape, int dim, int[] index, int[] indexShape, float[] out) {
        forLines(xShape, dim, indexShape, (indexBase, xBase, k, indexStride, xStride) -> {
            for (int j = 0, p = indexBase; j < k; j++, p += indexStride) out[p] = x[xBase + index[p] * xStride];
        });
    }

    /**
     * Adjoint of {@link #gather} ({@code scatter_add} into zeros): {@code gx[c with c[dim] = index[c]] += g[c]}.
     * Each line of {@code gx} along {@code dim} is owned by one task, which adds in increasing
     * position along the line.
     *
     * @param g  contiguous, {@code indexShape}
     * @param gx contiguous, {@code xShape} (written; entries no index reaches become 0)
     */
    public static void scatterAdd(float[] g, int[] indexShape, int dim, int[] index, int[] xShape, float[] gx) {
        Arrays.fill(gx, 0f);
        forLines(xShape, dim, indexShape, (indexBase, xBase, k, indexStride, xStride) -> {
            for (int j = 0, p = indexBase; j < k; j++, p += indexStride) gx[xBase + index[p] * xStride] += g[p];
        });
    }

    @FunctionalInterface
    private interface LineBody {
        void line(int indexBase, int xBase, int length, int indexStride, int xStride);
    }

    /**
     * Calls {@code body} for every line of {@code indexShape} along {@code dim}, with the matching
     * line start in {@code x}; distinct index lines map to distinct lines of {@code x}.
     */
    private static void forLines(int[] xShape, int dim, int[] indexShape, LineBody body) {
        int nd = indexShape.length;
        int[] xStrides = contiguousStrides(xShape), iStrides = contiguousStrides(indexShape);
        int k = indexShape[dim];
        int total = 1;
        for (int s : indexShape) total *= s;
        if (total == 0) return;
        int lines = total / k;
        int inner = iStrides[dim];
        Parallel.forRange(lines, Parallel.grain(lines, k), (lo, hi) -> {
            for (int l = lo; l < hi; l++) {
                int outerIndex = l / inner, innerIndex = l % inner;
                int indexBase = outerIndex * k * inner + innerIndex;
                int xBase = 0;
                for (int d = nd - 1, rem = innerIndex; d > dim; d--) {
                    xBase += (rem % indexShape[d]) * xStrides[d];
                    rem /= indexShape[d];
                }
                for (int d = dim - 1, rem = outerIndex; d >= 0; d--) {
                    xBase += (rem % indexShape[d]) * xStrides[d];
                    rem /= indexShape[d];
                }
                body.line(indexBase, xBase, k, inner, xStrides[dim]);
            }
        });
    }

    // ------------------------------------------------------------------ shapes

    private static int[] contiguousStrides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            st[d] = s;
            s *= Math.max(shape[d], 1);
        }
        return st;
    }

    /** Number of rows along the last dimension, 0 when any dimension is 0. */
    private static int rowCount(int[] shape) {
        int rows = 1;
        for (int d = 0; d < shape.length - 1; d++) rows *= shape[d];
        return shape.length > 0 && shape[shape.length - 1] == 0 ? 0 : rows;
    }
}
