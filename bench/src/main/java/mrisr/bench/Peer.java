package mrisr.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mrisr.bench.KernelSuite.KernelCase;

/**
 * Times the suite's shapes in NumPy or PyTorch with the committed peer script
 * ({@code bench/src/main/python/peer_kernels.py}, packaged next to this class) in a Python
 * subprocess, after our own rows, so the two never share the CPU.
 *
 * <p>Protocol: the script's source goes to {@code python3 -} on stdin; the arguments carry the
 * thread count (the script calls {@code torch.set_num_threads}; OpenBLAS and OpenMP get it through the
 * environment), the timing policy of
 * {@link Harness} and the cases as a JSON list of {@code {"id", "kind", shape fields…}}. The script
 * prints one JSON object on stdout:
 * <pre>
 *   {"peer": "torch 1.13.1, numpy 1.24.2", "threads": 2,
 *    "results": [{"id": "sgemm-1024", "peer": "numpy 1.24.2", "median_ms": 9.1, "first_ms": 30.2, "runs": 10}, …],
 *    "skipped": [{"id": "…", "reason": "…"}]}
 * </pre>
 * A result's {@code peer} names the library that timed that row (SGEMM and the FFT run in NumPy,
 * the rest in PyTorch); without it the row is credited to the top-level {@code peer}.
 * Or the script prints {@code {"unavailable": "reason"}} when PyTorch or NumPy cannot be imported. A missing
 * interpreter, a crash, a timeout or unreadable output all end as {@link Unavailable}: the peer is
 * optional and never fails the suite.
 *
 * <pre>{@code
 * Peer.Outcome o = Peer.run(Peer.DEFAULT_PYTHON, cases, 2, Harness.Policy.defaults(0), Duration.ofMinutes(20));
 * if (o instanceof Peer.Ran ran) System.out.println(ran.timings().get("sgemm-1024").medianMs());
 * }</pre>
 */
final class Peer {
    /** Debian's interpreter, where {@code apt-get install python3-torch python3-numpy} puts the packages. */
    static final Path DEFAULT_PYTHON = Path.of("/usr/bin/python3");
    static final String SCRIPT_RESOURCE = "peer_kernels.py";

    private Peer() {}

    /** Result of a peer run. */
    sealed interface Outcome permits Ran, Unavailable {}

    /**
     * The peer ran.
     *
     * @param name    libraries and versions, e.g. {@code torch 1.13.1, numpy 1.24.2}
     * @param threads threads the library used
     * @param timings per case id
     * @param skipped case id → why the script could not time it
     */
    record Ran(String name, int threads, Map<String, Timing> timings, Map<String, String> skipped) implements Outcome {}

    /** The peer did not run, and why (one line). */
    record Unavailable(String reason) implements Outcome {}

    /**
     * The peer's timing of one case, milliseconds.
     *
     * @param library the library that timed it, e.g. {@code numpy 1.24.2}, or null when the script did not say
     */
    record Timing(double medianMs, double firstMs, int runs, String library) {
        Timing(double medianMs, double firstMs, int runs) {
            this(medianMs, firstMs, runs, null);
        }
    }

    /**
     * Runs the peer script on {@code cases}.
     *
     * @param python  interpreter to run
     * @param cases   rows to time (their ids and {@link KernelSpec#peerCase()})
     * @param threads thread count for PyTorch
     * @param policy  timing policy the script mirrors
     * @param timeout wall-clock limit; the subprocess is killed after it
     */
    static Outcome run(Path python, List<KernelCase> cases, int threads, Harness.Policy policy, Duration timeout) {
        if (!Files.isExecutable(python)) return new Unavailable(python + " not found");
        String script;
        try (InputStream in = Peer.class.getResourceAsStream(SCRIPT_RESOURCE)) {
            if (in == null) return new Unavailable("peer script " + SCRIPT_RESOURCE + " is not packaged with mrisr");
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new Unavailable("cannot read the peer script: " + e.getMessage());
        }
        List<String> command = new ArrayList<>(List.of(python.toString(), "-", "--threads", Integer.toString(threads),
                "--warmup-s", Double.toString(policy.warmupSeconds()),
                "--min-warmup-runs", Integer.toString(policy.minWarmupRuns()),
                "--budget-s", Double.toString(policy.rowBudgetSeconds()),
                "--min-repeats", Integer.toString(policy.minRepeats()),
                "--max-repeats", Integer.toString(policy.maxRepeats()),
                "--repeat", Integer.toString(policy.repeats()),
                "--once-over-s", Double.toString(policy.runOnceOverSeconds()),
                "--cases", Json.write(casesJson(cases), false)));
        ProcessBuilder pb = new ProcessBuilder(command);
        // Keep the BLAS/OpenMP pools at the same size as torch's intra-op pool.
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        pb.environment().put("MKL_NUM_THREADS", Integer.toString(threads));
        pb.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            return new Unavailable("cannot start " + python + ": " + e.getMessage());
        }
        CompletableFuture<String> out = drain(p.getInputStream()), err = drain(p.getErrorStream());
        try (OutputStream stdin = p.getOutputStream()) {
            stdin.write(script.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the interpreter exited before reading its program: its exit code and stderr say why
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return new Unavailable("peer script timed out after " + timeout.toSeconds() + " s");
            }
            String stdout = out.get(), stderr = err.get();
            if (stdout.isBlank()) {
                return new Unavailable("peer script failed (exit " + p.exitValue() + "): " + lastLine(stderr));
            }
            return parse(stdout);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Unavailable("interrupted while waiting for the peer script");
        } catch (ExecutionException e) {
            return new Unavailable("cannot read the peer script's output: " + e.getCause().getMessage());
        }
    }

    /** The case list sent to the script: id plus the spec's peer parameters. */
    static List<Map<String, Object>> casesJson(List<KernelCase> cases) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (KernelCase c : cases) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", c.id());
            m.putAll(c.spec().peerCase());
            list.add(m);
        }
        return list;
    }

    /** Reads the script's stdout (one JSON object, see the class comment); malformed output is {@link Unavailable}. */
    static Outcome parse(String stdout) {
        try {
            if (!(Json.parse(stdout.strip()) instanceof Map<?, ?> root)) return new Unavailable("peer output is not a JSON object");
            if (root.get("unavailable") != null) return new Unavailable(String.valueOf(root.get("unavailable")));
            String name = requireString(root, "peer");
            int threads = (int) requireNumber(root, "threads");
            Map<String, Timing> timings = new LinkedHashMap<>();
            for (Object o : requireList(root, "results")) {
                if (!(o instanceof Map<?, ?> r)) throw new IllegalArgumentException("a result is not an object");
                timings.put(requireString(r, "id"), new Timing(requireNumber(r, "median_ms"), requireNumber(r, "first_ms"),
                        (int) requireNumber(r, "runs"), r.get("peer") == null ? null : requireString(r, "peer")));
            }
            Map<String, String> skipped = new LinkedHashMap<>();
            if (root.get("skipped") != null) {
                for (Object o : requireList(root, "skipped")) {
                    if (!(o instanceof Map<?, ?> r)) throw new IllegalArgumentException("a skipped entry is not an object");
                    skipped.put(requireString(r, "id"), String.valueOf(r.get("reason")));
                }
            }
            return new Ran(name, threads, timings, skipped);
        } catch (IllegalArgumentException e) {
            return new Unavailable("unreadable peer output: " + e.getMessage());
        }
    }

    private static String requireString(Map<?, ?> m, String key) {
        if (m.get(key) instanceof String s) return s;
        throw new IllegalArgumentException("field '" + key + "' missing or not a string");
    }

    private static double requireNumber(Map<?, ?> m, String key) {
        if (m.get(key) instanceof Double d && Double.isFinite(d) && d >= 0) return d;
        throw new IllegalArgumentException("field '" + key + "' missing or not a non-negative number");
    }

    private static List<?> requireList(Map<?, ?> m, String key) {
        if (m.get(key) instanceof List<?> l) return l;
        throw new IllegalArgumentException("field '" + key + "' missing or not a list");
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                in.transferTo(buf);
                return buf.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, runnable -> {
            Thread t = new Thread(runnable, "mrisr-peer-reader");
            t.setDaemon(true);
            t.start();
        });
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        String last = lines[lines.length - 1].strip();
        return last.isEmpty() ? "no output" : last;
    }
}
