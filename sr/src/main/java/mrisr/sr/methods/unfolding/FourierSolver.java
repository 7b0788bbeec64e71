package mrisr.sr.methods.unfolding;

import java.util.Arrays;
import mrisr.engine.Fft;
import mrisr.engine.Memory;
import mrisr.engine.Shape;
import mrisr.engine.Tensor;
import mrisr.engine.cpu.CpuBackend;
import mrisr.kernels.Parallel;

/**
 * The closed-form solution of {@code (HᵀH + μI) x = b} for a circulant sampling
 * {@code H = S_f C_κ} ({@link CirculantSampling}), optionally posed on the even (mirror) extension of
 * some axes (Zhao et al. 2016; Zhang et al., USRNet, 2020).
 *
 * <p><b>Math.</b> With the DFT {@code F} along the active axes (those with a kernel or a factor),
 * {@code F C_κ = K ⊙ F} where {@code K = K₀ ⊗ K₁ ⊗ K₂}, {@code K_a[k] = Σ_d κ_a[d] e^{+2πi dk/N_a}}
 * (the conjugate DFT, since {@code C} correlates), and keeping every {@code f}-th sample then putting
 * zeros back ({@code S_fᵀS_f}) averages the spectrum over the {@code F = Π f_a} aliases
 * {@code k + l⊙M}, {@code M_a = N_a/f_a}: {@code F S_fᵀS_f v = (V⇓)⇑}, where {@code ⇓} is the mean
 * over the distinct blocks and {@code ⇑} replicates it. Woodbury's identity then gives
 * <pre>
 *   X = (1/μ) · ( B − conj(K) ⊙ ( (K ⊙ B)⇓ / ((|K|²)⇓ + μ) )⇑ ),   B = F b,   x = F⁻¹ X,
 * </pre>
 * which one checks by substitution: {@code (K⊙X)⇓ = ((K⊙B)⇓ − (|K|²)⇓·t)/μ = t} for
 * {@code t = (K⊙B)⇓/((|K|²)⇓ + μ)}, hence {@code conj(K)⊙(K⊙X)⇓⇑ + μX = B}.
 *
 * <p><b>Mirrored axes.</b> A symmetric-boundary operator {@code H} on {@code n} voxels whose kernel is
 * even about the sampling centre {@code (f − 1)/2} is the restriction of a circulant one on the even
 * extension {@code E x = [x, reverse(x)]} (period {@code 2n}; the mirrored sample centres
 * {@code 2n − 1 − c_j} are the centres {@code c_{2m−1−j}}). The extended normal matrix commutes with
 * the mirror, so for {@code b_e = E b} its solution is even, {@code x_e = E x}, and
 * {@code Eᵀ A_e E = 2(HᵀH + μI)}, {@code Eᵀ b_e = 2b}: the first {@code n} samples of
 * {@code x_e} solve the original system exactly.
 *
 * <p>Float32 FFTs (the engine's), double arithmetic per frequency; each frequency class is computed by
 * one task, so results do not depend on the thread count.
 */
final class FourierSolver {
    private final int[] shape, grid, factors, dims;
    private final boolean[] mirrored;
    private final double[][] kRe, kIm;

    /**
     * @param periodic the circulant operator on the (extended) grid
     * @param mirrored per axis, whether the grid is the even extension ({@code 2 n_a}) of the original axis
     */
    FourierSolver(CirculantSampling periodic, boolean[] mirrored) {
        this.grid = periodic.inputShape();
        this.factors = periodic.factors();
        this.mirrored = mirrored.clone();
        this.shape = grid.clone();
        for (int a = 0; a < 3; a++) if (mirrored[a]) shape[a] = grid[a] / 2;
        kRe = new double[3][];
        kIm = new double[3][];
        boolean[] active = new boolean[3];
        int count = 0;
        for (int a = 0; a < 3; a++) {
            int n = grid[a];
            kRe[a] = new double[n];
            kIm[a] = new double[n];
            if (periodic.isIdentity(a)) { // K_a ≡ 1: the axis is not transformed
                Arrays.fill(kRe[a], 1);
                continue;
            }
            active[a] = true;
            count++;
            double[] kernel = periodic.kernel(a);
            for (int d = 0; d < n; d++) {
                if (kernel[d] == 0) continue;
                for (int k = 0; k < n; k++) {
                    double angle = 2 * Math.PI * (((long) d * k) % n) / n;
                    kRe[a][k] += kernel[d] * Math.cos(angle);
                    kIm[a][k] += kernel[d] * Math.sin(angle);
                }
            }
        }
        dims = new int[count];
        for (int a = 0, i = 0; a < 3; a++) if (active[a]) dims[i++] = a;
    }

    /** The shape of {@code b} and {@code x}: the original (unextended) grid. */
    int[] shape() {
        return shape.clone();
    }

    /** Whether axis {@code a} is solved on its even extension. */
    boolean mirrored(int a) {
        return mirrored[a];
    }

    /**
     * {@code x = (HᵀH + μI)⁻¹ b}.
     *
     * @param b  right-hand side on {@link #shape()} (not modified)
     * @param mu {@code μ > 0}
     * @return a new array on {@link #shape()}
     */
    float[] solve(float[] b, double mu) {
        if (dims.length == 0) { // H is the identity: (1 + μ) x = b
            float[] x = new float[b.length];
            for (int i = 0; i < b.length; i++) x[i] = (float) (b[i] / (1 + mu));
            return x;
        }
        long gridVoxels = Shape.numelLong(grid);
        Memory.check(Math.multiplyExact(4L, gridVoxels), "unfolded Fourier data consistency " + Shape.format(grid));
        float[] extended = extend(b);
        Tensor spectrum = Fft.fftn(Fft.complex(CpuBackend.wrap(extended, grid), Tensor.zeros(grid)), dims, Fft.Norm.BACKWARD);
        float[] z = CpuBackend.denseData(spectrum); // a fresh tensor of ours: updated in place
        solveInSpectrum(z, mu);
        Tensor back = Fft.real(Fft.ifftn(CpuBackend.wrap(z, grid[0], grid[1], grid[2], 2), dims, Fft.Norm.BACKWARD));
        return crop(CpuBackend.denseData(back));
    }

    /** Applies the Woodbury formula to the interleaved complex spectrum {@code z} in place. */
    private void solveInSpectrum(float[] z, double mu) {
        int[] m = new int[3];
        for (int a = 0; a < 3; a++) m[a] = grid[a] / factors[a];
        int f0 = factors[0], f1 = factors[1], f2 = factors[2], aliases = f0 * f1 * f2;
        int n1 = grid[1], n2 = grid[2];
        int rows = m[0] * m[1];
        Parallel.forRange(rows, Parallel.grain(rows, (long) m[2] * aliases * 20), (lo, hi) -> {
            double[] kr = new double[aliases], ki = new double[aliases];
            int[] at = new int[aliases];
            for (int row = lo; row < hi; row++) {
                int q0 = row / m[1], q1 = row % m[1];
                for (int q2 = 0; q2 < m[2]; q2++) {
                    double sRe = 0, sIm = 0, power = 0;
                    int c = 0;
                    for (int l0 = 0; l0 < f0; l0++) {
                        int k0 = q0 + l0 * m[0];
                        for (int l1 = 0; l1 < f1; l1++) {
                            int k1 = q1 + l1 * m[1];
                            for (int l2 = 0; l2 < f2; l2++, c++) {
                                int k2 = q2 + l2 * m[2];
                                double aRe = kRe[0][k0] * kRe[1][k1] - kIm[0][k0] * kIm[1][k1];
                                double aIm = kRe[0][k0] * kIm[1][k1] + kIm[0][k0] * kRe[1][k1];
                                double re = aRe * kRe[2][k2] - aIm * kIm[2][k2];
                                double im = aRe * kIm[2][k2] + aIm * kRe[2][k2];
                                int p = 2 * ((k0 * n1 + k1) * n2 + k2);
                                kr[c] = re;
                                ki[c] = im;
                                at[c] = p;
                                double bRe = z[p], bIm = z[p + 1];
                                sRe += re * bRe - im * bIm;
                                sIm += re * bIm + im * bRe;
                                power += re * re + im * im;
                            }
                        }
                    }
                    double denominator = power / aliases + mu;
                    double tRe = sRe / aliases / denominator, tIm = sIm / aliases / denominator;
                    for (int i = 0; i < aliases; i++) {
                        int p = at[i];
                        // conj(K)·t = (kr − i·ki)(tRe + i·tIm)
                        double cRe = kr[i] * tRe + ki[i] * tIm, cIm = kr[i] * tIm - ki[i] * tRe;
                        z[p] = (float) ((z[p] - cRe) / mu);
                        z[p + 1] = (float) ((z[p + 1] - cIm) / mu);
                    }
                }
            }
        });
    }

    /** {@code b} on the grid: the even extension {@code [b, reverse(b)]} along mirrored axes. */
    private float[] extend(float[] b) {
        if (Arrays.equals(shape, grid)) return b;
        float[] e = new float[(int) Shape.numelLong(grid)];
        for (int i = 0; i < grid[0]; i++) {
            int si = source(0, i);
            for (int j = 0; j < grid[1]; j++) {
                int sj = source(1, j);
                int dst = (i * grid[1] + j) * grid[2], src = (si * shape[1] + sj) * shape[2];
                for (int k = 0; k < grid[2]; k++) e[dst + k] = b[src + source(2, k)];
            }
        }
        return e;
    }

    private int source(int axis, int i) {
        int n = shape[axis];
        return i < n ? i : 2 * n - 1 - i;
    }

    /** The first {@code shape} samples of each axis of a grid array. */
    private float[] crop(float[] x) {
        if (Arrays.equals(shape, grid)) return x.clone();
        float[] c = new float[(int) Shape.numelLong(shape)];
        for (int i = 0; i < shape[0]; i++) {
            for (int j = 0; j < shape[1]; j++) {
                System.arraycopy(x, (i * grid[1] + j) * grid[2], c, (i * shape[1] + j) * shape[2], shape[2]);
            }
        }
        return c;
    }
}
