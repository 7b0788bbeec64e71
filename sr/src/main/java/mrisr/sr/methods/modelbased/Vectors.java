package mrisr.sr.methods.modelbased;

import mrisr.engine.Memory;
import mrisr.engine.MemoryBudgetException;
import mrisr.kernels.Parallel;

/**
 * Parallel, deterministic vector arithmetic on flat {@code float[]} volumes for the iterative
 * solvers: element-wise updates and double-precision reductions.
 *
 * <p>Determinism: reductions are cut into chunks of {@link #CHUNK} elements (or, for the 3-D
 * kernels, into the rows of a volume), independent of the thread count; each chunk's partial sum is
 * stored at its chunk index and the partials are added in index order, so 1 or N threads give the
 * same bits. Element-wise updates write disjoint elements and are trivially deterministic.
 */
final class Vectors {
    /** Elements per reduction chunk. */
    static final int CHUNK = 1 << 13;

    private Vectors() {}

    /** Accumulates {@code width} partial sums over the elements {@code [lo, hi)} into {@code acc[0..width)}. */
    @FunctionalInterface
    interface Partial {
        void accumulate(int lo, int hi, double[] acc);
    }

    /** Accumulates {@code width} partial sums of one row of a volume into {@code acc[0..width)}. */
    @FunctionalInterface
    interface RowPartial {
        void accumulate(int row, double[] acc);
    }

    /**
     * {@code width} sums over {@code [0, n)}, computed in fixed chunks and combined in chunk order.
     *
     * @return the sums, {@code double[width]}
     */
    static double[] sums(int n, int width, Partial body) {
        int chunks = (n + CHUNK - 1) / CHUNK;
        double[] partial = new double[Math.multiplyExact(Math.max(chunks, 1), width)];
        Parallel.forRange(chunks, Math.max(1, Parallel.grain(chunks, CHUNK)), (c0, c1) -> {
            double[] acc = new double[width];
            for (int c = c0; c < c1; c++) {
                java.util.Arrays.fill(acc, 0);
                int lo = c * CHUNK;
                body.accumulate(lo, Math.min(n, lo + CHUNK), acc);
                System.arraycopy(acc, 0, partial, c * width, width);
            }
        });
        return combine(partial, chunks, width);
    }

    /**
     * {@code width} sums over the rows {@code [0, rows)} of a volume (each row costing about
     * {@code costPerRow}), one partial per row, combined in row order.
     */
    static double[] rowSums(int rows, int width, long costPerRow, RowPartial body) {
        double[] partial = new double[Math.multiplyExact(Math.max(rows, 1), width)];
        Parallel.forRange(rows, Parallel.grain(rows, costPerRow), (r0, r1) -> {
            double[] acc = new double[width];
            for (int r = r0; r < r1; r++) {
                java.util.Arrays.fill(acc, 0);
                body.accumulate(r, acc);
                System.arraycopy(acc, 0, partial, r * width, width);
            }
        });
        return combine(partial, rows, width);
    }

    private static double[] combine(double[] partial, int parts, int width) {
        double[] out = new double[width];
        for (int c = 0; c < parts; c++) for (int w = 0; w < width; w++) out[w] += partial[c * width + w];
        return out;
    }

    /** Runs an element-wise body over {@code [0, n)} in parallel. */
    static void forEach(int n, Parallel.RangeBody body) {
        Parallel.forRange(n, CHUNK, body);
    }

    /** {@code Σ a_i b_i} in double. */
    static double dot(float[] a, float[] b) {
        return sums(a.length, 1, (lo, hi, acc) -> {
            double s = 0;
            for (int i = lo; i < hi; i++) s += (double) a[i] * b[i];
            acc[0] = s;
        })[0];
    }

    /** {@code ‖a‖₂} in double. */
    static double norm(float[] a) {
        return Math.sqrt(dot(a, a));
    }

    /** {@code min} and {@code max} of {@code a} (not modified). */
    static double[] range(float[] a) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (float v : a) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return new double[] {lo, hi};
    }

    /** {@code ‖a − b‖ / ‖b‖} in double, 0 when {@code b = 0} (arguments not modified). */
    static double relativeDistance(float[] a, float[] b) {
        double[] s = sums(a.length, 2, (lo, hi, acc) -> {
            double d2 = 0, b2 = 0;
            for (int i = lo; i < hi; i++) {
                double d = (double) a[i] - b[i];
                d2 += d * d;
                b2 += (double) b[i] * b[i];
            }
            acc[0] = d2;
            acc[1] = b2;
        });
        return s[1] == 0 ? 0 : Math.sqrt(s[0] / s[1]);
    }

    /**
     * Checks the memory budget for a solver's working set before it allocates anything.
     *
     * @param floats total float32 values the solver will hold at once
     * @param what   names the solver and volume in the error
     */
    static void checkWorkingSet(long floats, String what) {
        long bytes = Math.multiplyExact(floats, 4L);
        if (bytes > Memory.budgetBytes()) {
            throw new MemoryBudgetException(what + ": the solver needs about " + Memory.human(bytes)
                    + ", over the memory budget of " + Memory.human(Memory.budgetBytes()) + " (raise it with --max-memory or -Xmx)");
        }
    }
}
