package mrisr.nn;

import java.util.List;

/**
 * {@link Module#loadStateDict} refused a state dict. The message lists every problem, PyTorch-style;
 * the lists say which keys were missing, unexpected, or had the wrong shape. Nothing was copied.
 */
public final class StateDictException extends RuntimeException {
    private final List<String> missingKeys;
    private final List<String> unexpectedKeys;
    private final List<String> shapeMismatches;

    StateDictException(String message, List<String> missingKeys, List<String> unexpectedKeys,
            List<String> shapeMismatches) {
        super(message);
        this.missingKeys = List.copyOf(missingKeys);
        this.unexpectedKeys = List.copyOf(unexpectedKeys);
        this.shapeMismatches = List.copyOf(shapeMismatches);
    }

    /** Keys the module expects that the state dict lacks (an error only when loading strictly). */
    public List<String> missingKeys() {
        return missingKeys;
    }

    /** Keys in the state dict the module does not have (an error only when loading strictly). */
    public List<String> unexpectedKeys() {
        return unexpectedKeys;
    }

    /** Keys present on both sides whose shapes differ (always an error). */
    public List<String> shapeMismatches() {
        return shapeMismatches;
    }
}
