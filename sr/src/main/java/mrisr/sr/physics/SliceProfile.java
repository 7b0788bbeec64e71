package mrisr.sr.physics;

import java.util.Locale;

/**
 * The sensitivity profile of one acquired slice along the slice-selection axis (survey §XIII-H),
 * or any 1-D point-spread function, as a density {@code p(s)} in mm that integrates to 1.
 *
 * <p>Pinned conventions: every profile is parameterised by its full width at half maximum, so a
 * slice of thickness {@code T} has FWHM {@code T} whatever its shape.
 * <ul>
 *   <li>{@link #rect(double) rect(T)}: {@code p = 1/T} on {@code [−T/2, T/2]} (ideal excitation);</li>
 *   <li>{@link #gaussian(double) gaussian(F)}: {@code σ = F / (2√(2 ln 2))} (SMORE, SVRTK, NiftyMIC);</li>
 *   <li>{@link #trapezoid(double, double) trapezoid(T, r)}: flat top of width {@code T − r}, linear
 *       ramps of width {@code r}, base {@code T + r} (a band-limited RF pulse); default {@code r = T/2}.</li>
 * </ul>
 *
 * <p>Discretisation: the high-resolution image is treated as piecewise constant over its voxels, so
 * an output sample centred at {@code c} (in input voxel units, spacing {@code Δ} mm) weighs input
 * voxel {@code i} by {@code ∫_{(i−c−½)Δ}^{(i−c+½)Δ} p(s) ds}. A rect of thickness {@code fΔ}
 * therefore averages exactly the {@code f} voxels it covers (partial-volume weights at its ends),
 * and a Gaussian's discrete variance is {@code σ² + Δ²/12}. Gaussian tails beyond 5σ are cut and
 * each row is renormalised to sum 1.
 *
 * <pre>{@code
 * SliceProfile p = SliceProfile.of(SliceProfile.Kind.GAUSSIAN, 4.0);   // 4 mm slices
 * double inCentralMm = p.integral(-0.5, 0.5);
 * }</pre>
 */
public final class SliceProfile {

    /** Profile shapes, as named on the command line ({@code rect|gaussian|trapezoid}). */
    public enum Kind {
        RECT, GAUSSIAN, TRAPEZOID;

        /** The lower-case name used on the command line. */
        public String cliName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Parses {@code rect}, {@code gaussian} or {@code trapezoid} (case-insensitive). */
        public static Kind parse(String s) {
            for (Kind k : values()) if (k.cliName().equalsIgnoreCase(s.trim())) return k;
            throw new PhysicsException("slice profile '" + s + "' is unknown, expected rect, gaussian or trapezoid");
        }
    }

    /** Default ramp width of {@link #trapezoid(double)} as a fraction of its FWHM. */
    public static final double DEFAULT_RAMP_FRACTION = 0.5;

    /** {@code 2√(2 ln 2)}: FWHM / σ of a Gaussian. */
    public static final double FWHM_PER_SIGMA = 2 * Math.sqrt(2 * Math.log(2));

    private static final double GAUSSIAN_CUT_SIGMAS = 5;

    private final Kind kind;
    private final double fwhm, ramp;

    private SliceProfile(Kind kind, double fwhm, double ramp) {
        this.kind = kind;
        this.fwhm = fwhm;
        this.ramp = ramp;
    }

    /** Box of thickness {@code thicknessMm} (> 0). */
    public static SliceProfile rect(double thicknessMm) {
        return new SliceProfile(Kind.RECT, positive("rect slice thickness", thicknessMm), 0);
    }

    /** Gaussian with full width at half maximum {@code fwhmMm} (> 0). */
    public static SliceProfile gaussian(double fwhmMm) {
        return new SliceProfile(Kind.GAUSSIAN, positive("Gaussian FWHM", fwhmMm), 0);
    }

    /** Trapezoid with FWHM {@code fwhmMm} and ramps of {@code rampMm} ({@code 0 ≤ ramp ≤ fwhm}). */
    public static SliceProfile trapezoid(double fwhmMm, double rampMm) {
        positive("trapezoid FWHM", fwhmMm);
        if (!(rampMm >= 0 && rampMm <= fwhmMm)) {
            throw new PhysicsException("trapezoid ramp is " + rampMm + " mm, must be in [0, FWHM = " + fwhmMm + " mm]");
        }
        return new SliceProfile(Kind.TRAPEZOID, fwhmMm, rampMm);
    }

    /** Trapezoid with FWHM {@code fwhmMm} and the default ramp {@code fwhm/2}. */
    public static SliceProfile trapezoid(double fwhmMm) {
        return trapezoid(fwhmMm, DEFAULT_RAMP_FRACTION * fwhmMm);
    }

    /** A profile of the given kind with FWHM {@code fwhmMm} (the trapezoid gets its default ramp). */
    public static SliceProfile of(Kind kind, double fwhmMm) {
        return switch (kind) {
            case RECT -> rect(fwhmMm);
            case GAUSSIAN -> gaussian(fwhmMm);
            case TRAPEZOID -> trapezoid(fwhmMm);
        };
    }

    private static double positive(String what, double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw new PhysicsException(what + " is " + v + " mm, must be > 0");
        return v;
    }

    public Kind kind() {
        return kind;
    }

    /** Full width at half maximum in mm. */
    public double fwhm() {
        return fwhm;
    }

    /** Ramp width in mm (trapezoid; 0 for the others). */
    public double ramp() {
        return ramp;
    }

    /** Standard deviation in mm of the Gaussian profile ({@code FWHM / 2√(2 ln 2)}). */
    public double sigma() {
        return fwhm / FWHM_PER_SIGMA;
    }

    /** Half-width in mm beyond which the profile is zero (or cut, for the Gaussian). */
    public double halfSupport() {
        return switch (kind) {
            case RECT -> fwhm / 2;
            case GAUSSIAN -> GAUSSIAN_CUT_SIGMAS * sigma();
            case TRAPEZOID -> (fwhm + ramp) / 2;
        };
    }

    /** The density {@code p(s)} at offset {@code s} mm from the slice centre (unit area). */
    public double value(double s) {
        double a = Math.abs(s);
        return switch (kind) {
            case RECT -> a < fwhm / 2 ? 1 / fwhm : a == fwhm / 2 ? 0.5 / fwhm : 0;
            case GAUSSIAN -> Math.exp(-0.5 * (s / sigma()) * (s / sigma())) / (sigma() * Math.sqrt(2 * Math.PI));
            case TRAPEZOID -> {
                double inner = (fwhm - ramp) / 2, outer = (fwhm + ramp) / 2;
                yield a <= inner ? 1 / fwhm : a >= outer ? 0 : (outer - a) / ramp / fwhm;
            }
        };
    }

    /** {@code ∫_a^b p(s) ds} in closed form (a ≤ b, in mm). */
    public double integral(double a, double b) {
        return cumulative(b) - cumulative(a);
    }

    /** {@code ∫_0^x p(s) ds} (odd in x). */
    private double cumulative(double x) {
        double ax = Math.abs(x), v;
        switch (kind) {
            case RECT -> v = Math.min(ax, fwhm / 2) / fwhm;
            case GAUSSIAN -> v = 0.5 * erf(ax / (sigma() * Math.sqrt(2)));
            default -> {
                double inner = (fwhm - ramp) / 2, outer = (fwhm + ramp) / 2;
                double h;
                if (ax <= inner) h = ax;
                else if (ax >= outer) h = inner + ramp / 2;
                else {
                    double d = ax - inner;
                    h = inner + d - d * d / (2 * ramp);
                }
                v = h / fwhm;
            }
        }
        return x < 0 ? -v : v;
    }

    /**
     * Appends one matrix row: an output sample centred at input index {@code centre} on an axis of
     * spacing {@code spacingMm}, with weights {@code ∫ p} over each input voxel, renormalised so the
     * unfolded weights sum to 1.
     */
    void addRow(AxisMatrix.Builder row, double centre, double spacingMm) {
        double h = halfSupport() / spacingMm;
        long lo = (long) Math.floor(centre - h - 0.5), hi = (long) Math.ceil(centre + h + 0.5);
        double total = integral((lo - centre - 0.5) * spacingMm, (hi - centre + 0.5) * spacingMm);
        for (long i = lo; i <= hi; i++) {
            double w = integral((i - centre - 0.5) * spacingMm, (i - centre + 0.5) * spacingMm);
            row.add(i, w / total);
        }
        row.endRow();
    }

    /**
     * The error function, to about 1e-12 absolute: Maclaurin series for |x| &lt; 3, Laplace's
     * continued fraction for erfc above.
     */
    static double erf(double x) {
        double a = Math.abs(x), r;
        if (a < 3) {
            double term = a, sum = a, x2 = a * a;
            for (int n = 1; n < 200; n++) {
                term *= -x2 / n;
                double t = term / (2 * n + 1);
                sum += t;
                if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
            }
            r = 2 / Math.sqrt(Math.PI) * sum;
        } else if (a < 27) {
            // erfc(a) = exp(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + …))))), evaluated bottom-up
            double f = a;
            for (int k = 120; k >= 1; k--) f = a + (k / 2.0) / f;
            r = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / f;
        } else {
            r = 1;
        }
        return x < 0 ? -r : r;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case RECT -> "rect(" + Checks.number(fwhm) + " mm)";
            case GAUSSIAN -> "gaussian(FWHM " + Checks.number(fwhm) + " mm)";
            case TRAPEZOID -> "trapezoid(FWHM " + Checks.number(fwhm) + " mm, ramp " + Checks.number(ramp) + " mm)";
        };
    }
}
