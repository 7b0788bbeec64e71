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
import mrisr.sr.data.TrainingSet;
import mrisr.sr.nets.Architecture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mrisr train}: trains the learned part of a method on high-resolution volumes (or brain
 * phantoms) and writes the model file the method loads — the super-resolution networks
 * {@code srcnn3d} and {@code edsr3d} ({@code mrisr sr --model}), the plug-and-play denoiser
 * {@code dncnn} ({@code mrisr sr --denoiser}), and the learned stages of {@code unfolded} and the
 * prior of {@code deq} ({@code mrisr sr --model}).
 *
 * <p>This class owns what every method shares: the data ({@link TrainingSet}), the step count, the
 * seed, Adam with a linear warm-up and a cosine learning-rate decay to 1% over the run
 * ({@link #schedule}), the {@link Trainer} (progress on stderr, every event in a JSON-lines log, an
 * atomic checkpoint of weights, optimiser state, step and options every {@code --checkpoint-every}
 * steps, held-out validation, a stop on a NaN loss), and the option bookkeeping
 * ({@link TrainOptions}: a resumed run takes its options from the checkpoint and refuses conflicting
 * ones). What differs per method — module, batches, loss, validation, model file — is a
 * {@link TrainingRecipe}: {@link SrNetworkRecipe}, {@link DenoiserRecipe}, {@link UnfoldedRecipe},
 * {@link DeqRecipe}. An option that only other methods take is an error naming both.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Trains the learned part of a method on high-resolution volumes (or brain or head phantoms) and writes the model file "
                + "the method loads: the super-resolution networks srcnn3d and edsr3d (for 'mrisr sr --model'), which predict "
                + "the residual over cubic B-spline interpolation of patches degraded on the fly as 'mrisr degrade' does; the "
                + "plug-and-play denoiser dncnn (for 'mrisr sr --denoiser FILE' with pnp-hqs, pnp-admm and red), trained on "
                + "clean patches plus Gaussian noise of a random level that it takes as a second input; and the learned stages "
                + "of unfolded and the prior of deq (for 'mrisr sr --model'), trained end to end through their physics on "
                + "patches degraded alone. Options that only some methods take say which; giving one to another method is "
                + "an error.",
            "",
            "Sub-pixel networks run on the low-resolution grid and need the same integer factor on every axis (default "
                + "for 2,2,2); pre-upsampling networks run on the interpolated grid and handle anisotropic factors such as "
                + "1,1,4 (default there).",
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
            "  mrisr train --method dncnn --data phantom --phantom-kind head --steps 4000 \\",
            "      --out dncnn.safetensors",
            "      the denoiser for sigma up to 0.1, on head phantoms; use it with",
            "      mrisr sr --method pnp-hqs --denoiser dncnn.safetensors ...",
            "  mrisr train --method unfolded --data phantom --factor 1,1,4 \\",
            "      --noise 0.01 --rician --out unfolded.safetensors",
            "      learned unfolding stages for 4x thick Gaussian slices, 1%% Rician noise",
            "  mrisr train --method unfolded --prior dncnn --init-denoiser dncnn.safetensors \\",
            "      --data phantom --phantom-kind head --phantom-blur 2 --factor 1,1,4 \\",
            "      --noise 0.01 --rician --steps 400 --lr 1e-4 --out unfolded.safetensors",
            "      8 stages sharing that denoiser, fine-tuned end to end (the shipped model)",
            "  mrisr train --method deq --data phantom --factor 1,1,4 \\",
            "      --noise 0.01 --rician --out deq.safetensors",
            "      the deep-equilibrium prior for the same acquisition",
            "  mrisr train --resume edsr3d.ckpt.safetensors",
            "      continue an interrupted run (same options, same result)",
            "  mrisr sr --in lr.nii.gz --out sr.nii.gz --method edsr3d \\",
            "      --model edsr3d.safetensors",
            "      use the model"})
public final class TrainCommand implements Callable<Integer> {
    /** The methods, in listing order. */
    static final List<String> METHODS = List.of(Architecture.SRCNN3D, Architecture.EDSR3D, "dncnn", "unfolded", "deq");

    @Spec
    CommandSpec spec;

    @Option(names = "--method", paramLabel = "NAME", description = "What to train: srcnn3d, edsr3d, dncnn, unfolded or deq "
            + "(required unless --resume).")
    String method;

    @Option(names = "--data", paramLabel = "DIR|phantom",
            description = "High-resolution training volumes: a directory of .nii/.nii.gz files (the last by name is held out "
                    + "for validation), or 'phantom' for brain or head phantoms (--phantom-kind) (required unless --resume).")
    String data;

    @Option(names = "--steps", paramLabel = "N",
            description = "Optimisation steps (default: srcnn3d, edsr3d 2000; dncnn 800; unfolded 600; deq 300).")
    Long steps;

    @Option(names = "--epochs", paramLabel = "N",
            description = "Train for N epochs instead; one epoch draws as many voxels as the training volumes hold.")
    Integer epochs;

    @Option(names = "--out", paramLabel = "MODEL.safetensors", description = "Model file to write (default: METHOD.safetensors).")
    Path out;

    @Option(names = "--resume", paramLabel = "CHECKPOINT", description = "Continue the run that wrote this checkpoint.")
    Path resume;

    @Mixin
    DegradationOptions acquisition;

    @Option(names = "--features", paramLabel = "C",
            description = "Channels: srcnn3d 32, edsr3d 16, dncnn 16 (its width), unfolded 16 (per stage prior), deq 8 "
                    + "(hidden channels of the prior) by default.")
    Integer features;

    @Mixin
    SrNetworkRecipe.Options srOptions;

    @Mixin
    DenoiserRecipe.Options denoiserOptions;

    @Mixin
    UnfoldedRecipe.Options unfoldedOptions;

    @Mixin
    DeqRecipe.Options deqOptions;

    @Option(names = "--patch", paramLabel = "P",
            description = "Edge of a high-resolution training patch in voxels, rounded up to a multiple of the factors "
                    + "(default: srcnn3d, edsr3d 24; dncnn, unfolded, deq 32).")
    Integer patch;

    @Option(names = "--batch", paramLabel = "N", description = "Patches per step (default: 4; unfolded, deq 2).")
    Integer batch;

    @Option(names = "--lr", paramLabel = "RATE", description = "Adam learning rate after a linear warm-up, decayed by a cosine to 1%% "
            + "of it (default: edsr3d 3e-3, the others 1e-3).")
    Double lr;

    @Option(names = "--loss", paramLabel = "l1|mse|charbonnier",
            description = "Training loss (default: srcnn3d, dncnn, deq mse; edsr3d, unfolded l1).")
    String loss;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of initialisation, sampling, augmentation and noise (default: 0).")
    Long seed;

    @Option(names = "--phantoms", paramLabel = "N", description = "Training phantoms for --data phantom (default: 4).")
    Integer phantoms;

    @Option(names = "--phantom-size", paramLabel = "NX,NY,NZ",
            description = "Grid of the training phantoms; the object fills the grid, so smaller grids mean larger voxels (default: 160,192,160).")
    String phantomSize;

    @Option(names = "--phantom-kind", paramLabel = "brain|head",
            description = "Training phantoms for --data phantom: brains alone, or heads (the brain inside skull, muscle, bright "
                    + "scalp fat and skin, like a real T1 head) (default: brain).")
    String phantomKind;

    @Option(names = "--phantom-blur", paramLabel = "MM",
            description = "Blur the training phantoms by Gaussian point-spread functions of FWHM from 0 to MM mm, spread evenly over "
                    + "the phantoms, so the network also learns the softer edges of real images (default: 0).")
    Double phantomBlur;

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
        TrainOptions o = new TrainOptions(resume, saved);
        String m = o.text("--method", method, null);
        if (m == null) throw new InputException("--method is required (" + String.join(", ", METHODS) + ")");
        TrainingRecipe recipe = recipe(m);
        checkApplicable(m);
        String d = o.text("--data", data == null || data.equals("phantom") ? data : Path.of(data).toAbsolutePath().normalize().toString(), null);
        if (d == null) throw new InputException("--data is required: a directory of NIfTI volumes or 'phantom'");
        if (steps != null && epochs != null) throw new InputException("give --steps or --epochs, not both");
        if (epochs != null && epochs < 1) throw new InputException("--epochs " + epochs + " must be >= 1");
        if (steps != null && steps < 1) throw new InputException("--steps " + steps + " must be >= 1");
        TrainingRecipe.Defaults defaults = recipe.defaults();
        // with --epochs the step count is known once the data is loaded; it is checked against the checkpoint then
        long totalSteps = Long.parseLong(epochs != null ? o.text("--steps", null, "1")
                : o.text("--steps", steps == null ? null : steps.toString(), Long.toString(defaults.steps())));
        recipe.configure(o);
        TrainingRecipe.Common common = new TrainingRecipe.Common(o.integer("--patch", patch, defaults.patch(), 1, 4096),
                o.integer("--batch", batch, defaults.batch(), 1, 4096), Long.parseLong(o.text("--seed", seed == null ? null : seed.toString(), "0")));
        double rate = o.positive("--lr", lr, defaults.lr());
        Loss chosen = lossOf(o.text("--loss", loss == null ? null : loss.trim().toLowerCase(Locale.ROOT), defaults.loss()));
        int count = o.integer("--phantoms", phantoms, 4, 1, 10_000);
        int[] size = parseSize(o.text("--phantom-size", phantomSize == null ? null : TrainOptions.normaliseList(phantomSize),
                Architecture.format(TrainingSet.PHANTOM_SIZE)));

        Path modelOut = out != null ? out : defaultOut(m);
        checkParent("--out", modelOut);
        Path ckpt = checkpoint != null ? checkpoint : resume != null ? resume : sibling(modelOut, ".ckpt.safetensors");
        checkParent("--checkpoint", ckpt);
        Path logFile = log != null ? log : sibling(modelOut, ".train.jsonl");
        checkParent("--log", logFile);

        String kind = o.choice("--phantom-kind", phantomKind, "brain", "brain", "head");
        TrainingSet set = d.equals("phantom") ? TrainingSet.phantoms(count, common.seed(), size, kind.equals("head"),
                o.nonNegative("--phantom-blur", phantomBlur, 0), progress::message)
                : TrainingSet.directory(Path.of(d), progress::message);
        for (String note : set.notes()) progress.message("note: " + note);
        recipe.build(set, common);
        if (epochs != null) {
            long perEpoch = stepsPerEpoch(set.trainingVoxels(), common.batch(), recipe.samplePatch());
            totalSteps = Math.multiplyExact(perEpoch, (long) epochs);
            o.check("--epochs " + epochs + " (= " + totalSteps + " steps) and --steps", "--steps", Long.toString(totalSteps));
            o.record("--steps", Long.toString(totalSteps));
            progress.message(epochs + " epochs of " + perEpoch + " steps = " + totalSteps + " steps");
        }

        Adam optimizer = new Adam(recipe.module().parameters(), rate);
        Map<String, String> meta = new LinkedHashMap<>(recipe.modelMetadata());
        meta.putAll(o.metadata());
        TrainingRecipe.Baseline baseline = recipe.baseline();
        for (String line : recipe.describe()) progress.message(line);
        progress.message(set.description());
        progress.message(String.format(Locale.ROOT, "batch %d, %d steps; validation on %d held-out patches: %s %.3f dB", common.batch(),
                totalSteps, TrainingRecipe.VALIDATION_PATCHES, baseline.name(), baseline.psnr()));

        Trainer.Result result;
        try (TrainingLog jsonl = TrainingLog.append(logFile)) {
            Trainer.Builder builder = Trainer.builder(recipe.module(), optimizer, recipe.loss(chosen), recipe.batches())
                    .steps(totalSteps).seed(common.seed()).schedule(schedule(totalSteps, rate))
                    .checkpoint(ckpt, checkpointEvery).log(jsonl).progress(progress)
                    .validation(recipe.validation(), validateEvery).metadata(meta);
            if (stopAfter != null) builder.stopAfter(stopAfter);
            Trainer trainer = builder.build();
            result = from == null ? trainer.run() : trainer.resume(from);
        } catch (NonFiniteLossException e) {
            throw new InputException(e.getMessage() + (e.lastCheckpoint() == null ? "; try a lower --lr"
                    : "; try a lower --lr, or --resume " + e.lastCheckpoint()), e);
        }
        recipe.module().eval();
        double psnr;
        String report;
        try (var _ = Grad.off()) {
            psnr = Double.isNaN(result.metric()) ? recipe.validation().evaluate(recipe.module()) : result.metric();
            report = recipe.report();
        }
        Map<String, String> notes = new LinkedHashMap<>(o.metadata());
        notes.put("train.data_description", set.description());
        notes.put("trained_steps", Long.toString(result.step()));
        notes.put("val_psnr", String.format(Locale.ROOT, "%.4f", psnr));
        notes.put("val_psnr_" + baseline.key(), String.format(Locale.ROOT, "%.4f", baseline.psnr()));
        recipe.save(modelOut, notes);
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println(String.format(Locale.ROOT,
                "wrote %s: %s, %d of %d steps (%.0f s this session); validation PSNR %.3f dB vs %s %.3f dB (%+.3f dB)",
                modelOut, recipe.title(), result.step(), totalSteps, result.seconds(), psnr, baseline.name(), baseline.psnr(),
                psnr - baseline.psnr()));
        if (!report.isEmpty()) stdout.println(report);
        if (!result.finished()) stdout.println("paused after step " + result.step() + "; continue with: mrisr train --resume " + ckpt);
        return 0;
    }

    /** The recipe of {@code m}. */
    private TrainingRecipe recipe(String m) {
        return switch (m) {
            case Architecture.SRCNN3D, Architecture.EDSR3D -> new SrNetworkRecipe(m, acquisition, srOptions, features);
            case "dncnn" -> new DenoiserRecipe(denoiserOptions, features);
            case "unfolded" -> new UnfoldedRecipe(acquisition, unfoldedOptions, features);
            case "deq" -> new DeqRecipe(acquisition, deqOptions, features);
            default -> throw new InputException("--method '" + m + "' is not a network; expected one of " + String.join(", ", METHODS));
        };
    }

    /** The methods that take each method-specific option. */
    static Map<String, List<String>> optionOwners() {
        Map<String, List<String>> owners = new LinkedHashMap<>();
        for (String name : DegradationOptions.NAMES) {
            owners.put(name, List.of(Architecture.SRCNN3D, Architecture.EDSR3D, "unfolded", "deq"));
        }
        for (String name : SrNetworkRecipe.OPTIONS) owners.put(name, List.of(Architecture.SRCNN3D, Architecture.EDSR3D));
        for (String name : DenoiserRecipe.OPTIONS) owners.put(name, List.of("dncnn"));
        for (String name : UnfoldedRecipe.OPTIONS) owners.put(name, List.of("unfolded"));
        for (String name : DeqRecipe.OPTIONS) owners.put(name, List.of("deq"));
        return owners;
    }

    /**
     * @throws InputException naming the option and the methods it applies to when an option of other
     *     methods was given
     */
    private void checkApplicable(String m) {
        Map<String, List<String>> owners = optionOwners();
        for (OptionSpec given : spec.commandLine().getParseResult().matchedOptions()) {
            List<String> takers = owners.get(given.longestName());
            if (takers != null && !takers.contains(m)) {
                throw new InputException(given.longestName() + " applies to " + list(takers) + ", not to " + m);
            }
        }
    }

    /** {@code a}, {@code a and b}, {@code a, b and c}. */
    private static String list(List<String> names) {
        if (names.size() == 1) return names.getFirst();
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.getLast();
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

    /** {@code ⌈voxels / (batch · patch voxels)⌉}. */
    static long stepsPerEpoch(long voxels, int batch, int[] patch) {
        long perStep = (long) batch * patch[0] * patch[1] * patch[2];
        return Math.max(1, (voxels + perStep - 1) / perStep);
    }

    /** {@code NAME.safetensors} beside a {@code NAME.ckpt.safetensors} being resumed, else {@code METHOD.safetensors}. */
    private Path defaultOut(String m) {
        if (resume != null) {
            String name = Objects.requireNonNull(resume.getFileName(), "checkpoint file name").toString();
            if (name.endsWith(".ckpt.safetensors")) {
                return resume.resolveSibling(name.substring(0, name.length() - ".ckpt.safetensors".length()) + ".safetensors");
            }
        }
        return Path.of(m + ".safetensors");
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
