package mrisr.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mrisr.kernels.Parallel;
import mrisr.sr.metrics.Evaluation;

/**
 * The acceptance comparison for {@code mrisr eval}: all metrics ({@link Evaluation#evaluate}) on a
 * 181×217×181 pair against scikit-image's SSIM alone on the same pair.
 *
 * <p>Builds {@link EvalBenchmark}'s fixed pair, writes it as raw float32 to a temporary directory,
 * times {@code Evaluation.evaluate} (one warm-up run, then the median of {@code --repeats} runs, 3
 * by default) and runs {@code bench/src/main/python/peer_ssim.py} under {@code /usr/bin/python3},
 * which times {@code skimage.metrics.structural_similarity} with the SSIM definition mrisr pins
 * (median of the same number of runs). It prints both medians of wall-clock time and of CPU time
 * (on a shared machine the CPU time is the steadier measure), their ratios, the time of mrisr's
 * warm-up run (a one-shot {@code mrisr eval} pays that JIT warm-up), the per-metric split of the
 * last mrisr run, and both SSIM values (they must agree). Without scikit-image it prints mrisr's
 * time and says why the comparison was skipped. Run from the repository root:
 *
 * <pre>
 *   ./mvnw -q -pl bench -am package -DskipTests
 *   java --add-modules jdk.incubator.vector -Xmx8g -cp bench/target/benchmarks.jar mrisr.bench.EvalVsSkimage
 * </pre>
 *
 * Options: {@code --repeats N}, {@code --threads N} (default: all cores),
 * {@code --python PATH} (default {@code /usr/bin/python3}), {@code --script PATH} (default
 * {@code bench/src/main/python/peer_ssim.py}).
 */
public final class EvalVsSkimage {
    private EvalVsSkimage() {}

    public static void main(String[] args) throws Exception {
        int repeats = 3;
        String python = "/usr/bin/python3";
        Path script = Path.of("bench", "src", "main", "python", "peer_ssim.py");
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--repeats" -> repeats = Integer.parseInt(require(args[i], value));
                case "--threads" -> Parallel.setThreads(Integer.parseInt(require(args[i], value)));
                case "--python" -> python = require(args[i], value);
                case "--script" -> script = Path.of(require(args[i], value));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --repeats N, --threads N, --python PATH, --script PATH");
            }
            i++;
        }
        if (repeats < 1) throw new IllegalArgumentException("--repeats must be >= 1, got " + repeats);

        System.out.println("building the pair: " + Arrays.toString(EvalBenchmark.SHAPE) + " brain phantom (seed " + EvalBenchmark.SEED
                + ") vs the same degraded to 4 mm slices (Gaussian profile, 1% noise) and cubic-upsampled");
        EvalBenchmark.Pair pair = EvalBenchmark.pair();
        double range = pair.dataRange();

        System.out.println("timing mrisr Evaluation.evaluate (PSNR, SSIM, MS-SSIM, NRMSE, HFEN, VIF), " + Parallel.threads()
                + " threads, 1 warm-up + " + repeats + " runs");
        Map<String, Double> split = new LinkedHashMap<>();
        Evaluation.Report report = null;
        List<Double> ours = new ArrayList<>(), oursCpu = new ArrayList<>();
        double firstRun = Double.NaN;
        for (int run = 0; run <= repeats; run++) {
            split.clear();
            long[] last = {System.nanoTime()};
            String[] current = {null};
            long start = System.nanoTime(), startCpu = processCpuNanos();
            report = Evaluation.evaluate(pair.ref(), pair.test(), null, Evaluation.Options.defaults(), name -> {
                long now = System.nanoTime();
                if (current[0] != null) split.put(current[0], (now - last[0]) / 1e9);
                current[0] = name;
                last[0] = now;
            });
            long end = System.nanoTime(), endCpu = processCpuNanos();
            split.put(current[0], (end - last[0]) / 1e9);
            if (run > 0) {
                ours.add((end - start) / 1e9);
                oursCpu.add((endCpu - startCpu) / 1e9);
            } else {
                firstRun = (end - start) / 1e9;
            }
        }
        double oursMedian = median(ours), oursCpuMedian = median(oursCpu);
        System.out.printf(Locale.ROOT, "mrisr  all metrics: median %.3f s wall (runs %s), %.3f s CPU (all threads; runs %s)%n",
                oursMedian, format(ours), oursCpuMedian, format(oursCpu));
        System.out.printf(Locale.ROOT, "       first (warm-up) run, JIT still compiling: %.3f s wall%n", firstRun);
        StringBuilder sb = new StringBuilder("       last run by metric:");
        for (Map.Entry<String, Double> e : split.entrySet()) sb.append(String.format(Locale.ROOT, " %s %.3f s", e.getKey(), e.getValue()));
        System.out.println(sb);

        String missing = missingPeer(python, script);
        if (missing != null) {
            System.out.println("scikit-image comparison skipped: " + missing);
            return;
        }
        Path dir = Files.createTempDirectory("mrisr-eval-vs-skimage");
        try {
            Path ref = dir.resolve("ref.f32"), test = dir.resolve("test.f32");
            writeFloat32(pair.ref().data().toArray(), ref);
            writeFloat32(pair.test().data().toArray(), test);
            int[] s = EvalBenchmark.SHAPE;
            String json = runPeer(List.of(python, script.toString(), ref.toString(), test.toString(), Integer.toString(s[0]),
                    Integer.toString(s[1]), Integer.toString(s[2]), Double.toString(range), Integer.toString(repeats)));
            double peerMedian = number(json, "median_s"), peerCpuMedian = number(json, "median_cpu_s");
            double peerSsim = number(json, "ssim");
            System.out.printf(Locale.ROOT, "skimage %s structural_similarity alone: median %.3f s wall (runs %s), %.3f s CPU (runs %s)%n",
                    string(json, "skimage"), peerMedian, array(json, "seconds"), peerCpuMedian, array(json, "cpu_seconds"));
            double ssim = report.metrics().get("ssim");
            System.out.printf(Locale.ROOT, "SSIM: mrisr %.12f, scikit-image %.12f (difference %.2g)%n", ssim, peerSsim, Math.abs(ssim - peerSsim));
            System.out.printf(Locale.ROOT, "mrisr all metrics / scikit-image SSIM: wall %.2f (mrisr is %s), CPU %.2f%n", oursMedian / peerMedian,
                    oursMedian < peerMedian ? "faster" : "slower", oursCpuMedian / peerCpuMedian);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** CPU time of the whole JVM (all threads, JIT and GC included), in nanoseconds. */
    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String require(String option, String value) {
        if (value == null) throw new IllegalArgumentException(option + " needs a value");
        return value;
    }

    /** Why the peer cannot run, or {@code null} when Python, the script and scikit-image are there. */
    private static String missingPeer(String python, Path script) throws InterruptedException {
        if (!Files.isExecutable(Path.of(python))) return python + " not found";
        if (!Files.isRegularFile(script)) return "peer script " + script + " not found (run from the repository root or pass --script)";
        try {
            Process p = new ProcessBuilder(python, "-c", "import skimage, scipy, numpy").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return python + " did not answer within 60 s";
            }
            if (p.exitValue() != 0) {
                return "scikit-image is missing under " + python + " (apt-get install python3-skimage): " + lastLine(out);
            }
        } catch (IOException e) {
            return "cannot run " + python + ": " + e.getMessage();
        }
        return null;
    }

    private static String runPeer(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) throw new IOException("peer script failed (exit " + p.exitValue() + "): " + String.join(" ", command));
        return lastLine(out);
    }

    private static String lastLine(String s) {
        int nl = s.lastIndexOf('\n');
        return nl < 0 ? s : s.substring(nl + 1);
    }

    /** Raw little-endian float32 in the array's (row-major {@code [i, j, k]}) order. */
    private static void writeFloat32(float[] values, Path file) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(b.array());
        }
    }

    private static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": ([-+0-9.eE]+)").matcher(json);
        if (!m.find()) throw new IllegalStateException("peer output has no number '" + key + "': " + json);
        return Double.parseDouble(m.group(1));
    }

    private static String string(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": \"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : "?";
    }

    private static String array(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": \\[([^\\]]*)\\]").matcher(json);
        if (!m.find()) return "?";
        List<Double> v = new ArrayList<>();
        for (String part : m.group(1).split(",")) v.add(Double.parseDouble(part.trim()));
        return format(v);
    }

    private static String format(List<Double> seconds) {
        StringBuilder sb = new StringBuilder();
        for (double s : seconds) sb.append(sb.isEmpty() ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", s));
        return sb.toString();
    }

    private static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
