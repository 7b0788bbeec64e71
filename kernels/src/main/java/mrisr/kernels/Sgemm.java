package mrisr.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import mrisr.kernels.reference.Gemm;

/**
 * Fast single-precision GEMM with the Vector API, row-major, BLAS semantics:
 * {@code C = alpha · op(A) · op(B) + beta · C} for each of {@code batch} matrices.
 *
 * <p>The classic packed-panel scheme (Goto, BLIS). K is cut into blocks of {@link #KC}; for each block
 * <ol>
 *   <li>one parallel loop packs op(A) into row panels of {@link #MR} rows, each row {@code KC} floats apart
 *       (non-transposed A is then a plain row copy), and op(B) into column slivers {@code [kk][NR]} of
 *       {@link #NR} = 2 vectors;</li>
 *   <li>a second parallel loop computes tasks of {@link #MC} rows × {@link #NG} columns of C. A task walks its
 *       row panels (one panel, {@code MR × KC}, stays in L1) and, for each, the task's slivers of B
 *       ({@code KC × NG}, in L2); the micro-kernel broadcasts one A value and FMAs it into two whole
 *       vectors of each of its MR rows: {@code MR × 2} accumulators in registers.</li>
 * </ol>
 * Work is split over M and N only: every element of C is summed over k in the same order (kernel order
 * within a K block, K blocks in turn), so results are bit-identical for any thread count. Edge tiles
 * are packed with zeros and the valid part of the tile is copied out: no masked loads in the hot loop.
 *
 * <p>Packed operands live in a per-thread workspace reused across calls. A pass packs and computes
 * several whole matrices of a batch (up to about {@link #PACK_LIMIT} packed floats), or one block of
 * at most {@link #ROWS_PER_PASS} rows × {@link #COLS_PER_PASS} columns of a tall or wide matrix, so the
 * workspace stays bounded (about 32 MiB at most) for any m, n, k.
 *
 * <p>Measured on a 2-core Zen 5 (AVX-512, one thread, GFLOP per CPU-second): 1024³ and 2048³ about
 * 210–235, the micro-kernel alone (in L1) 255–265, an FMA-only loop 267.
 *
 * <p>The scalar twin is {@link Gemm#sgemm}; they agree to float rounding (the twin accumulates in
 * double). {@code -Dmrisr.kernels=scalar} routes every call to the twin.
 *
 * <pre>{@code
 * // C[m][n] = A[m][k] · B[k][n]
 * Sgemm.sgemm(1, false, false, m, n, k, 1f, a, 0, k, 0, b, 0, n, 0, 0f, c, 0, n, 0);
 * }</pre>
 */
public final class Sgemm {
    static final VectorSpecies<Float> S = KernelInfo.species();
    static final int L = S.length();
    /**
     * Rows of the micro-tile: 12 where vectors are 512-bit (AVX-512 has 32 vector registers: 24
     * accumulators, 2 B vectors, 1 broadcast), else 6 (12 accumulators fit AVX2's 16 registers).
     */
    static final int MR = S.vectorBitSize() >= 512 ? 12 : 6;
    /** Rows of the small micro-kernel, used for narrow edge panels and as {@link #MR} on 256-bit machines. */
    static final int MR_SMALL = 6;
    /** Columns of the micro-tile: two vectors. */
    static final int NR = 2 * L;
    /**
     * K block; also the distance between the rows of a packed A panel (a constant, so the kernel's A
     * offsets are too). 512 rather than 256 halves the passes over C, which for large C come from memory
     * (measured: 2048³ single-threaded 220 → 232 GFLOP/s per CPU-second; 768 is slower again).
     */
    static final int KC = 512;
    /** Rows of C per task: 10 panels of 12 (or 20 of 6). */
    static final int MC = 120;
    /**
     * Columns of C per task: its B slivers ({@code KC × NG} floats, 512 KiB) stay in L2 (1 MiB per core on
     * the Zen 5 this was tuned on) while the task's A panels ({@code MR × KC}, 24 KiB, in L1) pass by.
     */
    static final int NG = Math.max(NR, 256 / NR * NR);
    /** K rows of B packed per unit of the packing pass (non-transposed B is packed row by row). */
    static final int KR = 16;
    /** Target size, in floats, of the packed operands of one chunk of a batched call. */
    static final int PACK_LIMIT = 1 << 21;
    /**
     * Most rows of one matrix packed at once (68 tasks tall): with {@code KC}-float panel rows this bounds
     * the packed A of a tall operand to 16 MiB, whatever its K.
     */
    static final int ROWS_PER_PASS = 68 * MC;
    /** Most columns of one matrix packed at once (32 tasks wide): bounds the packed B of a wide operand to 16 MiB. */
    static final int COLS_PER_PASS = 32 * NG;

    /** Each calling thread's packed panels, reused across calls (every use overwrites what it reads). */
    private static final ThreadLocal<float[][]> WORKSPACE = new ThreadLocal<>();

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
        Job job = new Job(transA, transB, k, alpha, a, aOff, lda, strideA, b, bOff, ldb, strideB, beta, c, cOff, ldc,
                strideC);
        int rows = Math.min(m, ROWS_PER_PASS), cols = Math.min(n, COLS_PER_PASS);
        int aSize = packedA(rows), bSize = packedB(cols, k);
        // Whole matrices: as many per pass as fit PACK_LIMIT. A tall or wide one: one block of it per pass.
        int chunk = rows < m || cols < n ? 1 : (int) Math.max(1, Math.min(batch, PACK_LIMIT / ((long) aSize + bSize)));
        float[][] ws = workspace(Math.multiplyExact(chunk, aSize), Math.multiplyExact(chunk, bSize));
        for (int first = 0; first < batch; first += chunk) {
            for (int i0 = 0; i0 < m; i0 += rows) {
                for (int j0 = 0; j0 < n; j0 += cols) {
                    job.run(new Pass(first, Math.min(chunk, batch - first), i0, Math.min(m, i0 + rows), j0,
                            Math.min(n, j0 + cols), aSize, bSize), ws[0], ws[1]);
                }
            }
        }
    }

    /** Floats of the packed A panels for {@code rows} rows: {@code [panel][MR][KC]}. */
    private static int packedA(int rows) {
        return Math.multiplyExact(Math.ceilDiv(rows, MR), MR * KC);
    }

    /** Floats of the packed B slivers for {@code cols} columns: {@code [sliver][kc][NR]}, {@code kc ≤ KC}. */
    private static int packedB(int cols, int k) {
        return Math.multiplyExact(Math.ceilDiv(cols, NR), NR * Math.min(KC, k));
    }

    private static float[][] workspace(int aFloats, int bFloats) {
        float[][] ws = WORKSPACE.get();
        if (ws == null || ws[0].length < aFloats || ws[1].length < bFloats) {
            ws = new float[][] {new float[Math.max(aFloats, ws == null ? 0 : ws[0].length)],
                    new float[Math.max(bFloats, ws == null ? 0 : ws[1].length)]};
            WORKSPACE.set(ws);
        }
        return ws;
    }

    /**
     * What one pass packs and computes: rows {@code [i0, i1)} × columns {@code [j0, j1)} of matrices
     * {@code [first, first + count)}; each matrix's packed A takes {@code aSize} floats and its packed B
     * {@code bSize}.
     */
    private record Pass(int first, int count, int i0, int i1, int j0, int j1, int aSize, int bSize) {
        int aPanels() {
            return Math.ceilDiv(i1 - i0, MR);
        }

        int bSlivers() {
            return Math.ceilDiv(j1 - j0, NR);
        }
    }

    /** One call's operands. */
    private static final class Job {
        final boolean transA, transB;
        final int k;
        final float alpha, beta;
        final float[] a, b, c;
        final int aOff, lda, strideA, bOff, ldb, strideB, cOff, ldc, strideC;

        Job(boolean transA, boolean transB, int k, float alpha, float[] a, int aOff, int lda, int strideA, float[] b,
                int bOff, int ldb, int strideB, float beta, float[] c, int cOff, int ldc, int strideC) {
            this.transA = transA;
            this.transB = transB;
            this.k = k;
            this.alpha = alpha;
            this.beta = beta;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.strideA = strideA;
            this.b = b;
            this.bOff = bOff;
            this.ldb = ldb;
            this.strideB = strideB;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.strideC = strideC;
        }

        /** One pass: for each K block, pack its A panels and B slivers, then compute its tasks. */
        void run(Pass p, float[] ap, float[] bp) {
            int aPanels = p.aPanels(), bSlivers = p.bSlivers();
            int mBlocks = Math.ceilDiv(p.i1 - p.i0, MC), nGroups = Math.ceilDiv(p.j1 - p.j0, NG);
            int tasksPer = mBlocks * nGroups, tasks = p.count * tasksPer;
            for (int p0 = 0; p0 < k; p0 += KC) {
                int kc = Math.min(KC, k - p0), pc = p0;
                int bUnits = transB ? bSlivers : Math.ceilDiv(kc, KR), unitsPer = aPanels + bUnits, units = p.count * unitsPer;
                long unitCost = ((long) aPanels * MR + (long) bSlivers * NR) * kc / unitsPer;
                Parallel.forRange(units, Parallel.grain(units, unitCost), (lo, hi) -> {
                    for (int u = lo; u < hi; u++) {
                        int t = u / unitsPer;
                        pack(p, t, u % unitsPer, pc, kc, ap, t * p.aSize, bp, t * p.bSize);
                    }
                });
                float betaNow = p0 == 0 ? beta : 1f;
                long taskCost = (long) Math.min(p.i1 - p.i0, MC) * Math.min(p.j1 - p.j0, NG) * kc;
                Parallel.forRange(tasks, Parallel.grain(tasks, taskCost), (lo, hi) -> {
                    float[] tile = new float[MR * NR];
                    for (int u = lo; u < hi; u++) {
                        int t = u / tasksPer, r = u % tasksPer;
                        compute(p, t, p.i0 + (r / nGroups) * MC, p.j0 + (r % nGroups) * NG, kc, betaNow, ap,
                                t * p.aSize, bp, t * p.bSize, tile);
                    }
                });
            }
        }

        /** Packing unit {@code q} of the pass's matrix {@code t}: an A panel, then B slivers (transposed B) or rows. */
        private void pack(Pass p, int t, int q, int p0, int kc, float[] ap, int aBase, float[] bp, int bBase) {
            int matrix = p.first + t, aPanels = p.aPanels();
            if (q < aPanels) {
                packA(a, aOff + matrix * strideA, lda, transA, p.i0 + q * MR, p.i1, p0, kc, ap, aBase + q * MR * KC);
            } else if (transB) {
                int s = q - aPanels;
                packBTransposed(b, bOff + matrix * strideB, ldb, p.j0 + s * NR, p.j1, p0, kc, bp, bBase + s * NR * kc);
            } else {
                packBRows(b, bOff + matrix * strideB, ldb, p.j0, p.j1, p0, kc, (q - aPanels) * KR, bp, bBase);
            }
        }

        /** The task at rows {@code i0}, columns {@code j0} of the pass's matrix {@code t}, for one K block. */
        private void compute(Pass p, int t, int i0, int j0, int kc, float betaNow, float[] ap, int aBase, float[] bp,
                int bBase, float[] tile) {
            int i1 = Math.min(p.i1, i0 + MC), j1 = Math.min(p.j1, j0 + NG), cBase = cOff + (p.first + t) * strideC;
            for (int i = i0; i < i1; i += MR) {
                int mr = Math.min(MR, p.i1 - i), ao = aBase + (i - p.i0) * KC;
                for (int j = j0; j < j1; j += NR) {
                    int bo = bBase + (j - p.j0) * kc;
                    if (MR == 12 && mr > MR_SMALL) {
                        kernel12(kc, ap, ao, bp, bo, tile);
                    } else {
                        kernel6(kc, ap, ao, bp, bo, tile);
                    }
                    update(tile, mr, Math.min(NR, p.j1 - j), c, cBase + i * ldc + j, ldc, alpha, betaNow);
                }
            }
        }
    }

    /**
     * {@code C[r][q] = alpha · tile[r][q] + beta · C[r][q]} for the valid {@code mr × nr} corner of a
     * micro-tile ({@code beta == 0} ignores C's old values, NaN included).
     */
    static void update(float[] tile, int mr, int nr, float[] c, int co, int ldc, float alpha, float beta) {
        if (nr == NR) {
            FloatVector al = FloatVector.broadcast(S, alpha), be = FloatVector.broadcast(S, beta);
            for (int r = 0; r < mr; r++, co += ldc) {
                FloatVector v0 = FloatVector.fromArray(S, tile, r * NR).mul(al);
                FloatVector v1 = FloatVector.fromArray(S, tile, r * NR + L).mul(al);
                if (beta != 0f) {
                    v0 = FloatVector.fromArray(S, c, co).fma(be, v0);
                    v1 = FloatVector.fromArray(S, c, co + L).fma(be, v1);
                }
                v0.intoArray(c, co);
                v1.intoArray(c, co + L);
            }
            return;
        }
        for (int r = 0; r < mr; r++, co += ldc) {
            for (int q = 0; q < nr; q++) {
                float v = alpha * tile[r * NR + q];
                c[co + q] = beta == 0f ? v : Math.fma(beta, c[co + q], v); // rounds as the vector path does
            }
        }
    }

    /**
     * Packs rows {@code [i0, i0 + MR)} × columns {@code [p0, p0 + kc)} of op(A) as an {@code [MR][KC]}
     * panel at {@code o}; rows from {@code i1} on are zero.
     */
    static void packA(float[] a, int aOff, int lda, boolean transA, int i0, int i1, int p0, int kc, float[] dst, int o) {
        int mr = Math.min(MR, i1 - i0);
        if (transA) {
            for (int kk = 0; kk < kc; kk++) {
                int src = aOff + (p0 + kk) * lda + i0;
                for (int r = 0; r < mr; r++) dst[o + r * KC + kk] = a[src + r];
            }
        } else {
            for (int r = 0; r < mr; r++) System.arraycopy(a, aOff + (i0 + r) * lda + p0, dst, o + r * KC, kc);
        }
        for (int r = mr; r < MR; r++) Arrays.fill(dst, o + r * KC, o + r * KC + kc, 0f);
    }

    /**
     * Packs rows {@code [kk0, kk0 + KR)} of the K block {@code [p0, p0 + kc)} of a non-transposed B,
     * columns {@code [j0, j1)}, into the slivers {@code [kc][NR]} from {@code o} on (columns past
     * {@code j1} zero): each source row is read once, front to back.
     */
    static void packBRows(float[] b, int bOff, int ldb, int j0, int j1, int p0, int kc, int kk0, float[] dst, int o) {
        int kk1 = Math.min(kc, kk0 + KR), full = j0 + (j1 - j0) / NR * NR;
        for (int kk = kk0; kk < kk1; kk++) {
            int src = bOff + (p0 + kk) * ldb, d = o + kk * NR;
            for (int j = j0; j < full; j += NR, d += NR * kc) {
                FloatVector.fromArray(S, b, src + j).intoArray(dst, d);
                FloatVector.fromArray(S, b, src + j + L).intoArray(dst, d + L);
            }
            if (full < j1) {
                System.arraycopy(b, src + full, dst, d, j1 - full);
                Arrays.fill(dst, d + j1 - full, d + NR, 0f);
            }
        }
    }

    /**
     * Packs columns {@code [j0, j0 + NR)} × rows {@code [p0, p0 + kc)} of op(B) = Bᵀ as a {@code [kc][NR]}
     * sliver at {@code o}; columns from {@code j1} on are zero.
     */
    static void packBTransposed(float[] b, int bOff, int ldb, int j0, int j1, int p0, int kc, float[] dst, int o) {
        int nr = Math.min(NR, j1 - j0);
        for (int q = 0; q < nr; q++) {
            int src = bOff + (j0 + q) * ldb + p0;
            for (int kk = 0; kk < kc; kk++) dst[o + kk * NR + q] = b[src + kk];
        }
        for (int q = nr; q < NR; q++) {
            for (int kk = 0; kk < kc; kk++) dst[o + kk * NR + q] = 0f;
        }
    }

    /**
     * The 12 × NR micro-kernel: {@code tile[r][0..NR) = Σ_kk A[r][kk] · B[kk][0..NR)} with A an
     * {@code [12][KC]} panel at {@code aOff} and B a {@code [kc][NR]} sliver at {@code bOff}.
     *
     * <p>The accumulators are locals and the method makes no calls but the Vector API's intrinsics, so
     * C2 keeps all 24 in registers; it is too large to be inlined into its caller, which keeps the
     * caller's compilation (and its inlining budget) small. Storing the tile, instead of updating C
     * here, keeps the epilogue free of calls that would exceed the inlining budget and box the
     * accumulators.
     */
    static void kernel12(int kc, float[] a, int aOff, float[] b, int bOff, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S), c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        FloatVector c80 = FloatVector.zero(S), c81 = FloatVector.zero(S), c90 = FloatVector.zero(S), c91 = FloatVector.zero(S);
        FloatVector ca0 = FloatVector.zero(S), ca1 = FloatVector.zero(S), cb0 = FloatVector.zero(S), cb1 = FloatVector.zero(S);
        for (int kk = 0, pa = aOff, pb = bOff; kk < kc; kk++, pa++, pb += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, pb), b1 = FloatVector.fromArray(S, b, pb + L);
            FloatVector av = FloatVector.broadcast(S, a[pa]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[pa + KC]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[pa + 2 * KC]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[pa + 3 * KC]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[pa + 4 * KC]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[pa + 5 * KC]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, a[pa + 6 * KC]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, a[pa + 7 * KC]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
            av = FloatVector.broadcast(S, a[pa + 8 * KC]);
            c80 = av.fma(b0, c80);
            c81 = av.fma(b1, c81);
            av = FloatVector.broadcast(S, a[pa + 9 * KC]);
            c90 = av.fma(b0, c90);
            c91 = av.fma(b1, c91);
            av = FloatVector.broadcast(S, a[pa + 10 * KC]);
            ca0 = av.fma(b0, ca0);
            ca1 = av.fma(b1, ca1);
            av = FloatVector.broadcast(S, a[pa + 11 * KC]);
            cb0 = av.fma(b0, cb0);
            cb1 = av.fma(b1, cb1);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
        c80.intoArray(tile, 8 * NR);
        c81.intoArray(tile, 8 * NR + L);
        c90.intoArray(tile, 9 * NR);
        c91.intoArray(tile, 9 * NR + L);
        ca0.intoArray(tile, 10 * NR);
        ca1.intoArray(tile, 10 * NR + L);
        cb0.intoArray(tile, 11 * NR);
        cb1.intoArray(tile, 11 * NR + L);
    }

    /** The 6 × NR micro-kernel: {@link #kernel12} for the first 6 rows of the panel (12 accumulators). */
    static void kernel6(int kc, float[] a, int aOff, float[] b, int bOff, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int kk = 0, pa = aOff, pb = bOff; kk < kc; kk++, pa++, pb += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, pb), b1 = FloatVector.fromArray(S, b, pb + L);
            FloatVector av = FloatVector.broadcast(S, a[pa]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, a[pa + KC]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, a[pa + 2 * KC]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, a[pa + 3 * KC]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, a[pa + 4 * KC]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, a[pa + 5 * KC]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
    }
}
