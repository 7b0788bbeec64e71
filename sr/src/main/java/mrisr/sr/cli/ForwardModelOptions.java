package mrisr.sr.cli;

import mrisr.sr.InputException;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.SliceProfile;
import picocli.CommandLine.Option;

/**
 * The command-line options that describe the noise-free forward model {@code H} of a low-resolution
 * acquisition ({@link Degradation}): downsampling factors, slice profile or k-space truncation, slice
 * thickness or gap, in-plane PSF. A picocli mixin shared by {@code mrisr degrade} (which simulates
 * {@code y = H x + n}) and {@code mrisr eval --lr} (which checks an output against {@code y}), so both
 * read the same flags the same way and a low-resolution volume can be checked with the very options
 * that made it.
 *
 * <pre>{@code
 * @Mixin ForwardModelOptions model;
 * ...
 * Degradation d = model.builder().noise(0.01).build();
 * }</pre>
 */
final class ForwardModelOptions {

    @Option(names = "--factor", paramLabel = "FX,FY,FZ",
            description = "Downsampling factor per axis (required; >= 1, may be fractional), e.g. 1,1,4.")
    String factor;

    @Option(names = "--profile", paramLabel = "rect|gaussian|trapezoid",
            description = "Slice profile of each reduced axis; FWHM = low-resolution voxel size (default: gaussian).")
    String profile;

    @Option(names = "--kspace", description = "Downsample by centred k-space truncation (same field of view) instead of profile blur.")
    boolean kspace;

    @Option(names = "--slice-thickness", paramLabel = "MM", description = "Slice thickness along the slice axis (default: slice spacing - gap).")
    Double sliceThickness;

    @Option(names = "--slice-gap", paramLabel = "MM", description = "Gap between slices; thickness = slice spacing - gap (default: 0).")
    Double sliceGap;

    @Option(names = "--in-plane-psf", description = "Blur the in-plane axes with a Gaussian PSF of FWHM 1.2 x the low-resolution pixel size.")
    boolean inPlanePsf;

    /** Whether any forward-model option was given. */
    boolean given() {
        return factor != null || profile != null || kspace || sliceThickness != null || sliceGap != null || inPlanePsf;
    }

    /** The options given, as they would be typed (for messages), e.g. {@code --factor 1,1,4 --kspace}. */
    String describeGiven() {
        StringBuilder sb = new StringBuilder();
        if (factor != null) sb.append(" --factor ").append(factor);
        if (profile != null) sb.append(" --profile ").append(profile);
        if (kspace) sb.append(" --kspace");
        if (sliceThickness != null) sb.append(" --slice-thickness ").append(sliceThickness);
        if (sliceGap != null) sb.append(" --slice-gap ").append(sliceGap);
        if (inPlanePsf) sb.append(" --in-plane-psf");
        return sb.toString().trim();
    }

    /**
     * A {@link Degradation} builder set up with these options; the caller adds noise, seed and bias
     * field where it simulates them.
     *
     * @throws InputException when {@code --factor} is missing or malformed, or a profile name is unknown
     */
    Degradation.Builder builder() {
        if (factor == null) throw new InputException("--factor FX,FY,FZ is required: the downsampling factor per axis, e.g. 1,1,4");
        Degradation.Builder b = Degradation.builder().factors(parseFactors(factor)).kspace(kspace);
        if (profile != null) b.profile(SliceProfile.Kind.parse(profile));
        if (sliceThickness != null) b.sliceThicknessMm(sliceThickness);
        if (sliceGap != null) b.sliceGapMm(sliceGap);
        return b.inPlanePsf(inPlanePsf);
    }

    /** Three comma-separated factors, each a number {@code >= 1}; the message names {@code --factor} and the bad value. */
    static double[] parseFactors(String s) {
        String[] parts = s.split(",", -1);
        if (parts.length != 3) throw new InputException("--factor '" + s + "' must have 3 values (one per axis), e.g. 1,1,4");
        double[] f = new double[3];
        for (int a = 0; a < 3; a++) {
            try {
                f[a] = Double.parseDouble(parts[a].trim());
            } catch (NumberFormatException e) {
                throw new InputException("--factor '" + s + "': '" + parts[a].trim() + "' is not a number");
            }
            if (!(f[a] >= 1) || Double.isInfinite(f[a])) {
                throw new InputException("--factor '" + s + "': value " + parts[a].trim() + " along axis " + a + " must be >= 1");
            }
        }
        return f;
    }
}
