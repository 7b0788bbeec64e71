package mrisr.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mrisr.bench.MethodSuite.Acquisition;
import mrisr.bench.MethodSuite.Row;
import mrisr.bench.MethodSuite.Section;
import mrisr.bench.MethodSuite.Status;

/**
 * The result of {@code mrisr bench methods}: printed as Markdown ({@link #table()}: the command,
 * seed and machine on top, then one table per dataset × acquisition with skipped and failed methods
 * listed under it) or as JSON ({@link #toJson()}).
 *
 * <p>JSON layout: {@code {"suite": "methods", "command": …, "seed": …, "machine": {…},
 * "datasets": [{"name", "description"}], "degradations": {"a": …, "b": …}, "notes": [...],
 * "sections": [{"dataset", "degradation", "description", "hr_shape", "lr_shape"}], "conventions": …,
 * "total_seconds": …, "rows": [one object per method × dataset × acquisition]}}; "degradations"
 * lists the acquisitions that ran. Each row has {@code dataset, degradation ("a" or "b"), method,
 * model (the prior or model of a learned method, e.g. "bundled dncnn" or "tv fallback"; null for
 * the others), status ("ok", "skipped", "failed"), reason (null when ok), psnr, ssim, hfen,
 * dc_residual, seconds, peak_mb}, the numbers null unless the status is {@code ok}. Numbers carry
 * six significant digits. The Markdown tables have the same model column ("-" for none).
 *
 * @param command      the command line as typed, starting with {@code mrisr}
 * @param seed         seed of the phantom, the noise and the methods
 * @param machine      what ran the suite
 * @param datasets     dataset name → one-line description, in run order
 * @param notes        lines about datasets that were not run and why
 * @param sections     results in run order
 * @param totalSeconds wall time of the whole suite
 */
record MethodReport(String command, long seed, MachineInfo machine, Map<String, String> datasets, List<String> notes,
        List<Section> sections, double totalSeconds) {

    /** What the columns mean. */
    static final String CONVENTIONS = "PSNR (dB) and SSIM (3-D, Gaussian window sigma 1.5) with data range = truth max - min, "
            + "higher is better; HFEN (LoG sigma 1.5), lower is better; DC = data-consistency residual ||H(x) - y|| / ||y|| "
            + "under the acquisition's noise-free forward model H against the noisy measurement y (1% noise keeps even the "
            + "truth above 0); seconds = wall time of one run of the method in this JVM (JIT warm-up included); peak MB = "
            + "peak JVM heap in use above the post-GC baseline while the method ran, sampled every "
            + HeapSampler.INTERVAL_MS + " ms (Java heap only: no native, stack or metaspace memory; 1 MB = 2^20 bytes).";

    /** The Markdown report. */
    String table() {
        StringBuilder sb = new StringBuilder("# mrisr bench methods\n\n");
        sb.append("command: `").append(command).append("`  \n");
        sb.append("seed: ").append(seed).append("  \n");
        sb.append(machine.line()).append("\n\n");
        for (Map.Entry<String, String> d : datasets.entrySet()) {
            sb.append("- dataset ").append(d.getKey()).append(": ").append(d.getValue()).append('\n');
        }
        for (Acquisition a : acquisitions()) sb.append("- degradation ").append(a.id).append(": ").append(title(a)).append('\n');
        for (String n : notes) sb.append("- note: ").append(n).append('\n');
        for (Section s : sections) {
            sb.append("\n## ").append(s.dataset()).append(", degradation ").append(s.acquisition().id).append(": ")
                    .append(s.acquisition().title).append("\n\n");
            sb.append("truth ").append(shape(s.hrShape())).append(" -> LR ").append(shape(s.lrShape())).append("; ")
                    .append(s.degradation()).append("\n\n");
            appendTable(sb, s.rows());
            for (Row r : s.rows()) {
                if (r.status() != Status.OK) sb.append('\n').append(r.status().label()).append(": ").append(r.method())
                        .append(" - ").append(r.reason());
            }
            if (s.rows().stream().anyMatch(r -> r.status() != Status.OK)) sb.append('\n');
        }
        sb.append('\n').append(CONVENTIONS).append('\n');
        sb.append(String.format(Locale.ROOT, "Total time %.1f s.%n", totalSeconds));
        return sb.toString();
    }

    /** The acquisitions the sections ran, in run order. */
    private List<Acquisition> acquisitions() {
        return sections.stream().map(Section::acquisition).distinct().toList();
    }

    private static String title(Acquisition a) {
        return a.title + ", " + Math.round(100 * MethodSuite.NOISE) + "% Rician noise";
    }

    private static final List<String> HEADER = List.of("method", "model", "PSNR dB", "SSIM", "HFEN", "DC", "seconds", "peak MB");
    /** Columns before the numbers: left-aligned. */
    private static final int TEXT_COLUMNS = 2;

    private static void appendTable(StringBuilder sb, List<Row> rows) {
        List<List<String>> cells = new ArrayList<>();
        for (Row r : rows) {
            if (r.status() != Status.OK) continue;
            cells.add(List.of(r.method(), r.model() == null ? "-" : r.model(), fixed(r.psnr(), 2), fixed(r.ssim(), 4), fixed(r.hfen(), 4),
                    fixed(r.dcResidual(), 4), fixed(r.seconds(), 2), fixed(r.peakMb(), 1)));
        }
        if (cells.isEmpty()) {
            sb.append("(no method produced a result)\n");
            return;
        }
        int[] width = new int[HEADER.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = HEADER.get(c).length();
            for (List<String> line : cells) width[c] = Math.max(width[c], line.get(c).length());
        }
        appendLine(sb, HEADER, width);
        sb.append('|'); // Markdown alignment row: method and model left, numbers right
        for (int c = 0; c < width.length; c++) sb.append(c < TEXT_COLUMNS ? "-".repeat(width[c] + 2) : "-".repeat(width[c] + 1) + ":").append('|');
        sb.append('\n');
        for (List<String> line : cells) appendLine(sb, line, width);
    }

    private static void appendLine(StringBuilder sb, List<String> cells, int[] width) {
        sb.append('|');
        for (int c = 0; c < width.length; c++) {
            String v = cells.get(c);
            String pad = " ".repeat(width[c] - v.length());
            sb.append(' ').append(c < TEXT_COLUMNS ? v + pad : pad + v).append(" |");
        }
        sb.append('\n');
    }

    private static String fixed(double v, int decimals) {
        if (Double.isNaN(v)) return "-";
        if (Double.isInfinite(v)) return v > 0 ? "inf" : "-inf";
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String shape(int[] s) {
        return s[0] + "x" + s[1] + "x" + s[2];
    }

    /** The JSON form (see the class comment). */
    Map<String, Object> toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("suite", "methods");
        root.put("command", command);
        root.put("seed", seed);
        root.put("machine", machine.toJson());
        List<Object> ds = new ArrayList<>();
        for (Map.Entry<String, String> d : datasets.entrySet()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", d.getKey());
            m.put("description", d.getValue());
            ds.add(m);
        }
        root.put("datasets", ds);
        Map<String, Object> degradations = new LinkedHashMap<>();
        for (Acquisition a : acquisitions()) degradations.put(a.id, title(a));
        root.put("degradations", degradations);
        root.put("notes", List.copyOf(notes));
        List<Object> secs = new ArrayList<>();
        List<Object> rows = new ArrayList<>();
        for (Section s : sections) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dataset", s.dataset());
            m.put("degradation", s.acquisition().id);
            m.put("description", s.degradation());
            m.put("hr_shape", ints(s.hrShape()));
            m.put("lr_shape", ints(s.lrShape()));
            secs.add(m);
            for (Row r : s.rows()) rows.add(row(s, r));
        }
        root.put("sections", secs);
        root.put("conventions", CONVENTIONS);
        root.put("total_seconds", totalSeconds);
        root.put("rows", rows);
        return root;
    }

    private static Map<String, Object> row(Section s, Row r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dataset", s.dataset());
        m.put("degradation", s.acquisition().id);
        m.put("method", r.method());
        m.put("model", r.model());
        m.put("status", r.status().label());
        m.put("reason", r.reason());
        m.put("psnr", r.psnr());
        m.put("ssim", r.ssim());
        m.put("hfen", r.hfen());
        m.put("dc_residual", r.dcResidual());
        m.put("seconds", r.seconds());
        m.put("peak_mb", r.peakMb());
        return m;
    }

    private static List<Object> ints(int[] v) {
        List<Object> l = new ArrayList<>();
        for (int x : v) l.add(x);
        return l;
    }
}
