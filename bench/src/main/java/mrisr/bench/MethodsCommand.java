package mrisr.bench;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import mrisr.bench.MethodSuite.Acquisition;
import mrisr.bench.MethodSuite.Dataset;
import mrisr.bench.MethodSuite.Section;
import mrisr.sr.InputException;
import mrisr.sr.io.AtomicFiles;
import mrisr.sr.methods.BundledModels;
import mrisr.sr.methods.LearnedMethod;
import mrisr.sr.methods.Methods;
import mrisr.sr.methods.SrMethod;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mrisr bench methods}: the SR leaderboard ({@link MethodSuite}). Runs every registered
 * method (or {@code --methods}) with its defaults on the brain phantom and, when Debian's
 * {@code mricron-data} is installed, on the ch2 T1 template (or {@code --datasets}), under the two
 * standard acquisitions (or {@code --degradations}), and prints {@link MethodReport#table()} to
 * stdout; progress goes to stderr, and {@code --json} writes {@link MethodReport#toJson()}
 * atomically. The learned methods use the models shipped with mrisr ({@link BundledModels}) or
 * their classical fallback, and each row says which.
 */
@Command(name = "methods",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"The super-resolution leaderboard: simulates two acquisitions with 1%% Rician noise, "
                + "(a) 2x in-plane k-space truncation and (b) 4x through-plane with a Gaussian slice profile "
                + "(FWHM = slice thickness), of a brain phantom and of the ch2 T1 brain (when mricron-data is installed), "
                + "runs every registered SR method with the matching forward model and reports PSNR, SSIM, HFEN, the "
                + "data-consistency residual ||H(x) - y|| / ||y||, wall time and peak JVM heap per method.",
            "Learned methods (pnp-hqs, pnp-admm, red, unfolded, deq) use the models shipped with mrisr when the build "
                + "has them, else their classical prior; the model column says which.",
            "Methods that cannot run (e.g. a network without its model file) are listed as skipped with the reason; "
                + "a method that fails is listed with its error and the suite goes on. The same seed gives the same "
                + "scores. The full run takes tens of minutes."},
        footer = {"", "Examples:",
            "  mrisr bench methods --json methods.json",
            "  mrisr bench methods --datasets phantom --size 96,112,96 --methods nearest,bspline,tikhonov",
            "  mrisr bench methods --datasets ch2 --degradations b --methods pnp-admm,deq --json rerun.json",
            "  mrisr --threads 4 bench methods --datasets ch2 --seed 1"})
public final class MethodsCommand implements Callable<Integer> {
    /** The dataset names {@code --datasets} accepts. */
    static final List<String> DATASETS = List.of("phantom", "ch2");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
    Path json;

    @Option(names = "--datasets", paramLabel = "LIST", split = ",",
            description = "Datasets to run: phantom, ch2 (default: phantom, and ch2 when mricron-data is installed).")
    List<String> datasetNames;

    @Option(names = "--methods", paramLabel = "LIST", split = ",",
            description = "Methods to run, by registry name (default: all of them: ${COMPLETION-CANDIDATES}).",
            completionCandidates = MethodNames.class)
    List<String> methodNames;

    @Option(names = "--degradations", paramLabel = "LIST", split = ",",
            description = "Acquisitions to simulate: a (2x in-plane k-space truncation), b (4x through-plane, Gaussian profile) "
                    + "(default: both).")
    List<String> degradationIds;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the phantom, the noise and the methods (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    @Option(names = "--size", paramLabel = "NX,NY,NZ", split = ",",
            description = "Phantom grid at 1 mm, each 16..1024 (default: 160,192,160).")
    int[] size = {160, 192, 160};

    @Option(names = "--ch2", hidden = true, paramLabel = "FILE", description = "Where to look for ch2.nii.gz.")
    Path ch2 = MethodSuite.CH2;

    @Option(names = "--models", hidden = true, paramLabel = "DIR",
            description = "A folder of dncnn/unfolded/deq.safetensors to use instead of the models shipped with mrisr.")
    Path modelsDir;

    /** The registered method names, for {@code --help}. */
    static final class MethodNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Methods.names().iterator();
        }
    }

    @Override
    public Integer call() {
        if (size.length != 3) throw new InputException("--size: need 3 values NX,NY,NZ, got " + size.length);
        for (int s : size) {
            if (s < 16 || s > 1024) throw new InputException("--size: each dimension must be in 16..1024, got " + s);
        }
        if (json != null) {
            Path dir = json.toAbsolutePath().getParent();
            if (dir == null || !Files.isDirectory(dir)) throw new InputException("--json: directory " + dir + " does not exist");
            if (Files.isDirectory(json)) throw new InputException("--json: " + json + " is a directory");
        }
        List<SrMethod> methods = methods();
        List<Acquisition> acquisitions = acquisitions();
        PrintWriter err = spec.commandLine().getErr();
        List<String> notes = new ArrayList<>();
        Set<String> names = datasetNames(notes);

        long t0 = System.nanoTime();
        MachineInfo machine = MachineInfo.current();
        err.println(machine.line());
        Map<String, String> described = new LinkedHashMap<>();
        List<Section> sections = new ArrayList<>();
        for (String name : names) {
            err.println("bench methods: preparing " + name);
            Dataset d = name.equals("phantom") ? MethodSuite.phantom(size, seed) : MethodSuite.real("ch2", ch2);
            described.put(d.name(), d.description());
            for (Acquisition a : acquisitions) sections.add(MethodSuite.run(d, a, methods, seed, err));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        MethodReport report = new MethodReport(typedCommand(), seed, machine, described, notes, sections, seconds);
        PrintWriter out = spec.commandLine().getOut();
        out.print(report.table());
        out.flush();
        if (json != null) {
            byte[] text = (Json.write(report.toJson(), true) + "\n").getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(json, o -> o.write(text));
            err.println("wrote " + json);
        }
        return 0;
    }

    /**
     * The methods to run: {@code --methods} in the order given, else every registered one; the
     * learned ones bound to {@code --models} when it is given.
     */
    List<SrMethod> methods() {
        List<SrMethod> chosen = new ArrayList<>();
        if (methodNames == null) {
            chosen.addAll(Methods.all());
        } else {
            Set<String> seen = new LinkedHashSet<>();
            for (String n : methodNames) if (seen.add(n.trim())) chosen.add(Methods.get(n.trim()));
        }
        if (modelsDir == null) return chosen;
        if (!Files.isDirectory(modelsDir)) throw new InputException("--models " + modelsDir + ": no such folder");
        BundledModels models = BundledModels.in(modelsDir);
        return chosen.stream().map(m -> m instanceof LearnedMethod l ? (SrMethod) l.withBundledModels(models) : m).toList();
    }

    /** The acquisitions to simulate: {@code --degradations} in the order given, else both. */
    List<Acquisition> acquisitions() {
        if (degradationIds == null) return List.of(Acquisition.values());
        Set<Acquisition> chosen = new LinkedHashSet<>();
        for (String id : degradationIds) chosen.add(Acquisition.byId(id, "--degradations"));
        return List.copyOf(chosen);
    }

    /** The datasets to run, in the order given; adds a note when the default ch2 is not installed. */
    private Set<String> datasetNames(List<String> notes) {
        Set<String> names = new LinkedHashSet<>();
        if (datasetNames == null) {
            names.add("phantom");
            if (Files.isRegularFile(ch2)) {
                names.add("ch2");
            } else {
                notes.add("ch2 not run: " + ch2 + " not found (apt-get install mricron-data)");
            }
            return names;
        }
        for (String n : datasetNames) {
            String name = n.trim();
            if (!DATASETS.contains(name)) {
                throw new InputException("--datasets: unknown dataset '" + name + "', expected " + String.join(" or ", DATASETS));
            }
            if (name.equals("ch2") && !Files.isRegularFile(ch2)) {
                throw new InputException("--datasets ch2: " + ch2 + " not found; install it with 'apt-get install mricron-data'");
            }
            names.add(name);
        }
        return names;
    }

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./,=:@%+-]+");

    /** The command line as typed, with shell quoting where needed, so that it can be pasted back. */
    private String typedCommand() {
        CommandLine root = spec.root().commandLine();
        List<String> args = root.getParseResult() == null ? List.of() : root.getParseResult().originalArgs();
        StringBuilder sb = new StringBuilder("mrisr");
        for (String a : args) {
            sb.append(' ').append(PLAIN.matcher(a).matches() ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }
}
