package mrisr.sr.methods.pnp;

import mrisr.sr.InputException;

/** A denoiser that cannot be used as asked: an unknown name, a missing or malformed model file; CLI exit code 2. */
public class DenoiserException extends InputException {
    private static final long serialVersionUID = 1L;

    public DenoiserException(String message) {
        super(message);
    }

    public DenoiserException(String message, Throwable cause) {
        super(message, cause);
    }
}
