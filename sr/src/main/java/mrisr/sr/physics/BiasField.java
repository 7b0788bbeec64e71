package mrisr.sr.physics;

import mrisr.engine.Rng;
import mrisr.engine.Tensor;

/**
 * A smooth multiplicative intensity bias (coil sensitivity), as the diagonal linear operator
 * {@code x ↦ b ⊙ x}; self-adjoint, spectral norm {@code max |b|}.
 *
 * <p>{@link #random} draws {@code b = exp(Σ c_{pqr} u^p v^q w^r)} over the monomials of total degree
 * {@code 1 ≤ p + q + r ≤ order}, with {@code (u, v, w) ∈ [−1, 1]³} the voxel position scaled to the
 * field of view and coefficients uniform in {@code [−strength, strength]} (TorchIO's
 * {@code RandomBiasField} model; the constant term is left out so the field stays around 1).
 *
 * <pre>{@code
 * BiasField b = BiasField.random(new int[] {64, 64, 48}, 3, 0.3, new Rng(1));
 * Tensor biased = b.apply(x);
 * }</pre>
 */
public final class BiasField implements LinearOperator {
    private final int[] shape;
    private final float[] field;

    private BiasField(int[] shape, float[] field) {
        this.shape = shape;
        this.field = field;
    }

    /**
     * A random smooth field.
     *
     * @param order    highest total polynomial degree (≥ 1)
     * @param strength coefficient range (≥ 0); 0.3 gives a field of roughly ±30 % to ±60 %
     * @param rng      source of the coefficients (advanced)
     */
    public static BiasField random(int[] shape, int order, double strength, Rng rng) {
        int[] s = Checks.volumeShape("bias field", shape);
        if (order < 1 || order > 8) throw new PhysicsException("bias field: polynomial order is " + order + ", must be in 1..8");
        if (!(strength >= 0) || Double.isInfinite(strength)) {
            throw new PhysicsException("bias field: strength is " + strength + ", must be finite and >= 0");
        }
        int terms = 0;
        int[][] exps = new int[(order + 1) * (order + 1) * (order + 1)][];
        for (int p = 0; p <= order; p++) {
            for (int q = 0; q + p <= order; q++) {
                for (int r = 0; r + q + p <= order; r++) {
                    if (p + q + r == 0) continue;
                    exps[terms++] = new int[] {p, q, r};
                }
            }
        }
        double[] coef = new double[terms];
        for (int t = 0; t < terms; t++) coef[t] = strength * (2 * rng.nextDouble() - 1);
        double[][] powU = powers(s[0], order), powV = powers(s[1], order), powW = powers(s[2], order);
        float[] f = Checks.allocate("bias field", s);
        int idx = 0;
        for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < s[1]; j++) {
                for (int k = 0; k < s[2]; k++) {
                    double e = 0;
                    for (int t = 0; t < terms; t++) {
                        int[] x = exps[t];
                        e += coef[t] * powU[i][x[0]] * powV[j][x[1]] * powW[k][x[2]];
                    }
                    f[idx++] = (float) Math.exp(e);
                }
            }
        }
        return new BiasField(s, f);
    }

    /**
     * A field given voxel by voxel.
     *
     * @param field the values {@code [nx, ny, nz]} (copied, not modified)
     */
    public static BiasField of(Tensor field) {
        int[] s = Checks.volumeShape("bias field", field.shape());
        return new BiasField(s, field.toArray());
    }

    /** {@code pow[i][d] = u_i^d} with {@code u_i} the position of voxel i scaled to [−1, 1]. */
    private static double[][] powers(int n, int order) {
        double[][] p = new double[n][order + 1];
        for (int i = 0; i < n; i++) {
            double u = n == 1 ? 0 : 2.0 * i / (n - 1) - 1;
            p[i][0] = 1;
            for (int d = 1; d <= order; d++) p[i][d] = p[i][d - 1] * u;
        }
        return p;
    }

    /** The field values {@code [nx, ny, nz]} (a copy). */
    public Tensor field() {
        return Tensor.fromArray(field.clone(), shape);
    }

    /** {@code max |b|}, the operator's spectral norm. */
    public double maxValue() {
        double m = Double.NEGATIVE_INFINITY;
        for (float f : field) m = Math.max(m, Math.abs(f));
        return m;
    }

    @Override
    public Tensor apply(Tensor x) {
        Checks.shape(name(), "input", x, shape);
        float[] v = x.toArray();
        for (int i = 0; i < v.length; i++) v[i] *= field[i];
        return Tensor.fromArray(v, shape);
    }

    @Override
    public Tensor adjoint(Tensor y) {
        return apply(y);
    }

    @Override
    public int[] inputShape() {
        return shape.clone();
    }

    @Override
    public int[] outputShape() {
        return shape.clone();
    }

    @Override
    public String name() {
        return "bias field";
    }
}
