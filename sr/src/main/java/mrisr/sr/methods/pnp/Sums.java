package mrisr.sr.methods.pnp;

import mrisr.kernels.Parallel;

/**
 * Deterministic parallel reductions on flat volumes: fixed chunks of {@link #CHUNK} elements,
 * independent of the thread count, whose double partial sums are added in chunk order.
 */
final class Sums {
    /** Elements per chunk of parallel element-wise loops and reductions. */
    static final int CHUNK = 1 << 14;

    private Sums() {}

    /** {@code {‖a − b‖², ‖a‖²}} in double precision. */
    static double[] ofDifference(float[] a, float[] b) {
        int n = a.length, chunks = (n + CHUNK - 1) / CHUNK;
        double[] partial = new double[2 * Math.max(chunks, 1)];
        Parallel.forRange(chunks, 1, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                double d = 0, s = 0;
                for (int i = c * CHUNK, end = Math.min(n, i + CHUNK); i < end; i++) {
                    double e = (double) a[i] - b[i];
                    d += e * e;
                    s += (double) a[i] * a[i];
                }
                partial[2 * c] = d;
                partial[2 * c + 1] = s;
            }
        });
        double d = 0, s = 0;
        for (int c = 0; c < chunks; c++) {
            d += partial[2 * c];
            s += partial[2 * c + 1];
        }
        return new double[] {d, s};
    }
}
