package mrisr.sr.data;

import mrisr.kernels.Parallel;

/**
 * The 3-D Shepp–Logan head phantom with the ellipsoids of Schabel's widely copied
 * {@code phantom3d.m} (also in TIGRE and many Python ports).
 *
 * <p>Ellipsoid {@code e} with semi-axes {@code (a, b, c)}, centre {@code (x0, y0, z0)} and Euler
 * angles {@code (φ, θ, ψ)} (z–x–z, degrees) contains the point {@code p} when, with {@code p' = Rp}
 * and {@code R} the z–x–z rotation matrix below,
 * {@code ((p'x − x0)/a)² + ((p'y − y0)/b)² + ((p'z − z0)/c)² ≤ 1}. Note that {@code phantom3d.m}
 * rotates the point about the origin before subtracting the centre; this is kept so the geometry
 * matches that reference. A voxel's value is the sum of the intensities of the ellipsoids containing
 * its centre. Coordinates are {@link Phantoms#normalised} voxel centres: x along i, y along j, z along
 * k, each spanning [−1, 1] over the field of view (phantom3d.m places the first and last voxel
 * centres at ±1 instead; the difference is half a voxel at the border).
 */
final class SheppLogan {
    //                                   a       b      c      x0      y0      z0    phi  theta  psi
    private static final double[][] GEOMETRY = {
        {0.6900, 0.920, 0.810, 0, 0, 0, 0, 0, 0},
        {0.6624, 0.874, 0.780, 0, -0.0184, 0, 0, 0, 0},
        {0.1100, 0.310, 0.220, 0.22, 0, 0, -18, 0, 10},
        {0.1600, 0.410, 0.280, -0.22, 0, 0, 18, 0, 10},
        {0.2100, 0.250, 0.410, 0, 0.35, -0.15, 0, 0, 0},
        {0.0460, 0.046, 0.050, 0, 0.1, 0.25, 0, 0, 0},
        {0.0460, 0.046, 0.050, 0, -0.1, 0.25, 0, 0, 0},
        {0.0460, 0.023, 0.050, -0.08, -0.605, 0, 0, 0, 0},
        {0.0230, 0.023, 0.020, 0, -0.606, 0, 0, 0, 0},
        {0.0230, 0.046, 0.020, 0.06, -0.605, 0, 0, 0, 0},
    };
    private static final double[] ORIGINAL = {1, -0.98, -0.02, -0.02, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01};
    private static final double[] MODIFIED = {1, -0.8, -0.2, -0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1};

    private SheppLogan() {}

    static float[] render(int[] shape, Phantoms.SheppLoganVariant variant) {
        double[] amplitude = variant == Phantoms.SheppLoganVariant.ORIGINAL ? ORIGINAL : MODIFIED;
        int nx = shape[0], ny = shape[1], nz = shape[2];
        int m = GEOMETRY.length;
        double[][] rot = new double[m][];
        for (int e = 0; e < m; e++) rot[e] = rotation(GEOMETRY[e][6], GEOMETRY[e][7], GEOMETRY[e][8]);
        float[] out = new float[nx * ny * nz];
        Parallel.forRange(nx, 1, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double x = Phantoms.normalised(i, nx);
                for (int j = 0; j < ny; j++) {
                    double y = Phantoms.normalised(j, ny);
                    for (int k = 0; k < nz; k++) {
                        double z = Phantoms.normalised(k, nz);
                        double v = 0;
                        for (int e = 0; e < m; e++) {
                            double[] g = GEOMETRY[e], r = rot[e];
                            double px = (r[0] * x + r[1] * y + r[2] * z - g[3]) / g[0];
                            double py = (r[3] * x + r[4] * y + r[5] * z - g[4]) / g[1];
                            double pz = (r[6] * x + r[7] * y + r[8] * z - g[5]) / g[2];
                            if (px * px + py * py + pz * pz <= 1) v += amplitude[e];
                        }
                        // sums such as 1 − 0.8 − 0.2 leave ±1e−17 rounding residue where the value is 0
                        out[(i * ny + j) * nz + k] = Math.abs(v) < 1e-12 ? 0f : (float) v;
                    }
                }
            }
        });
        return out;
    }

    /** phantom3d.m's z–x–z Euler matrix, row-major. */
    private static double[] rotation(double phiDeg, double thetaDeg, double psiDeg) {
        double phi = Math.toRadians(phiDeg), theta = Math.toRadians(thetaDeg), psi = Math.toRadians(psiDeg);
        double cphi = Math.cos(phi), sphi = Math.sin(phi), cth = Math.cos(theta), sth = Math.sin(theta);
        double cpsi = Math.cos(psi), spsi = Math.sin(psi);
        return new double[] {
            cpsi * cphi - cth * sphi * spsi, cpsi * sphi + cth * cphi * spsi, spsi * sth,
            -spsi * cphi - cth * sphi * cpsi, -spsi * sphi + cth * cphi * cpsi, cpsi * sth,
            sth * sphi, -sth * cphi, cth,
        };
    }
}
