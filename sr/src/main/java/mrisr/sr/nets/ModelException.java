package mrisr.sr.nets;

import mrisr.sr.InputException;

/**
 * A network model that cannot be built, read or used as asked: an invalid architecture option, a
 * model file without (or with broken) mrisr metadata, weights that do not fit, or a request the
 * trained network cannot serve. CLI exit code 2; the message names the file or option.
 */
public class ModelException extends InputException {
    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
