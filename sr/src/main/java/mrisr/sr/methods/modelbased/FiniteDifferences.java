package mrisr.sr.methods.modelbased;

import java.util.Arrays;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.engine.cpu.CpuBackend;
import mrisr.kernels.Parallel;
import mrisr.sr.physics.LinearOperator;

/**
 * The discrete gradient {@code ∇ : ℝ^[nx,ny,nz] → ℝ^[3,nx,ny,nz]} by forward differences with a
 * Neumann (mirror) boundary, the regulariser of {@link Tikhonov} ({@code ‖∇x‖²}) and
 * {@link TotalVariation} ({@code Σ_v |(∇x)_v|₂}).
 *
 * <p>{@code (∇x)_a[v] = w_a·(x[v + e_a] − x[v])} for {@code v_a < n_a − 1} and 0 on the last plane
 * of axis {@code a}. The weights {@code w_a = min_b h_b / h_a} (voxel sizes {@code h} in mm) make
 * the differences per millimetre in units of the finest voxel: 1 on an isotropic grid, so
 * regularisation weights keep their meaning for any voxel size. The adjoint is
 * {@code ∇ᵀ = −div}, {@code (∇ᵀq)[v] = Σ_a w_a·(q_a[v − e_a]·[v_a > 0] − q_a[v]·[v_a < n_a − 1])},
 * and {@code ∇ᵀ∇} is the Neumann Laplacian (negated), whose spectrum is the Kronecker sum of the 1-D
 * spectra {@code 4 w_a² sin²(π k / (2 n_a))}, {@code k = 0 … n_a − 1}; hence the exact norm
 * {@code ‖∇‖² = Σ_a 4 w_a² sin²(π (n_a − 1) / (2 n_a))} (&lt; {@code 4 Σ_a w_a²}).
 *
 * <p>Float32 arithmetic per voxel, parallel over the {@code nx·ny} rows along {@code k}; reductions
 * combine one double partial per row in row order, so results do not depend on the thread count.
 *
 * <pre>{@code
 * FiniteDifferences grad = new FiniteDifferences(new int[] {181, 217, 181}, new double[] {1, 1, 1});
 * Tensor g = grad.apply(x);                   // [3, 181, 217, 181]
 * double tv = grad.totalVariation(x.toArray());
 * }</pre>
 */
public final class FiniteDifferences implements LinearOperator {
    private final int nx, ny, nz, n;
    private final float w0, w1, w2;
    private final double[] weights;

    /**
     * The gradient on a grid of {@code shape} ({@code [nx, ny, nz]}, each ≥ 1) with voxel sizes
     * {@code spacingMm} (three finite values &gt; 0).
     */
    public FiniteDifferences(int[] shape, double[] spacingMm) {
        if (shape == null || shape.length != 3) {
            throw new ShapeException("finite differences", "need a 3-D shape, got " + (shape == null ? "none" : Arrays.toString(shape)));
        }
        for (int a = 0; a < 3; a++) {
            if (shape[a] < 1) throw new ShapeException("finite differences", "size along axis " + a + " is " + shape[a] + ", must be >= 1");
        }
        if (spacingMm == null || spacingMm.length != 3) throw new IllegalArgumentException("finite differences: need 3 voxel sizes");
        double min = Double.POSITIVE_INFINITY;
        for (double h : spacingMm) {
            if (!(h > 0) || Double.isInfinite(h)) throw new IllegalArgumentException("finite differences: voxel size " + h + " mm, must be > 0");
            min = Math.min(min, h);
        }
        long count = Math.multiplyExact(Math.multiplyExact((long) shape[0], shape[1]), 3L * shape[2]);
        if (count > Integer.MAX_VALUE - 16) {
            throw new ShapeException("finite differences", "gradient of " + Shape.format(shape) + " has too many values (" + count + ")");
        }
        nx = shape[0];
        ny = shape[1];
        nz = shape[2];
        n = nx * ny * nz;
        weights = new double[] {min / spacingMm[0], min / spacingMm[1], min / spacingMm[2]};
        w0 = (float) weights[0];
        w1 = (float) weights[1];
        w2 = (float) weights[2];
    }

    /** The per-axis weights {@code w_a = min h / h_a} (a copy). */
    public double[] weights() {
        return weights.clone();
    }

    /** The exact {@code ‖∇‖₂²} (largest eigenvalue of the Neumann Laplacian {@code ∇ᵀ∇}). */
    public double normSquared() {
        int[] s = {nx, ny, nz};
        double sum = 0;
        for (int a = 0; a < 3; a++) {
            double sin = Math.sin(Math.PI * (s[a] - 1) / (2.0 * s[a]));
            sum += 4 * weights[a] * weights[a] * sin * sin;
        }
        return sum;
    }

    @Override
    public Tensor apply(Tensor x) {
        float[] xs = input(x, inputShape(), "input");
        float[] g = new float[3 * n];
        gradientInto(xs, g);
        return CpuBackend.wrap(g, outputShape());
    }

    @Override
    public Tensor adjoint(Tensor q) {
        float[] qs = input(q, outputShape(), "adjoint input");
        float[] out = new float[n];
        adjointInto(qs, out);
        return CpuBackend.wrap(out, inputShape());
    }

    private static float[] input(Tensor t, int[] shape, String what) {
        if (!Arrays.equals(t.shape(), shape)) {
            throw new ShapeException("finite differences", what + " has shape " + Shape.format(t.shape()) + ", expected " + Shape.format(shape));
        }
        return t.toArray();
    }

    @Override
    public int[] inputShape() {
        return new int[] {nx, ny, nz};
    }

    @Override
    public int[] outputShape() {
        return new int[] {3, nx, ny, nz};
    }

    @Override
    public String name() {
        return "finite differences " + Shape.format(inputShape());
    }

    /** Number of voxels {@code nx·ny·nz}. */
    int voxels() {
        return n;
    }

    /** Rows (lines along k) of the volume: {@code nx·ny}. */
    int rows() {
        return nx * ny;
    }

    /** Length of a row. */
    int rowLength() {
        return nz;
    }

    /** Parallel loop over rows. */
    void forRows(Parallel.RangeBody body) {
        int rows = nx * ny;
        Parallel.forRange(rows, Parallel.grain(rows, 8L * nz), body);
    }

    /**
     * {@code g = ∇x}, component-major: {@code g[a·N + v]}.
     *
     * @param x volume of {@code N} values (not modified)
     * @param g receives {@code 3N} values (overwritten)
     */
    void gradientInto(float[] x, float[] g) {
        int sI = ny * nz, n1 = n, n2 = 2 * n;
        forRows((r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int i = r / ny, j = r % ny, base = r * nz;
                boolean lastI = i == nx - 1, lastJ = j == ny - 1;
                for (int k = 0; k < nz; k++) {
                    int v = base + k;
                    float xv = x[v];
                    g[v] = lastI ? 0f : w0 * (x[v + sI] - xv);
                    g[n1 + v] = lastJ ? 0f : w1 * (x[v + nz] - xv);
                    g[n2 + v] = k == nz - 1 ? 0f : w2 * (x[v + 1] - xv);
                }
            }
        });
    }

    /**
     * {@code out = ∇ᵀ q}.
     *
     * @param q   {@code 3N} values, component-major (not modified; entries on each axis's last plane are ignored)
     * @param out receives {@code N} values (overwritten)
     */
    void adjointInto(float[] q, float[] out) {
        forRows((r0, r1) -> {
            for (int r = r0; r < r1; r++) adjointRow(q, r, out, r * nz);
        });
    }

    /** Writes {@code (∇ᵀq)} of row {@code r} into {@code out[outOffset … outOffset + nz)}. */
    void adjointRow(float[] q, int r, float[] out, int outOffset) {
        int sI = ny * nz, n1 = n, n2 = 2 * n;
        int i = r / ny, j = r % ny, base = r * nz;
        boolean firstI = i == 0, lastI = i == nx - 1, firstJ = j == 0, lastJ = j == ny - 1;
        for (int k = 0; k < nz; k++) {
            int v = base + k;
            float s0 = (firstI ? 0f : q[v - sI]) - (lastI ? 0f : q[v]);
            float s1 = (firstJ ? 0f : q[n1 + v - nz]) - (lastJ ? 0f : q[n1 + v]);
            float s2 = (k == 0 ? 0f : q[n2 + v - 1]) - (k == nz - 1 ? 0f : q[n2 + v]);
            out[outOffset + k] = w0 * s0 + w1 * s1 + w2 * s2;
        }
    }

    /**
     * {@code out += λ·∇ᵀ∇x} (the Neumann Laplacian, negated), computed directly from neighbours.
     *
     * @param x   volume (not modified)
     * @param out accumulates the result (modified)
     */
    void addNormal(float[] x, double lambda, float[] out) {
        int sI = ny * nz;
        float l0 = (float) (lambda * weights[0] * weights[0]);
        float l1 = (float) (lambda * weights[1] * weights[1]);
        float l2 = (float) (lambda * weights[2] * weights[2]);
        forRows((r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int i = r / ny, j = r % ny, base = r * nz;
                for (int k = 0; k < nz; k++) {
                    int v = base + k;
                    float xv = x[v];
                    float s0 = (i > 0 ? xv - x[v - sI] : 0f) + (i < nx - 1 ? xv - x[v + sI] : 0f);
                    float s1 = (j > 0 ? xv - x[v - nz] : 0f) + (j < ny - 1 ? xv - x[v + nz] : 0f);
                    float s2 = (k > 0 ? xv - x[v - 1] : 0f) + (k < nz - 1 ? xv - x[v + 1] : 0f);
                    out[v] += l0 * s0 + l1 * s1 + l2 * s2;
                }
            }
        });
    }

    /**
     * The isotropic total variation {@code Σ_v sqrt(Σ_a (∇_a x)[v]²)} in double.
     *
     * @param x volume of {@code N} values (not modified)
     */
    public double totalVariation(float[] x) {
        if (x.length != n) throw new ShapeException("total variation", x.length + " values, expected " + n);
        int sI = ny * nz;
        return Vectors.rowSums(nx * ny, 1, 8L * nz, (r, acc) -> {
            int i = r / ny, j = r % ny, base = r * nz;
            double s = 0;
            for (int k = 0; k < nz; k++) {
                int v = base + k;
                double xv = x[v];
                double g0 = i == nx - 1 ? 0 : w0 * (x[v + sI] - xv);
                double g1 = j == ny - 1 ? 0 : w1 * (x[v + nz] - xv);
                double g2 = k == nz - 1 ? 0 : w2 * (x[v + 1] - xv);
                s += Math.sqrt(g0 * g0 + g1 * g1 + g2 * g2);
            }
            acc[0] = s;
        })[0];
    }
}
