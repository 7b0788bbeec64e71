package mrisr.sr.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import mrisr.sr.InputException;
import mrisr.sr.methods.BundledModels;
import mrisr.sr.methods.LearnedMethod;
import mrisr.sr.methods.Methods;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.SrMethod;
import mrisr.sr.methods.UnknownMethodException;
import mrisr.sr.methods.modelbased.RegularizedMethod;
import mrisr.sr.methods.pnp.DenoiserOption;
import mrisr.sr.methods.pnp.PnpMethod;
import mrisr.sr.methods.selfsup.SelfSupervisedMethod;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.SliceProfile;
import mrisr.sr.volume.Volume;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mrisr sr}: super-resolves a low-resolution volume with any method of the
 * {@link Methods} registry and writes it on the high-resolution grid it came from.
 *
 * <p>The output has {@code round(n·f)} voxels per axis and the affine
 * {@code Volume.resampledAffine(lr.affine(), f)}, so it overlays the input (and the volume
 * {@code mrisr degrade} started from) in scanner space. Model-based methods invert the acquisition
 * described by {@code --factor}, {@code --profile} and {@code --kspace} (the same options and
 * defaults as {@code mrisr degrade}); interpolation methods ignore the acquisition. The output is
 * written to a hidden temporary file beside {@code --out} and renamed over it, so no partial file is
 * ever left. Network methods ({@code srcnn3d}, {@code edsr3d}) need {@code --model} from
 * {@code mrisr train}, run tile by tile ({@code --patch}, {@code --overlap}; see {@link NetworkOptions}),
 * default to the model's factors and warn in one line when the request differs from what the model
 * was trained for. The learned methods ({@code pnp-hqs}, {@code pnp-admm}, {@code red}, {@code unfolded},
 * {@code deq}) use the models shipped with mrisr ({@link BundledModels}) unless {@code --model} (or,
 * for the plug-and-play methods, {@code --denoiser}) chooses another prior, and fall back to their
 * classical prior when the build ships none; their first progress line names the prior used. The
 * self-supervised methods ({@code smore}, {@code zssr}) take {@code --train-steps},
 * {@code --train-time} and {@code --train-channels}.
 *
 * <pre>
 * mrisr sr --in lr.nii.gz --out sr.nii.gz --method tv --factor 1,1,4
 * mrisr sr --in lr.nii.gz --out sr.nii.gz --method pnp-admm --denoiser nlm --factor 1,1,4
 * </pre>
 */
@Command(name = "sr", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Super-resolves a low-resolution volume with a registered method and writes it on the high-resolution "
                + "grid: round(n*f) voxels per axis, voxel i centred at input voxel coordinate (i + 0.5)/f - 0.5, "
                + "so the result overlays the input in scanner space.",
            "",
            "Model-based methods (tikhonov, tv, pnp-hqs, pnp-admm, red, unfolded, deq) invert the acquisition y = Hx + noise "
                + "given by --factor, --profile and --kspace, which mean the same as for 'mrisr degrade': give the options the "
                + "low-resolution volume was made with. Interpolation methods ignore them.",
            "",
            "Learned priors: pnp-hqs, pnp-admm and red use the DnCNN denoiser shipped with mrisr, unfolded and deq their "
                + "shipped model, when this build has them, and otherwise TV (deq: a smoothing prior); the method's "
                + "first progress line says which. --denoiser or --model choose another. The self-supervised methods "
                + "(smore, zssr) train on the input: --train-steps, --train-time, --train-channels and --seed set that training.",
            "",
            "Network methods (srcnn3d, edsr3d) need --model from 'mrisr train', take its factors unless --factor is "
                + "given, warn when --factor, --profile or --noise differ from its training, and run in overlapping "
                + "tiles (--patch, --overlap) so any volume fits in memory."
        })
public final class SrCommand implements Callable<Integer> {

    /** Width of the method list in {@code --help}. */
    static final int HELP_WIDTH = 79;

    /** How volumes are read and written; NIfTI by default, replaced in tests. */
    DegradeCommand.VolumeIo io = DegradeCommand.NIFTI;

    /** Where the learned methods find their default models; the shipped ones, replaced in tests. */
    BundledModels models = BundledModels.classpath();

    private CommandSpec spec;

    /** Receives the command model from picocli; adds the registered methods and examples to the help footer. */
    @Spec
    void spec(CommandSpec s) {
        this.spec = s;
        s.usageMessage().footer(footer().toArray(String[]::new));
    }

    @Option(names = "--in", required = true, paramLabel = "LR", description = "Low-resolution input volume (.nii or .nii.gz).")
    Path in;

    @Option(names = "--out", required = true, paramLabel = "SR", description = "Output volume (.nii or .nii.gz).")
    Path out;

    @Option(names = "--method", required = true, paramLabel = "NAME", description = "Super-resolution method (see Methods below).")
    String method;

    @Option(names = "--factor", paramLabel = "FX,FY,FZ",
            description = "Upsampling factor along i, j, k, e.g. 1,1,4 (default: the input's voxel size over its smallest voxel size, "
                    + "which makes the output isotropic).")
    String factor;

    @Option(names = "--profile", paramLabel = "rect|gaussian|trapezoid",
            description = "Slice profile of the acquisition, FWHM = low-resolution voxel size (default: gaussian, as for 'mrisr degrade').")
    String profile;

    @Option(names = "--kspace", description = "The acquisition truncated k-space (as 'mrisr degrade --kspace') instead of using a slice profile.")
    boolean kspace;

    @Option(names = "--lambda", paramLabel = "L",
            description = "Regularisation weight of a model-based method, >= 0, > 0 for pnp-hqs, pnp-admm and red (default: the "
                    + "method's; tikhonov 0.1, tv 0.01). For unfolded, --lambda and --iters set the fixed TV prior, not a shipped model.")
    Double lambda;

    @Option(names = "--iters", paramLabel = "N", description = "Iteration cap of a model-based method, >= 1 (default: the method's).")
    Integer iters;

    @Option(names = "--seed", paramLabel = "N",
            description = "Seed for methods with randomness: the training of smore and zssr (default: 0).")
    long seed;

    @Option(names = "--denoiser", paramLabel = "tv|nlm|learned|FILE", description = DenoiserOption.HELP)
    String denoiser;

    @Option(names = "--train-steps", paramLabel = "N",
            description = "Self-supervised methods (smore, zssr): training updates, >= 1 (default: the method's, 1000).")
    Integer trainSteps;

    @Option(names = "--train-time", paramLabel = "SECONDS",
            description = "Self-supervised methods: stop training after this many seconds, >= 0; 0 = no limit (default). "
                    + "A run cut short depends on the machine's speed and is not reproducible.")
    Double trainTime;

    @Option(names = "--train-channels", paramLabel = "C",
            description = "Self-supervised methods: feature channels of the network, >= 1 (default: the method's, 16); "
                    + "time grows with C^2.")
    Integer trainChannels;

    @Mixin
    NetworkOptions network = new NetworkOptions();

    private static List<String> footer() {
        List<String> lines = new ArrayList<>();
        lines.add("");
        lines.add("Methods (model-based ones take --lambda and --iters):");
        int width = 0;
        for (String name : Methods.names()) width = Math.max(width, name.length());
        for (SrMethod m : Methods.all()) lines.addAll(wrap(String.format(Locale.ROOT, "  %-" + width + "s  ", m.name()), m.description()));
        lines.add("");
        lines.add("Examples:");
        lines.add("  # total variation, inverting 4 mm Gaussian-profile slices");
        lines.add("  # (the volume was made by: mrisr degrade --factor 1,1,4)");
        lines.add("  mrisr sr --in lr.nii.gz --out sr.nii.gz --method tv --factor 1,1,4");
        lines.add("  # Tikhonov for a k-space truncated acquisition, stronger smoothing");
        lines.add("  mrisr sr --in lr.nii --out sr.nii --method tikhonov --factor 2,2,2 \\");
        lines.add("      --kspace --lambda 0.3");
        lines.add("  # a network trained by 'mrisr train --method edsr3d --data phantom'");
        lines.add("  mrisr sr --in lr.nii.gz --out sr.nii.gz --method edsr3d \\");
        lines.add("      --model edsr3d.safetensors");
        lines.add("  # plug-and-play ADMM with the non-local means prior");
        lines.add("  mrisr sr --in lr.nii.gz --out sr.nii.gz --method pnp-admm --denoiser nlm \\");
        lines.add("      --factor 1,1,4");
        lines.add("  # SMORE with a shorter training (seeded, so reproducible)");
        lines.add("  mrisr sr --in lr.nii.gz --out sr.nii.gz --method smore --factor 1,1,4 \\");
        lines.add("      --train-steps 300 --seed 7");
        lines.add("  # the cubic B-spline baseline on the same grid");
        lines.add("  mrisr sr --in lr.nii.gz --out bspline.nii.gz --method bspline --factor 1,1,4");
        return lines;
    }

    /** {@code text} after {@code head}, word-wrapped to {@value #HELP_WIDTH} columns under itself. */
    private static List<String> wrap(String head, String text) {
        List<String> lines = new ArrayList<>();
        String indent = " ".repeat(head.length());
        StringBuilder line = new StringBuilder(head);
        for (String word : text.split(" ")) {
            if (line.length() > head.length() && line.length() + 1 + word.length() > HELP_WIDTH) {
                lines.add(line.toString());
                line = new StringBuilder(indent);
            }
            if (line.length() > indent.length()) line.append(' ');
            line.append(word);
        }
        lines.add(line.toString());
        lines.replaceAll(l -> l.replace("%", "%%")); // picocli formats footer lines
        return lines;
    }

    @Override
    public Integer call() throws IOException {
        SrMethod m = configuredMethod();
        double[] factors = factor == null ? null : UpsampleCommand.parseFactors(factor);
        Degradation acquisition = factors == null ? null : acquisition(factors);
        if (!Files.isRegularFile(in)) throw new InputException("--in " + in + ": no such file");
        Path target = checkOutput(out);

        Progress progress = new Progress(spec.commandLine().getErr());
        progress.step("reading " + in);
        Volume lr = io.read(in);
        if (factors == null) {
            factors = network.model() != null ? network.modelFactors() : isotropicFactors(lr);
            acquisition = acquisition(factors);
        }
        String warning = network.warning(factors, profile == null ? null : SliceProfile.Kind.parse(profile), kspace);
        if (warning != null) {
            spec.commandLine().getErr().println("mrisr sr: " + warning);
            spec.commandLine().getErr().flush();
        }
        SrContext ctx = new SrContext(factors, seed, acquisition, progress::step);
        int[] outShape = ctx.outputShape(lr.shape());
        progress.step(m.name() + " " + dims(lr.shape()) + " -> " + dims(outShape) + (m instanceof RegularizedMethod && acquisition != null
                ? ", inverting " + acquisition.describe(hrSpacing(lr, factors))
                : network.model() != null ? ", " + network.model().architecture().describe() : ""));
        Volume sr = m.run(lr, ctx);
        progress.step("writing " + out);
        writeAtomically(sr, target);
        progress.done();
        spec.commandLine().getOut().println("wrote " + out + ": " + sr + " (" + m.name() + ")");
        return 0;
    }

    /**
     * The method named by {@code --method}: bound to {@link #models}, with its prior ({@code --denoiser},
     * {@code --model}), its training ({@code --train-…}) and {@code --lambda}, {@code --iters} applied.
     */
    SrMethod configuredMethod() {
        SrMethod m;
        try {
            m = Methods.get(method);
        } catch (UnknownMethodException e) {
            throw new UnknownMethodException("--method: " + e.getMessage());
        }
        if (m instanceof LearnedMethod l) m = l.withBundledModels(models);
        if (denoiser != null) {
            if (m instanceof PnpMethod && network.model != null) {
                throw new InputException("--denoiser " + denoiser + " and --model " + network.model + " both choose the prior of '"
                        + m.name() + "'; give one of them");
            }
            m = DenoiserOption.apply(m, denoiser, models);
        }
        m = training(network.bind(m));
        if (lambda == null && iters == null) return m;
        if (!(m instanceof RegularizedMethod r)) {
            throw new InputException((lambda != null ? "--lambda" : "--iters") + " applies to the model-based methods ("
                    + String.join(", ", namesOf(RegularizedMethod.class)) + "), not to '" + m.name() + "'");
        }
        if (lambda != null) {
            if (!Double.isFinite(lambda) || lambda < 0) throw new InputException("--lambda " + lambda + ": must be a finite number >= 0");
            r = r.withLambda(lambda);
        }
        if (iters != null) {
            if (iters < 1) throw new InputException("--iters " + iters + ": must be >= 1");
            r = r.withMaxIterations(iters);
        }
        return r;
    }

    /** {@code m} with {@code --train-steps}, {@code --train-time} and {@code --train-channels} applied. */
    private SrMethod training(SrMethod m) {
        String given = trainSteps != null ? "--train-steps" : trainTime != null ? "--train-time" : trainChannels != null ? "--train-channels" : null;
        if (given == null) return m;
        if (!(m instanceof SelfSupervisedMethod s)) {
            throw new InputException(given + " applies to the self-supervised methods (" + String.join(", ", namesOf(SelfSupervisedMethod.class))
                    + "), not to '" + m.name() + "'");
        }
        if (trainSteps != null) {
            if (trainSteps < 1) throw new InputException("--train-steps " + trainSteps + ": must be >= 1");
            s = s.withSteps(trainSteps);
        }
        if (trainTime != null) {
            if (!(trainTime >= 0) || Double.isInfinite(trainTime)) {
                throw new InputException("--train-time " + trainTime + ": must be a finite number of seconds >= 0 (0 = no limit)");
            }
            s = s.withTimeLimit(trainTime);
        }
        if (trainChannels != null) {
            if (trainChannels < 1) throw new InputException("--train-channels " + trainChannels + ": must be >= 1");
            s = s.withChannels(trainChannels);
        }
        return s;
    }

    /** The registered methods of {@code type}, in listing order. */
    private static List<String> namesOf(Class<? extends SrMethod> type) {
        return Methods.all().stream().filter(type::isInstance).map(SrMethod::name).toList();
    }

    /**
     * The acquisition the options describe, or {@code null} when the factors are not all ≥ 1 (then
     * only interpolation can run, and {@code --profile}/{@code --kspace} are errors).
     */
    private Degradation acquisition(double[] factors) {
        boolean upsampling = factors[0] >= 1 && factors[1] >= 1 && factors[2] >= 1;
        if (!upsampling) {
            if (profile != null || kspace) {
                throw new InputException("--profile and --kspace describe an acquisition, which needs every --factor >= 1, got " + factor);
            }
            return null;
        }
        Degradation.Builder b = Degradation.builder().factors(factors).kspace(kspace);
        if (profile != null) {
            if (kspace) throw new InputException("--profile describes image-space slices; it cannot be combined with --kspace");
            try {
                b.profile(SliceProfile.Kind.parse(profile));
            } catch (InputException e) {
                throw new InputException("--profile: " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    /**
     * Factors that make the voxels of {@code lr} isotropic at its smallest voxel size; ratios within
     * 10⁻⁴ of an integer are taken as that integer (NIfTI stores voxel sizes in float32).
     */
    static double[] isotropicFactors(Volume lr) {
        double[] s = lr.spacing();
        double min = Math.min(s[0], Math.min(s[1], s[2]));
        double[] f = new double[3];
        for (int a = 0; a < 3; a++) {
            f[a] = s[a] / min;
            if (Math.abs(f[a] - Math.rint(f[a])) < 1e-4) f[a] = Math.rint(f[a]);
        }
        if (f[0] == 1 && f[1] == 1 && f[2] == 1) {
            throw new InputException("--factor: not given, and the input's voxels are already isotropic ("
                    + new java.math.BigDecimal(String.format(Locale.ROOT, "%.4g", min)).stripTrailingZeros().toPlainString() + " mm); give --factor FX,FY,FZ, e.g. 2,2,2");
        }
        return f;
    }

    private static double[] hrSpacing(Volume lr, double[] factors) {
        double[] s = lr.spacing();
        return new double[] {s[0] / factors[0], s[1] / factors[1], s[2] / factors[2]};
    }

    private Path checkOutput(Path o) throws IOException {
        String name = o.getFileName() == null ? "" : o.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        if (!lower.endsWith(".nii") && !lower.endsWith(".nii.gz")) throw new InputException("--out " + o + ": must end in .nii or .nii.gz");
        Path abs = o.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new InputException("--out " + o + ": directory " + dir + " does not exist");
        if (Files.isDirectory(abs)) throw new InputException("--out " + o + ": is a directory");
        if (Files.exists(abs) && Files.isSameFile(in, abs)) throw new InputException("--out " + o + ": is the input file; choose another name");
        return abs;
    }

    /** Writes to a hidden temporary file next to {@code target} and renames it; on failure nothing is left. */
    private void writeAtomically(Volume v, Path target) throws IOException {
        String name = target.getFileName().toString();
        String ext = name.toLowerCase(Locale.ROOT).endsWith(".nii.gz") ? ".nii.gz" : ".nii";
        String stem = name.substring(0, name.length() - ext.length());
        Path tmp = target.resolveSibling("." + stem + ".partial-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ext);
        boolean done = false;
        try {
            io.write(v, tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    private static String dims(int[] shape) {
        StringBuilder sb = new StringBuilder();
        for (int a = 0; a < shape.length; a++) sb.append(a == 0 ? "" : "x").append(shape[a]);
        return sb.toString();
    }

    /**
     * Step lines on stderr with elapsed time: rewritten in place on a terminal, one per line otherwise;
     * a line with a {@code warning:} always stays.
     */
    private static final class Progress {
        private final PrintWriter err;
        private final boolean terminal = System.console() != null && System.console().isTerminal();
        private final long start = System.nanoTime();
        private int lastLength;

        Progress(PrintWriter err) {
            this.err = err;
        }

        void step(String what) {
            String line = String.format(Locale.ROOT, "sr [%6.1f s] %s", (System.nanoTime() - start) / 1e9, what);
            if (terminal) {
                err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
                lastLength = line.length();
                if (what.contains("warning:")) { // keep it: the next step starts a new line
                    err.println();
                    lastLength = 0;
                }
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
