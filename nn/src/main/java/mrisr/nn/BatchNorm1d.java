package mrisr.nn;

/**
 * Batch normalisation of {@code [N, C]} or {@code [N, C, L]} (see {@link BatchNorm}). PyTorch's defaults: ε = 1e-5, momentum 0.1,
 * affine, running statistics tracked.
 *
 * <pre>{@code
 * BatchNorm1d bn = new BatchNorm1d(32);
 * model.eval();                                    // now uses running_mean / running_var
 * }</pre>
 */
public final class BatchNorm1d extends BatchNorm {
    /** PyTorch's defaults. */
    public BatchNorm1d(int numFeatures) {
        this(numFeatures, 1e-5, 0.1, true, true);
    }

    /**
     * @param numFeatures       channels {@code C}
     * @param eps               added to the variance
     * @param momentum          running-statistics update factor in [0, 1], or NaN for a cumulative average
     * @param affine            learn per-channel {@code weight} and {@code bias}
     * @param trackRunningStats keep {@code running_mean}/{@code running_var} for evaluation
     */
    public BatchNorm1d(int numFeatures, double eps, double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, 1, eps, momentum, affine, trackRunningStats);
    }
}
