package mrisr.kernels;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import mrisr.kernels.reference.FftReference;

/**
 * Vector API complex FFT of every line along one axis of a row-major array, for lengths whose
 * prime factors are 2, 3 and 5; the fast twin of {@link FftReference}.
 *
 * <p>Layout: complex, interleaved (re, im), viewed as {@code [outer, n, inner]}, so complex element
 * {@code (o, j, i)} sits at float index {@code 2·((o·n + j)·inner + i)}. Each line becomes
 * {@code X_k = scale · Σ_j x_j e^{∓2πi jk/n}} (minus forward, plus inverse; unnormalised, as NumPy
 * and torch.fft before the scale). The inverse is computed as {@code conj(FFT(conj(x)))}: the
 * conjugations are folded into the gather and the scatter.
 *
 * <p>Vectorised across lines, never along one: a block of {@code L} lines (the vector lane count)
 * is gathered into split real/imaginary scratch {@code [n][L]}, so every butterfly works on whole
 * vectors and needs no shuffles. When {@code inner ≥ L} the lanes are {@code L} neighbouring inner
 * indices, loaded as two vectors per row and de-interleaved with a two-vector select. Along the
 * contiguous last axis ({@code inner = 1}) {@code L} lines are loaded the same way along their length
 * and transposed in {@code L×L} tiles with two-vector selects. Other blocks (a partial block, or
 * {@code 1 < inner < L}) copy each lane's line element by element and pad unused lanes with zeros.
 * The transform itself is a mixed-radix Stockham autosort (radix 2, 4, 3, 5, 8; decimation in
 * frequency, ping-pong between two scratch pairs) with twiddles computed in double, rounded to
 * float and cached per length.
 *
 * <p>Error: float rounding grows like {@code O(u·log n)} relative to a line's L2 norm
 * ({@code u = 2⁻²⁴}); {@code BatchedFftTest} checks {@code ‖X − X_ref‖₂ ≤ 1e-5·max(1, log₂ n)·‖X_ref‖₂}
 * per line against the double-precision twin. Blocks are cut from the shape alone and every lane's
 * arithmetic depends only on its own line, so results are bit-identical for any thread count.
 *
 * <pre>{@code
 * if (BatchedFft.supports(n)) BatchedFft.complexAlong(a, outer, n, inner, false, 1f);  // forward, in place
 * BatchedFft.complexAlong(x, y, outer, n, inner, true, 1f / n);                       // inverse, x → y
 * }</pre>
 */
public final class BatchedFft {
    /** Longest supported line: its scratch, four {@code [n][L]} float arrays, is 16 MiB with 16 lanes. */
    public static final int MAX_LENGTH = 1 << 16;

    static final VectorSpecies<Float> S = KernelInfo.species();
    static final int L = S.length();
    /** Scratch arrays up to this many floats stay cached per thread; longer lines allocate per chunk. */
    private static final int CACHED_SCRATCH = 1 << 16;

    private static final ConcurrentHashMap<Integer, Plan> PLANS = new ConcurrentHashMap<>();
    private static final ThreadLocal<float[][]> SCRATCH = new ThreadLocal<>();

    private BatchedFft() {}

    /**
     * True for {@code 1 ≤ n ≤} {@link #MAX_LENGTH} whose prime factors are all 2, 3 or 5 (on a CPU
     * with vectors of at least 2 float lanes).
     */
    public static boolean supports(int n) {
        if (n < 1 || L < 2 || n > MAX_LENGTH) return false;
        for (int p : new int[] {2, 3, 5}) {
            while (n % p == 0) n /= p;
        }
        return n == 1;
    }

    /**
     * In-place DFT of every line along the middle axis of {@code [outer, n, inner]}.
     *
     * @param a       complex {@code [outer, n, inner, 2]} (modified)
     * @param n       line length, {@link #supports(int) supported}
     * @param inverse {@code e^{+2πi jk/n}} when true, {@code e^{-2πi jk/n}} when false
     * @param scale   factor applied to every output value
     */
    public static void complexAlong(float[] a, int outer, int n, int inner, boolean inverse, float scale) {
        complexAlong(a, a, outer, n, inner, inverse, scale);
    }

    /**
     * DFT of every line along the middle axis of {@code [outer, n, inner]} from {@code src} into
     * {@code dst}; {@code src == dst} transforms in place. Other arrays must not overlap.
     *
     * @param src     complex {@code [outer, n, inner, 2]} (not modified unless it is {@code dst})
     * @param dst     complex {@code [outer, n, inner, 2]} (written)
     * @param n       line length, {@link #supports(int) supported}
     * @param inverse {@code e^{+2πi jk/n}} when true, {@code e^{-2πi jk/n}} when false
     * @param scale   factor applied to every output value
     */
    public static void complexAlong(float[] src, float[] dst, int outer, int n, int inner, boolean inverse, float scale) {
        if (!supports(n)) throw new IllegalArgumentException("BatchedFft: length " + n + " is not 2,3,5-smooth");
        if (outer < 0 || inner < 0) throw new IllegalArgumentException("BatchedFft: negative outer " + outer + " or inner " + inner);
        int lines = Math.multiplyExact(outer, inner);
        long floats = 2L * lines * n;
        if (floats > src.length || floats > dst.length) {
            throw new IllegalArgumentException("BatchedFft: [" + outer + ", " + n + ", " + inner + "] complex needs " + floats
                    + " floats, arrays have " + src.length + " and " + dst.length);
        }
        if (lines == 0) return;
        transform(plan(n), src, dst, outer, inner, inverse, scale);
    }

    /** {@link #complexAlong(float[], float[], int, int, int, boolean, float)} with a given plan (tests pick radix orders). */
    static void transform(Plan plan, float[] src, float[] dst, int outer, int inner, boolean inverse, float scale) {
        int n = plan.n, lines = outer * inner;
        // Blocks of L lines; with inner ≥ L a block never straddles two rows of the outer index.
        int perOuter = inner >= L ? (inner + L - 1) / L : 0;
        int blocks = inner >= L ? Math.multiplyExact(outer, perOuter) : (lines + L - 1) / L;
        long cost = 5L * L * n * (33 - Integer.numberOfLeadingZeros(n));
        Parallel.forRange(blocks, Parallel.grain(blocks, cost), (lo, hi) -> {
            float[][] scratch = scratch(n * L);
            float[] xr = scratch[0], xi = scratch[1], yr = scratch[2], yi = scratch[3];
            int[] base = new int[L];
            for (int b = lo; b < hi; b++) {
                int count, step = 2 * inner;
                if (inner >= L) {
                    int o = b / perOuter, i0 = (b % perOuter) * L;
                    count = Math.min(L, inner - i0);
                    int start = 2 * (o * n * inner + i0);
                    if (count == L) {
                        loadRows(src, start, step, n, inverse, xr, xi);
                    } else {
                        for (int l = 0; l < count; l++) base[l] = start + 2 * l;
                        gather(src, base, count, step, n, inverse, xr, xi);
                    }
                    boolean inX = plan.run(xr, xi, yr, yi);
                    float[] rr = inX ? xr : yr, ri = inX ? xi : yi;
                    if (count == L) storeRows(rr, ri, n, inverse, scale, dst, start, step);
                    else scatter(rr, ri, base, count, step, n, inverse, scale, dst);
                } else if (inner == 1 && (b + 1) * L <= lines) {
                    int start = 2 * b * L * n;
                    loadLines(src, start, n, inverse, xr, xi);
                    boolean inX = plan.run(xr, xi, yr, yi);
                    storeLines(inX ? xr : yr, inX ? xi : yi, n, inverse, scale, dst, start);
                } else {
                    int line0 = b * L;
                    count = Math.min(L, lines - line0);
                    for (int l = 0; l < count; l++) {
                        int line = line0 + l;
                        base[l] = 2 * ((line / inner) * n * inner + line % inner);
                    }
                    gather(src, base, count, step, n, inverse, xr, xi);
                    boolean inX = plan.run(xr, xi, yr, yi);
                    scatter(inX ? xr : yr, inX ? xi : yi, base, count, step, n, inverse, scale, dst);
                }
            }
        });
    }

    private static float[][] scratch(int size) {
        if (size > CACHED_SCRATCH) return new float[][] {new float[size], new float[size], new float[size], new float[size]};
        float[][] s = SCRATCH.get();
        if (s == null || s[0].length < size) {
            int cap = Math.max(size, 1024);
            s = new float[][] {new float[cap], new float[cap], new float[cap], new float[cap]};
            SCRATCH.set(s);
        }
        return s;
    }

    static Plan plan(int n) {
        Plan p = PLANS.get(n);
        if (p == null) p = PLANS.computeIfAbsent(n, Plan::new);
        return p;
    }

    // ------------------------------------------------------------------ gather / scatter

    /** Rows of {@code L} neighbouring lines: two vector loads per row, de-interleaved into {@code xr, xi}. */
    private static void loadRows(float[] a, int start, int step, int n, boolean inverse, float[] xr, float[] xi) {
        FloatVector reIdx = FloatVector.fromArray(S, DEINTERLEAVE, 0), imIdx = FloatVector.fromArray(S, DEINTERLEAVE, L);
        FloatVector sign = FloatVector.broadcast(S, inverse ? -1f : 1f);
        for (int j = 0, p = start; j < n; j++, p += step) {
            FloatVector v0 = FloatVector.fromArray(S, a, p), v1 = FloatVector.fromArray(S, a, p + L);
            reIdx.selectFrom(v0, v1).intoArray(xr, j * L);
            imIdx.selectFrom(v0, v1).mul(sign).intoArray(xi, j * L);
        }
    }

    /** Inverse of {@link #loadRows}: scaled (and conjugated when inverse) and interleaved back. */
    private static void storeRows(float[] yr, float[] yi, int n, boolean inverse, float scale, float[] a, int start,
            int step) {
        FloatVector loIdx = FloatVector.fromArray(S, INTERLEAVE, 0), hiIdx = FloatVector.fromArray(S, INTERLEAVE, L);
        FloatVector sr = FloatVector.broadcast(S, scale), si = FloatVector.broadcast(S, inverse ? -scale : scale);
        for (int j = 0, p = start; j < n; j++, p += step) {
            FloatVector re = FloatVector.fromArray(S, yr, j * L).mul(sr), im = FloatVector.fromArray(S, yi, j * L).mul(si);
            loIdx.selectFrom(re, im).intoArray(a, p);
            hiIdx.selectFrom(re, im).intoArray(a, p + L);
        }
    }

    /**
     * {@code L} contiguous lines ({@code inner = 1}) from float index {@code start}: each line's
     * {@code L}-element chunks are de-interleaved into the rows of an {@code L×L} block of
     * {@code xr, xi}, which is then transposed in place, so lanes become lines; the last
     * {@code n mod L} elements are copied one by one.
     */
    private static void loadLines(float[] a, int start, int n, boolean inverse, float[] xr, float[] xi) {
        FloatVector reIdx = FloatVector.fromArray(S, DEINTERLEAVE, 0), imIdx = FloatVector.fromArray(S, DEINTERLEAVE, L);
        FloatVector sign = FloatVector.broadcast(S, inverse ? -1f : 1f);
        int full = n - n % L;
        for (int j0 = 0; j0 < full; j0 += L) {
            for (int l = 0, p = start + 2 * j0, q = j0 * L; l < L; l++, p += 2 * n, q += L) {
                FloatVector v0 = FloatVector.fromArray(S, a, p), v1 = FloatVector.fromArray(S, a, p + L);
                reIdx.selectFrom(v0, v1).intoArray(xr, q);
                imIdx.selectFrom(v0, v1).mul(sign).intoArray(xi, q);
            }
            transposeBlock(xr, j0 * L);
            transposeBlock(xi, j0 * L);
        }
        float s = inverse ? -1f : 1f;
        for (int l = 0; l < L; l++) {
            for (int j = full, p = start + 2 * (l * n + j), q = j * L + l; j < n; j++, p += 2, q += L) {
                xr[q] = a[p];
                xi[q] = a[p + 1] * s;
            }
        }
    }

    /** Inverse of {@link #loadLines} (transposes {@code yr, yi} in place, then scales and interleaves). */
    private static void storeLines(float[] yr, float[] yi, int n, boolean inverse, float scale, float[] a, int start) {
        FloatVector loIdx = FloatVector.fromArray(S, INTERLEAVE, 0), hiIdx = FloatVector.fromArray(S, INTERLEAVE, L);
        FloatVector sr = FloatVector.broadcast(S, scale), si = FloatVector.broadcast(S, inverse ? -scale : scale);
        int full = n - n % L;
        for (int j0 = 0; j0 < full; j0 += L) {
            transposeBlock(yr, j0 * L);
            transposeBlock(yi, j0 * L);
            for (int l = 0, p = start + 2 * j0, q = j0 * L; l < L; l++, p += 2 * n, q += L) {
                FloatVector re = FloatVector.fromArray(S, yr, q).mul(sr), im = FloatVector.fromArray(S, yi, q).mul(si);
                loIdx.selectFrom(re, im).intoArray(a, p);
                hiIdx.selectFrom(re, im).intoArray(a, p + L);
            }
        }
        float ss = inverse ? -scale : scale;
        for (int l = 0; l < L; l++) {
            for (int j = full, p = start + 2 * (l * n + j), q = j * L + l; j < n; j++, p += 2, q += L) {
                a[p] = yr[q] * scale;
                a[p + 1] = yi[q] * ss;
            }
        }
    }

    /**
     * Transposes the {@code L×L} row-major block at {@code off} in place: for each bit {@code k} of
     * the index, the off-diagonal {@code k×k} sub-blocks swap, one two-vector select per row.
     */
    private static void transposeBlock(float[] t, int off) {
        for (int k = L / 2, stage = 0; k >= 1; k /= 2, stage++) {
            FloatVector ia = FloatVector.fromArray(S, TRANSPOSE, 2 * stage * L);
            FloatVector ib = FloatVector.fromArray(S, TRANSPOSE, (2 * stage + 1) * L);
            for (int r = 0; r < L; r++) {
                if ((r & k) != 0) continue;
                int pa = off + r * L, pb = pa + k * L;
                FloatVector va = FloatVector.fromArray(S, t, pa), vb = FloatVector.fromArray(S, t, pb);
                ia.selectFrom(va, vb).intoArray(t, pa);
                ib.selectFrom(va, vb).intoArray(t, pb);
            }
        }
    }

    /** Lane {@code l < count} gets the line starting at float index {@code base[l]}; other lanes are zero. */
    private static void gather(float[] a, int[] base, int count, int step, int n, boolean inverse, float[] xr, float[] xi) {
        float sign = inverse ? -1f : 1f;
        for (int l = 0; l < count; l++) {
            for (int j = 0, p = base[l], q = l; j < n; j++, p += step, q += L) {
                xr[q] = a[p];
                xi[q] = a[p + 1] * sign;
            }
        }
        for (int l = count; l < L; l++) {
            for (int q = l; q < n * L; q += L) {
                xr[q] = 0f;
                xi[q] = 0f;
            }
        }
    }

    private static void scatter(float[] yr, float[] yi, int[] base, int count, int step, int n, boolean inverse,
            float scale, float[] a) {
        float si = inverse ? -scale : scale;
        for (int l = 0; l < count; l++) {
            for (int j = 0, p = base[l], q = l; j < n; j++, p += step, q += L) {
                a[p] = yr[q] * scale;
                a[p + 1] = yi[q] * si;
            }
        }
    }

    /** Lane indices into the pair {@code (v0, v1)}: even positions (real parts), then odd (imaginary). */
    private static final float[] DEINTERLEAVE = new float[2 * L];
    /** Lane indices into {@code (re, im)}: re0, im0, re1, im1, … for the low then the high half. */
    private static final float[] INTERLEAVE = new float[2 * L];

    /**
     * Per transpose stage (bit {@code k = L/2, L/4, …, 1}), two index vectors into a row pair
     * {@code (A, B) = (row r, row r+k)}: the new row {@code r} keeps {@code A} where column bit
     * {@code k} is clear and takes {@code B[c−k]} where it is set; the new row {@code r+k} takes
     * {@code A[c+k]} and keeps {@code B}.
     */
    private static final float[] TRANSPOSE = new float[2 * L * Integer.numberOfTrailingZeros(Math.max(L, 1))];

    static {
        for (int k = L / 2, stage = 0; k >= 1; k /= 2, stage++) {
            for (int c = 0; c < L; c++) {
                boolean low = (c & k) == 0;
                TRANSPOSE[2 * stage * L + c] = low ? c : L + c - k;
                TRANSPOSE[(2 * stage + 1) * L + c] = low ? c + k : L + c;
            }
        }
        for (int l = 0; l < L; l++) {
            DEINTERLEAVE[l] = 2 * l;
            DEINTERLEAVE[L + l] = 2 * l + 1;
            INTERLEAVE[l] = (l % 2 == 0) ? l / 2 : L + l / 2;
            INTERLEAVE[L + l] = (l % 2 == 0) ? L / 2 + l / 2 : L + L / 2 + l / 2;
        }
    }

    // ------------------------------------------------------------------ plan and stages

    /**
     * Stockham stages for one length, immutable. Stage {@code t} splits sub-transforms of length
     * {@code r·m} at stride {@code s} into {@code r} of length {@code m} at stride {@code s·r}:
     * {@code y[q + s(rp + j)] = w_{rm}^{jp} · Σ_k x[q + s(p + km)] w_r^{jk}}.
     */
    static final class Plan {
        final int n;
        final int[] radix, m, s;
        /** Per stage, {@code e^{-2πi jp/(r·m)}} at {@code [p·(r−1) + j − 1]}. */
        final float[][] wr, wi;

        Plan(int n) {
            this(n, radices(n));
        }

        /**
         * The radices for {@code n}: a leftover 2, then 4s, 3s and 5s, and for {@code 2³ | n} one 8
         * last. Measured on AVX-512: a radix-8 pass is cheapest where it needs no twiddles (the last
         * stage), with twiddles it is no faster than two radix-4 passes and holds more registers
         * (128: 4·4·8 ran 20% faster than 8·4·4 and 4·4·4·2).
         */
        static int[] radices(int n) {
            List<Integer> rs = new ArrayList<>();
            int twos = Integer.numberOfTrailingZeros(n), rest = n >> twos;
            boolean eight = twos >= 3;
            int e = eight ? twos - 3 : twos;
            if (e % 2 == 1) rs.add(2);
            for (int k = 0; k < e / 2; k++) rs.add(4);
            while (rest % 3 == 0) {
                rs.add(3);
                rest /= 3;
            }
            while (rest % 5 == 0) {
                rs.add(5);
                rest /= 5;
            }
            if (eight) rs.add(8);
            return rs.stream().mapToInt(Integer::intValue).toArray();
        }

        /** A plan with the given radices (each 2, 3, 4, 5 or 8), applied in order; their product must be {@code n}. */
        Plan(int n, int[] radices) {
            this.n = n;
            List<Integer> rs = new ArrayList<>();
            int product = 1;
            for (int r : radices) {
                if (r != 2 && r != 3 && r != 4 && r != 5 && r != 8) throw new IllegalArgumentException("radix " + r);
                product *= r;
                rs.add(r);
            }
            if (product != n) throw new IllegalArgumentException("radices multiply to " + product + ", not " + n);
            int stages = rs.size();
            radix = new int[stages];
            m = new int[stages];
            s = new int[stages];
            wr = new float[stages][];
            wi = new float[stages][];
            int len = n, stride = 1;
            for (int t = 0; t < stages; t++) {
                int r = rs.get(t);
                radix[t] = r;
                m[t] = len / r;
                s[t] = stride;
                wr[t] = new float[m[t] * (r - 1)];
                wi[t] = new float[m[t] * (r - 1)];
                for (int p = 0; p < m[t]; p++) {
                    for (int j = 1; j < r; j++) {
                        double phase = -2 * Math.PI * ((long) j * p % len) / len;
                        wr[t][p * (r - 1) + j - 1] = (float) Math.cos(phase);
                        wi[t][p * (r - 1) + j - 1] = (float) Math.sin(phase);
                    }
                }
                len /= r;
                stride *= r;
            }
        }

        /** Runs all stages on {@code x} with {@code y} as the other buffer; true when the result is in {@code x}. */
        boolean run(float[] xr, float[] xi, float[] yr, float[] yi) {
            boolean inX = true;
            for (int t = 0; t < radix.length; t++) {
                float[] ar = inX ? xr : yr, ai = inX ? xi : yi, br = inX ? yr : xr, bi = inX ? yi : xi;
                switch (radix[t]) {
                    case 8 -> radix8(ar, ai, br, bi, s[t], m[t], wr[t], wi[t]);
                    case 4 -> radix4(ar, ai, br, bi, s[t], m[t], wr[t], wi[t]);
                    case 2 -> radix2(ar, ai, br, bi, s[t], m[t], wr[t], wi[t]);
                    case 3 -> radix3(ar, ai, br, bi, s[t], m[t], wr[t], wi[t]);
                    default -> radix5(ar, ai, br, bi, s[t], m[t], wr[t], wi[t]);
                }
                inX = !inX;
            }
            return inX;
        }
    }

    static void radix2(float[] xr, float[] xi, float[] yr, float[] yi, int s, int m, float[] wr, float[] wi) {
        int sL = s * L, mL = m * sL;
        for (int p = 0; p < m; p++) {
            int in = p * sL, out = 2 * p * sL;
            FloatVector w1r = FloatVector.broadcast(S, p == 0 ? 1f : wr[p]), w1i = FloatVector.broadcast(S, p == 0 ? 0f : wi[p]);
            boolean twiddle = p > 0;
            for (int q = 0; q < sL; q += L) {
                FloatVector a0r = FloatVector.fromArray(S, xr, in + q), a0i = FloatVector.fromArray(S, xi, in + q);
                FloatVector a1r = FloatVector.fromArray(S, xr, in + mL + q), a1i = FloatVector.fromArray(S, xi, in + mL + q);
                a0r.add(a1r).intoArray(yr, out + q);
                a0i.add(a1i).intoArray(yi, out + q);
                FloatVector b1r = a0r.sub(a1r), b1i = a0i.sub(a1i);
                if (twiddle) {
                    FloatVector t = b1r;
                    b1r = b1r.mul(w1r).sub(b1i.mul(w1i));
                    b1i = t.mul(w1i).add(b1i.mul(w1r));
                }
                b1r.intoArray(yr, out + sL + q);
                b1i.intoArray(yi, out + sL + q);
            }
        }
    }

    static void radix4(float[] xr, float[] xi, float[] yr, float[] yi, int s, int m, float[] wr, float[] wi) {
        int sL = s * L, mL = m * sL;
        for (int p = 0; p < m; p++) {
            int in = p * sL, out = 4 * p * sL;
            boolean twiddle = p > 0;
            int w = 3 * p;
            FloatVector w1r = FloatVector.broadcast(S, twiddle ? wr[w] : 1f), w1i = FloatVector.broadcast(S, twiddle ? wi[w] : 0f);
            FloatVector w2r = FloatVector.broadcast(S, twiddle ? wr[w + 1] : 1f), w2i = FloatVector.broadcast(S, twiddle ? wi[w + 1] : 0f);
            FloatVector w3r = FloatVector.broadcast(S, twiddle ? wr[w + 2] : 1f), w3i = FloatVector.broadcast(S, twiddle ? wi[w + 2] : 0f);
            for (int q = 0; q < sL; q += L) {
                int i0 = in + q;
                FloatVector a0r = FloatVector.fromArray(S, xr, i0), a0i = FloatVector.fromArray(S, xi, i0);
                FloatVector a1r = FloatVector.fromArray(S, xr, i0 + mL), a1i = FloatVector.fromArray(S, xi, i0 + mL);
                FloatVector a2r = FloatVector.fromArray(S, xr, i0 + 2 * mL), a2i = FloatVector.fromArray(S, xi, i0 + 2 * mL);
                FloatVector a3r = FloatVector.fromArray(S, xr, i0 + 3 * mL), a3i = FloatVector.fromArray(S, xi, i0 + 3 * mL);
                FloatVector t0r = a0r.add(a2r), t0i = a0i.add(a2i), t1r = a0r.sub(a2r), t1i = a0i.sub(a2i);
                FloatVector t2r = a1r.add(a3r), t2i = a1i.add(a3i), t3r = a1r.sub(a3r), t3i = a1i.sub(a3i);
                FloatVector b0r = t0r.add(t2r), b0i = t0i.add(t2i), b2r = t0r.sub(t2r), b2i = t0i.sub(t2i);
                // b1 = t1 − i·t3, b3 = t1 + i·t3 (w_4 = −i)
                FloatVector b1r = t1r.add(t3i), b1i = t1i.sub(t3r), b3r = t1r.sub(t3i), b3i = t1i.add(t3r);
                int o0 = out + q;
                b0r.intoArray(yr, o0);
                b0i.intoArray(yi, o0);
                if (twiddle) {
                    mulStore(b1r, b1i, w1r, w1i, yr, yi, o0 + sL);
                    mulStore(b2r, b2i, w2r, w2i, yr, yi, o0 + 2 * sL);
                    mulStore(b3r, b3i, w3r, w3i, yr, yi, o0 + 3 * sL);
                } else {
                    b1r.intoArray(yr, o0 + sL);
                    b1i.intoArray(yi, o0 + sL);
                    b2r.intoArray(yr, o0 + 2 * sL);
                    b2i.intoArray(yi, o0 + 2 * sL);
                    b3r.intoArray(yr, o0 + 3 * sL);
                    b3i.intoArray(yi, o0 + 3 * sL);
                }
            }
        }
    }

    private static final float SQRT_HALF = (float) Math.sqrt(0.5);

    static void radix8(float[] xr, float[] xi, float[] yr, float[] yi, int s, int m, float[] wr, float[] wi) {
        int sL = s * L, mL = m * sL;
        FloatVector h = FloatVector.broadcast(S, SQRT_HALF);
        for (int p = 0; p < m; p++) {
            int in = p * sL, out = 8 * p * sL;
            boolean twiddle = p > 0;
            for (int q = 0; q < sL; q += L) {
                int i0 = in + q;
                FloatVector a0r = FloatVector.fromArray(S, xr, i0), a0i = FloatVector.fromArray(S, xi, i0);
                FloatVector a4r = FloatVector.fromArray(S, xr, i0 + 4 * mL), a4i = FloatVector.fromArray(S, xi, i0 + 4 * mL);
                FloatVector a1r = FloatVector.fromArray(S, xr, i0 + mL), a1i = FloatVector.fromArray(S, xi, i0 + mL);
                FloatVector a5r = FloatVector.fromArray(S, xr, i0 + 5 * mL), a5i = FloatVector.fromArray(S, xi, i0 + 5 * mL);
                FloatVector a2r = FloatVector.fromArray(S, xr, i0 + 2 * mL), a2i = FloatVector.fromArray(S, xi, i0 + 2 * mL);
                FloatVector a6r = FloatVector.fromArray(S, xr, i0 + 6 * mL), a6i = FloatVector.fromArray(S, xi, i0 + 6 * mL);
                FloatVector a3r = FloatVector.fromArray(S, xr, i0 + 3 * mL), a3i = FloatVector.fromArray(S, xi, i0 + 3 * mL);
                FloatVector a7r = FloatVector.fromArray(S, xr, i0 + 7 * mL), a7i = FloatVector.fromArray(S, xi, i0 + 7 * mL);
                // t_j = a_j + a_{j+4} feed the even outputs; u_j = (a_j − a_{j+4})·w_8^j the odd ones
                FloatVector t0r = a0r.add(a4r), t0i = a0i.add(a4i), u0r = a0r.sub(a4r), u0i = a0i.sub(a4i);
                FloatVector t1r = a1r.add(a5r), t1i = a1i.add(a5i), d1r = a1r.sub(a5r), d1i = a1i.sub(a5i);
                FloatVector t2r = a2r.add(a6r), t2i = a2i.add(a6i), d2r = a2r.sub(a6r), d2i = a2i.sub(a6i);
                FloatVector t3r = a3r.add(a7r), t3i = a3i.add(a7i), d3r = a3r.sub(a7r), d3i = a3i.sub(a7i);
                // w_8 = (1 − i)/√2, w_8² = −i, w_8³ = −(1 + i)/√2
                FloatVector u1r = d1r.add(d1i).mul(h), u1i = d1i.sub(d1r).mul(h);
                FloatVector u2r = d2i, u2i = d2r.neg();
                FloatVector u3r = d3i.sub(d3r).mul(h), u3i = d3r.add(d3i).neg().mul(h);
                // even outputs: 4-point DFT of t
                FloatVector e0r = t0r.add(t2r), e0i = t0i.add(t2i), e1r = t0r.sub(t2r), e1i = t0i.sub(t2i);
                FloatVector e2r = t1r.add(t3r), e2i = t1i.add(t3i), e3r = t1r.sub(t3r), e3i = t1i.sub(t3i);
                FloatVector b0r = e0r.add(e2r), b0i = e0i.add(e2i), b4r = e0r.sub(e2r), b4i = e0i.sub(e2i);
                FloatVector b2r = e1r.add(e3i), b2i = e1i.sub(e3r), b6r = e1r.sub(e3i), b6i = e1i.add(e3r);
                // odd outputs: 4-point DFT of u
                FloatVector o0r = u0r.add(u2r), o0i = u0i.add(u2i), o1r = u0r.sub(u2r), o1i = u0i.sub(u2i);
                FloatVector o2r = u1r.add(u3r), o2i = u1i.add(u3i), o3r = u1r.sub(u3r), o3i = u1i.sub(u3i);
                FloatVector b1r = o0r.add(o2r), b1i = o0i.add(o2i), b5r = o0r.sub(o2r), b5i = o0i.sub(o2i);
                FloatVector b3r = o1r.add(o3i), b3i = o1i.sub(o3r), b7r = o1r.sub(o3i), b7i = o1i.add(o3r);
                int o0 = out + q;
                b0r.intoArray(yr, o0);
                b0i.intoArray(yi, o0);
                if (twiddle) {
                    // twiddle products written out: a helper call here can stop the JIT inlining, and
                    // then every vector is boxed
                    int w = 7 * p;
                    FloatVector cr = FloatVector.broadcast(S, wr[w]), ci = FloatVector.broadcast(S, wi[w]);
                    b1r.mul(cr).sub(b1i.mul(ci)).intoArray(yr, o0 + sL);
                    b1r.mul(ci).add(b1i.mul(cr)).intoArray(yi, o0 + sL);
                    cr = FloatVector.broadcast(S, wr[w + 1]);
                    ci = FloatVector.broadcast(S, wi[w + 1]);
                    b2r.mul(cr).sub(b2i.mul(ci)).intoArray(yr, o0 + 2 * sL);
                    b2r.mul(ci).add(b2i.mul(cr)).intoArray(yi, o0 + 2 * sL);
                    cr = FloatVector.broadcast(S, wr[w + 2]);
                    ci = FloatVector.broadcast(S, wi[w + 2]);
                    b3r.mul(cr).sub(b3i.mul(ci)).intoArray(yr, o0 + 3 * sL);
                    b3r.mul(ci).add(b3i.mul(cr)).intoArray(yi, o0 + 3 * sL);
                    cr = FloatVector.broadcast(S, wr[w + 3]);
                    ci = FloatVector.broadcast(S, wi[w + 3]);
                    b4r.mul(cr).sub(b4i.mul(ci)).intoArray(yr, o0 + 4 * sL);
                    b4r.mul(ci).add(b4i.mul(cr)).intoArray(yi, o0 + 4 * sL);
                    cr = FloatVector.broadcast(S, wr[w + 4]);
                    ci = FloatVector.broadcast(S, wi[w + 4]);
                    b5r.mul(cr).sub(b5i.mul(ci)).intoArray(yr, o0 + 5 * sL);
                    b5r.mul(ci).add(b5i.mul(cr)).intoArray(yi, o0 + 5 * sL);
                    cr = FloatVector.broadcast(S, wr[w + 5]);
                    ci = FloatVector.broadcast(S, wi[w + 5]);
                    b6r.mul(cr).sub(b6i.mul(ci)).intoArray(yr, o0 + 6 * sL);
                    b6r.mul(ci).add(b6i.mul(cr)).intoArray(yi, o0 + 6 * sL);
                    cr = FloatVector.broadcast(S, wr[w + 6]);
                    ci = FloatVector.broadcast(S, wi[w + 6]);
                    b7r.mul(cr).sub(b7i.mul(ci)).intoArray(yr, o0 + 7 * sL);
                    b7r.mul(ci).add(b7i.mul(cr)).intoArray(yi, o0 + 7 * sL);
                } else {
                    b1r.intoArray(yr, o0 + sL);
                    b1i.intoArray(yi, o0 + sL);
                    b2r.intoArray(yr, o0 + 2 * sL);
                    b2i.intoArray(yi, o0 + 2 * sL);
                    b3r.intoArray(yr, o0 + 3 * sL);
                    b3i.intoArray(yi, o0 + 3 * sL);
                    b4r.intoArray(yr, o0 + 4 * sL);
                    b4i.intoArray(yi, o0 + 4 * sL);
                    b5r.intoArray(yr, o0 + 5 * sL);
                    b5i.intoArray(yi, o0 + 5 * sL);
                    b6r.intoArray(yr, o0 + 6 * sL);
                    b6i.intoArray(yi, o0 + 6 * sL);
                    b7r.intoArray(yr, o0 + 7 * sL);
                    b7i.intoArray(yi, o0 + 7 * sL);
                }
            }
        }
    }

    private static final float SIN60 = (float) Math.sqrt(0.75);

    static void radix3(float[] xr, float[] xi, float[] yr, float[] yi, int s, int m, float[] wr, float[] wi) {
        int sL = s * L, mL = m * sL;
        FloatVector half = FloatVector.broadcast(S, 0.5f), sin = FloatVector.broadcast(S, SIN60);
        for (int p = 0; p < m; p++) {
            int in = p * sL, out = 3 * p * sL;
            boolean twiddle = p > 0;
            int w = 2 * p;
            FloatVector w1r = FloatVector.broadcast(S, twiddle ? wr[w] : 1f), w1i = FloatVector.broadcast(S, twiddle ? wi[w] : 0f);
            FloatVector w2r = FloatVector.broadcast(S, twiddle ? wr[w + 1] : 1f), w2i = FloatVector.broadcast(S, twiddle ? wi[w + 1] : 0f);
            for (int q = 0; q < sL; q += L) {
                int i0 = in + q;
                FloatVector a0r = FloatVector.fromArray(S, xr, i0), a0i = FloatVector.fromArray(S, xi, i0);
                FloatVector a1r = FloatVector.fromArray(S, xr, i0 + mL), a1i = FloatVector.fromArray(S, xi, i0 + mL);
                FloatVector a2r = FloatVector.fromArray(S, xr, i0 + 2 * mL), a2i = FloatVector.fromArray(S, xi, i0 + 2 * mL);
                FloatVector t1r = a1r.add(a2r), t1i = a1i.add(a2i), t2r = a1r.sub(a2r), t2i = a1i.sub(a2i);
                FloatVector b0r = a0r.add(t1r), b0i = a0i.add(t1i);
                FloatVector m1r = a0r.sub(t1r.mul(half)), m1i = a0i.sub(t1i.mul(half));
                // b1 = m1 − i·sin60·t2, b2 = m1 + i·sin60·t2
                FloatVector u = t2i.mul(sin), v = t2r.mul(sin);
                FloatVector b1r = m1r.add(u), b1i = m1i.sub(v), b2r = m1r.sub(u), b2i = m1i.add(v);
                int o0 = out + q;
                b0r.intoArray(yr, o0);
                b0i.intoArray(yi, o0);
                if (twiddle) {
                    mulStore(b1r, b1i, w1r, w1i, yr, yi, o0 + sL);
                    mulStore(b2r, b2i, w2r, w2i, yr, yi, o0 + 2 * sL);
                } else {
                    b1r.intoArray(yr, o0 + sL);
                    b1i.intoArray(yi, o0 + sL);
                    b2r.intoArray(yr, o0 + 2 * sL);
                    b2i.intoArray(yi, o0 + 2 * sL);
                }
            }
        }
    }

    private static final float C1 = (float) Math.cos(2 * Math.PI / 5), C2 = (float) Math.cos(4 * Math.PI / 5);
    private static final float S1 = (float) Math.sin(2 * Math.PI / 5), S2 = (float) Math.sin(4 * Math.PI / 5);

    static void radix5(float[] xr, float[] xi, float[] yr, float[] yi, int s, int m, float[] wr, float[] wi) {
        int sL = s * L, mL = m * sL;
        FloatVector c1 = FloatVector.broadcast(S, C1), c2 = FloatVector.broadcast(S, C2);
        FloatVector s1 = FloatVector.broadcast(S, S1), s2 = FloatVector.broadcast(S, S2);
        for (int p = 0; p < m; p++) {
            int in = p * sL, out = 5 * p * sL;
            boolean twiddle = p > 0;
            for (int q = 0; q < sL; q += L) {
                int i0 = in + q;
                FloatVector a0r = FloatVector.fromArray(S, xr, i0), a0i = FloatVector.fromArray(S, xi, i0);
                FloatVector a1r = FloatVector.fromArray(S, xr, i0 + mL), a1i = FloatVector.fromArray(S, xi, i0 + mL);
                FloatVector a2r = FloatVector.fromArray(S, xr, i0 + 2 * mL), a2i = FloatVector.fromArray(S, xi, i0 + 2 * mL);
                FloatVector a3r = FloatVector.fromArray(S, xr, i0 + 3 * mL), a3i = FloatVector.fromArray(S, xi, i0 + 3 * mL);
                FloatVector a4r = FloatVector.fromArray(S, xr, i0 + 4 * mL), a4i = FloatVector.fromArray(S, xi, i0 + 4 * mL);
                FloatVector t1r = a1r.add(a4r), t1i = a1i.add(a4i), t3r = a1r.sub(a4r), t3i = a1i.sub(a4i);
                FloatVector t2r = a2r.add(a3r), t2i = a2i.add(a3i), t4r = a2r.sub(a3r), t4i = a2i.sub(a3i);
                FloatVector b0r = a0r.add(t1r).add(t2r), b0i = a0i.add(t1i).add(t2i);
                // e1 = a0 + c1·t1 + c2·t2, e2 = a0 + c2·t1 + c1·t2; f1 = s1·t3 + s2·t4, f2 = s2·t3 − s1·t4
                FloatVector e1r = a0r.add(t1r.mul(c1)).add(t2r.mul(c2)), e1i = a0i.add(t1i.mul(c1)).add(t2i.mul(c2));
                FloatVector e2r = a0r.add(t1r.mul(c2)).add(t2r.mul(c1)), e2i = a0i.add(t1i.mul(c2)).add(t2i.mul(c1));
                FloatVector f1r = t3r.mul(s1).add(t4r.mul(s2)), f1i = t3i.mul(s1).add(t4i.mul(s2));
                FloatVector f2r = t3r.mul(s2).sub(t4r.mul(s1)), f2i = t3i.mul(s2).sub(t4i.mul(s1));
                // b1 = e1 − i·f1, b4 = e1 + i·f1, b2 = e2 − i·f2, b3 = e2 + i·f2
                FloatVector b1r = e1r.add(f1i), b1i = e1i.sub(f1r), b4r = e1r.sub(f1i), b4i = e1i.add(f1r);
                FloatVector b2r = e2r.add(f2i), b2i = e2i.sub(f2r), b3r = e2r.sub(f2i), b3i = e2i.add(f2r);
                int o0 = out + q;
                b0r.intoArray(yr, o0);
                b0i.intoArray(yi, o0);
                if (twiddle) {
                    int w = 4 * p;
                    mulStore(b1r, b1i, FloatVector.broadcast(S, wr[w]), FloatVector.broadcast(S, wi[w]), yr, yi, o0 + sL);
                    mulStore(b2r, b2i, FloatVector.broadcast(S, wr[w + 1]), FloatVector.broadcast(S, wi[w + 1]), yr, yi,
                            o0 + 2 * sL);
                    mulStore(b3r, b3i, FloatVector.broadcast(S, wr[w + 2]), FloatVector.broadcast(S, wi[w + 2]), yr, yi,
                            o0 + 3 * sL);
                    mulStore(b4r, b4i, FloatVector.broadcast(S, wr[w + 3]), FloatVector.broadcast(S, wi[w + 3]), yr, yi,
                            o0 + 4 * sL);
                } else {
                    b1r.intoArray(yr, o0 + sL);
                    b1i.intoArray(yi, o0 + sL);
                    b2r.intoArray(yr, o0 + 2 * sL);
                    b2i.intoArray(yi, o0 + 2 * sL);
                    b3r.intoArray(yr, o0 + 3 * sL);
                    b3i.intoArray(yi, o0 + 3 * sL);
                    b4r.intoArray(yr, o0 + 4 * sL);
                    b4i.intoArray(yi, o0 + 4 * sL);
                }
            }
        }
    }

    /** {@code y[o] = b · w} for complex vectors {@code b} and a broadcast twiddle {@code w}. */
    private static void mulStore(FloatVector br, FloatVector bi, FloatVector wr, FloatVector wi, float[] yr, float[] yi,
            int o) {
        br.mul(wr).sub(bi.mul(wi)).intoArray(yr, o);
        br.mul(wi).add(bi.mul(wr)).intoArray(yi, o);
    }
}
