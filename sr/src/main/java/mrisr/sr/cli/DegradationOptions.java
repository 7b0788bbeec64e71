package mrisr.sr.cli;

import java.util.List;
import java.util.Locale;
import mrisr.sr.data.TrainingDegradation;
import mrisr.sr.physics.SliceProfile;
import picocli.CommandLine.Option;

/**
 * The acquisition options of {@code mrisr train} for the methods that learn to invert one
 * ({@code srcnn3d}, {@code edsr3d}, {@code unfolded}, {@code deq}): {@code --factor},
 * {@code --profile}, {@code --noise}, {@code --rician}, with the defaults of {@code mrisr degrade}
 * (Gaussian profile, no noise) and factors {@code 2,2,2}. A picocli mixin of {@link TrainCommand}.
 */
final class DegradationOptions {
    /** The option names, for the check that a method takes them. */
    static final List<String> NAMES = List.of("--factor", "--profile", "--noise", "--rician");

    @Option(names = "--factor", paramLabel = "FX,FY,FZ", description = "Integer downsampling factors along i, j, k (default: 2,2,2).")
    String factor;

    @Option(names = "--profile", paramLabel = "rect|gaussian|trapezoid",
            description = "Slice profile, FWHM = low-resolution voxel size (default: gaussian, as 'mrisr degrade').")
    String profile;

    @Option(names = "--noise", paramLabel = "SIGMA", description = "Noise standard deviation as a fraction of the intensity range (default: 0).")
    Double noise;

    @Option(names = "--rician", description = "Rician instead of Gaussian noise.")
    Boolean rician;

    /**
     * The acquisition of the run, recorded in {@code o}.
     *
     * @throws mrisr.sr.InputException for a bad value or a conflict with a resumed run
     */
    TrainingDegradation resolve(TrainOptions o) {
        int[] f = TrainingDegradation.integerFactors(ForwardModelOptions.parseFactors(
                o.text("--factor", factor == null ? null : TrainOptions.normaliseList(factor), "2,2,2")));
        SliceProfile.Kind prof = SliceProfile.Kind.parse(o.text("--profile", profile == null ? null : profile.trim().toLowerCase(Locale.ROOT),
                "gaussian"));
        double nz = Double.parseDouble(o.text("--noise", noise == null ? null : noise.toString(), "0.0"));
        boolean ric = Boolean.parseBoolean(o.text("--rician", rician == null ? null : rician.toString(), "false"));
        return new TrainingDegradation(f, prof, nz, ric);
    }
}
