package mrisr.sr.methods.unfolding;

import mrisr.sr.InputException;

/**
 * A model file for the {@code unfolded} method that cannot be used: unreadable, made for another
 * method, or with hyper-parameters or tensors that do not fit; the message names the file, the
 * offending value and what was expected. The CLI maps it to exit code 2.
 */
public final class UnfoldedModelException extends InputException {
    private static final long serialVersionUID = 1L;

    public UnfoldedModelException(String message) {
        super(message);
    }

    public UnfoldedModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
