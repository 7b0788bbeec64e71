package mrisr.sr.io;

import mrisr.sr.InputException;

/**
 * A NIfTI file that cannot be read or a volume that cannot be written as NIfTI: a malformed or
 * unsupported header, truncated or corrupt data, a size claim over the memory budget.
 *
 * <p>The message names the file, the offending field and value, and what was expected, for example
 * {@code scan.nii: NIfTI header: dim[2] = -8, must be >= 1}. The CLI prints it on one line and
 * exits with code 2.
 */
public class NiftiException extends InputException {
    private static final long serialVersionUID = 1L;

    public NiftiException(String message) {
        super(message);
    }

    public NiftiException(String message, Throwable cause) {
        super(message, cause);
    }
}
