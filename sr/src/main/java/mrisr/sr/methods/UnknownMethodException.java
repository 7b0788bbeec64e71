package mrisr.sr.methods;

import mrisr.sr.InputException;

/** A method name that no registry knows; the message lists the names that exist. CLI exit code 2. */
public class UnknownMethodException extends InputException {
    private static final long serialVersionUID = 1L;

    public UnknownMethodException(String message) {
        super(message);
    }
}
