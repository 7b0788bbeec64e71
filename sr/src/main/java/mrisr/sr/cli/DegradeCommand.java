package mrisr.sr.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import mrisr.sr.InputException;
import mrisr.sr.io.Nifti;
import mrisr.sr.physics.Degradation;
import mrisr.sr.volume.Volume;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mrisr degrade}: simulates a low-resolution acquisition of a high-resolution volume with
 * {@link Degradation} (slice profile or k-space truncation, optional noise) and writes it with the
 * low-resolution affine.
 */
@Command(name = "degrade", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Simulates a low-resolution MRI acquisition of a high-resolution volume: y = (K * x) downsampled by the factors, plus noise.",
            "Image-space mode blurs each reduced axis with a slice profile whose FWHM is the low-resolution voxel size "
                + "(slice thickness = slice spacing - gap along the slice axis, the axis with the largest factor) and samples at "
                + "the low-resolution voxel centres; --kspace instead keeps the central part of k-space. The output affine places "
                + "every low-resolution voxel over the high-resolution voxels it covers."
        },
        footer = {"", "Examples:",
            "  mrisr degrade --in HR.nii.gz --out LR.nii.gz --factor 1,1,4",
            "      4 mm Gaussian-profile slices from a 1 mm volume",
            "  mrisr degrade --in HR.nii.gz --out LR.nii.gz --factor 1,1,5 --profile rect --slice-gap 1 --noise 0.02 --rician --seed 3",
            "      4 mm rect slices every 5 mm, Rician noise at 2%% of the intensity range",
            "  mrisr degrade --in HR.nii.gz --out LR.nii.gz --factor 2,2,2 --kspace",
            "      half the matrix size along each axis by k-space truncation"})
public final class DegradeCommand implements Callable<Integer> {

    /** How volumes are read and written; NIfTI by default, replaced in tests. */
    interface VolumeIo {
        Volume read(Path file) throws IOException;

        void write(Volume volume, Path file) throws IOException;
    }

    static final VolumeIo NIFTI = new VolumeIo() {
        @Override
        public Volume read(Path file) throws IOException {
            return Nifti.read(file);
        }

        @Override
        public void write(Volume volume, Path file) throws IOException {
            Nifti.write(volume, file);
        }
    };

    VolumeIo io = NIFTI;

    @Spec
    CommandSpec spec;

    @Option(names = "--in", required = true, paramLabel = "HR", description = "High-resolution input volume (.nii or .nii.gz).")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "LR", description = "Low-resolution output volume (.nii or .nii.gz).")
    Path out;

    @Mixin
    ForwardModelOptions model;

    @Option(names = "--noise", paramLabel = "SIGMA", description = "Noise standard deviation as a fraction of the intensity range, e.g. 0.01 = 1%% (default: 0).")
    double noise;

    @Option(names = "--rician", description = "Rician noise (magnitude of complex Gaussian noise) instead of Gaussian.")
    boolean rician;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the noise and bias field (default: 0).")
    long seed;

    @Option(names = "--bias-field", paramLabel = "STRENGTH", description = "Smooth multiplicative bias field, coefficients in [-S, S] (default: 0 = none).")
    double biasField;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Degradation d = degradation();
        Path target = checkOutput(out);
        if (!Files.isRegularFile(in)) throw new InputException("--in: no such file: " + in);
        progress(err, "reading " + in);
        Volume hr = io.read(in);
        progress(err, "degrading " + hr + ": " + d.describe(hr.spacing()));
        Volume lr = degrade(hr, d);
        progress(err, "writing " + lr + " to " + out);
        io.write(lr, target); // Nifti.write is atomic: temporary file, then rename
        return 0;
    }

    /** The degradation the options describe; throws {@link InputException} naming the bad option. */
    Degradation degradation() {
        Degradation.Builder b = model.builder().seed(seed);
        if (!(noise >= 0) || Double.isInfinite(noise)) throw new InputException("--noise is " + noise + ", must be a fraction >= 0 (e.g. 0.01 = 1%)");
        if (rician && noise == 0) throw new InputException("--rician needs --noise SIGMA > 0");
        b.noise(noise).rician(rician);
        if (!(biasField >= 0) || Double.isInfinite(biasField)) throw new InputException("--bias-field is " + biasField + ", must be >= 0");
        return b.biasField(biasField).build();
    }

    /** The command's computation on volumes: {@code hr} (not modified) degraded as the options say. */
    Volume degrade(Volume hr) {
        return degrade(hr, degradation());
    }

    private static Volume degrade(Volume hr, Degradation d) {
        if (hr.shape().length != 3) {
            throw new InputException("--in: expected a 3-D volume, got shape " + Arrays.toString(hr.shape()));
        }
        return d.apply(hr);
    }

    private Path checkOutput(Path o) throws IOException {
        String name = o.getFileName() == null ? "" : o.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        if (!lower.endsWith(".nii") && !lower.endsWith(".nii.gz")) {
            throw new InputException("--out: '" + o + "' must end in .nii or .nii.gz");
        }
        Path abs = o.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new InputException("--out: directory " + dir + " does not exist");
        if (Files.exists(in) && Files.exists(abs) && Files.isSameFile(in, abs)) {
            throw new InputException("--out: " + o + " is the input file; choose another name");
        }
        return abs;
    }

    private static void progress(PrintWriter err, String line) {
        err.println("degrade: " + line);
        err.flush();
    }
}
