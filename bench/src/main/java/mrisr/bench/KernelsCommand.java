package mrisr.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import mrisr.bench.KernelSuite.KernelCase;
import mrisr.engine.Rng;
import mrisr.kernels.Parallel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mrisr bench kernels}: times every op of {@link KernelSuite} in this JVM with
 * {@link Harness}, compares each with the measured FMA peak ({@link FmaPeak}) and, when Debian's
 * {@code python3-torch} and {@code python3-numpy} are installed, with PyTorch on the same shapes and
 * thread count ({@link Peer}). Progress goes to stderr, the report ({@link KernelReport#table()})
 * to stdout, and with {@code --json} the same numbers to a file.
 */
@Command(name = "kernels",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Times the engine's kernels end to end (SGEMM, conv2d/3d, attention, trilinear upsampling, "
                + "3-D FFT, one SR training step) and reports median and first-run times, GFLOP/s or GB/s, %% of this "
                + "machine's measured FMA peak and, when python3-torch and python3-numpy are installed, the time "
                + "PyTorch takes for the same shapes.",
            "Takes a few minutes; rows slower than 30 s per run are run once."},
        footer = {"", "Examples:", "  mrisr bench kernels", "  mrisr --threads 1 bench kernels --json kernels-1t.json --no-peer",
            "  mrisr bench kernels --only sgemm,conv3d-32x32"})
public final class KernelsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE.")
    Path json;

    @Option(names = "--repeat", paramLabel = "N",
            description = "Timed runs per row after warm-up (default: as many as fit in about 6 s, 1 to 10).")
    Integer repeat;

    @Option(names = "--only", paramLabel = "PREFIX", split = ",",
            description = "Run only the rows whose id starts with PREFIX (comma-separated or repeated for several), "
                    + "e.g. --only sgemm.")
    List<String> only;

    @Option(names = "--no-peer", description = "Do not time the PyTorch peer.")
    boolean noPeer;

    @Option(names = "--smoke", hidden = true, description = "Tiny shapes and a few runs each: checks the suite runs.")
    boolean smoke;

    @Option(names = "--python", hidden = true, paramLabel = "PATH", description = "Interpreter for the peer script.")
    Path python = Peer.DEFAULT_PYTHON;

    @Override
    public Integer call() throws IOException {
        if (repeat != null && repeat < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--repeat must be >= 1, got " + repeat);
        }
        if (json != null) {
            Path dir = json.toAbsolutePath().getParent();
            if (dir != null && !Files.isDirectory(dir)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--json: directory " + dir + " does not exist");
            }
        }
        Harness.Policy policy = smoke ? Harness.Policy.smoke() : Harness.Policy.defaults(repeat == null ? 0 : repeat);
        KernelSuite.Scale scale = smoke ? KernelSuite.Scale.SMOKE : KernelSuite.Scale.FULL;
        PrintWriter err = spec.commandLine().getErr();
        KernelReport report = run(selected(KernelSuite.cases(scale)), policy, smoke, noPeer ? null : python, err);
        spec.commandLine().getOut().print(report.table());
        spec.commandLine().getOut().flush();
        if (json != null) {
            Files.writeString(json, Json.write(report.toJson(), true) + "\n");
            err.println("wrote " + json);
        }
        return 0;
    }

    /** The rows that {@code --only} keeps (all rows without it); a prefix that matches no row is a usage error. */
    private List<KernelCase> selected(List<KernelCase> cases) {
        if (only == null) return cases;
        for (String prefix : only) {
            if (cases.stream().noneMatch(c -> c.id().startsWith(prefix))) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--only: no row id starts with '" + prefix
                        + "'; ids: " + String.join(", ", cases.stream().map(KernelCase::id).toList()));
            }
        }
        return cases.stream().filter(c -> only.stream().anyMatch(c.id()::startsWith)).toList();
    }

    /**
     * Runs the suite.
     *
     * @param cases    rows to time
     * @param policy   timing policy for our rows and the peer's
     * @param quick    a short FMA peak measurement (for smoke runs)
     * @param python   interpreter for the peer script, or null to skip the peer
     * @param progress receives one line per finished row
     */
    static KernelReport run(List<KernelCase> cases, Harness.Policy policy, boolean quick, Path python, PrintWriter progress) {
        MachineInfo machine = MachineInfo.current();
        progress.println(machine.line());
        FmaPeak.Result peak = quick ? FmaPeak.measure(Parallel.threads(), 0.01, 1) : FmaPeak.measure(Parallel.threads(), 0.3, 5);
        progress.printf(Locale.ROOT, "FMA peak: %.1f GFLOP/s%n", peak.gflops());
        List<KernelReport.Row> rows = new ArrayList<>();
        for (KernelCase c : cases) {
            System.gc(); // start each row without the previous row's garbage
            Supplier<?> body = c.spec().prepare(new Rng(42));
            Harness.Timing t = new Harness(policy).measure(body);
            KernelReport.Row row = new KernelReport.Row(c.id(), c.spec(), c.spec().kernel(), t);
            rows.add(row);
            progress.printf(Locale.ROOT, "  %-26s first %10.3f ms  median %10.3f ms  (%d runs)%n", c.id(), t.firstMs(),
                    t.medianMs(), t.timedRuns());
            progress.flush();
        }
        Peer.Outcome peer = null;
        if (python != null) {
            progress.println("peer: timing the same shapes with " + python + " " + Peer.SCRIPT_RESOURCE + " ...");
            progress.flush();
            peer = Peer.run(python, cases, Parallel.threads(), policy, Duration.ofMinutes(20));
            if (peer instanceof Peer.Unavailable u) progress.println("peer unavailable: " + u.reason());
        }
        return new KernelReport(machine, peak, rows, peer);
    }
}
