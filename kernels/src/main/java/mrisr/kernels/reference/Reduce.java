package mrisr.kernels.reference;

import mrisr.kernels.Parallel;

/**
 * Scalar row reductions: the input is {@code rows × len} contiguous, one output per row. Sums
 * accumulate in double in index order, so the result does not depend on the thread count.
 */
public final class Reduce {
    private Reduce() {}

    /** {@code out[r] = Σ_j x[r·len + j]}. */
    public static void sumRows(float[] x, int rows, int len, float[] out) {
        Parallel.forRange(rows, Parallel.grain(rows, len), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                double s = 0;
                int base = r * len;
                for (int j = 0; j < len; j++) s += x[base + j];
                out[r] = (float) s;
            }
        });
    }

    /** {@code out[r] = max_j x[r·len + j]}; NaN propagates, like PyTorch's amax. */
    public static void maxRows(float[] x, int rows, int len, float[] out) {
        Parallel.forRange(rows, Parallel.grain(rows, len), (lo, hi) -> {
            for (int r = lo; r < hi; r++) {
                float m = Float.NEGATIVE_INFINITY;
                int base = r * len;
                for (int j = 0; j < len; j++) {
                    float v = x[base + j];
                    if (v > m || Float.isNaN(v)) m = v;
                    if (Float.isNaN(m)) break;
                }
                out[r] = m;
            }
        });
    }

    /** Σ of all elements, in double, chunked in a fixed order. */
    public static double sumAll(float[] x, int off, int n) {
        final int chunk = 1 << 16;
        int chunks = (n + chunk - 1) / chunk;
        double[] partial = new double[Math.max(chunks, 1)];
        Parallel.forRange(chunks, 1, (lo, hi) -> {
            for (int c = lo; c < hi; c++) {
                double s = 0;
                int end = Math.min(n, (c + 1) * chunk);
                for (int i = c * chunk; i < end; i++) s += x[off + i];
                partial[c] = s;
            }
        });
        double s = 0;
        for (double p : partial) s += p;
        return s;
    }
}
