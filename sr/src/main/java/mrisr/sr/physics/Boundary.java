package mrisr.sr.physics;

/**
 * How a filter reads samples outside {@code [0, n)} along an axis.
 *
 * <p>Every operator built on a boundary is a sparse matrix in which out-of-range taps are folded
 * onto in-range columns (or dropped), and its adjoint is the transpose of that same matrix, so the
 * adjoint is exact for every mode. With a normalised, non-negative, symmetric kernel,
 * {@link #SYMMETRIC} and {@link #CIRCULAR} blur preserve constants and have spectral norm exactly 1
 * (they are diagonalised by the DCT-II and the DFT respectively); {@link #ZERO} darkens the edges
 * and has norm below 1.
 */
public enum Boundary {
    /** Samples outside the volume are 0 (the object ends at the field of view). */
    ZERO,
    /**
     * Half-sample symmetric extension {@code … x₁ x₀ | x₀ x₁ … x_{n−1} | x_{n−1} x_{n−2} …}
     * (numpy's {@code symmetric}, scipy.ndimage's {@code reflect}); repeats with period {@code 2n}.
     */
    SYMMETRIC,
    /** Periodic extension {@code x_{i+n} = x_i} (the DFT's model). */
    CIRCULAR;

    /**
     * The in-range index that sample {@code i} reads along an axis of length {@code n}, or −1 when
     * it reads a zero.
     */
    int map(long i, int n) {
        if (i >= 0 && i < n) return (int) i;
        return switch (this) {
            case ZERO -> -1;
            case CIRCULAR -> (int) Math.floorMod(i, (long) n);
            case SYMMETRIC -> {
                long r = Math.floorMod(i, 2L * n);
                yield (int) (r < n ? r : 2L * n - 1 - r);
            }
        };
    }
}
