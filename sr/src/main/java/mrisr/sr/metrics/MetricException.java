package mrisr.sr.metrics;

import mrisr.sr.InputException;

/**
 * Inputs that an image-quality metric cannot be computed on: volumes of different shapes, NaN or
 * infinite voxels, an empty mask, an image too small for the metric's window, a non-positive data
 * range. The message names the input, the offending value and what was expected, e.g.
 * {@code reference shape [181, 217, 181] and test shape [181, 217, 180] differ}.
 */
public class MetricException extends InputException {
    private static final long serialVersionUID = 1L;

    public MetricException(String message) {
        super(message);
    }
}
