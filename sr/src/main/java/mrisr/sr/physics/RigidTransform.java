package mrisr.sr.physics;

import mrisr.engine.Tensor;
import mrisr.kernels.Parallel;

/**
 * The geometric transformation {@code Γ} of the degradation model: a rigid motion of the object
 * inside the field of view, resampled on the same grid by trilinear interpolation.
 *
 * <p>Coordinates are millimetres along the voxel axes, relative to the volume centre
 * {@code c = (n − 1)/2}: voxel {@code p} sits at {@code q = (p − c)·Δ}. The motion maps
 * {@code q ↦ R q + t} with {@code R = R_z(γ) R_y(β) R_x(α)} (rotate about x, then y, then z; angles in
 * degrees, right-handed) and {@code t} in mm; the output is
 * {@code (Γx)(p) = x(R^T((p − c)Δ − t)/Δ + c)}, read by trilinear interpolation with zeros outside
 * the volume. {@code Γ} is linear in {@code x}; its adjoint scatters each output value back with the
 * same eight weights (the transpose of the interpolation matrix, exact).
 *
 * <pre>{@code
 * RigidTransform g = new RigidTransform(shape, spacing, new double[] {0, 0, 5}, new double[] {1.5, 0, 0});
 * Tensor moved = g.apply(x);   // rotated 5° about z, shifted 1.5 mm along x
 * }</pre>
 */
public final class RigidTransform implements LinearOperator {
    private final int[] shape;
    private final double[] euler, translation;
    /** Source index = m · p + o for output index p. */
    private final double[][] m = new double[3][3];
    private final double[] o = new double[3];

    /**
     * The motion {@code q ↦ R q + t} resampled on the grid {@code shape}.
     *
     * @param shape         volume shape {@code [nx, ny, nz]}
     * @param spacingMm     voxel sizes in mm
     * @param eulerDeg      rotation angles (α, β, γ) about x, y, z in degrees
     * @param translationMm translation in mm along x, y, z
     */
    public RigidTransform(int[] shape, double[] spacingMm, double[] eulerDeg, double[] translationMm) {
        this.shape = Checks.volumeShape("rigid transform", shape);
        double[] s = Checks.spacing("rigid transform", spacingMm);
        this.euler = finite3("rotation angles", eulerDeg);
        this.translation = finite3("translation", translationMm);
        double[][] r = rotation(euler);
        double[] c = {(shape[0] - 1) / 2.0, (shape[1] - 1) / 2.0, (shape[2] - 1) / 2.0};
        // m = S⁻¹ Rᵀ S ; o = c − m c − S⁻¹ Rᵀ t
        for (int i = 0; i < 3; i++) {
            double rt = 0;
            for (int k = 0; k < 3; k++) {
                m[i][k] = r[k][i] * s[k] / s[i];
                rt += r[k][i] * translation[k];
            }
            o[i] = c[i] - rt / s[i];
            for (int k = 0; k < 3; k++) o[i] -= m[i][k] * c[k];
        }
    }

    /** {@code R_z(γ) R_y(β) R_x(α)} for angles in degrees. */
    static double[][] rotation(double[] eulerDeg) {
        double a = Math.toRadians(eulerDeg[0]), b = Math.toRadians(eulerDeg[1]), g = Math.toRadians(eulerDeg[2]);
        double ca = Math.cos(a), sa = Math.sin(a), cb = Math.cos(b), sb = Math.sin(b), cg = Math.cos(g), sg = Math.sin(g);
        double[][] rx = {{1, 0, 0}, {0, ca, -sa}, {0, sa, ca}};
        double[][] ry = {{cb, 0, sb}, {0, 1, 0}, {-sb, 0, cb}};
        double[][] rz = {{cg, -sg, 0}, {sg, cg, 0}, {0, 0, 1}};
        return mul(rz, mul(ry, rx));
    }

    private static double[][] mul(double[][] a, double[][] b) {
        double[][] c = new double[3][3];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) for (int k = 0; k < 3; k++) c[i][j] += a[i][k] * b[k][j];
        return c;
    }

    private static double[] finite3(String what, double[] v) {
        if (v == null || v.length != 3) throw new PhysicsException("rigid transform: need 3 " + what);
        for (double x : v) if (!Double.isFinite(x)) throw new PhysicsException("rigid transform: " + what + " must be finite, got " + x);
        return v.clone();
    }

    /** Visits the eight trilinear neighbours of output voxel (i, j, k) with their weights. */
    private interface Visitor {
        void visit(int index, double weight);
    }

    private void neighbours(int i, int j, int k, Visitor v) {
        int nx = shape[0], ny = shape[1], nz = shape[2];
        double x = m[0][0] * i + m[0][1] * j + m[0][2] * k + o[0];
        double y = m[1][0] * i + m[1][1] * j + m[1][2] * k + o[1];
        double z = m[2][0] * i + m[2][1] * j + m[2][2] * k + o[2];
        double fx = Math.floor(x), fy = Math.floor(y), fz = Math.floor(z);
        if (fx < -1 || fy < -1 || fz < -1 || fx > nx - 1 || fy > ny - 1 || fz > nz - 1) return;
        int x0 = (int) fx, y0 = (int) fy, z0 = (int) fz;
        double ax = x - fx, ay = y - fy, az = z - fz;
        for (int dx = 0; dx < 2; dx++) {
            int xi = x0 + dx;
            double wx = dx == 0 ? 1 - ax : ax;
            if (xi < 0 || xi >= nx || wx == 0) continue;
            for (int dy = 0; dy < 2; dy++) {
                int yi = y0 + dy;
                double wy = dy == 0 ? 1 - ay : ay;
                if (yi < 0 || yi >= ny || wy == 0) continue;
                for (int dz = 0; dz < 2; dz++) {
                    int zi = z0 + dz;
                    double wz = dz == 0 ? 1 - az : az;
                    if (zi < 0 || zi >= nz || wz == 0) continue;
                    v.visit((xi * ny + yi) * nz + zi, wx * wy * wz);
                }
            }
        }
    }

    @Override
    public Tensor apply(Tensor x) {
        Checks.shape(name(), "input", x, shape);
        float[] in = x.toArray();
        float[] out = Checks.allocate(name(), shape);
        int ny = shape[1], nz = shape[2];
        Parallel.forRange(shape[0], Parallel.grain(shape[0], 8L * ny * nz), (lo, hi) -> {
            double[] acc = new double[1];
            for (int i = lo; i < hi; i++) {
                for (int j = 0; j < ny; j++) {
                    for (int k = 0; k < nz; k++) {
                        acc[0] = 0;
                        neighbours(i, j, k, (idx, w) -> acc[0] += w * in[idx]);
                        out[(i * ny + j) * nz + k] = (float) acc[0];
                    }
                }
            }
        });
        return Tensor.fromArray(out, shape);
    }

    /** The scatter runs on one thread: outputs share inputs, and a fixed order keeps results bit-identical. */
    @Override
    public Tensor adjoint(Tensor y) {
        Checks.shape(name() + " adjoint", "input", y, shape);
        float[] in = y.toArray();
        double[] acc = Checks.allocateDouble(name(), in.length);
        int ny = shape[1], nz = shape[2];
        for (int i = 0; i < shape[0]; i++) {
            for (int j = 0; j < ny; j++) {
                for (int k = 0; k < nz; k++) {
                    double v = in[(i * ny + j) * nz + k];
                    if (v != 0) neighbours(i, j, k, (idx, w) -> acc[idx] += w * v);
                }
            }
        }
        float[] out = Checks.allocate(name(), shape);
        for (int i = 0; i < out.length; i++) out[i] = (float) acc[i];
        return Tensor.fromArray(out, shape);
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
        return "rigid transform (rotation " + Blur.format(euler) + " deg, shift " + Blur.format(translation) + " mm)";
    }
}
