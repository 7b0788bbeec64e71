package mrisr.sr.physics;

import java.util.Locale;

/**
 * The blur {@code K} of the degradation {@code y = D_s(K ⊗ Γ(x)) + n}: a separable convolution of
 * a volume {@code [nx, ny, nz]} with a 1-D profile per axis, same shape in and out.
 *
 * <p>{@code (K x)[i] = Σ_t w_t x[i + t]} along each blurred axis, where {@code w_t} integrates the
 * continuous profile over input voxel {@code t} (see {@link SliceProfile} for the discretisation)
 * and samples outside the volume follow the {@link Boundary}. The adjoint is the transpose of the
 * same banded matrix, exact for every boundary. Sizes in mm are converted to voxels with the
 * spacing of each axis, e.g. a Gaussian PSF of FWHM {@code F} mm on an axis of spacing {@code Δ}
 * has {@code σ = F / (2√(2 ln 2)) / Δ} voxels.
 *
 * <pre>{@code
 * int[] shape = {96, 96, 96};
 * double[] spacing = {1, 1, 1};
 * SeparableOperator k = Blur.gaussian(shape, spacing, new double[] {1.2, 1.2, 4}, Boundary.SYMMETRIC);
 * SeparableOperator s = Blur.profile(shape, spacing, 2, SliceProfile.rect(4), Boundary.SYMMETRIC);
 * }</pre>
 */
public final class Blur {
    /** In-plane PSF width of the slice-to-volume convention (SVRTK, NiftyMIC): FWHM = 1.2 × pixel size. */
    public static final double IN_PLANE_FWHM_PER_PIXEL = 1.2;

    private Blur() {}

    /**
     * Gaussian PSF with the given full width at half maximum per axis.
     *
     * @param shape     volume shape {@code [nx, ny, nz]}
     * @param spacingMm voxel sizes in mm
     * @param fwhmMm    FWHM in mm per axis; 0 leaves that axis unblurred
     * @param boundary  how samples outside the volume are read
     */
    public static SeparableOperator gaussian(int[] shape, double[] spacingMm, double[] fwhmMm, Boundary boundary) {
        if (fwhmMm == null || fwhmMm.length != 3) throw new PhysicsException("gaussian blur: need 3 FWHM values in mm");
        SliceProfile[] profiles = new SliceProfile[3];
        for (int a = 0; a < 3; a++) {
            if (fwhmMm[a] == 0) continue;
            profiles[a] = SliceProfile.gaussian(fwhmMm[a]);
        }
        return separable("gaussian blur FWHM " + format(fwhmMm) + " mm (" + boundary.name().toLowerCase(Locale.ROOT) + ")",
                shape, spacingMm, profiles, boundary);
    }

    /**
     * One profile along one axis (a slice profile along the slice-selection axis).
     *
     * @param axis    the slice-selection axis (0, 1 or 2)
     * @param profile the profile, with widths in mm
     */
    public static SeparableOperator profile(int[] shape, double[] spacingMm, int axis, SliceProfile profile, Boundary boundary) {
        SliceProfile[] profiles = new SliceProfile[3];
        profiles[Checks.axis("slice-profile blur", axis)] = profile;
        return separable("slice profile " + profile + " along axis " + axis + " (" + boundary.name().toLowerCase(Locale.ROOT) + ")",
                shape, spacingMm, profiles, boundary);
    }

    /**
     * The slice-to-volume in-plane PSF: a Gaussian of FWHM {@code 1.2 × pixelSizeMm[a]} along each
     * axis other than {@code sliceAxis} (SVRTK {@code σ = 1.2·Δ/2.3548}, NiftyMIC).
     *
     * @param pixelSizeMm the acquired pixel size per axis (the low-resolution one when simulating)
     */
    public static SeparableOperator inPlanePsf(int[] shape, double[] spacingMm, int sliceAxis, double[] pixelSizeMm, Boundary boundary) {
        Checks.axis("in-plane PSF", sliceAxis);
        double[] fwhm = new double[3];
        for (int a = 0; a < 3; a++) if (a != sliceAxis) fwhm[a] = IN_PLANE_FWHM_PER_PIXEL * pixelSizeMm[a];
        return gaussian(shape, spacingMm, fwhm, boundary);
    }

    /**
     * A general separable blur: {@code profiles[a]} along axis {@code a}, {@code null} to leave the
     * axis unblurred.
     */
    public static SeparableOperator separable(String name, int[] shape, double[] spacingMm, SliceProfile[] profiles, Boundary boundary) {
        int[] s = Checks.volumeShape(name, shape);
        double[] sp = Checks.spacing(name, spacingMm);
        if (profiles.length != 3) throw new PhysicsException(name + ": need 3 profiles (null for none), got " + profiles.length);
        AxisMatrix[] ms = new AxisMatrix[3];
        for (int a = 0; a < 3; a++) {
            if (profiles[a] == null) continue;
            AxisMatrix.Builder b = new AxisMatrix.Builder(s[a], s[a], boundary);
            for (int i = 0; i < s[a]; i++) profiles[a].addRow(b, i, sp[a]);
            ms[a] = b.build();
        }
        return new SeparableOperator(name, s, ms);
    }

    static String format(double[] v) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : "x").append(Checks.number(v[i]));
        return sb.toString();
    }
}
