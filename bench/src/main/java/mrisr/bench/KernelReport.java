package mrisr.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of {@code mrisr bench kernels}: the machine, its FMA peak, one {@link Row} per case,
 * and the peer's outcome; printed as a text table ({@link #table()}, a Markdown table the README can
 * show as is) or as JSON ({@link #toJson()}).
 *
 * <p>JSON layout: {@code {"suite": "kernels", "machine": {…}, "fma_peak_gflops": …, "threads": …,
 * "peer": name or null, "peer_status": …, "conventions": …, "rows": [one object per row]}}; each row
 * has {@code id, op, shape, kernel, threads, first_ms, median_ms, min_ms, runs, gflops, gbps,
 * pct_peak} and, when the peer timed it, {@code peer} (the library that timed the row),
 * {@code peer_median_ms, peer_first_ms, peer_runs, ratio} with {@code ratio = peer_median_ms / median_ms} (&gt; 1: we are faster). Rates that do not
 * apply are null.
 *
 * @param machine   what ran the suite
 * @param peak      measured FMA peak
 * @param rows      results in suite order
 * @param peer      the peer's outcome, or null when it was not asked for ({@code --no-peer})
 */
record KernelReport(MachineInfo machine, FmaPeak.Result peak, List<Row> rows, Peer.Outcome peer) {

    /**
     * One row's measurement.
     *
     * @param id     stable id
     * @param spec   what was timed
     * @param kernel kernel path that ran it
     * @param timing our timing
     */
    record Row(String id, KernelSpec spec, String kernel, Harness.Timing timing) {
        /** GFLOP/s at the median, or NaN for memory-bound rows. */
        double gflops() {
            return spec.flops() > 0 ? spec.flops() / (timing.medianMs() * 1e6) : Double.NaN;
        }

        /** GB/s at the median, or NaN for compute-bound rows. */
        double gbps() {
            return spec.bytes() > 0 ? spec.bytes() / (timing.medianMs() * 1e6) : Double.NaN;
        }
    }

    /** The peer's timing of a row, or null. */
    Peer.Timing peerTiming(Row row) {
        return peer instanceof Peer.Ran ran ? ran.timings().get(row.id()) : null;
    }

    /** The library that timed a row (the run's peer name when the script did not say), or null. */
    String peerName(Row row) {
        Peer.Timing p = peerTiming(row);
        if (p == null) return null;
        return p.library() != null ? p.library() : ((Peer.Ran) peer).name();
    }

    /** {@code peer_median_ms / median_ms}, or NaN without a peer timing. */
    double ratio(Row row) {
        Peer.Timing p = peerTiming(row);
        return p == null ? Double.NaN : p.medianMs() / row.timing().medianMs();
    }

    double percentOfPeak(Row row) {
        return 100 * row.gflops() / peak.gflops();
    }

    /** One line about the peer for the report header. */
    String peerStatus() {
        return switch (peer) {
            case null -> "peer: not run (--no-peer)";
            case Peer.Unavailable u -> "peer: unavailable (" + u.reason() + ")";
            case Peer.Ran r -> "peer: " + r.name() + " on " + r.threads() + " threads, same shapes, run after ours"
                    + (r.skipped().isEmpty() ? "" : "; not timed: " + String.join(", ", r.skipped().keySet()));
        };
    }

    /** The text report: machine line, peak, peer line, a Markdown table, the conventions. */
    String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(machine.line()).append('\n');
        sb.append(String.format(Locale.ROOT, "FMA peak: %.1f GFLOP/s (%d threads x %d chains x %d float lanes)%n",
                peak.gflops(), peak.threads(), FmaPeak.CHAINS, peak.lanes()));
        sb.append(peerStatus()).append("\n\n");
        boolean withPeer = peer instanceof Peer.Ran;
        List<String> header = new ArrayList<>(List.of("id", "shape", "kernel", "first ms", "median ms", "runs",
                "GFLOP/s", "GB/s", "% peak"));
        if (withPeer) header.addAll(List.of("peer", "peer ms", "ratio"));
        List<List<String>> cells = new ArrayList<>();
        for (Row r : rows) {
            List<String> line = new ArrayList<>(List.of(r.id(), r.spec().shape(), r.kernel(), ms(r.timing().firstMs()),
                    ms(r.timing().medianMs()), Integer.toString(r.timing().timedRuns()), fixed(r.gflops(), 1),
                    fixed(r.gbps(), 2), fixed(percentOfPeak(r), 1)));
            if (withPeer) {
                Peer.Timing p = peerTiming(r);
                line.add(p == null ? "-" : peerName(r));
                line.add(p == null ? "-" : ms(p.medianMs()));
                line.add(fixed(ratio(r), 2));
            }
            cells.add(line);
        }
        int[] width = new int[header.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = header.get(c).length();
            for (List<String> line : cells) width[c] = Math.max(width[c], line.get(c).length());
        }
        boolean[] text = new boolean[width.length]; // id, shape, kernel and peer are text; the rest numbers
        for (int c = 0; c < width.length; c++) text[c] = c < 3 || header.get(c).equals("peer");
        appendLine(sb, header, width, text);
        sb.append('|'); // Markdown alignment row: text columns left, numbers right
        for (int c = 0; c < width.length; c++) sb.append(text[c] ? "-".repeat(width[c] + 2) : "-".repeat(width[c] + 1) + ":").append('|');
        sb.append('\n');
        for (List<String> line : cells) appendLine(sb, line, width, text);
        sb.append('\n').append(KernelSuite.CONVENTIONS).append('\n');
        sb.append("first = cold first run in this JVM; median over 'runs' timed runs after warm-up; rows over 30 s run once.");
        if (withPeer) sb.append("\nratio = peer ms / median ms: above 1 means mrisr is faster.");
        return sb.append('\n').toString();
    }

    private static void appendLine(StringBuilder sb, List<String> cells, int[] width, boolean[] text) {
        sb.append('|');
        for (int c = 0; c < width.length; c++) {
            String v = cells.get(c);
            String pad = " ".repeat(width[c] - v.length());
            sb.append(' ').append(text[c] ? v + pad : pad + v).append(" |");
        }
        sb.append('\n');
    }

    private static String ms(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v)
                : v >= 1 ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String fixed(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "-";
    }

    /** The JSON form (see the class comment). */
    Map<String, Object> toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("suite", "kernels");
        root.put("machine", machine.toJson());
        root.put("fma_peak_gflops", peak.gflops());
        root.put("threads", machine.threads());
        root.put("peer", peer instanceof Peer.Ran r ? r.name() : null);
        root.put("peer_status", peerStatus());
        root.put("conventions", KernelSuite.CONVENTIONS);
        List<Object> list = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("op", r.spec().op());
            m.put("shape", r.spec().shape());
            m.put("kernel", r.kernel());
            m.put("threads", machine.threads());
            m.put("first_ms", r.timing().firstMs());
            m.put("median_ms", r.timing().medianMs());
            m.put("min_ms", r.timing().minMs());
            m.put("runs", r.timing().timedRuns());
            m.put("gflops", r.gflops());
            m.put("gbps", r.gbps());
            m.put("pct_peak", percentOfPeak(r));
            Peer.Timing p = peerTiming(r);
            if (p != null) {
                m.put("peer", peerName(r));
                m.put("peer_median_ms", p.medianMs());
                m.put("peer_first_ms", p.firstMs());
                m.put("peer_runs", p.runs());
                m.put("ratio", ratio(r));
            }
            list.add(m);
        }
        root.put("rows", list);
        return root;
    }
}
