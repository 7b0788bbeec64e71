package mrisr.kernels.reference;

import mrisr.kernels.BinaryFn;
import mrisr.kernels.Parallel;
import mrisr.kernels.UnaryFn;

/**
 * Scalar kernels over strided N-d views: gather into contiguous order, and pointwise unary, binary
 * and ternary maps whose inputs are strided (stride 0 = broadcast) and whose output is contiguous.
 *
 * <p>Output element {@code i} (row-major over {@code shape}) reads input element
 * {@code off + Σ idx[d]·strides[d]}. Rows along the last dimension are the unit of work.
 */
public final class Strided {
    private Strided() {}

    /** Calls {@code row(base offsets…, outStart)} for every last-dimension row of {@code shape}. */
    @FunctionalInterface
    interface RowBody {
        void row(int outStart, int[] srcStart);
    }

    private static void forRows(int[] shape, int[][] strides, int[] offsets, RowBody body) {
        int nd = shape.length;
        int inner = nd == 0 ? 1 : shape[nd - 1];
        long total = 1;
        for (int s : shape) total *= s;
        if (total == 0) return;
        int rows = (int) (total / inner);
        int grain = Parallel.grain(rows, inner);
        int k = offsets.length;
        Parallel.forRange(rows, grain, (lo, hi) -> {
            int[] idx = new int[Math.max(nd - 1, 0)];
            int rem = lo;
            for (int d = nd - 2; d >= 0; d--) {
                idx[d] = rem % shape[d];
                rem /= shape[d];
            }
            int[] base = new int[k];
            for (int t = 0; t < k; t++) {
                int o = offsets[t];
                for (int d = 0; d < nd - 1; d++) o += idx[d] * strides[t][d];
                base[t] = o;
            }
            for (int r = lo; r < hi; r++) {
                body.row(r * inner, base);
                // advance the (nd-1)-dimensional row index, updating bases incrementally
                for (int d = nd - 2; d >= 0; d--) {
                    idx[d]++;
                    for (int t = 0; t < k; t++) base[t] += strides[t][d];
                    if (idx[d] < shape[d]) break;
                    for (int t = 0; t < k; t++) base[t] -= strides[t][d] * shape[d];
                    idx[d] = 0;
                }
            }
        });
    }

    private static int lastStride(int[] strides) {
        return strides.length == 0 ? 0 : strides[strides.length - 1];
    }

    private static int inner(int[] shape) {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    /** Copies a strided view into contiguous {@code dst[dstOff …]}. */
    public static void copy(int[] shape, float[] src, int srcOff, int[] srcStrides, float[] dst, int dstOff) {
        int inner = inner(shape);
        int s = lastStride(srcStrides);
        forRows(shape, new int[][] {srcStrides}, new int[] {srcOff}, (o, b) -> {
            int p = b[0];
            for (int j = 0; j < inner; j++, p += s) dst[dstOff + o + j] = src[p];
        });
    }

    /**
     * Copies (or, with {@code accumulate}, adds) a strided source into a strided destination view of
     * the same shape. The destination view must not overlap itself (no zero strides).
     */
    public static void copyInto(int[] shape, float[] src, int srcOff, int[] srcStrides, float[] dst, int dstOff,
            int[] dstStrides, boolean accumulate) {
        int inner = inner(shape);
        int s = lastStride(srcStrides), d = lastStride(dstStrides);
        forRows(shape, new int[][] {srcStrides, dstStrides}, new int[] {srcOff, dstOff}, (o, b) -> {
            int p = b[0], q = b[1];
            if (accumulate) {
                for (int j = 0; j < inner; j++, p += s, q += d) dst[q] += src[p];
            } else {
                for (int j = 0; j < inner; j++, p += s, q += d) dst[q] = src[p];
            }
        });
    }

    /** {@code out[i] = f(x[i])} with strided input, contiguous output. */
    public static void unary(UnaryFn fn, float a, float c, int[] shape, float[] x, int xOff, int[] xs, float[] out) {
        int inner = inner(shape);
        int s = lastStride(xs);
        forRows(shape, new int[][] {xs}, new int[] {xOff}, (o, b) -> {
            int p = b[0];
            for (int j = 0; j < inner; j++, p += s) out[o + j] = fn.f(x[p], a, c);
        });
    }

    /** {@code gx[i] = g[i] · f'(x[i])}, all contiguous of length n. */
    public static void unaryBackward(UnaryFn fn, float a, float c, int n, float[] x, float[] y, float[] g, float[] gx) {
        Parallel.forRange(n, 1 << 14, (lo, hi) -> {
            for (int i = lo; i < hi; i++) gx[i] = g[i] * fn.df(x[i], y[i], a, c);
        });
    }

    /** {@code out[i] = f(a[i], b[i])} over broadcast strided inputs. */
    public static void binary(BinaryFn fn, int[] shape, float[] a, int aOff, int[] as, float[] b, int bOff, int[] bs,
            float[] out) {
        int inner = inner(shape);
        int sa = lastStride(as), sb = lastStride(bs);
        forRows(shape, new int[][] {as, bs}, new int[] {aOff, bOff}, (o, base) -> {
            int pa = base[0], pb = base[1];
            for (int j = 0; j < inner; j++, pa += sa, pb += sb) out[o + j] = fn.f(a[pa], b[pb]);
        });
    }

    /**
     * Per-element partial derivatives times the upstream gradient, at the broadcast output shape:
     * {@code ga[i] = g[i]·∂f/∂a}, {@code gb[i] = g[i]·∂f/∂b}; either output may be null.
     */
    public static void binaryBackward(BinaryFn fn, int[] shape, float[] a, int aOff, int[] as, float[] b, int bOff,
            int[] bs, float[] y, float[] g, float[] ga, float[] gb) {
        int inner = inner(shape);
        int sa = lastStride(as), sb = lastStride(bs);
        forRows(shape, new int[][] {as, bs}, new int[] {aOff, bOff}, (o, base) -> {
            int pa = base[0], pb = base[1];
            for (int j = 0; j < inner; j++, pa += sa, pb += sb) {
                float av = a[pa], bv = b[pb], yv = y[o + j], gv = g[o + j];
                if (ga != null) ga[o + j] = gv * fn.da(av, bv, yv);
                if (gb != null) gb[o + j] = gv * fn.db(av, bv, yv);
            }
        });
    }

    /** {@code out[i] = cond[i] != 0 ? a[i] : b[i]} over broadcast strided inputs. */
    public static void where(int[] shape, float[] c, int cOff, int[] cs, float[] a, int aOff, int[] as, float[] b,
            int bOff, int[] bs, float[] out) {
        int inner = inner(shape);
        int sc = lastStride(cs), sa = lastStride(as), sb = lastStride(bs);
        forRows(shape, new int[][] {cs, as, bs}, new int[] {cOff, aOff, bOff}, (o, base) -> {
            int pc = base[0], pa = base[1], pb = base[2];
            for (int j = 0; j < inner; j++, pc += sc, pa += sa, pb += sb) out[o + j] = c[pc] != 0f ? a[pa] : b[pb];
        });
    }
}
