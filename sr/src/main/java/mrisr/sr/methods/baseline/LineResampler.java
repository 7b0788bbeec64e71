package mrisr.sr.methods.baseline;

/**
 * A linear map from a line of {@code n} samples to {@code m} samples, the 1-D building block of the
 * separable {@link Interpolation}s.
 *
 * <p>Instances hold only read-only tables and may be shared across threads; each thread resamples
 * through its own {@link #worker()}, which owns any scratch memory.
 */
interface LineResampler {

    /** Input length {@code n}. */
    int inputLength();

    /** Output length {@code m}. */
    int outputLength();

    /** A resampling function with private scratch memory, for use by one thread. */
    Worker worker();

    /** Resamples one line. */
    @FunctionalInterface
    interface Worker {
        /**
         * @param in  {@code n} input samples (overwritten: used as scratch)
         * @param out receives the {@code m} output samples
         */
        void resample(double[] in, double[] out);
    }

    /** Input coordinate sampled by output index {@code i} for factor {@code f}: {@code (i + 0.5)/f − 0.5}. */
    static double position(int i, double f) {
        return (i + 0.5) / f - 0.5;
    }
}
