package mrisr.sr.io;

/**
 * The 3×3 linear algebra behind NIfTI orientation: quaternions (qform), the closest rotation to a
 * matrix (polar decomposition), and axis codes such as {@code RAS}.
 *
 * <p>All follow nibabel so that headers and orientation letters agree with it:
 * <ul>
 *   <li>{@link #axisCodes} is {@code nibabel.orientations.aff2axcodes}: divide each column of the
 *       affine's 3×3 part by its length, take the closest orthogonal matrix {@code Q} (the polar
 *       factor, {@code U Vᵀ} of the SVD), then for voxel axes 0, 1, 2 in turn pick the world axis
 *       with the largest {@code |Q[w][axis]|} not already taken; its sign gives R/L, A/P or S/I.</li>
 *   <li>{@link #quaternionOf} is {@code nibabel.quaternions.mat2quat} for a rotation matrix, with
 *       {@code w ≥ 0}; {@link #rotationOf} is {@code quat2mat} after {@code w = √(1 − b² − c² − d²)}.</li>
 * </ul>
 *
 * <pre>{@code
 * String codes = Affines.axisCodes(volume.affine());   // "RAS", "LPS", "ASL", ...
 * }</pre>
 */
public final class Affines {
    private static final char[][] LABELS = {{'L', 'R'}, {'P', 'A'}, {'I', 'S'}};

    private Affines() {}

    /**
     * The world direction each voxel axis points to, as three letters from R/L, A/P, S/I (RAS+
     * world), e.g. {@code "RAS"} for an identity affine and {@code "LAS"} when the first column is
     * negative. A zero column gives {@code '?'}.
     *
     * @param affine a 4×4 (or 3×3 or 3×4) voxel-to-world matrix; only its top-left 3×3 block is used
     */
    public static String axisCodes(double[][] affine) {
        double[][] rs = new double[3][3];
        boolean[] zero = new boolean[3];
        for (int c = 0; c < 3; c++) {
            double n = Math.sqrt(affine[0][c] * affine[0][c] + affine[1][c] * affine[1][c] + affine[2][c] * affine[2][c]);
            zero[c] = n == 0;
            for (int r = 0; r < 3; r++) rs[r][c] = zero[c] ? 0 : affine[r][c] / n;
        }
        double[][] q = det(rs) != 0 ? polar(rs) : rs;
        char[] out = new char[3];
        for (int c = 0; c < 3; c++) {
            int best = -1;
            double bestAbs = 0;
            for (int r = 0; r < 3; r++) {
                double a = Math.abs(q[r][c]);
                if (a > bestAbs) {
                    bestAbs = a;
                    best = r;
                }
            }
            if (zero[c] || best < 0) {
                out[c] = '?';
                continue;
            }
            out[c] = LABELS[best][q[best][c] < 0 ? 0 : 1];
            for (int k = 0; k < 3; k++) q[best][k] = 0;
        }
        return new String(out);
    }

    /** Determinant of the top-left 3×3 block. */
    static double det(double[][] m) {
        return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
                - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
                + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    }

    /**
     * The orthogonal polar factor {@code Q} of a non-singular 3×3 matrix {@code M = Q·P} (the closest
     * orthogonal matrix, {@code U Vᵀ} of the SVD), by Newton's iteration {@code X ← (X + X⁻ᵀ)/2},
     * which converges quadratically from {@code X₀ = M}.
     */
    static double[][] polar(double[][] m) {
        double[][] x = new double[3][3];
        for (int r = 0; r < 3; r++) System.arraycopy(m[r], 0, x[r], 0, 3);
        for (int iter = 0; iter < 100; iter++) {
            double[][] invT = inverseTranspose(x);
            double change = 0;
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 3; c++) {
                    double v = 0.5 * (x[r][c] + invT[r][c]);
                    change = Math.max(change, Math.abs(v - x[r][c]));
                    x[r][c] = v;
                }
            }
            if (change < 1e-15) break;
        }
        return x;
    }

    private static double[][] inverseTranspose(double[][] m) {
        double d = det(m);
        double[][] out = new double[3][3];
        // (M⁻¹)ᵀ = cofactor(M) / det(M)
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) {
                int r1 = (r + 1) % 3, r2 = (r + 2) % 3, c1 = (c + 1) % 3, c2 = (c + 2) % 3;
                out[r][c] = (m[r1][c1] * m[r2][c2] - m[r1][c2] * m[r2][c1]) / d;
            }
        }
        return out;
    }

    /**
     * The unit quaternion {@code (w, x, y, z)} with {@code w ≥ 0} of a rotation matrix (Shepperd's
     * method: the branch on the largest of {@code w², x², y², z²} keeps the division well conditioned).
     */
    static double[] quaternionOf(double[][] r) {
        double tr = r[0][0] + r[1][1] + r[2][2];
        double w, x, y, z;
        if (tr > 0) {
            double s = 2 * Math.sqrt(tr + 1);
            w = 0.25 * s;
            x = (r[2][1] - r[1][2]) / s;
            y = (r[0][2] - r[2][0]) / s;
            z = (r[1][0] - r[0][1]) / s;
        } else if (r[0][0] > r[1][1] && r[0][0] > r[2][2]) {
            double s = 2 * Math.sqrt(1 + r[0][0] - r[1][1] - r[2][2]);
            w = (r[2][1] - r[1][2]) / s;
            x = 0.25 * s;
            y = (r[0][1] + r[1][0]) / s;
            z = (r[0][2] + r[2][0]) / s;
        } else if (r[1][1] > r[2][2]) {
            double s = 2 * Math.sqrt(1 + r[1][1] - r[0][0] - r[2][2]);
            w = (r[0][2] - r[2][0]) / s;
            x = (r[0][1] + r[1][0]) / s;
            y = 0.25 * s;
            z = (r[1][2] + r[2][1]) / s;
        } else {
            double s = 2 * Math.sqrt(1 + r[2][2] - r[0][0] - r[1][1]);
            w = (r[1][0] - r[0][1]) / s;
            x = (r[0][2] + r[2][0]) / s;
            y = (r[1][2] + r[2][1]) / s;
            z = 0.25 * s;
        }
        if (w < 0) return new double[] {-w, -x, -y, -z};
        return new double[] {w, x, y, z};
    }

    /**
     * The rotation matrix of quaternion {@code (w, b, c, d)} ({@code quat2mat}); the quaternion is
     * normalised first, and a zero quaternion gives the identity.
     */
    static double[][] rotationOf(double w, double b, double c, double d) {
        double n = w * w + b * b + c * c + d * d;
        if (n < 1e-300) return new double[][] {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        double s = 2.0 / n;
        double bx = b * s, cy = c * s, dz = d * s;
        double wx = w * bx, wy = w * cy, wz = w * dz;
        double xx = b * bx, xy = b * cy, xz = b * dz;
        double yy = c * cy, yz = c * dz, zz = d * dz;
        return new double[][] {
            {1 - (yy + zz), xy - wz, xz + wy},
            {xy + wz, 1 - (xx + zz), yz - wx},
            {xz - wy, yz + wx, 1 - (xx + yy)}};
    }
}
