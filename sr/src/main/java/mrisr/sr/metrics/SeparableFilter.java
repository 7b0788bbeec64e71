package mrisr.sr.metrics;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import mrisr.kernels.Parallel;

/**
 * Separable N-D correlation on row-major {@code double[]} grids, with scipy.ndimage's boundary
 * handling, plus the deterministic reductions and resamplings the metrics share.
 *
 * <p>{@link #correlateAxis} computes, along one axis of length {@code n},
 * {@code out[i] = Σ_{t=-r..r} w[t + r] · in[reflect(i + t)]} — scipy's {@code correlate1d} with
 * {@code mode='reflect'}, the half-sample symmetric extension {@code d c b a | a b c d | d c b a},
 * repeated with period {@code 2n} for lines shorter than the kernel. Kernels built here are
 * symmetric, and the sum pairs the mirrored taps first, as scipy does for symmetric kernels:
 * {@code acc = w_c·x; acc = acc + w_t·(x₊ + x₋)} for t = 1..r. {@link #correlateInPlace} chains
 * such passes over every axis in order, like {@code scipy.ndimage.gaussian_filter}.
 *
 * <p>The metrics work one slice along axis 0 at a time rather than in whole-grid passes, which
 * would stream the grid through memory once per axis: {@link #correlateAxis0Slices} forms output
 * slices from the {@code 2r + 1} input slices around each (in column blocks, so input rows shared
 * by neighbouring outputs are read from memory once), and the passes along the remaining axes run
 * on slice-sized buffers that stay in cache ({@link #sliceShape}, {@link #forEachSlice}). Each
 * value still goes through the operations above in the same order, axis 0 first, so slice-wise and
 * whole-grid filtering give the same bits.
 *
 * <p>The inner loops use the Vector API ({@code DoubleVector}, the platform's preferred width; a
 * row's last partial vector is masked, the fused moments pass has a scalar tail). Each lane performs
 * the scalar operations in the scalar order, without fused multiply-add, so results are
 * bit-identical to plain scalar loops (the tests keep such a twin and compare bit for bit) and
 * across vector widths. Work is split into fixed chunks and partial sums are combined in a fixed
 * order, so results do not depend on the thread count either.
 *
 * <p>Everything here is domain-free array code that could move onto engine ops once they exist.
 */
final class SeparableFilter {
    /** Reduction chunk: fixed, so partial sums (and their rounding) do not depend on the thread count. */
    private static final int SUM_GRAIN = 1 << 15;
    /** Column block of strided passes and of the axis-0 tiles: 512 doubles = 4 KiB per row. */
    static final int BLOCK = 512;
    private static final VectorSpecies<Double> SPECIES = DoubleVector.SPECIES_PREFERRED;
    private static final int LANES = SPECIES.length();
    /** Slices per task of {@link #forEachSlice}: a fixed split of axis 0 into at most 32 tasks. */
    private static final int SLICE_TASKS = 32;
    /** Most output slices one axis-0 pass produces together ({@link #correlateAxis0Slices}): bounds the buffers. */
    private static final int SLICES_PER_PASS = 8;

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
                int[] plus = new int[r + 1], minus = new int[r + 1];
                for (int t = 1; t <= r; t++) {
                    plus[t] = r + t;
                    minus[t] = r - t;
                }
                for (int l = lo; l < hi; l++) correlateLine(src, dst, l * n, n, w, line, plus, minus);
            });
        } else {
            // strided axis: whole rows of `inner` values are combined; columns are cut into blocks so that the
            // 2r + 1 input rows an output row reads stay in cache while i sweeps the axis
            int blocks = (inner + BLOCK - 1) / BLOCK;
            int tasks = outer * blocks;
            int grain = Parallel.grain(tasks, (long) n * Math.min(inner, BLOCK) * (r + 1));
            Parallel.forRange(tasks, grain, (lo, hi) -> {
                int[] plus = new int[r + 1], minus = new int[r + 1];
                for (int task = lo; task < hi; task++) {
                    int o = task / blocks, x0 = (task - o * blocks) * BLOCK;
                    int len = Math.min(BLOCK, inner - x0);
                    int base = o * n * inner + x0;
                    for (int i = 0; i < n; i++) {
                        for (int t = 1; t <= r; t++) {
                            plus[t] = base + reflect(i + t, n) * inner;
                            minus[t] = base + reflect(i - t, n) * inner;
                        }
                        combineRows(src, base + i * inner, plus, minus, len, w, dst, base + i * inner);
                    }
                }
            });
        }
    }

    private static int product(int[] shape, int from, int to) {
        int p = 1;
        for (int a = from; a < to; a++) p *= shape[a];
        return p;
    }

    /**
     * A contiguous line: copy it with its reflected margins into {@code line}, then correlate;
     * {@code plus[t] = r + t} and {@code minus[t] = r − t} address the taps within {@code line}.
     */
    private static void correlateLine(double[] src, double[] dst, int off, int n, double[] w, double[] line, int[] plus, int[] minus) {
        int r = w.length / 2;
        System.arraycopy(src, off, line, r, n);
        for (int p = 0; p < r; p++) {
            line[p] = src[off + reflect(p - r, n)];
            line[r + n + p] = src[off + reflect(n + p, n)];
        }
        combineRows(line, r, plus, minus, n, w, dst, off);
    }

    /**
     * {@code len} values of one output row: {@code dst[out + x] = w_c·src[centre + x] + Σ_t w_t·(src[plus[t] + x]
     * + src[minus[t] + x])}, the taps accumulated in registers in order t = 1..r. Four vectors
     * are worked on at once so that their accumulation chains overlap; the last partial vector is masked.
     */
    private static void combineRows(double[] src, int centre, int[] plus, int[] minus, int len, double[] w, double[] dst, int out) {
        int r = w.length / 2;
        double wc = w[r];
        int x = 0;
        for (; x + 4 * LANES <= len; x += 4 * LANES) {
            int x0 = x, x1 = x0 + LANES, x2 = x0 + 2 * LANES, x3 = x0 + 3 * LANES;
            DoubleVector a0 = DoubleVector.fromArray(SPECIES, src, centre + x).mul(wc);
            DoubleVector a1 = DoubleVector.fromArray(SPECIES, src, centre + x + LANES).mul(wc);
            DoubleVector a2 = DoubleVector.fromArray(SPECIES, src, centre + x + 2 * LANES).mul(wc);
            DoubleVector a3 = DoubleVector.fromArray(SPECIES, src, centre + x + 3 * LANES).mul(wc);
            for (int t = 1; t <= r; t++) {
                int p = plus[t], m = minus[t];
                double wt = w[r + t];
                a0 = a0.add(DoubleVector.fromArray(SPECIES, src, p + x0).add(DoubleVector.fromArray(SPECIES, src, m + x0)).mul(wt));
                a1 = a1.add(DoubleVector.fromArray(SPECIES, src, p + x1).add(DoubleVector.fromArray(SPECIES, src, m + x1)).mul(wt));
                a2 = a2.add(DoubleVector.fromArray(SPECIES, src, p + x2).add(DoubleVector.fromArray(SPECIES, src, m + x2)).mul(wt));
                a3 = a3.add(DoubleVector.fromArray(SPECIES, src, p + x3).add(DoubleVector.fromArray(SPECIES, src, m + x3)).mul(wt));
            }
            a0.intoArray(dst, out + x);
            a1.intoArray(dst, out + x + LANES);
            a2.intoArray(dst, out + x + 2 * LANES);
            a3.intoArray(dst, out + x + 3 * LANES);
        }
        for (; x + LANES <= len; x += LANES) {
            DoubleVector acc = DoubleVector.fromArray(SPECIES, src, centre + x).mul(wc);
            for (int t = 1; t <= r; t++) {
                DoubleVector pair = DoubleVector.fromArray(SPECIES, src, plus[t] + x).add(DoubleVector.fromArray(SPECIES, src, minus[t] + x));
                acc = acc.add(pair.mul(w[r + t]));
            }
            acc.intoArray(dst, out + x);
        }
        if (x < len) { // the last partial vector, masked: same lane operations as the full ones
            VectorMask<Double> lanes = SPECIES.indexInRange(x, len);
            DoubleVector acc = DoubleVector.fromArray(SPECIES, src, centre + x, lanes).mul(wc);
            for (int t = 1; t <= r; t++) {
                DoubleVector pair = DoubleVector.fromArray(SPECIES, src, plus[t] + x, lanes).add(DoubleVector.fromArray(SPECIES, src, minus[t] + x, lanes));
                acc = acc.add(pair.mul(w[r + t]));
            }
            acc.intoArray(dst, out + x, lanes);
        }
    }

    /**
     * Correlates {@code a} along every axis in order 0, 1, … with {@code kernels[axis]} (a
     * {@code null} entry skips that axis), in place, like {@code scipy.ndimage.gaussian_filter};
     * {@code b} is a second buffer of the same length, overwritten.
     */
    static void correlateInPlace(double[] a, double[] b, int[] shape, double[][] kernels) {
        double[] in = a, out = b;
        for (int axis = 0; axis < shape.length; axis++) {
            if (kernels[axis] == null) continue;
            correlateAxis(in, out, shape, axis, kernels[axis]);
            double[] t = in;
            in = out;
            out = t;
        }
        if (in != a) System.arraycopy(in, 0, a, 0, a.length);
    }

    /** The shape of one slice along axis 0: the other axes (none for a 1-D grid: one-value slices). */
    static int[] sliceShape(int[] shape) {
        return Arrays.copyOfRange(shape, 1, shape.length);
    }

    /**
     * Output slices {@code i_c = first + c·step} ({@code c < count}) of the correlation along axis 0
     * with each of {@code kernels}: {@code out[k][c][q] = Σ_t kernels[k][t + r]·src[reflect(i_c + t)·size + q]}
     * for the {@code size} values {@code q} of a slice, paired and ordered exactly as in
     * {@link #correlateAxis}. The work runs in column blocks: the input rows all requested slices
     * need are copied, for one block of columns, into {@code tile} (widened to double), and every
     * output of the block is formed from there, so each input value is read from memory about once
     * per call rather than once per output slice that uses it.
     *
     * @param src  grid of {@code n0} slices of {@code size} values (not modified)
     * @param out  receives the slices: {@code out[k][c]} of length at least {@code size}
     * @param tile work array of at least {@link #tileLength}{@code (count, step, r)} values, r the largest kernel radius
     */
    static void correlateAxis0Slices(Grid src, int n0, int size, int first, int step, int count, double[][] kernels, double[][][] out,
            double[] tile) {
        int radius = 0;
        for (double[] k : kernels) radius = Math.max(radius, k.length / 2);
        int lo = Math.max(0, first - radius), hi = Math.min(n0 - 1, first + step * (count - 1) + radius);
        int[] centre = new int[count];
        int[][][] plus = new int[kernels.length][count][], minus = new int[kernels.length][count][];
        for (int c = 0; c < count; c++) {
            int i = first + c * step;
            centre[c] = (i - lo) * BLOCK;
            for (int k = 0; k < kernels.length; k++) {
                int r = kernels[k].length / 2;
                plus[k][c] = new int[r + 1];
                minus[k][c] = new int[r + 1];
                for (int t = 1; t <= r; t++) {
                    plus[k][c][t] = (reflect(i + t, n0) - lo) * BLOCK;
                    minus[k][c][t] = (reflect(i - t, n0) - lo) * BLOCK;
                }
            }
        }
        for (int q0 = 0; q0 < size; q0 += BLOCK) {
            int len = Math.min(BLOCK, size - q0);
            for (int row = lo; row <= hi; row++) src.copy(row * size + q0, tile, (row - lo) * BLOCK, len);
            for (int c = 0; c < count; c++) {
                for (int k = 0; k < kernels.length; k++) combineRows(tile, centre[c], plus[k][c], minus[k][c], len, kernels[k], out[k][c], q0);
            }
        }
    }

    /**
     * Length of the tile {@link #correlateAxis0Slices} (and the fused moments pass) needs for
     * {@code count} output slices {@code step} apart and kernels of radius up to {@code radius}:
     * one block of columns of every input row they read.
     */
    static int tileLength(int count, int step, int radius) {
        return Math.multiplyExact(step * (count - 1) + 1 + 2 * radius, BLOCK);
    }

    /** Work on a range of slices with buffers it has to itself for the duration of the call. */
    @FunctionalInterface
    interface SliceTask<B> {
        /** Processes slices {@code [from, to)} along axis 0, using (and overwriting) {@code buffers}. */
        void run(B buffers, int from, int to);
    }

    /**
     * Runs {@code task} over slices {@code [0, n)} along axis 0 in parallel: a fixed split into at
     * most {@value #SLICE_TASKS} ranges of consecutive slices (neighbouring output slices share most
     * input slices), independent of the thread count. Buffer sets come from {@code newBuffers} and
     * are recycled between ranges, so about one set per thread is allocated; a task must not rely
     * on what a previous range left in them, and writes only results indexed by its own slices.
     */
    static <B> void forEachSlice(int n, Supplier<B> newBuffers, SliceTask<B> task) {
        ConcurrentLinkedQueue<B> pool = new ConcurrentLinkedQueue<>();
        Parallel.forRange(n, sliceGrain(n), (lo, hi) -> {
            B buffers = pool.poll();
            if (buffers == null) buffers = newBuffers.get();
            task.run(buffers, lo, hi);
            pool.offer(buffers);
        });
    }

    /** The number of consecutive slices one task of {@link #forEachSlice} covers (at most). */
    static int sliceGrain(int n) {
        return Math.max(1, (n + SLICE_TASKS - 1) / SLICE_TASKS);
    }

    /** Output slices one axis-0 pass of a task produces together: the task's slices, at most {@link #SLICES_PER_PASS}. */
    static int slicesPerPass(int n) {
        return Math.min(SLICES_PER_PASS, sliceGrain(n));
    }

    /**
     * {@code Σ_i partial[i]} in index order: combines per-slice partial sums into a total that does
     * not depend on how slices were spread over threads.
     */
    static double sumInOrder(double[] partial) {
        double s = 0;
        for (double p : partial) s += p;
        return s;
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
    static double[] averagePool2(Grid src, int[] shape) {
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
                for (int c = 0; c < corners; c++) s += src.get(base + cornerOffset[c]);
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
