package mrisr.sr.physics;

import mrisr.sr.InputException;

/**
 * An invalid forward-model parameter (a factor ≤ 0, a negative FWHM, an axis out of range, a
 * factor larger than the volume). The message names the operator, the value and what was expected,
 * e.g. {@code degradation: factor along axis 2 is 0.5, must be >= 1}.
 */
public class PhysicsException extends InputException {
    private static final long serialVersionUID = 1L;

    public PhysicsException(String message) {
        super(message);
    }
}
