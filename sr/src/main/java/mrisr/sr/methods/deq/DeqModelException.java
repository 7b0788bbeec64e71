package mrisr.sr.methods.deq;

import mrisr.sr.InputException;

/** A DEQ prior model file that cannot be used: unreadable, malformed, or with tensors of the wrong names or shapes. */
public class DeqModelException extends InputException {
    private static final long serialVersionUID = 1L;

    public DeqModelException(String message) {
        super(message);
    }

    public DeqModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
