package mrisr.sr.methods.pnp;

import java.util.Arrays;
import java.util.Locale;
import mrisr.engine.Memory;
import mrisr.engine.Shape;
import mrisr.engine.Tensor;
import mrisr.engine.cpu.CpuBackend;
import mrisr.kernels.Parallel;

/**
 * 3-D non-local means (Buades, Coll and Morel 2005; the blockwise-free voxel form of Coupé et al.
 * 2008): each voxel becomes a weighted mean of the voxels in a search window around it, weighted by
 * how alike the patches around the two voxels are.
 *
 * <pre>
 *   D(v)[x] = Σ_{δ ∈ W} w(x, δ)·v[x + δ] / Σ_{δ ∈ W} w(x, δ)
 *   w(x, δ) = exp(−max(d²(x, δ) − 2σ², 0) / h²),   d²(x, δ) = (1/|P|) Σ_{ρ ∈ P} (v[x + ρ] − v[x + δ + ρ])²
 * </pre>
 *
 * with the patch {@code P} a cube of 3³ voxels, the search window {@code W} a cube of
 * {@code (2s + 1)³} voxels ({@code s = 2}: 5³ by default, {@code s = 3}: 7³) including {@code δ = 0},
 * and {@code h = hFactor·σ}. Two patches of the same clean signal differ by {@code 2σ²} in mean square
 * on average, which the subtraction removes (as scikit-image's {@code denoise_nl_means}), so flat
 * regions are averaged almost uniformly while patches across an edge of contrast ≫ σ get weight
 * ≈ 0. Outside the volume, voxels are mirrored (half-sample symmetric: {@code v[−1] = v[0]}).
 *
 * <p>Speed: for each offset δ, the patch distances of all voxels come from one squared-difference
 * volume filtered by a separable 3-tap box (Darbon et al. 2008), so the cost is
 * {@code O(|W|·N)} instead of {@code O(|W|·|P|·N)}; the weights use a tabulated exponential
 * (linear interpolation, relative error &lt; 1e-5, cut to 0 beyond {@code e^−}{@value #CUTOFF}).
 * The volume is split into slabs of planes along {@code i}; each slab sums its offsets in a fixed
 * order and writes only its own voxels, so the result does not depend on the thread count.
 *
 * <pre>{@code
 * NlmDenoiser nlm = new NlmDenoiser();                 // 5³ search window, h = 0.8σ
 * Tensor clean = nlm.denoise(noisy, 0.02);
 * }</pre>
 */
public final class NlmDenoiser implements Denoiser {
    /** Default search radius: a 5³ window. */
    public static final int DEFAULT_SEARCH_RADIUS = 2;
    /** Default filtering parameter {@code h} per unit of σ. */
    public static final double DEFAULT_H_FACTOR = 0.8;
    /** Weights of {@code exp(−t)} for {@code t} beyond this are 0. */
    static final double CUTOFF = 16;
    private static final int PATCH_RADIUS = 1, PATCH_SIZE = 27;
    private static final int TABLE_PER_UNIT = 256;
    private static final float[] EXP_TABLE = expTable();
    /** Output planes per slab (the unit of parallel work; fixed, so results do not depend on threads). */
    private static final int SLAB = 4;

    private final int searchRadius;
    private final double hFactor;

    /** The default denoiser: 5³ search window, 3³ patches, {@code h = 0.8σ}. */
    public NlmDenoiser() {
        this(DEFAULT_SEARCH_RADIUS, DEFAULT_H_FACTOR);
    }

    /**
     * @param searchRadius {@code s}: the search window is {@code (2s + 1)³} voxels (1 … 5)
     * @param hFactor      {@code h/σ} (finite, &gt; 0)
     */
    public NlmDenoiser(int searchRadius, double hFactor) {
        if (searchRadius < 1 || searchRadius > 5) {
            throw new IllegalArgumentException("NLM denoiser: search radius is " + searchRadius + ", must be 1 ... 5");
        }
        this.searchRadius = searchRadius;
        this.hFactor = Checks.positive("NLM denoiser", "h factor", hFactor);
    }

    /** Search radius {@code s} (window {@code (2s + 1)³}). */
    public int searchRadius() {
        return searchRadius;
    }

    /** {@code h/σ}. */
    public double hFactor() {
        return hFactor;
    }

    @Override
    public String describe() {
        int w = 2 * searchRadius + 1;
        return String.format(Locale.ROOT, "non-local means (3^3 patches, %d^3 window, h = %.3g·σ)", w, hFactor);
    }

    @Override
    public Tensor denoise(Tensor volume, double sigma) {
        int[] shape = Checks.volume("NLM denoiser", volume);
        Checks.sigma("NLM denoiser", sigma);
        float[] v = volume.toArray();
        if (sigma == 0) return CpuBackend.wrap(v, shape);
        int pad = searchRadius + PATCH_RADIUS;
        long padded = 1;
        for (int n : shape) padded = Math.multiplyExact(padded, (long) n + 2 * pad);
        Memory.check(Math.addExact(padded, v.length), "NLM denoiser padded volume " + Shape.format(shape));
        Padded src = new Padded(v, shape, pad);
        float[] out = new float[v.length];
        double h = hFactor * sigma;
        float offset = (float) (2 * sigma * sigma);
        float invH2 = (float) (1 / (h * h));
        int slabs = (shape[0] + SLAB - 1) / SLAB;
        Parallel.forRange(slabs, 1, (s0, s1) -> {
            SlabWork work = new SlabWork(src, Math.min(SLAB, shape[0]));
            for (int s = s0; s < s1; s++) work.run(s * SLAB, Math.min(shape[0], (s + 1) * SLAB), offset, invH2, searchRadius, out);
        });
        return CpuBackend.wrap(out, shape);
    }

    /** {@code exp(−t)} for {@code t = m / TABLE_PER_UNIT}, {@code m = 0 … CUTOFF·TABLE_PER_UNIT + 1}. */
    private static float[] expTable() {
        int m = (int) (CUTOFF * TABLE_PER_UNIT) + 2;
        float[] t = new float[m];
        for (int i = 0; i < m; i++) t[i] = (float) Math.exp(-(double) i / TABLE_PER_UNIT);
        return t;
    }

    /** {@code exp(−t)} for {@code t ≥ 0} by linear interpolation in the table; 0 beyond the cutoff. */
    static float expNeg(float t) {
        if (!(t < CUTOFF)) return 0f;
        float u = t * TABLE_PER_UNIT;
        int i = (int) u;
        float frac = u - i;
        return EXP_TABLE[i] + frac * (EXP_TABLE[i + 1] - EXP_TABLE[i]);
    }

    /** The input extended by {@code pad} mirrored voxels on every side. */
    private static final class Padded {
        final float[] data;
        final int px, py, pz, pad;

        Padded(float[] v, int[] shape, int pad) {
            this.pad = pad;
            px = shape[0] + 2 * pad;
            py = shape[1] + 2 * pad;
            pz = shape[2] + 2 * pad;
            data = new float[px * py * pz];
            for (int i = 0; i < px; i++) {
                int si = mirror(i - pad, shape[0]);
                for (int j = 0; j < py; j++) {
                    int sj = mirror(j - pad, shape[1]);
                    int dst = (i * py + j) * pz, src = (si * shape[1] + sj) * shape[2];
                    for (int k = 0; k < pz; k++) data[dst + k] = v[src + mirror(k - pad, shape[2])];
                }
            }
        }

        /** Half-sample symmetric index: {@code −1 → 0}, {@code n → n − 1}, folded again when far out. */
        static int mirror(int i, int n) {
            int period = 2 * n;
            int m = Math.floorMod(i, period);
            return m < n ? m : period - 1 - m;
        }
    }

    /**
     * Buffers of one worker: the squared differences over a slab with a one-voxel halo, their box
     * sums, and the running numerator and denominator of the slab's output.
     */
    private static final class SlabWork {
        private final Padded src;
        private final int ny, nz, hy, hz;
        private final float[] diff, sumK, sumJ, num, den;

        SlabWork(Padded src, int planes) {
            this.src = src;
            ny = src.py - 2 * src.pad;
            nz = src.pz - 2 * src.pad;
            hy = ny + 2 * PATCH_RADIUS;
            hz = nz + 2 * PATCH_RADIUS;
            int hx = planes + 2 * PATCH_RADIUS;
            diff = new float[hx * hy * hz];
            sumK = new float[hx * hy * nz];
            sumJ = new float[hx * ny * nz];
            num = new float[planes * ny * nz];
            den = new float[planes * ny * nz];
        }

        /** Output planes {@code [i0, i1)}, written to {@code out}. */
        void run(int i0, int i1, float offset, float invH2, int radius, float[] out) {
            int planes = i1 - i0, hx = planes + 2 * PATCH_RADIUS;
            int count = planes * ny * nz;
            Arrays.fill(num, 0, count, 0f);
            Arrays.fill(den, 0, count, 0f);
            float[] d = src.data;
            int pyz = src.py * src.pz, pz = src.pz, base = src.pad - PATCH_RADIUS;
            float invPatch = 1f / PATCH_SIZE;
            for (int di = -radius; di <= radius; di++) {
                for (int dj = -radius; dj <= radius; dj++) {
                    for (int dk = -radius; dk <= radius; dk++) {
                        int shift = di * pyz + dj * pz + dk;
                        // squared differences on the slab plus a one-voxel halo (padded coordinates)
                        for (int a = 0; a < hx; a++) {
                            for (int b = 0; b < hy; b++) {
                                int row = ((i0 + base + a) * src.py + base + b) * pz + base;
                                int dst = (a * hy + b) * hz;
                                for (int c = 0; c < hz; c++) {
                                    float e = d[row + c] - d[row + c + shift];
                                    diff[dst + c] = e * e;
                                }
                            }
                        }
                        // 3-tap box along k, then j, then i
                        for (int ab = 0; ab < hx * hy; ab++) {
                            int s = ab * hz, t = ab * nz;
                            for (int c = 0; c < nz; c++) sumK[t + c] = diff[s + c] + diff[s + c + 1] + diff[s + c + 2];
                        }
                        for (int a = 0; a < hx; a++) {
                            for (int b = 0; b < ny; b++) {
                                int s = (a * hy + b) * nz, t = (a * ny + b) * nz;
                                for (int c = 0; c < nz; c++) sumJ[t + c] = sumK[s + c] + sumK[s + nz + c] + sumK[s + 2 * nz + c];
                            }
                        }
                        int plane = ny * nz;
                        for (int a = 0; a < planes; a++) {
                            for (int b = 0; b < ny; b++) {
                                int t = (a * ny + b) * nz;
                                int s = t;
                                int row = ((i0 + src.pad + a) * src.py + src.pad + b) * pz + src.pad + shift;
                                for (int c = 0; c < nz; c++) {
                                    float ssd = sumJ[s + c] + sumJ[s + plane + c] + sumJ[s + 2 * plane + c];
                                    float excess = ssd * invPatch - offset;
                                    float w = excess > 0 ? expNeg(excess * invH2) : 1f;
                                    num[t + c] += w * d[row + c];
                                    den[t + c] += w;
                                }
                            }
                        }
                    }
                }
            }
            int o = i0 * ny * nz;
            for (int q = 0; q < count; q++) out[o + q] = num[q] / den[q];
        }
    }
}
