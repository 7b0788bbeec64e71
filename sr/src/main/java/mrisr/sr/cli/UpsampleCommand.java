package mrisr.sr.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import mrisr.sr.InputException;
import mrisr.sr.io.Nifti;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.baseline.Interpolation;
import mrisr.sr.volume.Volume;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mrisr upsample}: interpolates a volume onto a finer (or coarser) grid with one of the
 * {@link Interpolation} baselines.
 *
 * <p>The grid is given either by factors ({@code --factor fx,fy,fz}: {@code round(n·f)} voxels per
 * axis, affine {@code Volume.resampledAffine(affine, factors)}) or by a reference volume
 * ({@code --like REF}: REF's grid size; factors {@code ref size / input size}; REF's affine when it
 * agrees with the computed one to {@value #AFFINE_TOLERANCE_MM} mm, otherwise the computed one and a
 * warning). The output is written to a temporary file beside {@code --out} and renamed over it, so
 * no partial file is ever left.
 *
 * <pre>
 * mrisr upsample --in lr.nii --out sr.nii --factor 1,1,4 --method bspline
 * </pre>
 */
@Command(name = "upsample",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Interpolates a volume onto a finer grid: the baselines every super-resolution method must beat.",
            "",
            "Each axis of n voxels with factor f gets round(n*f) voxels; output voxel i is centred at input "
                + "voxel coordinate (i + 0.5)/f - 0.5, so the result overlays the input in scanner space "
                + "(a volume downsampled by 4 comes back on the grid it came from). A factor of 1 leaves that "
                + "axis untouched: use 2,2,1 for in-plane upsampling. Factors may be non-integer or below 1."
        },
        footer = {
            "",
            "Methods:",
            "  nearest  the input voxel that contains the output voxel's centre",
            "  linear   piecewise linear (trilinear), edge voxels repeated",
            "  cubic    Catmull-Rom cubic convolution (Keys, a = -0.5), mirror ends",
            "  bspline  cubic B-spline, exact prefilter, mirror ends (scipy zoom order 3)",
            "  lanczos  Lanczos-3 windowed sinc, mirror ends",
            "  sinc     k-space zero-filling (band-limited, periodic), keeps the mean",
            "",
            "Examples:",
            "  # through-plane x4, 4 mm slices to 1 mm",
            "  mrisr upsample --in lr.nii --out sr.nii --factor 1,1,4 --method bspline",
            "  # onto the grid (size and affine) of a high-resolution reference",
            "  mrisr upsample --in lr.nii.gz --out sr.nii.gz --like hr.nii.gz --method sinc",
            "  # in-plane x2 only",
            "  mrisr upsample --in lr.nii --out sr.nii --factor 2,2,1 --method lanczos"
        })
public final class UpsampleCommand implements Callable<Integer> {
    /** Largest affine difference (mm) for which {@code --like} adopts the reference's affine verbatim. */
    static final double AFFINE_TOLERANCE_MM = 1e-3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--in", required = true, paramLabel = "LR", description = "Input volume (.nii or .nii.gz).")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "SR", description = "Output volume (.nii or .nii.gz).")
    Path out;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Grid grid;

    /** Exactly one way to give the output grid. */
    static final class Grid {
        @Option(names = "--factor", paramLabel = "FX,FY,FZ",
                description = "Factor along i, j, k, e.g. 1,1,4 (each > 0; 1 = axis unchanged).")
        String factor;

        @Option(names = "--like", paramLabel = "REF", description = "Take the output grid (size and affine) from this volume.")
        Path like;
    }

    @Option(names = "--method", required = true, paramLabel = "NAME",
            description = "nearest, linear, cubic, bspline, lanczos or sinc (see Methods below).")
    String method;

    @Override
    public Integer call() throws Exception {
        Interpolation interpolation = methodOption(method);
        double[] factors = grid.factor == null ? null : parseFactors(grid.factor);
        requireFile("--in", in);
        if (grid.like != null) requireFile("--like", grid.like);
        checkOutput(out);

        PrintWriter err = spec.commandLine().getErr();
        Progress progress = new Progress(err);
        progress.step("reading " + in);
        Volume lr = Nifti.read(in);
        Volume sr;
        if (factors != null) {
            progress.step(describe(interpolation, lr.shape(), outputShape(lr.shape(), factors, "--factor " + grid.factor)));
            sr = upsample(lr, interpolation, factors);
        } else {
            progress.step("reading " + grid.like);
            Volume ref = Nifti.read(grid.like);
            double[] likeFactors = factorsLike(lr.shape(), ref.shape());
            progress.step(describe(interpolation, lr.shape(), outputShape(lr.shape(), likeFactors, "--like " + grid.like)));
            sr = upsampleLike(lr, ref, grid.like.toString(), interpolation, err);
        }
        progress.step("writing " + out);
        writeAtomically(sr, out);
        progress.done();
        spec.commandLine().getOut().println("wrote " + out + ": " + sr + " (" + interpolation.name() + ")");
        return 0;
    }

    /**
     * Resamples {@code lr} by {@code factors} (the {@code --factor} path).
     *
     * @param lr the input volume (not modified)
     */
    static Volume upsample(Volume lr, Interpolation method, double[] factors) {
        return method.run(lr, new SrContext(factors, 0));
    }

    /**
     * Resamples {@code lr} onto the grid of {@code ref} (the {@code --like} path): factors
     * {@code ref size / lr size} per spatial axis; the output takes {@code ref}'s affine when it
     * matches the computed {@code Volume.resampledAffine(lr.affine(), factors)} within
     * {@value #AFFINE_TOLERANCE_MM} mm, else keeps the computed one and writes a warning.
     *
     * @param lr       the input volume (not modified)
     * @param ref      the volume whose grid is wanted (only its shape and affine are read)
     * @param refName  names {@code ref} in the warning
     * @param warnings receives a one-line warning when the affines disagree
     */
    static Volume upsampleLike(Volume lr, Volume ref, String refName, Interpolation method, PrintWriter warnings) {
        double[] factors = factorsLike(lr.shape(), ref.shape());
        Volume sr = method.run(lr, new SrContext(factors, 0));
        double diff = maxAffineDifference(sr.affine(), ref.affine());
        if (diff <= AFFINE_TOLERANCE_MM) return sr.withGrid(sr.data(), ref.affine());
        warnings.println(String.format(Locale.ROOT, "mrisr upsample: warning: --like %s: its affine differs from the "
                + "input's field of view resampled to its size by up to %.4g mm; the output keeps the input's "
                + "position (computed affine)", refName, diff));
        return sr;
    }

    /** {@code refShape[a] / lrShape[a]} for the three spatial axes. */
    static double[] factorsLike(int[] lrShape, int[] refShape) {
        double[] f = new double[3];
        for (int a = 0; a < 3; a++) f[a] = (double) refShape[a] / lrShape[a];
        return f;
    }

    static double maxAffineDifference(double[][] a, double[][] b) {
        double max = 0;
        for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) max = Math.max(max, Math.abs(a[r][c] - b[r][c]));
        return max;
    }

    static Interpolation methodOption(String name) {
        try {
            return Interpolation.named(name);
        } catch (InputException e) {
            throw new InputException("--method: " + e.getMessage(), e);
        }
    }

    /** Parses {@code fx,fy,fz}; each a finite number &gt; 0. */
    static double[] parseFactors(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length != 3) {
            throw new InputException("--factor " + text + ": need three comma-separated factors FX,FY,FZ (e.g. 1,1,4), got "
                    + parts.length + " value" + (parts.length == 1 ? "" : "s"));
        }
        double[] f = new double[3];
        for (int a = 0; a < 3; a++) {
            try {
                f[a] = Double.parseDouble(parts[a].trim());
            } catch (NumberFormatException e) {
                throw new InputException("--factor " + text + ": '" + parts[a].trim() + "' is not a number");
            }
            if (!Double.isFinite(f[a]) || !(f[a] > 0)) {
                throw new InputException("--factor " + text + ": factor " + (a + 1) + " is " + parts[a].trim()
                        + ", must be a finite number > 0");
            }
        }
        return f;
    }

    private static void requireFile(String option, Path p) {
        if (!Files.isRegularFile(p)) throw new InputException(option + " " + p + ": no such file");
    }

    private static void checkOutput(Path p) {
        String name = p.getFileName() == null ? "" : p.getFileName().toString();
        if (!name.endsWith(".nii") && !name.endsWith(".nii.gz")) {
            throw new InputException("--out " + p + ": must end in .nii or .nii.gz");
        }
        Path dir = p.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new InputException("--out " + p + ": directory " + dir + " does not exist");
        if (Files.isDirectory(p)) throw new InputException("--out " + p + ": is a directory");
    }

    /** Writes to a hidden temporary file with the same extension beside {@code target}, then renames it over. */
    private static void writeAtomically(Volume v, Path target) throws Exception {
        Path abs = target.toAbsolutePath();
        String name = abs.getFileName().toString();
        String ext = name.endsWith(".nii.gz") ? ".nii.gz" : ".nii";
        String stem = name.substring(0, name.length() - ext.length());
        Path tmp = abs.resolveSibling("." + stem + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp" + ext);
        boolean moved = false;
        try {
            Nifti.write(v, tmp);
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
        } finally {
            if (!moved) Files.deleteIfExists(tmp);
        }
    }

    /** The output grid, with {@code option} named in the error when a factor leaves an axis empty. */
    private static int[] outputShape(int[] shape, double[] factors, String option) {
        try {
            return new SrContext(factors, 0).outputShape(shape);
        } catch (InputException e) {
            throw new InputException(option + ": " + e.getMessage(), e);
        }
    }

    private static String describe(Interpolation m, int[] from, int[] to) {
        return m.name() + " " + dims(from) + " -> " + dims(to);
    }

    private static String dims(int[] shape) {
        return String.join("x", Arrays.stream(shape).mapToObj(Integer::toString).toList());
    }

    /** Step lines on stderr: rewritten in place on a terminal, one per line otherwise. */
    private static final class Progress {
        private final PrintWriter err;
        private final boolean terminal = System.console() != null && System.console().isTerminal();
        private final long start = System.nanoTime();
        private int lastLength;

        Progress(PrintWriter err) {
            this.err = err;
        }

        void step(String what) {
            String line = String.format(Locale.ROOT, "upsample [%5.1f s] %s", (System.nanoTime() - start) / 1e9, what);
            if (terminal) {
                err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
                lastLength = line.length();
            } else {
                err.println(line);
            }
            err.flush();
        }

        void done() {
            step("done");
            if (terminal) err.println();
            err.flush();
        }
    }
}
