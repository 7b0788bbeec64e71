package mrisr.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import mrisr.kernels.reference.Gemm;

/**
 * Fast single-precision GEMM with the Vector API, row-major, BLAS semantics:
 * {@code C = alpha · op(A) · op(B) + beta · C} for each of {@code batch} matrices.
 *
 * <p>B is packed once into column panels {@code NR = 2 × lanes} wide; each task packs its own
 * {@code MC × KC} block of A into row panels {@code MR = 6} tall, and an outer-product micro-kernel
 * (broadcast one A value, FMA into two whole vectors of C per row: 12 accumulators) computes each
 * {@code MR × NR} tile. Tasks are (batch × M-block × N-block) tiles; the K loop runs inside a task in
 * a fixed order, so every element of C is summed in the same order for any thread count. Edge tiles
 * are packed with zeros and computed into a scratch tile, then the valid part is copied: no masked
 * loads in the hot loop.
 *
 * <p>The scalar twin is {@link Gemm#sgemm}; they agree to float rounding (the twin accumulates in
 * double). {@code -Dmrisr.kernels=scalar} routes every call to the twin.
 */
public final class Sgemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int MR = 6;
    static final int NR = 2 * L;
    static final int KC = 256;
    static final int MC = 16 * MR;
    static final int NC = 16 * NR;

    private Sgemm() {}

    /**
     * Batched GEMM; matrix {@code b} of each operand starts at {@code off + b·batchStride}.
     *
     * @param c modified: receives the result
     */
    public static void sgemm(int batch, boolean transA, boolean transB, int m, int n, int k, float alpha,
            float[] a, int aOff, int lda, int strideA, float[] b, int bOff, int ldb, int strideB, float beta,
            float[] c, int cOff, int ldc, int strideC) {
        if (m == 0 || n == 0 || batch == 0) return;
        if (KernelInfo.scalarForced() || k == 0) {
            for (int t = 0; t < batch; t++) {
                Gemm.sgemm(transA, transB, m, n, k, alpha, a, aOff + t * strideA, lda, b, bOff + t * strideB, ldb, beta,
                        c, cOff + t * strideC, ldc);
            }
            return;
        }
        int panels = (n + NR - 1) / NR;
        int kBlocks = (k + KC - 1) / KC;
        // Packed B for all batches: [batch][panel][kk][NR]; a K block of a panel is a contiguous run of rows.
        int perBatch = panels * NR * k;
        float[] bp = new float[Math.multiplyExact(perBatch, batch)];
        Parallel.forRange(batch * panels, Parallel.grain(batch * panels, (long) k * NR), (lo, hi) -> {
            for (int t = lo; t < hi; t++) {
                int bi = t / panels, p = t % panels;
                packB(b, bOff + bi * strideB, ldb, transB, k, n, p, bp, bi * perBatch);
            }
        });
        int mBlocks = (m + MC - 1) / MC, nBlocks = (n + NC - 1) / NC;
        int tasks = batch * mBlocks * nBlocks;
        Parallel.forRange(tasks, 1, (lo, hi) -> {
            float[] ap = new float[MC * KC];
            float[] scratch = new float[MR * NR];
            for (int t = lo; t < hi; t++) {
                int bi = t / (mBlocks * nBlocks), rem = t % (mBlocks * nBlocks);
                int i0 = (rem / nBlocks) * MC, j0 = (rem % nBlocks) * NC;
                int mc = Math.min(MC, m - i0), nc = Math.min(NC, n - j0);
                for (int kb = 0; kb < kBlocks; kb++) {
                    int p0 = kb * KC, kc = Math.min(KC, k - p0);
                    packA(a, aOff + bi * strideA, lda, transA, i0, mc, p0, kc, ap);
                    boolean first = kb == 0;
                    for (int jr = 0; jr < nc; jr += NR) {
                        int panel = (j0 + jr) / NR;
                        int bpo = bi * perBatch + panel * NR * k + p0 * NR;
                        int nr = Math.min(NR, nc - jr);
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int co = cOff + bi * strideC + (i0 + ir) * ldc + j0 + jr;
                            if (mr == MR && nr == NR) {
                                kernel(kc, ap, ir * kc, bp, bpo, c, co, ldc, alpha, first ? beta : 1f);
                            } else {
                                kernel(kc, ap, ir * kc, bp, bpo, scratch, 0, NR, 1f, 0f);
                                for (int r = 0; r < mr; r++) {
                                    for (int q = 0; q < nr; q++) {
                                        int ci = co + r * ldc + q;
                                        float prev = first ? (beta == 0f ? 0f : beta * c[ci]) : c[ci];
                                        c[ci] = prev + alpha * scratch[r * NR + q];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        });
    }

    /** Packs column panel {@code p} of op(B) (all k rows) as [kk][NR], zero-padded past n. */
    private static void packB(float[] b, int bOff, int ldb, boolean transB, int k, int n, int p, float[] dst, int dOff) {
        int j0 = p * NR, nr = Math.min(NR, n - j0);
        int o = dOff + p * NR * k;
        for (int kk = 0; kk < k; kk++, o += NR) {
            if (!transB) {
                System.arraycopy(b, bOff + kk * ldb + j0, dst, o, nr);
            } else {
                for (int q = 0; q < nr; q++) dst[o + q] = b[bOff + (j0 + q) * ldb + kk];
            }
            // the tail [nr, NR) stays zero: dst is freshly allocated
        }
    }

    /** Packs op(A)[i0:i0+mc, p0:p0+kc] into row panels of MR rows, each stored [kk][MR] at offset ir·kc, zero-padded. */
    private static void packA(float[] a, int aOff, int lda, boolean transA, int i0, int mc, int p0, int kc, float[] dst) {
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int o = ir * kc;
            for (int kk = 0; kk < kc; kk++, o += MR) {
                for (int r = 0; r < mr; r++) {
                    int i = i0 + ir + r, p = p0 + kk;
                    dst[o + r] = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                }
                for (int r = mr; r < MR; r++) dst[o + r] = 0f;
            }
        }
    }

    /**
     * The MR × NR micro-kernel: {@code C[r][0..NR) = alpha · Σ_kk A[kk][r] · B[kk][0..NR) + beta · C}
     * ({@code beta == 0} ignores C's old values, NaN included). Kept small and static so that C2
     * inlines the whole vector chain and keeps the 12 accumulators in registers.
     */
    static void kernel(int kc, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int ldc, float alpha,
            float beta) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        int pa = aOff, pb = bOff;
        for (int kk = 0; kk < kc; kk++, pa += MR, pb += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, pb);
            FloatVector b1 = FloatVector.fromArray(S, b, pb + L);
            FloatVector av = FloatVector.broadcast(S, a[pa]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[pa + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[pa + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[pa + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[pa + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[pa + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        store(c00, c01, c, cOff, alpha, beta);
        store(c10, c11, c, cOff + ldc, alpha, beta);
        store(c20, c21, c, cOff + 2 * ldc, alpha, beta);
        store(c30, c31, c, cOff + 3 * ldc, alpha, beta);
        store(c40, c41, c, cOff + 4 * ldc, alpha, beta);
        store(c50, c51, c, cOff + 5 * ldc, alpha, beta);
    }

    private static void store(FloatVector v0, FloatVector v1, float[] c, int o, float alpha, float beta) {
        if (alpha != 1f) {
            v0 = v0.mul(alpha);
            v1 = v1.mul(alpha);
        }
        if (beta != 0f) {
            FloatVector bv = FloatVector.broadcast(S, beta);
            v0 = FloatVector.fromArray(S, c, o).fma(bv, v0);
            v1 = FloatVector.fromArray(S, c, o + L).fma(bv, v1);
        }
        v0.intoArray(c, o);
        v1.intoArray(c, o + L);
    }
}
