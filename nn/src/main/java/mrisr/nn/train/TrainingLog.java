package mrisr.nn.train;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;

/**
 * A JSON-lines training log: one JSON object per line, written and flushed as it happens, so a
 * crashed or killed run leaves every complete line readable. Each record starts with
 * {@code "event"} ({@code start}, {@code resume}, {@code step}, {@code validation},
 * {@code checkpoint}, {@code stopped}, {@code end}), then its fields in the order given. Numbers are
 * written in full precision; non-finite numbers, which JSON cannot hold, become the strings
 * {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 *
 * <pre>
 * {"event":"step","step":12,"loss":0.01834,"lr":0.001,"grad_norm":0.41,"seconds":8.93}
 * </pre>
 *
 * <pre>{@code
 * try (TrainingLog log = TrainingLog.append(Path.of("train.jsonl"))) {
 *     log.record("step", Map.of("step", 12, "loss", 0.018));
 * }
 * }</pre>
 */
public final class TrainingLog implements Closeable {
    private final Writer out;

    private TrainingLog(Writer out) {
        this.out = out;
    }

    /** Opens {@code file} for appending (created when absent), so a resumed run continues the same log. */
    public static TrainingLog append(Path file) throws IOException {
        return new TrainingLog(new BufferedWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE)));
    }

    /** A log onto any writer (not closed by {@link #close()} unless the caller's writer is). */
    public static TrainingLog to(Writer out) {
        return new TrainingLog(out);
    }

    /**
     * Writes one line {@code {"event": event, fields…}} and flushes it.
     *
     * @param fields values are numbers, booleans, strings or null (not modified)
     * @throws UncheckedIOException when writing fails
     */
    public void record(String event, Map<String, ?> fields) {
        StringBuilder b = new StringBuilder("{\"event\":");
        quote(b, event);
        for (var e : fields.entrySet()) {
            b.append(',');
            quote(b, e.getKey());
            b.append(':');
            value(b, e.getValue());
        }
        b.append("}\n");
        try {
            out.write(b.toString());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training log: " + e.getMessage(), e);
        }
    }

    private static void value(StringBuilder b, Object v) {
        switch (v) {
            case null -> b.append("null");
            case Double d -> number(b, d);
            case Float f -> number(b, f.doubleValue());
            case Number n -> b.append(n);
            case Boolean z -> b.append(z);
            default -> quote(b, v.toString());
        }
    }

    private static void number(StringBuilder b, double d) {
        if (Double.isNaN(d)) b.append("\"NaN\"");
        else if (Double.isInfinite(d)) b.append(d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
        else if (d == Math.rint(d) && Math.abs(d) < 1e15) b.append(String.format(Locale.ROOT, "%.1f", d));
        else b.append(Double.toString(d));
    }

    /** Appends {@code s} as a JSON string literal. */
    static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
