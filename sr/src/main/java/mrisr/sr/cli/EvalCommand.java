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
import mrisr.sr.metrics.DataConsistency;
import mrisr.sr.metrics.Evaluation;
import mrisr.sr.physics.Degradation;
import mrisr.sr.volume.Volume;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code mrisr eval}: image-quality metrics of a test volume against a reference
 * ({@link Evaluation}) and/or its {@link DataConsistency} with the low-resolution input it was made
 * from, printed as a table or one JSON object; optionally the residual map {@code |H(x̂) − y|}.
 */
@Command(name = "eval",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Compares a test volume (e.g. a super-resolved one) with a reference on the same grid: PSNR, SSIM (3-D, "
                + "equal to scikit-image's Gaussian-window SSIM), MS-SSIM, NRMSE, HFEN, VIF, and CNR when the mask is a "
                + "tissue label map.",
            "All metrics share one data range (default: max - min of the reference) and one mask (voxels > 0).",
            "With --lr and the forward-model options of 'mrisr degrade' (--factor, --profile, --kspace, ...), it also checks "
                + "data consistency: H(test) is the test volume degraded as the low-resolution input was acquired, and "
                + "dc_residual = ||H(test) - LR|| / ||LR|| (plus its RMS, dc_rms) says how well the output explains what was "
                + "measured; --dc-map writes |H(test) - LR| on the low-resolution grid. This needs no reference, so --ref "
                + "is optional when --lr is given. The test grid must be the high-resolution grid of the low-resolution "
                + "input (its size divided by the factors gives the LR size)."
        },
        footer = {"", "Examples:",
            "  mrisr phantom --out hr.nii.gz --labels labels.nii.gz",
            "  mrisr eval --ref hr.nii.gz --test sr.nii.gz",
            "  mrisr eval --ref hr.nii.gz --test sr.nii.gz --mask labels.nii.gz --json",
            "  mrisr eval --ref hr.nii.gz --test sr.nii.gz --data-range 1 --mask mask.nii",
            "  mrisr degrade --in hr.nii.gz --out lr.nii.gz --factor 1,1,4",
            "  mrisr eval --test sr.nii.gz --lr lr.nii.gz --factor 1,1,4 --dc-map dc.nii.gz",
            "      data consistency without ground truth; dc.nii.gz shows where sr",
            "      disagrees with lr (give the same options that made lr)",
            "  mrisr eval --ref hr.nii.gz --test sr.nii.gz --lr lr.nii.gz --factor 1,1,4",
            "      the reference metrics plus dc_residual and dc_rms"})
public final class EvalCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--ref", paramLabel = "HR",
            description = "Reference volume (.nii or .nii.gz) for the reference metrics; optional with --lr.")
    Path ref;

    @Option(names = "--test", required = true, paramLabel = "SR", description = "Volume to evaluate, same grid as the reference.")
    Path test;

    @Option(names = "--mask", paramLabel = "M",
            description = "Mask or tissue label map on the same grid: voxels > 0 are evaluated; labels also give CNR.")
    Path mask;

    @Option(names = "--data-range", paramLabel = "R",
            description = "Intensity range for PSNR, SSIM, MS-SSIM and VIF (default: max - min of the reference).")
    Double dataRange;

    @Option(names = "--cnr-labels", paramLabel = "ROI,BG", defaultValue = "3,2",
            description = "Labels of the CNR region of interest and background in the mask (default: ${DEFAULT-VALUE}, "
                + "white vs grey matter in 'mrisr phantom --labels' maps).")
    String cnrLabelsText;

    @Option(names = "--lr", paramLabel = "LR",
            description = "Low-resolution input the test volume was made from: reports data consistency; needs --factor "
                + "and the other forward-model options it was acquired with.")
    Path lr;

    @Mixin
    ForwardModelOptions model;

    @Option(names = "--dc-map", paramLabel = "OUT",
            description = "Write the residual map |H(test) - LR| on the low-resolution grid (.nii or .nii.gz, LR affine); needs --lr.")
    Path dcMap;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    /** Whether a status line is showing on the terminal and must be cleared. */
    private boolean overwriting;

    @Override
    public Integer call() throws Exception {
        checkOptionCombination();
        if (dataRange != null && !(dataRange > 0 && Double.isFinite(dataRange))) {
            throw new InputException("--data-range: got " + dataRange + ", must be finite and > 0");
        }
        int[] cnrLabels = parseLabels(cnrLabelsText);
        Degradation degradation = lr == null ? null : model.builder().build();
        Path mapTarget = dcMap == null ? null : checkOutput(dcMap);
        Evaluation.Report report;
        try {
            Volume r = ref == null ? null : read(ref, "--ref");
            Volume t = read(test, "--test");
            if (r != null) {
                Volume m = mask == null ? null : read(mask, "--mask");
                Evaluation.Options options = new Evaluation.Options(dataRange == null ? Double.NaN : dataRange, cnrLabels[0], cnrLabels[1]);
                report = Evaluation.evaluate(r, t, m, options, name -> progress("computing " + name));
            } else {
                report = Evaluation.withoutReference(t.shape());
            }
            if (lr != null) {
                Volume y = read(lr, "--lr");
                DataConsistency.Result dc = dataConsistency(degradation, t, y);
                report = report.withDataConsistency(dc);
                if (mapTarget != null) {
                    progress("writing " + dcMap);
                    Nifti.write(dc.residualMap(), mapTarget); // atomic: temporary file, then rename
                }
            }
        } finally {
            progressDone();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? report.toJson() : report.toTable());
        out.flush();
        return 0;
    }

    /** Rejects option sets that cannot mean anything, before any file is read. */
    private void checkOptionCombination() {
        if (ref == null && lr == null) {
            throw new InputException("give --ref HR (a reference volume) for the image-quality metrics, --lr LR with --factor "
                    + "FX,FY,FZ (the low-resolution input) for data consistency, or both");
        }
        if (lr == null) {
            if (model.given()) {
                throw new InputException(model.describeGiven() + ": forward-model options describe how the low-resolution "
                        + "input was acquired and need --lr LR");
            }
            if (dcMap != null) throw new InputException("--dc-map needs --lr LR (the low-resolution input to compare with)");
        } else if (model.factor == null) {
            throw new InputException("--lr needs --factor FX,FY,FZ: the downsampling factors the low-resolution input was acquired "
                    + "with, e.g. 1,1,4 (and the other options given to 'mrisr degrade')");
        }
        if (ref == null) {
            for (String option : new String[] {"--mask", "--data-range", "--cnr-labels"}) {
                if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
                    throw new InputException(option + " applies to the reference metrics and needs --ref HR");
                }
            }
        }
    }

    /**
     * Data consistency of {@code t} with {@code y}: checks that {@code t}'s grid is the
     * high-resolution grid of {@code y} under {@code d}, warns when the affines do not line up, then
     * measures {@code |H(t) − y|}.
     */
    private DataConsistency.Result dataConsistency(Degradation d, Volume t, Volume y) {
        int[] hr = t.shape(), lrShape = y.shape();
        if (hr.length != 3 || lrShape.length != 3) {
            throw new InputException("data consistency needs 3-D volumes, got --test " + Arrays.toString(hr) + " and --lr " + Arrays.toString(lrShape));
        }
        double[] factors = d.factors();
        int[] expected;
        try {
            expected = d.lrShape(hr);
        } catch (InputException e) {
            expected = null;
        }
        if (!Arrays.equals(expected, lrShape)) {
            int[] implied = new int[3];
            for (int a = 0; a < 3; a++) implied[a] = (int) Math.round(lrShape[a] * factors[a]);
            throw new GridMismatchException("--test grid " + Arrays.toString(hr) + " is not the high-resolution grid of --lr grid "
                    + Arrays.toString(lrShape) + " with --factor " + model.factor + ": the LR grid times the factors is about "
                    + Arrays.toString(implied) + ", and degrading the test grid gives "
                    + (expected == null ? "no valid grid" : Arrays.toString(expected)) + ", not " + Arrays.toString(lrShape));
        }
        String misalignment = misalignment(d.lrAffine(t.affine(), hr), y, t.spacing());
        if (misalignment != null) warn(misalignment);
        progress("computing data consistency: " + d.describe(t.spacing()));
        return DataConsistency.compute(d.operator(hr, t.spacing()), t, y);
    }

    /**
     * Where the low-resolution affine disagrees with the one the test grid implies by more than 1 %
     * of a test voxel (the residual is still computed voxel by voxel); {@code null} when they agree.
     */
    private static String misalignment(double[][] expected, Volume y, double[] hrSpacing) {
        int[] m = y.shape();
        double tolerance = 0.01 * Math.min(hrSpacing[0], Math.min(hrSpacing[1], hrSpacing[2]));
        Volume implied = Volume.of(y.data(), expected);
        for (int corner = 0; corner < 8; corner++) {
            double i = (corner & 1) == 0 ? 0 : m[0] - 1, j = (corner & 2) == 0 ? 0 : m[1] - 1, k = (corner & 4) == 0 ? 0 : m[2] - 1;
            double[] a = y.toWorld(i, j, k), b = implied.toWorld(i, j, k);
            double dist = Math.sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
            if (dist > tolerance) {
                return String.format(Locale.ROOT, "warning: --lr voxel [%d, %d, %d] lies at (%.3f, %.3f, %.3f) mm but the --test grid "
                        + "reduced by --factor puts it at (%.3f, %.3f, %.3f) mm (%.3g mm apart); the volumes may not be aligned, "
                        + "the residual is computed voxel by voxel", (int) i, (int) j, (int) k, a[0], a[1], a[2], b[0], b[1], b[2], dist);
            }
        }
        return null;
    }

    /** The --dc-map target, checked before any work: a NIfTI name in an existing directory that is none of the inputs. */
    private Path checkOutput(Path p) throws IOException {
        String name = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".nii") && !name.endsWith(".nii.gz")) throw new InputException("--dc-map: '" + p + "' must end in .nii or .nii.gz");
        Path abs = p.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new InputException("--dc-map: directory " + dir + " does not exist");
        if (Files.isDirectory(abs)) throw new InputException("--dc-map: " + p + " is a directory");
        for (Path input : new Path[] {ref, test, lr, mask}) {
            if (input != null && Files.exists(input) && Files.exists(abs) && Files.isSameFile(input, abs)) {
                throw new InputException("--dc-map: " + p + " is an input file; choose another name");
            }
        }
        return abs;
    }

    /** The test grid is not the high-resolution grid of the low-resolution input. */
    static final class GridMismatchException extends InputException {
        private static final long serialVersionUID = 1L;

        GridMismatchException(String message) {
            super(message);
        }
    }

    private static int[] parseLabels(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length != 2) throw new InputException("--cnr-labels: got '" + text + "', expected two labels ROI,BG, e.g. 3,2");
        int[] out = new int[2];
        for (int i = 0; i < 2; i++) {
            try {
                out[i] = Integer.parseInt(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new InputException("--cnr-labels: '" + parts[i].trim() + "' is not an integer label");
            }
        }
        return out;
    }

    private Volume read(Path path, String option) throws Exception {
        if (!Files.isRegularFile(path)) throw new InputException(option + ": no such file: " + path);
        progress("reading " + path);
        return Nifti.read(path);
    }

    /** A status line on stderr: rewritten in place on a terminal, one line each otherwise. */
    private void progress(String message) {
        PrintWriter err = spec.commandLine().getErr();
        if (System.console() != null) {
            err.print("\r\033[K" + "mrisr eval: " + message);
            overwriting = true;
        } else {
            err.println("mrisr eval: " + message);
        }
        err.flush();
    }

    /** A line on stderr that stays, after clearing any status line. */
    private void warn(String message) {
        progressDone();
        overwriting = false;
        PrintWriter err = spec.commandLine().getErr();
        err.println("mrisr eval: " + message);
        err.flush();
    }

    private void progressDone() {
        if (overwriting) {
            PrintWriter err = spec.commandLine().getErr();
            err.print("\r\033[K");
            err.flush();
        }
    }
}
