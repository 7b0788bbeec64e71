package mrisr.sr.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import mrisr.sr.InputException;
import mrisr.sr.data.Phantoms;
import mrisr.sr.io.Nifti;
import mrisr.sr.volume.Volume;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mrisr phantom}: writes a procedural brain or Shepp–Logan phantom ({@link Phantoms}) as NIfTI,
 * optionally with the brain's tissue label map. Outputs are written to temporary files in the target
 * directory and renamed into place, so a failed run leaves no output file.
 */
@Command(name = "phantom", header = "Write a synthetic high-resolution volume (brain or head phantom, or 3-D Shepp-Logan).",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Writes a synthetic high-resolution volume: a T1-like brain phantom (CSF, folded grey-matter cortex, "
                + "white matter, deep nuclei, ventricles, small lesions, smooth bias field; values in [0, 1]), the same "
                + "brain inside a head (skull with fatty marrow, muscle, bright scalp fat, skin) or the 3-D "
                + "Shepp-Logan phantom (Toft's modified intensities).",
            "The object spans the field of view (size x spacing), centred at world 0, so grids over the same field "
                + "of view sample the same object. The same seed gives the same volume."
        },
        footer = {"", "Examples:",
            "  mrisr phantom --out hr.nii.gz",
            "  mrisr phantom --out hr.nii.gz --labels labels.nii.gz --seed 7",
            "  mrisr phantom --out lr.nii.gz --size 160,192,40 --spacing 1,1,4",
            "  mrisr phantom --out head.nii.gz --kind head --size 181,217,181",
            "  mrisr phantom --out sl.nii --kind shepp-logan --size 128,128,128"})
public final class PhantomCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "HR.nii.gz", description = "Output volume (.nii or .nii.gz).")
    Path out;

    @Option(names = "--kind", defaultValue = "brain", paramLabel = "brain|head|shepp-logan",
            description = "Which phantom (default: ${DEFAULT-VALUE}).")
    String kind;

    @Option(names = "--size", defaultValue = "160,192,160", paramLabel = "NX,NY,NZ",
            description = "Grid size in voxels (default: ${DEFAULT-VALUE}).")
    String sizeText;

    @Option(names = "--spacing", defaultValue = "1,1,1", paramLabel = "SX,SY,SZ",
            description = "Voxel size in mm (default: ${DEFAULT-VALUE}).")
    String spacingText;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N",
            description = "Seed of the brain's folds, shape, lesions and bias field (default: ${DEFAULT-VALUE}; "
                + "Shepp-Logan has no random part).")
    long seed;

    @Option(names = "--labels", paramLabel = "LABELS.nii.gz",
            description = "Also write the tissue labels: 0 background, 1 CSF, 2 grey matter, 3 white matter, 4 lesion; "
                + "head only: 5 bone, 6 marrow, 7 muscle, 8 fat, 9 skin.")
    Path labels;

    @Override
    public Integer call() throws Exception {
        String name = switch (kind.toLowerCase(Locale.ROOT)) {
            case "brain" -> "brain";
            case "head" -> "head";
            case "shepp-logan" -> "Shepp-Logan";
            default -> throw new InputException("--kind: unknown phantom '" + kind + "', expected brain, head or shepp-logan");
        };
        boolean brain = !name.equals("Shepp-Logan");
        int[] size = parseSize(sizeText);
        double[] spacing = parseSpacing(spacingText);
        if (labels != null && !brain) throw new InputException("--labels: only the brain and head phantoms have tissue labels");
        checkOutput(out, "--out");
        if (labels != null) {
            checkOutput(labels, "--labels");
            if (labels.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
                throw new InputException("--labels: same file as --out (" + out + ")");
            }
        }

        String what = String.format(Locale.ROOT, "%s phantom %dx%dx%d, %sx%sx%s mm", name,
                size[0], size[1], size[2], mm(spacing[0]), mm(spacing[1]), mm(spacing[2]));
        progress("generating " + what);
        List<Volume> volumes = new ArrayList<>();
        List<Path> targets = new ArrayList<>();
        if (brain) {
            Phantoms.Brain b = name.equals("head") ? Phantoms.head(size, spacing, seed) : Phantoms.brain(size, spacing, seed);
            volumes.add(b.image());
            targets.add(out);
            if (labels != null) {
                volumes.add(b.labels());
                targets.add(labels);
            }
        } else {
            volumes.add(Phantoms.sheppLogan(size, spacing, Phantoms.SheppLoganVariant.MODIFIED));
            targets.add(out);
        }
        writeAll(volumes, targets);
        PrintWriter o = spec.commandLine().getOut();
        o.println("wrote " + out + ": " + what + (brain ? ", seed " + seed : ""));
        if (labels != null) o.println("wrote " + labels + ": tissue labels");
        o.flush();
        return 0;
    }

    private static String[] three(String text, String option, String example) {
        String[] parts = text.split(",", -1);
        if (parts.length != 3) {
            throw new InputException(option + ": got " + parts.length + " values in '" + text + "', expected 3, e.g. " + example);
        }
        return parts;
    }

    private static int[] parseSize(String text) {
        String[] parts = three(text, "--size", "160,192,160");
        int[] out = new int[3];
        for (int a = 0; a < 3; a++) {
            try {
                out[a] = Integer.parseInt(parts[a].trim());
            } catch (NumberFormatException e) {
                throw new InputException("--size: '" + parts[a].trim() + "' is not a whole number of voxels");
            }
        }
        return out;
    }

    private static double[] parseSpacing(String text) {
        String[] parts = three(text, "--spacing", "1,1,1");
        double[] out = new double[3];
        for (int a = 0; a < 3; a++) {
            try {
                out[a] = Double.parseDouble(parts[a].trim());
            } catch (NumberFormatException e) {
                throw new InputException("--spacing: '" + parts[a].trim() + "' is not a number of mm");
            }
        }
        return out;
    }

    private static String mm(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static void checkOutput(Path path, String option) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString();
        if (!name.endsWith(".nii") && !name.endsWith(".nii.gz")) {
            throw new InputException(option + ": '" + path + "' must end in .nii or .nii.gz");
        }
        Path dir = path.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new InputException(option + ": directory " + dir + " does not exist");
        if (Files.isDirectory(path)) throw new InputException(option + ": " + path + " is a directory");
    }

    /** Writes every volume to a temporary file beside its target, then renames them all into place. */
    private void writeAll(List<Volume> volumes, List<Path> targets) throws IOException {
        List<Path> temps = new ArrayList<>();
        boolean done = false;
        try {
            for (int v = 0; v < volumes.size(); v++) {
                Path target = targets.get(v).toAbsolutePath();
                String name = target.getFileName().toString();
                String ext = name.endsWith(".nii.gz") ? ".nii.gz" : ".nii";
                Path tmp = Files.createTempFile(target.getParent(), "." + name.substring(0, name.length() - ext.length()) + ".", ".partial" + ext);
                temps.add(tmp);
                progress("writing " + targets.get(v));
                Nifti.write(volumes.get(v), tmp);
            }
            for (int v = 0; v < volumes.size(); v++) {
                Files.move(temps.get(v), targets.get(v).toAbsolutePath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            done = true;
        } finally {
            if (!done) for (Path tmp : temps) Files.deleteIfExists(tmp);
        }
    }

    private void progress(String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("mrisr phantom: " + message);
        err.flush();
    }
}
