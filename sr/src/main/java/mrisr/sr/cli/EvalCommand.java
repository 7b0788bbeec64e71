package mrisr.sr.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import mrisr.sr.InputException;
import mrisr.sr.io.Nifti;
import mrisr.sr.metrics.Evaluation;
import mrisr.sr.volume.Volume;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mrisr eval}: image-quality metrics of a test volume against a reference
 * ({@link Evaluation}), printed as a table or one JSON object.
 */
@Command(name = "eval",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Compares a test volume (e.g. a super-resolved one) with a reference on the same grid: PSNR, SSIM (3-D, "
                + "equal to scikit-image's Gaussian-window SSIM), MS-SSIM, NRMSE, HFEN, VIF, and CNR when the mask is a "
                + "tissue label map.",
            "All metrics share one data range (default: max - min of the reference) and one mask (voxels > 0)."
        },
        footer = {"", "Examples:",
            "  mrisr phantom --out hr.nii.gz --labels labels.nii.gz",
            "  mrisr eval --ref hr.nii.gz --test sr.nii.gz",
            "  mrisr eval --ref hr.nii.gz --test sr.nii.gz --mask labels.nii.gz --json",
            "  mrisr eval --ref hr.nii.gz --test sr.nii.gz --data-range 1 --mask mask.nii"})
public final class EvalCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--ref", required = true, paramLabel = "HR", description = "Reference volume (.nii or .nii.gz).")
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

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    /** Whether a status line is showing on the terminal and must be cleared. */
    private boolean overwriting;

    @Override
    public Integer call() throws Exception {
        if (dataRange != null && !(dataRange > 0 && Double.isFinite(dataRange))) {
            throw new InputException("--data-range: got " + dataRange + ", must be finite and > 0");
        }
        int[] cnrLabels = parseLabels(cnrLabelsText);
        Evaluation.Report report;
        try {
            Volume r = read(ref, "--ref");
            Volume t = read(test, "--test");
            Volume m = mask == null ? null : read(mask, "--mask");
            Evaluation.Options options = new Evaluation.Options(dataRange == null ? Double.NaN : dataRange, cnrLabels[0], cnrLabels[1]);
            report = Evaluation.evaluate(r, t, m, options, name -> progress("computing " + name));
        } finally {
            progressDone();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? report.toJson() : report.toTable());
        out.flush();
        return 0;
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

    private void progressDone() {
        if (overwriting) {
            PrintWriter err = spec.commandLine().getErr();
            err.print("\r\033[K");
            err.flush();
        }
    }
}
