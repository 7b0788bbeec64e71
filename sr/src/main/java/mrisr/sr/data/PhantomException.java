package mrisr.sr.data;

import mrisr.sr.InputException;

/**
 * A phantom request that cannot be met: a non-positive or overflowing grid size, a non-finite or
 * non-positive voxel spacing, an unknown phantom kind. The message names the parameter, the value
 * and what was expected, e.g. {@code phantom size [160, 0, 160]: axis 1 is 0, must be >= 1}.
 */
public class PhantomException extends InputException {
    private static final long serialVersionUID = 1L;

    public PhantomException(String message) {
        super(message);
    }
}
