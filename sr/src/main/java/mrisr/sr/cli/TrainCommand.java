package mrisr.sr.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import mrisr.engine.Grad;
import mrisr.engine.Rng;
import mrisr.nn.loss.CharbonnierLoss;
import mrisr.nn.loss.L1Loss;
import mrisr.nn.loss.Loss;
import mrisr.nn.loss.MseLoss;
import mrisr.nn.optim.Adam;
import mrisr.nn.optim.CosineAnnealingLR;
import mrisr.nn.optim.LinearLR;
import mrisr.nn.optim.LrSchedule;
import mrisr.nn.train.Checkpoint;
import mrisr.nn.train.NonFiniteLossException;
import mrisr.nn.train.Progress;
import mrisr.nn.train.Trainer;
import mrisr.nn.train.TrainingLog;
import mrisr.sr.InputException;
import mrisr.sr.data.PatchSampler;
import mrisr.sr.data.TrainingDegradation;
import mrisr.sr.data.TrainingSet;
import mrisr.sr.nets.Architecture;
import mrisr.sr.nets.SrBatches;
import mrisr.sr.nets.SrModel;
import mrisr.sr.nets.SrValidation;
import mrisr.sr.nets.Upsampling;
import mrisr.sr.physics.SliceProfile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mrisr train}: trains a super-resolution network ({@code srcnn3d}, {@code edsr3d}) on
 * high-resolution volumes degraded on the fly, and writes a model file for {@code mrisr sr --model}.
 *
 * <p>Each step draws {@code --batch} patches ({@link PatchSampler}: random position, flips and axis
 * permutations, degradation through the same forward model as {@code mrisr degrade}, B-spline
 * interpolation), runs the network and takes an Adam step on the loss of the residual — L1 for
 * EDSR-3D, mean squared error for SRCNN-3D (as in their papers; with L1, SRCNN-3D's ReLUs collapsed
 * onto the zero residual, the median of the targets) — with a linear warm-up and a cosine
 * learning-rate decay to 1% over the run. Progress goes to stderr, every event to a JSON-lines
 * log, a checkpoint (weights, optimiser state, step, seed) is written atomically every
 * {@code --checkpoint-every} steps, and {@code --resume} continues a run bit-identically. The options
 * of a resumed run come from its checkpoint; options given again must agree with it.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Trains a super-resolution network on high-resolution volumes (or phantoms) degraded on the fly with the "
                + "same forward model and defaults as 'mrisr degrade', and writes a model file for 'mrisr sr --model'.",
            "",
            "The network predicts the residual over cubic B-spline interpolation. Sub-pixel networks run on the "
                + "low-resolution grid and need the same integer factor on every axis (default for 2,2,2); pre-upsampling "
                + "networks run on the interpolated grid and handle anisotropic factors such as 1,1,4 (default there).",
            "",
            "Progress with ETA goes to stderr, every step and validation to a JSON-lines log, and a checkpoint is "
                + "written atomically every --checkpoint-every steps; --resume CHECKPOINT continues bit-identically. "
                + "A NaN or infinite loss stops training, naming the step; the last checkpoint stays good."
        },
        footer = {"", "Examples:",
            "  mrisr train --method edsr3d --data phantom --out edsr3d.safetensors",
            "      sub-pixel EDSR-3D for 2,2,2 on brain phantoms, held-out validation",
            "  mrisr train --method srcnn3d --data hr/ --factor 1,1,4 --profile rect \\",
            "      --noise 0.01 --steps 3000",
            "      pre-upsampling SRCNN-3D for 4 mm rect slices and 1%% noise, own data",
            "  mrisr train --resume edsr3d.ckpt.safetensors",
            "      continue an interrupted run (same options, same result)",
            "  mrisr sr --in lr.nii.gz --out sr.nii.gz --method edsr3d \\",
            "      --model edsr3d.safetensors",
            "      use the model"})
public final class TrainCommand implements Callable<Integer> {
    /** Default number of steps. */
    static final int DEFAULT_STEPS = 2000;
    /** Held-out patches scored at each validation. */
    static final int VALIDATION_PATCHES = 16;

    @Spec
    CommandSpec spec;

    @Option(names = "--method", paramLabel = "NAME", description = "Network: srcnn3d or edsr3d (required unless --resume).")
    String method;

    @Option(names = "--data", paramLabel = "DIR|phantom",
            description = "High-resolution training volumes: a directory of .nii/.nii.gz files (the last by name is held out "
                    + "for validation), or 'phantom' for brain phantoms (required unless --resume).")
    String data;

    @Option(names = "--steps", paramLabel = "N", description = "Optimisation steps (default: " + DEFAULT_STEPS + ").")
    Long steps;

    @Option(names = "--epochs", paramLabel = "N",
            description = "Train for N epochs instead; one epoch draws as many voxels as the training volumes hold.")
    Integer epochs;

    @Option(names = "--out", paramLabel = "MODEL.safetensors", description = "Model file to write (default: METHOD.safetensors).")
    Path out;

    @Option(names = "--resume", paramLabel = "CHECKPOINT", description = "Continue the run that wrote this checkpoint.")
    Path resume;

    @Option(names = "--factor", paramLabel = "FX,FY,FZ", description = "Integer downsampling factors along i, j, k (default: 2,2,2).")
    String factor;

    @Option(names = "--profile", paramLabel = "rect|gaussian|trapezoid",
            description = "Slice profile, FWHM = low-resolution voxel size (default: gaussian, as 'mrisr degrade').")
    String profile;

    @Option(names = "--noise", paramLabel = "SIGMA", description = "Noise standard deviation as a fraction of the intensity range (default: 0).")
    Double noise;

    @Option(names = "--rician", description = "Rician instead of Gaussian noise.")
    Boolean rician;

    @Option(names = "--upsampling", paramLabel = "pre|subpixel",
            description = "Where the network upsamples (default: subpixel when all factors are equal, else pre).")
    String upsampling;

    @Option(names = "--features", paramLabel = "C", description = "Channels (default: srcnn3d 32, edsr3d 16).")
    Integer features;

    @Option(names = "--blocks", paramLabel = "B", description = "Residual blocks of edsr3d (default: 2).")
    Integer blocks;

    @Option(names = "--patch", paramLabel = "P",
            description = "Edge of a high-resolution training patch in voxels, rounded up to a multiple of the factors (default: 24).")
    Integer patch;

    @Option(names = "--batch", paramLabel = "N", description = "Patches per step (default: 4).")
    Integer batch;

    @Option(names = "--lr", paramLabel = "RATE", description = "Adam learning rate after a linear warm-up, decayed by a cosine to 1%% of it (default: srcnn3d 1e-3, edsr3d 3e-3).")
    Double lr;

    @Option(names = "--loss", paramLabel = "l1|mse|charbonnier", description = "Training loss on the residual (default: srcnn3d mse, edsr3d l1, as in their papers).")
    String loss;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of initialisation, sampling, augmentation and noise (default: 0).")
    Long seed;

    @Option(names = "--phantoms", paramLabel = "N", description = "Training phantoms for --data phantom (default: 4).")
    Integer phantoms;

    @Option(names = "--phantom-size", paramLabel = "NX,NY,NZ",
            description = "Grid of the training phantoms; the object fills the grid, so smaller grids mean larger voxels (default: 160,192,160).")
    String phantomSize;

    @Option(names = "--checkpoint", paramLabel = "FILE", description = "Checkpoint file (default: the --out name with .ckpt.safetensors).")
    Path checkpoint;

    @Option(names = "--checkpoint-every", paramLabel = "N", description = "Steps between checkpoints (default: 100).")
    int checkpointEvery = 100;

    @Option(names = "--validate-every", paramLabel = "N", description = "Steps between validations (default: 100).")
    int validateEvery = 100;

    @Option(names = "--stop-after", paramLabel = "N",
            description = "End this session after N steps with a checkpoint and a model file; --resume continues (default: run to the end).")
    Long stopAfter;

    @Option(names = "--log", paramLabel = "FILE", description = "JSON-lines training log, appended to (default: the --out name with .train.jsonl).")
    Path log;

    /** The options that define a run, as stored in its checkpoints; resolved from the command line and the checkpoint. */
    record Settings(String method, String data, long steps, int[] factors, SliceProfile.Kind profile, double noise, boolean rician,
            Upsampling upsampling, int features, int blocks, int patch, int batch, double lr, String loss, long seed, int phantoms,
            int[] phantomSize) {
        Settings withSteps(long n) {
            return new Settings(method, data, n, factors, profile, noise, rician, upsampling, features, blocks, patch, batch, lr, loss,
                    seed, phantoms, phantomSize);
        }

        Map<String, String> metadata() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("train.method", method);
            m.put("train.data", data);
            m.put("train.steps", Long.toString(steps));
            m.put("train.factor", Architecture.format(factors));
            m.put("train.profile", profile.cliName());
            m.put("train.noise", Double.toString(noise));
            m.put("train.rician", Boolean.toString(rician));
            m.put("train.upsampling", upsampling.cliName());
            m.put("train.features", Integer.toString(features));
            m.put("train.blocks", Integer.toString(blocks));
            m.put("train.patch", Integer.toString(patch));
            m.put("train.batch", Integer.toString(batch));
            m.put("train.lr", Double.toString(lr));
            m.put("train.loss", loss);
            m.put("train.seed", Long.toString(seed));
            m.put("train.phantoms", Integer.toString(phantoms));
            m.put("train.phantom_size", Architecture.format(phantomSize));
            return m;
        }
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        Progress progress = new Progress(err, System.console() != null && System.console().isTerminal(), "train");
        if (checkpointEvery < 1) throw new InputException("--checkpoint-every " + checkpointEvery + " must be >= 1");
        if (validateEvery < 1) throw new InputException("--validate-every " + validateEvery + " must be >= 1");
        if (stopAfter != null && stopAfter < 1) throw new InputException("--stop-after " + stopAfter + " must be >= 1");
        Checkpoint from = null;
        Map<String, String> saved = Map.of();
        if (resume != null) {
            if (!Files.isRegularFile(resume)) throw new InputException("--resume: no such file: " + resume);
            from = Checkpoint.read(resume);
            saved = from.metadata();
        }
        Settings s = settings(saved);
        TrainingDegradation degradation = new TrainingDegradation(s.factors(), s.profile(), s.noise(), s.rician());
        Path modelOut = out != null ? out : defaultOut(s.method());
        checkParent("--out", modelOut);
        Path ckpt = checkpoint != null ? checkpoint : resume != null ? resume : sibling(modelOut, ".ckpt.safetensors");
        checkParent("--checkpoint", ckpt);
        Path logFile = log != null ? log : sibling(modelOut, ".train.jsonl");
        checkParent("--log", logFile);

        Architecture arch = new Architecture(s.method(), s.upsampling(), s.factors(), s.features(), s.blocks(), 1);
        TrainingSet set = s.data().equals("phantom")
                ? TrainingSet.phantoms(s.phantoms(), s.seed(), s.phantomSize(), progress::message)
                : TrainingSet.directory(Path.of(s.data()), progress::message);
        for (String note : set.notes()) progress.message("note: " + note);
        int[] lrPatch = lrPatch(arch, s.patch());
        PatchSampler trainSampler = new PatchSampler(set.training(), degradation, lrPatch, true);
        PatchSampler valSampler = new PatchSampler(List.of(set.validation()), degradation, lrPatch, false);
        long totalSteps = s.steps();
        if (epochs != null) {
            long perEpoch = stepsPerEpoch(set.trainingVoxels(), s.batch(), trainSampler.hrPatch());
            totalSteps = Math.multiplyExact(perEpoch, (long) epochs);
            pick("--epochs " + epochs + " (= " + totalSteps + " steps) and --steps", Long.toString(totalSteps),
                    saved.get("train.steps"), null);
            progress.message(epochs + " epochs of " + perEpoch + " steps = " + totalSteps + " steps");
        }
        s = s.withSteps(totalSteps);

        SrModel model = SrModel.create(arch, degradation, new Rng(s.seed()));
        Adam optimizer = new Adam(model.network().parameters(), s.lr());
        SrValidation validation = new SrValidation(valSampler, arch.upsampling(), VALIDATION_PATCHES, s.batch(), s.seed() ^ 0x5EEDL);
        Map<String, String> meta = new LinkedHashMap<>(model.metadata());
        meta.putAll(s.metadata());
        progress.message(arch.describe() + ", " + model.network().trainableParameterCount() + " parameters; " + degradation.describe());
        progress.message(set.description());
        progress.message(String.format(Locale.ROOT, "patches %s -> %s, batch %d, %d steps; validation on %d held-out patches: "
                        + "B-spline %.3f dB", Architecture.format(lrPatch), Architecture.format(trainSampler.hrPatch()), s.batch(),
                totalSteps, VALIDATION_PATCHES, validation.baselinePsnr()));

        Trainer.Result result;
        try (TrainingLog jsonl = TrainingLog.append(logFile)) {
            Trainer.Builder builder = Trainer.builder(model.network(), optimizer, lossOf(s.loss()),
                            new SrBatches(trainSampler, arch.upsampling(), s.batch()))
                    .steps(totalSteps).seed(s.seed()).schedule(schedule(totalSteps, s.lr()))
                    .checkpoint(ckpt, checkpointEvery).log(jsonl).progress(progress)
                    .validation(validation, validateEvery).metadata(meta);
            if (stopAfter != null) builder.stopAfter(stopAfter);
            Trainer trainer = builder.build();
            result = from == null ? trainer.run() : trainer.resume(from);
        } catch (NonFiniteLossException e) {
            throw new InputException(e.getMessage() + (e.lastCheckpoint() == null ? "; try a lower --lr"
                    : "; try a lower --lr, or --resume " + e.lastCheckpoint()), e);
        }
        double psnr = result.metric();
        if (Double.isNaN(psnr)) psnr = score(validation, model);
        Map<String, String> notes = new LinkedHashMap<>(s.metadata());
        notes.put("train.data_description", set.description());
        notes.put("trained_steps", Long.toString(result.step()));
        notes.put("val_psnr", String.format(Locale.ROOT, "%.4f", psnr));
        notes.put("val_psnr_bspline", String.format(Locale.ROOT, "%.4f", validation.baselinePsnr()));
        SrModel trained = model.withNotes(notes);
        trained.save(modelOut);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println(String.format(Locale.ROOT,
                "wrote %s: %s, %d of %d steps (%.0f s this session); validation PSNR %.3f dB vs B-spline %.3f dB (%+.3f dB)",
                modelOut, arch.describe(), result.step(), totalSteps, result.seconds(), psnr, validation.baselinePsnr(),
                psnr - validation.baselinePsnr()));
        if (!result.finished()) stdout.println("paused after step " + result.step() + "; continue with: mrisr train --resume " + ckpt);
        return 0;
    }

    /**
     * Linear warm-up from 1 % of the rate over the first {@code min(100, steps/10)} steps (Adam's first
     * updates move every weight by about the full rate, which without warm-up threw the networks far
     * off before they had seen any data), then a cosine decay to 1 % over the remaining steps.
     */
    static LrSchedule schedule(long steps, double lr) {
        int total = (int) Math.min(steps, Integer.MAX_VALUE);
        int warmup = Math.max(1, Math.min(100, total / 10));
        return new LinearLR(0.01, 1.0, warmup).then(warmup, new CosineAnnealingLR(Math.max(1, total - warmup), lr / 100));
    }

    /** The validation score of the model as it is (when no step ran in this session). */
    private static double score(SrValidation validation, SrModel m) {
        m.network().eval();
        try (var _ = Grad.off()) {
            return validation.evaluate(m.network());
        }
    }

    /** The run's options: the command line's where given, else the checkpoint's, else the defaults; conflicts are errors. */
    Settings settings(Map<String, String> saved) {
        String m = pick("--method", method, saved.get("train.method"), null);
        if (m == null) throw new InputException("--method is required (srcnn3d or edsr3d)");
        if (!Architecture.METHODS.contains(m)) {
            throw new InputException("--method '" + m + "' is not a network; expected one of " + String.join(", ", Architecture.METHODS));
        }
        String d = pick("--data", data == null || data.equals("phantom") ? data : Path.of(data).toAbsolutePath().normalize().toString(),
                saved.get("train.data"), null);
        if (d == null) throw new InputException("--data is required: a directory of NIfTI volumes or 'phantom'");
        if (steps != null && epochs != null) throw new InputException("give --steps or --epochs, not both");
        if (epochs != null && epochs < 1) throw new InputException("--epochs " + epochs + " must be >= 1");
        if (steps != null && steps < 1) throw new InputException("--steps " + steps + " must be >= 1");
        // with --epochs the step count is known once the data is loaded; call() checks it against the checkpoint
        long st = Long.parseLong(epochs != null ? saved.getOrDefault("train.steps", "1")
                : pick("--steps", steps == null ? null : steps.toString(), saved.get("train.steps"), Integer.toString(DEFAULT_STEPS)));
        int[] f = TrainingDegradation.integerFactors(ForwardModelOptions.parseFactors(
                pick("--factor", factor == null ? null : normaliseFactors(factor), saved.get("train.factor"), "2,2,2")));
        SliceProfile.Kind prof = SliceProfile.Kind.parse(pick("--profile", profile == null ? null : profile.trim().toLowerCase(Locale.ROOT),
                saved.get("train.profile"), "gaussian"));
        double nz = Double.parseDouble(pick("--noise", noise == null ? null : noise.toString(), saved.get("train.noise"), "0.0"));
        boolean ric = Boolean.parseBoolean(pick("--rician", rician == null ? null : rician.toString(), saved.get("train.rician"), "false"));
        Upsampling up = Upsampling.parse(pick("--upsampling", upsampling == null ? null : Upsampling.parse(upsampling).cliName(),
                saved.get("train.upsampling"), Upsampling.defaultFor(f).cliName()));
        Architecture defaults = Architecture.defaults(m, up, f);
        int feat = Integer.parseInt(pick("--features", str(features), saved.get("train.features"), Integer.toString(defaults.features())));
        int bl = Integer.parseInt(pick("--blocks", str(blocks), saved.get("train.blocks"), Integer.toString(defaults.blocks())));
        int p = Integer.parseInt(pick("--patch", str(patch), saved.get("train.patch"), "24"));
        if (p < 1) throw new InputException("--patch " + p + " must be >= 1");
        int b = Integer.parseInt(pick("--batch", str(batch), saved.get("train.batch"), "4"));
        if (b < 1) throw new InputException("--batch " + b + " must be >= 1");
        double rate = Double.parseDouble(pick("--lr", lr == null ? null : lr.toString(), saved.get("train.lr"),
                m.equals(Architecture.SRCNN3D) ? "0.001" : "0.003"));
        if (!(rate > 0) || Double.isInfinite(rate)) throw new InputException("--lr " + rate + " must be a finite number > 0");
        String l = pick("--loss", loss == null ? null : loss.trim().toLowerCase(Locale.ROOT), saved.get("train.loss"),
                m.equals(Architecture.SRCNN3D) ? "mse" : "l1");
        lossOf(l);
        long sd = Long.parseLong(pick("--seed", seed == null ? null : seed.toString(), saved.get("train.seed"), "0"));
        int ph = Integer.parseInt(pick("--phantoms", str(phantoms), saved.get("train.phantoms"), "4"));
        if (ph < 1) throw new InputException("--phantoms " + ph + " must be >= 1");
        int[] size = parseSize(pick("--phantom-size", phantomSize == null ? null : normaliseFactors(phantomSize), saved.get("train.phantom_size"),
                Architecture.format(TrainingSet.PHANTOM_SIZE)));
        return new Settings(m, d, st, f, prof, nz, ric, up, feat, bl, p, b, rate, l, sd, ph, size);
    }

    /** The given value, else the saved one, else the default; a given value that differs from a saved one is an error. */
    private String pick(String option, String given, String saved, String fallback) {
        if (given != null && saved != null && !given.equals(saved)) {
            throw new InputException("--resume " + resume + " continues a run with " + option + " " + saved + ", but " + option + " "
                    + given + " was given; a resumed run keeps its options");
        }
        return given != null ? given : saved != null ? saved : fallback;
    }

    private static String str(Integer v) {
        return v == null ? null : v.toString();
    }

    /** {@code 2, 2,2.0} → {@code 2,2,2} so that equal factors compare equal. */
    private static String normaliseFactors(String s) {
        String[] parts = s.split(",", -1);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) b.append(',');
            String t = parts[i].trim();
            try {
                double v = Double.parseDouble(t);
                b.append(v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : t);
            } catch (NumberFormatException e) {
                b.append(t);
            }
        }
        return b.toString();
    }

    private static int[] parseSize(String s) {
        String[] parts = s.split(",", -1);
        if (parts.length != 3) throw new InputException("--phantom-size '" + s + "' must have 3 values, e.g. 160,192,160");
        int[] size = new int[3];
        for (int a = 0; a < 3; a++) {
            try {
                size[a] = Integer.parseInt(parts[a].trim());
            } catch (NumberFormatException e) {
                throw new InputException("--phantom-size '" + s + "': '" + parts[a].trim() + "' is not an integer");
            }
            if (size[a] < 1) throw new InputException("--phantom-size '" + s + "': values must be >= 1");
        }
        return size;
    }

    static Loss lossOf(String name) {
        return switch (name) {
            case "l1" -> new L1Loss();
            case "mse" -> new MseLoss();
            case "charbonnier" -> new CharbonnierLoss();
            default -> throw new InputException("--loss '" + name + "' is not one of l1, mse, charbonnier");
        };
    }

    /**
     * The low-resolution patch for a high-resolution patch edge {@code p}: {@code ⌈p/f⌉} per axis
     * (sub-pixel networks have the same factor on every axis).
     */
    static int[] lrPatch(Architecture arch, int p) {
        int[] f = arch.factors();
        return new int[] {(p + f[0] - 1) / f[0], (p + f[1] - 1) / f[1], (p + f[2] - 1) / f[2]};
    }

    /** {@code ⌈voxels / (batch · patch voxels)⌉}. */
    static long stepsPerEpoch(long voxels, int batch, int[] hrPatch) {
        long perStep = (long) batch * hrPatch[0] * hrPatch[1] * hrPatch[2];
        return Math.max(1, (voxels + perStep - 1) / perStep);
    }

    /** {@code NAME.safetensors} beside a {@code NAME.ckpt.safetensors} being resumed, else {@code METHOD.safetensors}. */
    private Path defaultOut(String method) {
        if (resume != null) {
            String name = Objects.requireNonNull(resume.getFileName(), "checkpoint file name").toString();
            if (name.endsWith(".ckpt.safetensors")) {
                return resume.resolveSibling(name.substring(0, name.length() - ".ckpt.safetensors".length()) + ".safetensors");
            }
        }
        return Path.of(method + ".safetensors");
    }

    private static Path sibling(Path model, String suffix) {
        String name = Objects.requireNonNull(model.getFileName(), "model file name").toString();
        String stem = name.toLowerCase(Locale.ROOT).endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
        return model.resolveSibling(stem + suffix);
    }

    private static void checkParent(String option, Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new InputException(option + ": directory " + dir + " does not exist");
        if (Files.isDirectory(file)) throw new InputException(option + ": " + file + " is a directory");
    }
}
