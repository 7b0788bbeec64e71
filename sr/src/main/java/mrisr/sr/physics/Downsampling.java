package mrisr.sr.physics;

import java.util.Locale;

/**
 * The sampling {@code ↓s} of the degradation {@code y = (K ⊗ Γ(x))↓s + n}: separable operators from
 * a high-resolution grid {@code [nx, ny, nz]} to a grid {@code f} times coarser per axis.
 *
 * <p>Grid convention (the one of {@code Volume.resampledAffine}): low-resolution voxel {@code j}
 * along an axis with factor {@code f} is centred at high-resolution index
 * {@code c_j = j·f + (f − 1)/2} and covers {@code [j·f − ½, (j + 1)·f − ½]}; the output has
 * {@code m = ⌊n / f⌋} voxels (a partial last voxel is dropped).
 * <ul>
 *   <li>{@link #decimate}: integer factors, point sampling at {@code c_j}; for even {@code f} the centre
 *       falls between two voxels and the sample is their average (linear interpolation). Norm per
 *       axis: 1 for odd {@code f}, {@code 1/√2} for even {@code f}.</li>
 *   <li>{@link #area}: any real {@code f ≥ 1}; each output voxel averages the input voxels it overlaps,
 *       weighted by overlap length. For integer {@code f} this is the mean of {@code f} samples,
 *       norm {@code 1/√f} per axis.</li>
 *   <li>{@link #withProfiles}: blur and sampling fused exactly: row {@code j} weighs input voxel
 *       {@code i} by {@code ∫ p(s) ds} over that voxel relative to {@code c_j}. For odd integer
 *       {@code f} this equals {@code decimate ∘ Blur.separable} with the same profile; for even or
 *       fractional {@code f} it avoids the extra half-voxel smoothing of interpolated sampling.
 *       {@code area} is the special case of a rect profile of width {@code f} voxels.</li>
 * </ul>
 * Adjoints are the transposed matrices (exact).
 *
 * <pre>{@code
 * SeparableOperator d = Downsampling.decimate(new int[] {64, 64, 64}, new int[] {1, 1, 4});   // -> [64, 64, 16]
 * SeparableOperator a = Downsampling.area(new int[] {64, 64, 64}, new double[] {1, 1, 2.5});  // -> [64, 64, 25]
 * }</pre>
 */
public final class Downsampling {
    private Downsampling() {}

    /** Number of low-resolution voxels along an axis of {@code n} voxels for factor {@code f}: {@code ⌊n/f⌋}. */
    public static int outputSize(int n, double f) {
        return (int) Math.floor(n / f + 1e-9);
    }

    /** The high-resolution index on which low-resolution voxel {@code j} is centred: {@code j·f + (f − 1)/2}. */
    public static double centre(int j, double f) {
        return j * f + (f - 1) / 2;
    }

    /**
     * Point sampling at the low-resolution voxel centres, averaging the two neighbours for even factors.
     *
     * @param shape   high-resolution shape
     * @param factors integer factors ≥ 1 per axis
     */
    public static SeparableOperator decimate(int[] shape, int[] factors) {
        String name = "decimation x" + Blur.format(toDouble(factors));
        int[] s = Checks.volumeShape(name, shape);
        double[] f = checkFactors(name, s, toDouble(factors));
        AxisMatrix[] ms = new AxisMatrix[3];
        for (int a = 0; a < 3; a++) {
            int fa = factors[a];
            if (fa == 1) continue;
            int m = outputSize(s[a], f[a]);
            AxisMatrix.Builder b = new AxisMatrix.Builder(m, s[a], Boundary.ZERO);
            for (int j = 0; j < m; j++) {
                long base = (long) j * fa;
                if (fa % 2 == 1) b.add(base + (fa - 1) / 2, 1.0);
                else b.add(base + fa / 2 - 1, 0.5).add(base + fa / 2, 0.5);
                b.endRow();
            }
            ms[a] = b.build();
        }
        return new SeparableOperator(name, s, ms);
    }

    /**
     * Area-weighted averaging over each low-resolution voxel's footprint.
     *
     * @param factors real factors ≥ 1 per axis
     */
    public static SeparableOperator area(int[] shape, double[] factors) {
        String name = "area downsampling x" + Blur.format(factors);
        int[] s = Checks.volumeShape(name, shape);
        double[] f = checkFactors(name, s, factors);
        SliceProfile[] profiles = new SliceProfile[3];
        for (int a = 0; a < 3; a++) if (f[a] != 1) profiles[a] = SliceProfile.rect(f[a]);
        return sampled(name, s, new double[] {1, 1, 1}, f, profiles, Boundary.ZERO);
    }

    /**
     * Profile-weighted sampling (blur fused with sampling) at the low-resolution voxel centres.
     *
     * @param spacingMm high-resolution voxel sizes in mm
     * @param factors   real factors ≥ 1 per axis
     * @param profiles  profile per axis in mm (e.g. the slice profile along the slice axis); may be
     *                  {@code null} only where the factor is 1 (the axis is then left unchanged)
     * @param boundary  how the profile reads samples outside the volume
     */
    public static SeparableOperator withProfiles(int[] shape, double[] spacingMm, double[] factors, SliceProfile[] profiles, Boundary boundary) {
        StringBuilder name = new StringBuilder("profile sampling x").append(Blur.format(factors));
        if (profiles.length != 3) throw new PhysicsException(name + ": need 3 profiles (null for none), got " + profiles.length);
        for (int a = 0; a < 3; a++) {
            if (profiles[a] != null) name.append(", axis ").append(a).append(' ').append(profiles[a]);
        }
        name.append(" (").append(boundary.name().toLowerCase(Locale.ROOT)).append(')');
        int[] s = Checks.volumeShape(name.toString(), shape);
        double[] f = checkFactors(name.toString(), s, factors);
        return sampled(name.toString(), s, Checks.spacing(name.toString(), spacingMm), f, profiles, boundary);
    }

    private static SeparableOperator sampled(String name, int[] s, double[] spacing, double[] f, SliceProfile[] profiles, Boundary boundary) {
        AxisMatrix[] ms = new AxisMatrix[3];
        for (int a = 0; a < 3; a++) {
            if (profiles[a] == null) {
                if (f[a] != 1) throw new PhysicsException(name + ": axis " + a + " has factor " + f[a] + " but no profile");
                continue;
            }
            int m = outputSize(s[a], f[a]);
            AxisMatrix.Builder b = new AxisMatrix.Builder(m, s[a], boundary);
            for (int j = 0; j < m; j++) profiles[a].addRow(b, centre(j, f[a]), spacing[a]);
            ms[a] = b.build();
        }
        return new SeparableOperator(name, s, ms);
    }

    static double[] checkFactors(String name, int[] shape, double[] factors) {
        if (factors == null || factors.length != 3) throw new PhysicsException(name + ": need 3 factors");
        for (int a = 0; a < 3; a++) {
            double f = factors[a];
            if (!(f >= 1) || Double.isInfinite(f)) {
                throw new PhysicsException(name + ": factor along axis " + a + " is " + f + ", must be >= 1");
            }
            if (outputSize(shape[a], f) < 1) {
                throw new PhysicsException(name + ": factor " + f + " along axis " + a + " exceeds the size " + shape[a]);
            }
        }
        return factors.clone();
    }

    private static double[] toDouble(int[] v) {
        if (v == null || v.length != 3) throw new PhysicsException("decimation: need 3 integer factors");
        return new double[] {v[0], v[1], v[2]};
    }
}
