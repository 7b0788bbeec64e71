package mrisr.sr.data;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.SliceProfile;

/**
 * The acquisition a network is trained to invert: the same {@link Degradation} and defaults as
 * {@code mrisr degrade} — integer factors, slice profile (default Gaussian, FWHM = low-resolution
 * voxel size), noise {@code σ = noise·(max − min)} of the clean low-resolution volume, Gaussian or
 * Rician. Stored in model files ({@link #metadata()}) so {@code mrisr sr} can warn when a request
 * differs.
 *
 * <pre>{@code
 * TrainingDegradation d = new TrainingDegradation(new int[] {2, 2, 2}, SliceProfile.Kind.GAUSSIAN, 0.01, false);
 * LinearOperator h = d.noiseFree().operator(new int[] {80, 80, 80}, new double[] {1, 1, 1});
 * }</pre>
 *
 * @param factors integer factors ≥ 1 along i, j, k, not all 1 (copied)
 * @param profile slice-profile shape
 * @param noise   noise standard deviation as a fraction of the clean intensity range (≥ 0)
 * @param rician  Rician instead of Gaussian noise (needs {@code noise > 0})
 */
public record TrainingDegradation(int[] factors, SliceProfile.Kind profile, double noise, boolean rician) {
    /** Low-resolution voxels of margin for the B-spline prefilter (see {@link #margin}). */
    public static final int SPLINE_MARGIN = 8;

    /** Validates and copies. */
    public TrainingDegradation {
        if (factors == null || factors.length != 3) throw new TrainingDataException("need 3 integer factors");
        factors = factors.clone();
        for (int a = 0; a < 3; a++) {
            if (factors[a] < 1) throw new TrainingDataException("--factor: value " + factors[a] + " along axis " + a + " must be an integer >= 1");
        }
        if (factors[0] * factors[1] * factors[2] == 1) throw new TrainingDataException("--factor 1,1,1 leaves nothing to learn");
        if (profile == null) throw new TrainingDataException("a slice profile is required");
        if (!(noise >= 0) || Double.isInfinite(noise)) {
            throw new TrainingDataException("--noise is " + noise + ", must be a fraction >= 0 (e.g. 0.01 = 1%)");
        }
        if (rician && noise == 0) throw new TrainingDataException("--rician needs --noise SIGMA > 0");
    }

    /**
     * Integer factors from real ones, as {@code mrisr degrade} parses them.
     *
     * @throws TrainingDataException naming {@code --factor} for a non-integer value
     */
    public static int[] integerFactors(double[] factors) {
        int[] f = new int[3];
        for (int a = 0; a < 3; a++) {
            if (factors[a] != Math.rint(factors[a]) || factors[a] < 1 || factors[a] > 64) {
                throw new TrainingDataException("--factor: value " + factors[a] + " along axis " + a
                        + " must be an integer in 1..64 for training (the patch grids must nest)");
            }
            f[a] = (int) factors[a];
        }
        return f;
    }

    @Override
    public int[] factors() {
        return factors.clone();
    }

    /** The noise-free part {@code H} (blur and sampling) as a {@link Degradation}. */
    public Degradation noiseFree() {
        return Degradation.builder().factors(factors[0], factors[1], factors[2]).profile(profile).build();
    }

    /**
     * Low-resolution voxels by which a region must extend beyond a patch along {@code axis} so the
     * patch sees neither the region's boundary handling in {@code H} nor in the B-spline interpolation:
     * {@code ⌈(halfSupport/Δ + ½)/f⌉ + 1} for the profile (FWHM {@code f·Δ}) plus {@value #SPLINE_MARGIN}
     * for the B-spline prefilter, whose boundary influence decays as {@code (2 − √3)^d} (below 3·10⁻⁵
     * after 8 voxels); 0 on an axis with factor 1.
     */
    public int margin(int axis, double spacingMm) {
        int f = factors[axis];
        if (f == 1) return 0;
        double supportVoxels = SliceProfile.of(profile, f * spacingMm).halfSupport() / spacingMm + 0.5;
        return (int) Math.ceil(supportVoxels / f) + 1 + SPLINE_MARGIN;
    }

    /** Model-file metadata: {@code factor}, {@code profile}, {@code noise}, {@code rician}. */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("factor", factors[0] + "," + factors[1] + "," + factors[2]);
        m.put("profile", profile.cliName());
        m.put("noise", Double.toString(noise));
        m.put("rician", Boolean.toString(rician));
        return m;
    }

    /**
     * The degradation recorded in a model's metadata by {@link #metadata()}, or empty when a key is
     * missing or not valid (models written without it).
     */
    public static Optional<TrainingDegradation> fromMetadata(Map<String, String> meta) {
        try {
            String[] f = meta.get("factor").split(",");
            if (f.length != 3) return Optional.empty();
            int[] factors = {Integer.parseInt(f[0].trim()), Integer.parseInt(f[1].trim()), Integer.parseInt(f[2].trim())};
            return Optional.of(new TrainingDegradation(factors, SliceProfile.Kind.parse(meta.get("profile")),
                    Double.parseDouble(meta.get("noise")), Boolean.parseBoolean(meta.get("rician"))));
        } catch (RuntimeException e) { // a key missing (NullPointerException) or malformed: nothing recorded
            return Optional.empty();
        }
    }

    /**
     * What differs between this training degradation and a request, as one line ending in
     * "(results may be poor)", or null when nothing does. Only what the request states is compared.
     *
     * @param factors requested factors
     * @param profile requested slice profile, or null when unstated
     * @param noise   requested noise level, or null when unstated
     */
    public String mismatch(double[] factors, SliceProfile.Kind profile, Double noise) {
        List<String> trained = new ArrayList<>(), asked = new ArrayList<>();
        if (this.factors[0] != factors[0] || this.factors[1] != factors[1] || this.factors[2] != factors[2]) {
            trained.add("factor " + this.factors[0] + "," + this.factors[1] + "," + this.factors[2]);
            asked.add("factor " + formatFactors(factors));
        }
        if (profile != null && profile != this.profile) {
            trained.add(this.profile.cliName() + " profile");
            asked.add(profile.cliName() + " profile");
        }
        if (noise != null && noise.doubleValue() != this.noise) {
            trained.add("noise " + plain(this.noise));
            asked.add("noise " + plain(noise));
        }
        if (trained.isEmpty()) return null;
        return "the model was trained for " + String.join(", ", trained) + "; this request is " + String.join(", ", asked)
                + " (results may be poor)";
    }

    /** Factors as the command line writes them: {@code 1,1,4}, or {@code 1.5,1.5,1} for fractional ones. */
    public static String formatFactors(double[] f) {
        StringBuilder b = new StringBuilder();
        for (int a = 0; a < 3; a++) {
            if (a > 0) b.append(',');
            b.append(f[a] == Math.rint(f[a]) ? Long.toString((long) f[a]) : Double.toString(f[a]));
        }
        return b.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingDegradation d && Arrays.equals(d.factors, factors) && d.profile == profile
                && Double.compare(d.noise, noise) == 0 && d.rician == rician;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(factors) * 31 + profile.hashCode() * 7 + Double.hashCode(noise) + (rician ? 1 : 0);
    }

    @Override
    public String toString() {
        return describe();
    }

    /** One line, e.g. {@code factor 2,2,2, gaussian profile, no noise}. */
    public String describe() {
        return "factor " + factors[0] + "," + factors[1] + "," + factors[2] + ", " + profile.cliName() + " profile, "
                + (noise == 0 ? "no noise" : (rician ? "Rician" : "Gaussian") + " noise " + plain(noise));
    }

    /** {@code v} to 3 significant digits without trailing zeros: 0.01, 0.025, 0. */
    private static String plain(double v) {
        return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }
}
