package mrisr.nn.train;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Training progress on a text stream (stderr in the command line): step, loss, learning rate, speed
 * and estimated time left, e.g.
 * <pre>
 * train: step 120/2000  loss 0.01234  lr 9.9e-04  1.32 step/s  ETA 23m45s
 * </pre>
 * On a terminal the line is rewritten in place with a carriage return at most every
 * {@link #TERMINAL_INTERVAL_NANOS}; otherwise (a file, a pipe, a CI log) a plain line is printed for
 * the first and last step, every {@code total/20} steps and at least every {@link #PLAIN_INTERVAL_NANOS}.
 * {@link #message} prints a line of its own (ending a pending in-place line first).
 *
 * <p>ETA: the remaining steps times the mean time per step of this session, not counting its first
 * step (which includes warm-up).
 *
 * <pre>{@code
 * Progress p = new Progress(new PrintWriter(System.err, true), System.console() != null, "train");
 * p.step(1, 100, 0.5, 1e-3);
 * p.finish();
 * }</pre>
 */
public final class Progress {
    /** Smallest interval between in-place updates on a terminal. */
    public static final long TERMINAL_INTERVAL_NANOS = 200_000_000L;
    /** Largest interval between plain lines. */
    public static final long PLAIN_INTERVAL_NANOS = 30_000_000_000L;

    private final PrintWriter out;
    private final boolean terminal;
    private final String label;
    private long sessionStart = -1, firstStepEnd = -1, firstStep, lastPrint;
    private boolean printed, pending;
    private String metric = "";

    /**
     * @param out      where lines go (flushed after each)
     * @param terminal true to rewrite one line with carriage returns (an interactive console)
     * @param label    prefix of every line, e.g. {@code train}
     */
    public Progress(PrintWriter out, boolean terminal, String label) {
        this.out = out;
        this.terminal = terminal;
        this.label = label;
    }

    /** Marks the start of this session's steps; the next step reported is {@code firstStep}. */
    public void start(long firstStep) {
        this.sessionStart = System.nanoTime();
        this.firstStep = firstStep;
        this.firstStepEnd = -1;
    }

    /** Remembers a validation result, shown on the following progress lines. */
    public void metric(String name, double value) {
        metric = String.format(Locale.ROOT, "  %s %.3f", name, value);
    }

    /**
     * Reports that step {@code step} (1-based) of {@code total} finished with {@code loss}.
     */
    public void step(long step, long total, double loss, double lr) {
        long now = System.nanoTime();
        if (sessionStart < 0) start(step);
        if (step == firstStep) firstStepEnd = now;
        String eta = eta(step, total, now);
        String line = String.format(Locale.ROOT, "%s: step %d/%d  loss %.5g  lr %.2e%s%s", label, step, total, loss, lr,
                metric, eta);
        if (terminal) {
            if (!printed || step == total || now - lastPrint >= TERMINAL_INTERVAL_NANOS) {
                out.print("\r" + line + "\u001b[K");
                out.flush();
                pending = true;
                printed = true;
                lastPrint = now;
            }
        } else {
            long every = Math.max(1, total / 20);
            if (!printed || step == total || step % every == 0 || now - lastPrint >= PLAIN_INTERVAL_NANOS) {
                out.println(line);
                out.flush();
                printed = true;
                lastPrint = now;
            }
        }
    }

    private String eta(long step, long total, long now) {
        long timed = step - firstStep; // steps after the first of this session
        if (firstStepEnd < 0 || timed <= 0) return "";
        double perStep = (now - firstStepEnd) / 1e9 / timed;
        return String.format(Locale.ROOT, "  %.3g step/s  ETA %s", 1 / perStep, duration(perStep * (total - step)));
    }

    /** {@code 45s}, {@code 12m05s}, {@code 2h03m}. */
    static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        if (s < 60) return s + "s";
        if (s < 3600) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
    }

    /** Prints {@code text} on a line of its own. */
    public void message(String text) {
        endLine();
        out.println(label + ": " + text);
        out.flush();
    }

    /** Ends a pending in-place line. */
    public void finish() {
        endLine();
    }

    private void endLine() {
        if (pending) {
            out.println();
            out.flush();
            pending = false;
        }
    }
}
