package mrisr.sr.data;

import mrisr.sr.InputException;

/** Training data that cannot be used as asked (no volumes, a volume smaller than a patch needs, an unusable factor); CLI exit code 2. */
public class TrainingDataException extends InputException {
    private static final long serialVersionUID = 1L;

    public TrainingDataException(String message) {
        super(message);
    }
}
