package mrisr.kernels.reference;

import mrisr.kernels.Parallel;

/**
 * Scalar reference GEMM, row-major, BLAS semantics:
 * {@code C = alpha · op(A) · op(B) + beta · C} with {@code op(A)} of shape M×K and {@code op(B)} K×N.
 *
 * <p>{@code lda}/{@code ldb}/{@code ldc} are the row strides of the stored matrices (A stored K×M
 * when transposed). Dot products accumulate in double, which makes this the accuracy oracle for the
 * fast kernels. Parallel over rows of C; each element is computed by one thread in a fixed order.
 */
public final class Gemm {
    private Gemm() {}

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
            int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        int aRow = transA ? 1 : lda, aCol = transA ? lda : 1;
        int bRow = transB ? 1 : ldb, bCol = transB ? ldb : 1;
        Parallel.forRange(m, Parallel.grain(m, (long) n * k), (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    int pa = aOff + i * aRow, pb = bOff + j * bCol;
                    for (int p = 0; p < k; p++, pa += aCol, pb += bRow) s += (double) a[pa] * b[pb];
                    int pc = cOff + i * ldc + j;
                    c[pc] = beta == 0f ? (float) (alpha * s) : (float) (alpha * s + beta * c[pc]);
                }
            }
        });
    }
}
