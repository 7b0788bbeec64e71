package mrisr.sr.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import mrisr.sr.InputException;

/**
 * The options of one {@code mrisr train} run as they are resolved: the command line's value where
 * given, else the value stored in the checkpoint being resumed, else the method's default. A given
 * value that differs from the checkpoint's is an error — a resumed run keeps its options. Every
 * resolved option is recorded under {@code train.<name>} ({@code --phantom-size} →
 * {@code train.phantom_size}), which is what checkpoints and model files store and what a resumed
 * run reads back.
 *
 * <pre>{@code
 * TrainOptions o = new TrainOptions(null, Map.of());
 * int batch = o.integer("--batch", given, 4, 1, 4096);   // records train.batch
 * }</pre>
 */
final class TrainOptions {
    private final Path resume;
    private final Map<String, String> saved;
    private final Map<String, String> resolved = new LinkedHashMap<>();

    /**
     * @param resume the checkpoint being resumed, or null
     * @param saved  its metadata (empty for a new run; not modified)
     */
    TrainOptions(Path resume, Map<String, String> saved) {
        this.resume = resume;
        this.saved = saved;
    }

    /** The metadata key of {@code option}: {@code --phantom-size} → {@code train.phantom_size}. */
    static String key(String option) {
        return "train." + option.substring(2).replace('-', '_');
    }

    /** The value the checkpoint stores for {@code option}, or null. */
    String saved(String option) {
        return saved.get(key(option));
    }

    /**
     * The given value, else the saved one, else {@code fallback}; recorded unless all are null.
     *
     * @throws InputException when a given value differs from the saved one
     */
    String text(String option, String given, String fallback) {
        String v = pick(option, given, saved(option), fallback);
        if (v != null) resolved.put(key(option), v);
        return v;
    }

    /**
     * An integer option in {@code [min, max]}.
     *
     * @throws InputException outside the range or on a conflict with the checkpoint
     */
    int integer(String option, Integer given, int fallback, int min, int max) {
        int v = Integer.parseInt(text(option, given == null ? null : given.toString(), Integer.toString(fallback)));
        if (v < min || v > max) {
            throw new InputException(option + " " + v + (max == Integer.MAX_VALUE ? " must be >= " + min : " must be in " + min + ".." + max));
        }
        return v;
    }

    /**
     * A number option, finite and {@code > 0}.
     *
     * @throws InputException when it is not, or on a conflict with the checkpoint
     */
    double positive(String option, Double given, double fallback) {
        double v = number(option, given, fallback);
        if (!(v > 0) || Double.isInfinite(v)) throw new InputException(option + " " + v + " must be a finite number > 0");
        return v;
    }

    /**
     * A number option, finite and {@code >= 0}.
     *
     * @throws InputException when it is not, or on a conflict with the checkpoint
     */
    double nonNegative(String option, Double given, double fallback) {
        double v = number(option, given, fallback);
        if (!(v >= 0) || Double.isInfinite(v)) throw new InputException(option + " " + v + " must be a finite number >= 0");
        return v;
    }

    private double number(String option, Double given, double fallback) {
        return Double.parseDouble(text(option, given == null ? null : given.toString(), Double.toString(fallback)));
    }

    /**
     * One of {@code choices} (case-insensitive, stored in lower case).
     *
     * @throws InputException for another value or on a conflict with the checkpoint
     */
    String choice(String option, String given, String fallback, String... choices) {
        String v = text(option, given == null ? null : given.trim().toLowerCase(Locale.ROOT), fallback);
        for (String c : choices) if (c.equals(v)) return v;
        throw new InputException(option + " '" + v + "' is not one of " + String.join(", ", choices));
    }

    /** Records {@code value} for {@code option}, replacing what was resolved (e.g. the step count that {@code --epochs} gives). */
    void record(String option, String value) {
        resolved.put(key(option), value);
    }

    /**
     * {@code given} checked against the saved value of {@code option} under another label (e.g. a
     * step count derived from {@code --epochs}).
     *
     * @throws InputException on a conflict
     */
    void check(String label, String option, String given) {
        pick(label, given, saved(option), null);
    }

    /** The resolved options as {@code train.*} metadata, in resolution order (a copy). */
    Map<String, String> metadata() {
        return new LinkedHashMap<>(resolved);
    }

    private String pick(String label, String given, String stored, String fallback) {
        if (given != null && stored != null && !given.equals(stored)) {
            throw new InputException("--resume " + resume + " continues a run with " + label + " " + stored + ", but " + label + " "
                    + given + " was given; a resumed run keeps its options");
        }
        return given != null ? given : stored != null ? stored : fallback;
    }

    /** {@code 2, 2,2.0} → {@code 2,2,2}, so that equal lists compare equal. */
    static String normaliseList(String s) {
        String[] parts = s.split(",", -1);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) b.append(',');
            String t = parts[i].trim();
            try {
                double v = Double.parseDouble(t);
                b.append(v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : t);
            } catch (NumberFormatException e) {
                b.append(t);
            }
        }
        return b.toString();
    }
}
