package mrisr.sr.methods.unfolding;

import java.util.Arrays;
import java.util.Locale;
import mrisr.engine.Memory;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.engine.cpu.CpuBackend;
import mrisr.kernels.Parallel;
import mrisr.sr.physics.LinearOperator;
import mrisr.sr.physics.SliceProfile;

/**
 * The circulant forward model {@code H = S_f ∘ C_κ}: a separable circular correlation with one 1-D
 * kernel per axis followed by keeping every {@code f_a}-th sample, from a periodic grid
 * {@code [n₀, n₁, n₂]} to {@code [n₀/f₀, n₁/f₁, n₂/f₂]} ({@code f_a} must divide {@code n_a}):
 *
 * <pre>
 *   (Hx)[j] = Σ_i κ₀[(i₀ − j₀f₀) mod n₀] · κ₁[(i₁ − j₁f₁) mod n₁] · κ₂[(i₂ − j₂f₂) mod n₂] · x[i]
 * </pre>
 *
 * <p>This is exactly the operator of {@code Downsampling.withProfiles(shape, spacing, f, profiles,
 * Boundary.CIRCULAR)} (and of {@code Blur.profile(…, Boundary.CIRCULAR)} for {@code f = 1}) when
 * every {@code f_a} divides {@code n_a}: {@link #withProfiles} builds {@code κ_a} from the same
 * discretisation ({@code κ[d] = ∫ p} over input voxel {@code d} relative to the centre
 * {@code (f − 1)/2} of the low-resolution voxel, rows renormalised to sum 1, taps folded modulo
 * {@code n}). Because {@code C_κ} is diagonalised by the DFT and {@code S_fᵀS_f} aliases the spectrum
 * into {@code Π f_a} blocks, {@code (HᵀH + μI)⁻¹} has a closed form in Fourier space
 * ({@link DataConsistency}). The adjoint scatters each low-resolution sample back through the same
 * taps and is exact.
 *
 * <p>Arithmetic: float32 volumes, double accumulation; every output sample is computed by one task
 * in a fixed tap order, so results do not depend on the thread count.
 *
 * <pre>{@code
 * SliceProfile[] p = {null, null, SliceProfile.gaussian(4)};
 * CirculantSampling h = CirculantSampling.withProfiles(new int[] {16, 16, 32}, new double[] {1, 1, 1}, new int[] {1, 1, 4}, p);
 * Tensor y = h.apply(x);                 // [16, 16, 8]
 * }</pre>
 */
public final class CirculantSampling implements LinearOperator {
    private final String name;
    private final int[] inShape, outShape, factors;
    private final double[][] kernels;
    private final Taps[] forward = new Taps[3], backward = new Taps[3];

    private CirculantSampling(String name, int[] shape, int[] factors, double[][] kernels) {
        this.name = name;
        this.inShape = shape.clone();
        this.factors = factors.clone();
        this.kernels = new double[3][];
        this.outShape = new int[3];
        for (int a = 0; a < 3; a++) {
            outShape[a] = shape[a] / factors[a];
            this.kernels[a] = kernels[a] == null ? null : kernels[a].clone();
            if (!isIdentity(a)) {
                double[] k = kernels[a] != null ? kernels[a] : delta(shape[a]);
                forward[a] = Taps.sampling(k, factors[a]);
                backward[a] = forward[a].transpose();
            }
        }
    }

    /**
     * The operator with kernels {@code kernels[a]} (length {@code n_a}, indexed by the circular
     * offset {@code d = (i − j·f) mod n}; {@code null} for the unit impulse {@code δ}) and factors
     * {@code factors[a]}, each dividing {@code shape[a]}.
     *
     * @param kernels not modified (copied)
     * @throws ShapeException when a factor does not divide its axis or a kernel has the wrong length
     */
    public static CirculantSampling of(int[] shape, int[] factors, double[][] kernels) {
        return of("circulant sampling x" + format(factors), shape, factors, kernels);
    }

    static CirculantSampling of(String name, int[] shape, int[] factors, double[][] kernels) {
        checkGrid(name, shape, factors);
        if (kernels == null || kernels.length != 3) throw new ShapeException(name, "need 3 kernels (null for none)");
        for (int a = 0; a < 3; a++) {
            if (kernels[a] != null && kernels[a].length != shape[a]) {
                throw new ShapeException(name, "kernel of axis " + a + " has " + kernels[a].length + " taps, the axis has " + shape[a]);
            }
            if (kernels[a] != null) {
                for (double v : kernels[a]) {
                    if (!Double.isFinite(v)) throw new ShapeException(name, "kernel of axis " + a + " holds " + v);
                }
            }
        }
        return new CirculantSampling(name, shape, factors, kernels);
    }

    /**
     * Profile-weighted sampling on a periodic grid: the circular-boundary twin of
     * {@code Downsampling.withProfiles} (blur only where {@code f_a = 1} and a profile is given).
     *
     * @param shape     high-resolution shape {@code [n₀, n₁, n₂]}
     * @param spacingMm high-resolution voxel sizes in mm
     * @param factors   integer factors ≥ 1, each dividing its axis
     * @param profiles  profile per axis in mm; {@code null} only where the factor is 1 (the axis is then
     *                  left unchanged)
     */
    public static CirculantSampling withProfiles(int[] shape, double[] spacingMm, int[] factors, SliceProfile[] profiles) {
        String name = "circulant profile sampling x" + format(factors);
        checkGrid(name, shape, factors);
        if (spacingMm == null || spacingMm.length != 3) throw new ShapeException(name, "need 3 voxel sizes");
        if (profiles == null || profiles.length != 3) throw new ShapeException(name, "need 3 profiles (null for none)");
        double[][] kernels = new double[3][];
        for (int a = 0; a < 3; a++) {
            if (!(spacingMm[a] > 0) || Double.isInfinite(spacingMm[a])) {
                throw new ShapeException(name, "voxel size " + spacingMm[a] + " mm along axis " + a + ", must be > 0");
            }
            if (profiles[a] == null) {
                if (factors[a] != 1) throw new ShapeException(name, "axis " + a + " has factor " + factors[a] + " but no profile");
                continue;
            }
            kernels[a] = profileKernel(profiles[a], shape[a], factors[a], spacingMm[a]);
        }
        return new CirculantSampling(name, shape, factors, kernels);
    }

    /**
     * {@code κ[d mod n]} for the profile centred at {@code c = (f − 1)/2}: the taps
     * {@code ∫_{(d−c−½)Δ}^{(d−c+½)Δ} p(s) ds} over {@code d ∈ [⌊c − h − ½⌋, ⌈c + h + ½⌉]} (h the
     * half-support in voxels), divided by their sum, folded modulo {@code n} — the discretisation
     * of {@link SliceProfile}.
     */
    static double[] profileKernel(SliceProfile p, int n, int f, double spacingMm) {
        double c = (f - 1) / 2.0, h = p.halfSupport() / spacingMm;
        long lo = (long) Math.floor(c - h - 0.5), hi = (long) Math.ceil(c + h + 0.5);
        double total = p.integral((lo - c - 0.5) * spacingMm, (hi - c + 0.5) * spacingMm);
        double[] k = new double[n];
        for (long d = lo; d <= hi; d++) {
            k[(int) Math.floorMod(d, (long) n)] += p.integral((d - c - 0.5) * spacingMm, (d - c + 0.5) * spacingMm) / total;
        }
        return k;
    }

    private static void checkGrid(String name, int[] shape, int[] factors) {
        if (shape == null || shape.length != 3) throw new ShapeException(name, "need a 3-D shape, got " + Arrays.toString(shape));
        if (factors == null || factors.length != 3) throw new ShapeException(name, "need 3 factors, got " + Arrays.toString(factors));
        for (int a = 0; a < 3; a++) {
            if (shape[a] < 1) throw new ShapeException(name, "size along axis " + a + " is " + shape[a] + ", must be >= 1");
            if (factors[a] < 1 || shape[a] % factors[a] != 0) {
                throw new ShapeException(name, "factor " + factors[a] + " along axis " + a + " must be >= 1 and divide the size "
                        + shape[a]);
            }
        }
    }

    private static double[] delta(int n) {
        double[] d = new double[n];
        d[0] = 1;
        return d;
    }

    static String format(int[] f) {
        return String.format(Locale.ROOT, "%d,%d,%d", f[0], f[1], f[2]);
    }

    /** Whether axis {@code a} passes through unchanged ({@code f = 1} and {@code κ = δ}). */
    boolean isIdentity(int a) {
        if (factors[a] != 1) return false;
        double[] k = kernels[a];
        if (k == null) return true;
        if (k[0] != 1) return false;
        for (int d = 1; d < k.length; d++) if (k[d] != 0) return false;
        return true;
    }

    /** The factor along each axis (a copy). */
    public int[] factors() {
        return factors.clone();
    }

    /** The circular kernel {@code κ_a} of length {@code n_a} (a copy; the unit impulse for an unfiltered axis). */
    public double[] kernel(int axis) {
        if (axis < 0 || axis > 2) throw new IllegalArgumentException(name + ": axis " + axis + ", must be 0, 1 or 2");
        return kernels[axis] != null ? kernels[axis].clone() : delta(inShape[axis]);
    }

    @Override
    public Tensor apply(Tensor x) {
        return CpuBackend.wrap(run(input(x, inShape, "input"), inShape, forward), outShape.clone());
    }

    @Override
    public Tensor adjoint(Tensor y) {
        return CpuBackend.wrap(run(input(y, outShape, "adjoint input"), outShape, backward), inShape.clone());
    }

    /** {@code H x} on a raw row-major array of shape {@link #inputShape()} (not modified). */
    float[] applyArray(float[] x) {
        return run(x, inShape, forward);
    }

    private float[] input(Tensor t, int[] shape, String what) {
        if (!Arrays.equals(t.shape(), shape)) {
            throw new ShapeException(name, what + " has shape " + Shape.format(t.shape()) + ", expected " + Shape.format(shape));
        }
        return CpuBackend.denseData(t);
    }

    private float[] run(float[] v, int[] shape, Taps[] taps) {
        int[] cur = shape.clone();
        boolean copied = false;
        for (int a = 0; a < 3; a++) {
            if (taps[a] == null) continue;
            v = taps[a].applyAlong(name, v, cur, a);
            cur[a] = taps[a].rows;
            copied = true;
        }
        return copied ? v : v.clone();
    }

    @Override
    public int[] inputShape() {
        return inShape.clone();
    }

    @Override
    public int[] outputShape() {
        return outShape.clone();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name + " " + Shape.format(inShape) + " -> " + Shape.format(outShape);
    }

    /** A sparse {@code rows × cols} matrix applied along one axis (compressed rows, double weights). */
    static final class Taps {
        final int rows, cols;
        private final int[] start, col;
        private final double[] weight;

        private Taps(int rows, int cols, int[] start, int[] col, double[] weight) {
            this.rows = rows;
            this.cols = cols;
            this.start = start;
            this.col = col;
            this.weight = weight;
        }

        /** Row {@code j} holds {@code κ[d]} at column {@code (j·f + d) mod n} for every non-zero tap {@code d}. */
        static Taps sampling(double[] kernel, int f) {
            int n = kernel.length, m = n / f;
            int nnz = 0;
            for (double w : kernel) if (w != 0) nnz++;
            int[] start = new int[m + 1], col = new int[Math.multiplyExact(m, nnz)];
            double[] weight = new double[col.length];
            int p = 0;
            for (int j = 0; j < m; j++) {
                for (int d = 0; d < n; d++) {
                    if (kernel[d] == 0) continue;
                    col[p] = (int) (((long) j * f + d) % n);
                    weight[p++] = kernel[d];
                }
                start[j + 1] = p;
            }
            return new Taps(m, n, start, col, weight);
        }

        /** The transpose, columns of each row in increasing order of the original row. */
        Taps transpose() {
            int nnz = start[rows];
            int[] tStart = new int[cols + 1];
            for (int k = 0; k < nnz; k++) tStart[col[k] + 1]++;
            for (int c = 0; c < cols; c++) tStart[c + 1] += tStart[c];
            int[] fill = Arrays.copyOf(tStart, cols);
            int[] tCol = new int[nnz];
            double[] tWeight = new double[nnz];
            for (int j = 0; j < rows; j++) {
                for (int k = start[j]; k < start[j + 1]; k++) {
                    int q = fill[col[k]]++;
                    tCol[q] = j;
                    tWeight[q] = weight[k];
                }
            }
            return new Taps(cols, rows, tStart, tCol, tWeight);
        }

        /** Applies the matrix along {@code axis} of {@code x} ({@code shape}, row-major, not modified). */
        float[] applyAlong(String op, float[] x, int[] shape, int axis) {
            int outer = 1, inner = 1;
            for (int a = 0; a < axis; a++) outer *= shape[a];
            for (int a = axis + 1; a < shape.length; a++) inner *= shape[a];
            long total = Math.multiplyExact(Math.multiplyExact((long) outer, rows), inner);
            Memory.check(total, op + " along axis " + axis);
            float[] y = new float[(int) total];
            int tasks = Math.multiplyExact(outer, rows);
            long cost = Math.max(1L, (long) inner * Math.max(1, start[rows] / Math.max(1, rows)));
            final int in = inner;
            Parallel.forRange(tasks, Parallel.grain(tasks, cost), (lo, hi) -> {
                double[] acc = new double[in];
                for (int q = lo; q < hi; q++) {
                    int o = q / rows, j = q % rows;
                    Arrays.fill(acc, 0);
                    int xBase = o * cols * in;
                    for (int k = start[j]; k < start[j + 1]; k++) {
                        double w = weight[k];
                        int b = xBase + col[k] * in;
                        for (int t = 0; t < in; t++) acc[t] += w * x[b + t];
                    }
                    int yBase = (o * rows + j) * in;
                    for (int t = 0; t < in; t++) y[yBase + t] = (float) acc[t];
                }
            });
            return y;
        }
    }
}
