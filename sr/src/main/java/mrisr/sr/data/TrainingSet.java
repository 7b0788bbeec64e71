package mrisr.sr.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;
import mrisr.sr.io.Nifti;
import mrisr.sr.physics.Blur;
import mrisr.sr.physics.Boundary;
import mrisr.sr.volume.Volume;

/**
 * High-resolution volumes to train on, split into training volumes and one held-out validation
 * volume.
 *
 * <ul>
 *   <li>{@link #phantoms}: brain phantoms ({@link Phantoms#brain}), by default on {@code mrisr phantom}'s
 *       grid, 160×192×160 at 1 mm ({@link #PHANTOM_SIZE}), with seeds {@code 1000·(seed+1) + 1 … + count} for training and
 *       {@code 1000·(seed+1) + count + 1} for validation — far from the small seeds one tests with
 *       ({@code mrisr phantom} defaults to seed 1), so a test phantom is never a training one.</li>
 *   <li>{@link #directory}: every {@code *.nii} / {@code *.nii.gz} file of a directory, sorted by
 *       name; the last one is held out for validation. With a single file it is used for both
 *       (the validation score then measures fit, not generalisation — {@link #notes()} says so).</li>
 * </ul>
 *
 * <pre>{@code
 * TrainingSet set = TrainingSet.phantoms(4, 0, TrainingSet.PHANTOM_SIZE, msg -> System.err.println(msg));
 * PatchSampler train = new PatchSampler(set.training(), degradation, patch, true);
 * }</pre>
 */
public final class TrainingSet {
    /** The phantom grid, {@code mrisr phantom}'s default. */
    public static final int[] PHANTOM_SIZE = {160, 192, 160};

    private final List<Volume> training;
    private final Volume validation;
    private final String description;
    private final List<String> notes;

    private TrainingSet(List<Volume> training, Volume validation, String description, List<String> notes) {
        this.training = List.copyOf(training);
        this.validation = validation;
        this.description = description;
        this.notes = List.copyOf(notes);
    }

    /**
     * {@code count} training brain phantoms and one validation phantom (see the class description) on a
     * grid of {@code size} voxels at 1 mm (the object fills the grid whatever its size).
     *
     * @param progress receives one line per phantom made
     */
    public static TrainingSet phantoms(int count, long seed, int[] size, Consumer<String> progress) {
        return phantoms(count, seed, size, false, 0, progress);
    }

    /**
     * As {@link #phantoms(int, long, int[], Consumer)}, with {@linkplain Phantoms#head head phantoms}
     * (the same brains wrapped in skull, muscle, scalp fat and skin) when {@code head}, and each volume
     * blurred by an isotropic Gaussian point-spread function when {@code blurFwhm > 0}: training
     * phantom {@code i} of {@code n} (0-based) by FWHM {@code blurFwhm·i/(n − 1)} mm, so the set spans
     * edges from one voxel wide (the phantom's partial-volume ramps) to those of a softer real image,
     * and the validation phantom by {@code blurFwhm/2}.
     *
     * @param blurFwhm the largest FWHM in mm (0: no blur)
     */
    public static TrainingSet phantoms(int count, long seed, int[] size, boolean head, double blurFwhm, Consumer<String> progress) {
        if (!(blurFwhm >= 0) || Double.isInfinite(blurFwhm)) throw new TrainingDataException("phantom blur FWHM " + blurFwhm + " mm must be finite and >= 0");
        if (count < 1) throw new TrainingDataException("need at least 1 training phantom, got " + count);
        int[] grid = size.clone();
        long base = 1000 * (seed + 1);
        double[] spacing = {1, 1, 1};
        String kind = head ? "head" : "brain";
        List<Volume> train = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            progress.accept("making " + kind + " phantom " + i + "/" + count + " (seed " + (base + i) + ")");
            train.add(blurred(phantom(grid, spacing, base + i, head), count == 1 ? blurFwhm : blurFwhm * (i - 1) / (count - 1)));
        }
        progress.accept("making the validation phantom (seed " + (base + count + 1) + ")");
        Volume val = blurred(phantom(grid, spacing, base + count + 1, head), blurFwhm / 2);
        String d = String.format(Locale.ROOT, "phantom: %d %s phantoms %dx%dx%d (seeds %d-%d), validation seed %d",
                count, kind, grid[0], grid[1], grid[2], base + 1, base + count, base + count + 1)
                + (blurFwhm > 0 ? String.format(Locale.ROOT, ", blurred by Gaussian FWHM 0-%.3g mm", blurFwhm) : "");
        return new TrainingSet(train, val, d, List.of());
    }

    private static Volume blurred(Volume v, double fwhm) {
        if (fwhm == 0) return v;
        double[] spacing = v.spacing();
        return v.withData(Blur.gaussian(v.shape(), spacing, new double[] {fwhm, fwhm, fwhm}, Boundary.SYMMETRIC).apply(v.data()));
    }

    private static Volume phantom(int[] grid, double[] spacing, long seed, boolean head) {
        return (head ? Phantoms.head(grid, spacing, seed) : Phantoms.brain(grid, spacing, seed)).image();
    }

    /**
     * The NIfTI volumes of {@code dir} (see the class description).
     *
     * @throws TrainingDataException when {@code dir} is not a directory or holds no NIfTI file
     */
    public static TrainingSet directory(Path dir, Consumer<String> progress) {
        if (!Files.isDirectory(dir)) {
            throw new TrainingDataException("--data: '" + dir + "' is neither 'phantom' nor a directory of NIfTI volumes");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> {
                String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
                return Files.isRegularFile(p) && (n.endsWith(".nii") || n.endsWith(".nii.gz"));
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("--data: cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) throw new TrainingDataException("--data: no .nii or .nii.gz files in " + dir);
        List<Volume> all = new ArrayList<>();
        for (Path f : files) {
            progress.accept("reading " + f);
            all.add(Nifti.read(f));
        }
        List<String> notes = new ArrayList<>();
        Volume val;
        List<Volume> train;
        if (all.size() == 1) {
            train = all;
            val = all.getFirst();
            notes.add("only one volume in " + dir + ": validation uses the training volume, so it measures fit, not generalisation");
        } else {
            train = all.subList(0, all.size() - 1);
            val = all.getLast();
        }
        String d = dir + ": " + train.size() + " training volume" + (train.size() == 1 ? "" : "s") + ", validation "
                + files.get(files.size() - 1).getFileName();
        return new TrainingSet(train, val, d, notes);
    }

    /** The training volumes. */
    public List<Volume> training() {
        return training;
    }

    /** The held-out validation volume. */
    public Volume validation() {
        return validation;
    }

    /** One line saying what the set is, for logs and model metadata. */
    public String description() {
        return description;
    }

    /** Caveats worth printing (e.g. validation on the training volume). */
    public List<String> notes() {
        return notes;
    }

    /** Total high-resolution voxels of the training volumes. */
    public long trainingVoxels() {
        long n = 0;
        for (Volume v : training) n += v.data().numel();
        return n;
    }
}
