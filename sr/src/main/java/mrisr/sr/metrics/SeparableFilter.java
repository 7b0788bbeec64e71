package mrisr.sr.metrics;

import java.util.Arrays;
import mrisr.kernels.Parallel;

/**
 * Separable N-D correlation on row-major {@code double[]} grids, with scipy.ndimage's boundary
 * handling, plus the deterministic reductions and resamplings the metrics share.
 *
 * <p>{@link #correlateAxis} computes, along one axis of length {@code n},
 * {@code out[i] = Σ_{t=-r..r} w[t + r] · in[reflect(i + t)]} — scipy's {@code correlate1d} with
 * {@code mode='reflect'}, the half-sample symmetric extension {@code d c b a | a b c d | d c b a},
 * repeated with period {@code 2n} for lines shorter than the kernel. Lines are processed in parallel;
 * each output value is computed by the same sequence of operations whatever the thread count, so
 * results are bit-identical for 1 or N threads. Kernels built here are symmetric, and the sum pairs
 * the mirrored taps first, as scipy does for symmetric kernels.
 *
 * <p>Everything here is domain-free array code that could move onto engine ops once they exist.
 */
final class SeparableFilter {
    /** Reduction chunk: fixed, so partial sums (and their rounding) do not depend on the thread count. */
    private static final int SUM_GRAIN = 1 << 15;
    /** Column block of strided passes: 512 doubles = 4 KiB of output per row. */
    private static final int BLOCK = 512;

    private SeparableFilter() {}

    /** scipy's kernel radius for a Gaussian: {@code int(truncate·σ + 0.5)}. */
    static int radius(double sigma, double truncate) {
        return (int) (truncate * sigma + 0.5);
    }

    /**
     * scipy.ndimage's {@code _gaussian_kernel1d(σ, order, radius)}: the sampled Gaussian
     * {@code φ(x) = exp(−x²/2σ²)} on {@code x = −r..r}, normalised to sum 1, times the polynomial
     * that gives its {@code order}-th derivative ({@code 1} for order 0, {@code x²/σ⁴ − 1/σ²} for
     * order 2). Both are symmetric, so correlation and convolution agree.
     */
    static double[] gaussianKernel(double sigma, int radius, int order) {
        if (order != 0 && order != 2) throw new IllegalArgumentException("Gaussian derivative order must be 0 or 2, got " + order);
        double s2 = sigma * sigma;
        double[] w = new double[2 * radius + 1];
        double sum = 0;
        for (int x = -radius; x <= radius; x++) {
            w[x + radius] = Math.exp(-0.5 / s2 * x * x);
            sum += w[x + radius];
        }
        for (int x = -radius; x <= radius; x++) {
            double phi = w[x + radius] / sum;
            w[x + radius] = order == 0 ? phi : (x * x / (s2 * s2) - 1 / s2) * phi;
        }
        return w;
    }

    /** scipy's 'reflect' extension: maps any integer index onto {@code [0, n)}. */
    static int reflect(int i, int n) {
        if (i >= 0 && i < n) return i;
        int period = 2 * n;
        int m = Math.floorMod(i, period);
        return m < n ? m : period - 1 - m;
    }

    /**
     * Correlates along every axis in order 0, 1, …, with {@code kernels[axis]} (a {@code null} entry
     * skips that axis), like {@code scipy.ndimage.gaussian_filter}.
     *
     * @param src     input, row-major over {@code shape}; not modified
     * @param dst     output, same length; may not alias {@code src}
     * @param scratch work array of the same length, overwritten
     */
    static void correlate(double[] src, double[] dst, double[] scratch, int[] shape, double[][] kernels) {
        int passes = 0;
        for (double[] k : kernels) if (k != null) passes++;
        if (passes == 0) {
            System.arraycopy(src, 0, dst, 0, src.length);
            return;
        }
        double[] in = src;
        int done = 0;
        for (int axis = 0; axis < shape.length; axis++) {
            if (kernels[axis] == null) continue;
            // choose targets so that the last pass lands in dst
            double[] out = (passes - 1 - done) % 2 == 0 ? dst : scratch;
            correlateAxis(in, out, shape, axis, kernels[axis]);
            in = out;
            done++;
        }
    }

    /** The same symmetric kernel along every axis. */
    static void correlateAll(double[] src, double[] dst, double[] scratch, int[] shape, double[] kernel) {
        double[][] k = new double[shape.length][];
        Arrays.fill(k, kernel);
        correlate(src, dst, scratch, shape, k);
    }

    /**
     * One 1-D correlation along {@code axis} with a symmetric kernel of odd length {@code 2r + 1}.
     *
     * @param src input; not modified
     * @param dst output; must not alias {@code src}
     */
    static void correlateAxis(double[] src, double[] dst, int[] shape, int axis, double[] w) {
        int n = shape[axis];
        int outer = product(shape, 0, axis), inner = product(shape, axis + 1, shape.length);
        int r = w.length / 2;
        if (inner == 1) {
            int lines = outer;
            int grain = Parallel.grain(lines, (long) n * w.length);
            Parallel.forRange(lines, grain, (lo, hi) -> {
                double[] line = new double[n + 2 * r];
                for (int l = lo; l < hi; l++) correlateLine(src, dst, l * n, n, r, w, line);
            });
        } else {
            // strided axis: whole rows of `inner` values are combined; columns are cut into blocks so that the
            // output block stays in L1 and the 2r + 1 input rows it reads stay in L2 while i sweeps the axis
            int blocks = (inner + BLOCK - 1) / BLOCK;
            int tasks = outer * blocks;
            int grain = Parallel.grain(tasks, (long) n * Math.min(inner, BLOCK) * (r + 1));
            Parallel.forRange(tasks, grain, (lo, hi) -> {
                for (int task = lo; task < hi; task++) {
                    int o = task / blocks, x0 = (task - o * blocks) * BLOCK;
                    int len = Math.min(BLOCK, inner - x0);
                    int base = o * n * inner + x0;
                    for (int i = 0; i < n; i++) correlateRow(src, dst, base, i, n, inner, len, r, w);
                }
            });
        }
    }

    private static int product(int[] shape, int from, int to) {
        int p = 1;
        for (int a = from; a < to; a++) p *= shape[a];
        return p;
    }

    /** A contiguous line: copy it with its reflected margins into {@code line}, then correlate. */
    private static void correlateLine(double[] src, double[] dst, int off, int n, int r, double[] w, double[] line) {
        for (int p = 0; p < n + 2 * r; p++) line[p] = src[off + reflect(p - r, n)];
        double wc = w[r];
        for (int i = 0; i < n; i++) dst[off + i] = wc * line[i + r];
        for (int t = 1; t <= r; t++) {
            double wt = w[r + t];
            int plus = r + t, minus = r - t;
            for (int i = 0; i < n; i++) dst[off + i] += wt * (line[plus + i] + line[minus + i]);
        }
    }

    /**
     * {@code len} values of output row {@code i} along a strided axis, starting at {@code base} (the
     * block's offset within the slab): a weighted sum of the same columns of input rows.
     */
    private static void correlateRow(double[] src, double[] dst, int base, int i, int n, int inner, int len, int r, double[] w) {
        int out = base + i * inner;
        double wc = w[r];
        for (int x = 0; x < len; x++) dst[out + x] = wc * src[out + x];
        for (int t = 1; t <= r; t++) {
            int p = base + reflect(i + t, n) * inner;
            int m = base + reflect(i - t, n) * inner;
            double wt = w[r + t];
            for (int x = 0; x < len; x++) dst[out + x] += wt * (src[p + x] + src[m + x]);
        }
    }

    /** A sum over {@code [from, to)} of some per-index term. */
    @FunctionalInterface
    interface RangeSum {
        double sum(int from, int to);
    }

    /** {@code Σ_{i<n} term(i)} in fixed chunks combined in order: the same bits for every thread count. */
    static double sum(int n, RangeSum body) {
        if (n <= 0) return 0;
        int chunks = (n + SUM_GRAIN - 1) / SUM_GRAIN;
        double[] partial = new double[chunks];
        Parallel.forRange(chunks, 1, (lo, hi) -> {
            for (int c = lo; c < hi; c++) {
                int from = c * SUM_GRAIN;
                partial[c] = body.sum(from, Math.min(n, from + SUM_GRAIN));
            }
        });
        double s = 0;
        for (double p : partial) s += p;
        return s;
    }

    /** Number of elements of a shape. */
    static int numel(int[] shape) {
        int n = 1;
        for (int s : shape) n = Math.multiplyExact(n, s);
        return n;
    }

    /** Row-major strides of a shape. */
    static int[] strides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int a = shape.length - 1; a >= 0; a--) {
            st[a] = s;
            s *= shape[a];
        }
        return st;
    }

    /** The shape after {@link #averagePool2}: {@code floor(n/2)} per axis. */
    static int[] pooledShape(int[] shape) {
        int[] out = new int[shape.length];
        for (int a = 0; a < shape.length; a++) out[a] = shape[a] / 2;
        return out;
    }

    /**
     * 2× average pooling along every axis: each output voxel is the mean of its {@code 2^d} input
     * voxels; a trailing odd voxel along an axis is dropped (output size {@code floor(n/2)}).
     */
    static double[] averagePool2(double[] src, int[] shape) {
        int[] outShape = pooledShape(shape);
        int d = shape.length;
        int[] inStrides = strides(shape), outStrides = strides(outShape);
        int total = numel(outShape);
        int corners = 1 << d;
        int[] cornerOffset = new int[corners];
        for (int c = 0; c < corners; c++) {
            int off = 0;
            for (int a = 0; a < d; a++) if ((c >> (d - 1 - a) & 1) == 1) off += inStrides[a];
            cornerOffset[c] = off;
        }
        double scale = 1.0 / corners;
        double[] out = new double[total];
        Parallel.forRange(total, Parallel.grain(total, corners), (lo, hi) -> {
            for (int o = lo; o < hi; o++) {
                int rem = o, base = 0;
                for (int a = 0; a < d; a++) {
                    int idx = rem / outStrides[a];
                    rem -= idx * outStrides[a];
                    base += 2 * idx * inStrides[a];
                }
                double s = 0;
                for (int c = 0; c < corners; c++) s += src[base + cornerOffset[c]];
                out[o] = s * scale;
            }
        });
        return out;
    }

    /** The shape after {@link #decimate2}: {@code ceil(n/2)} per axis. */
    static int[] decimatedShape(int[] shape) {
        int[] out = new int[shape.length];
        for (int a = 0; a < shape.length; a++) out[a] = (shape[a] + 1) / 2;
        return out;
    }

    /** Keeps every second voxel along every axis, starting at 0 (numpy's {@code x[::2, ::2, ::2]}). */
    static double[] decimate2(double[] src, int[] shape) {
        int[] outShape = decimatedShape(shape);
        int d = shape.length;
        int[] inStrides = strides(shape), outStrides = strides(outShape);
        int total = numel(outShape);
        double[] out = new double[total];
        Parallel.forRange(total, Parallel.grain(total, 4), (lo, hi) -> {
            for (int o = lo; o < hi; o++) out[o] = src[decimatedSource(o, d, inStrides, outStrides)];
        });
        return out;
    }

    /** Keeps every second mask entry along every axis, like {@link #decimate2}. */
    static boolean[] decimate2(boolean[] src, int[] shape) {
        int[] outShape = decimatedShape(shape);
        int d = shape.length;
        int[] inStrides = strides(shape), outStrides = strides(outShape);
        boolean[] out = new boolean[numel(outShape)];
        for (int o = 0; o < out.length; o++) out[o] = src[decimatedSource(o, d, inStrides, outStrides)];
        return out;
    }

    private static int decimatedSource(int o, int d, int[] inStrides, int[] outStrides) {
        int rem = o, base = 0;
        for (int a = 0; a < d; a++) {
            int idx = rem / outStrides[a];
            rem -= idx * outStrides[a];
            base += 2 * idx * inStrides[a];
        }
        return base;
    }
}
