package mrisr.sr.methods;

import mrisr.sr.InputException;

/** A resampling factor (or the output grid it implies) that cannot be used; CLI exit code 2. */
public class FactorException extends InputException {
    private static final long serialVersionUID = 1L;

    public FactorException(String message) {
        super(message);
    }
}
