package mrisr.engine;

/**
 * Fourier kernels of a {@link Backend}. Methods follow the conventions stated on {@link Backend}:
 * inputs may be strided views and are not modified; results are new contiguous tensors.
 *
 * <p>Complex tensors are real tensors whose last dimension has size 2 (re, im); a complex tensor's
 * "dimensions" are those before that trailing pair. Transforms are unnormalised apart from the
 * {@code scale} they are given: forward {@code X_k = Σ_j x_j e^{-2πi jk/n}}, inverse
 * {@code x_j = Σ_k X_k e^{+2πi jk/n}}. The public, differentiable API is {@link Fft}.
 */
public interface FftBackend {

    /**
     * Complex DFT over several dimensions, {@code scale · F_{d1} ⋯ F_{dk} x}.
     *
     * @param x       complex {@code [s0, …, s_{r−1}, 2]}
     * @param dims    distinct complex dimensions in {@code [0, r)} to transform (each size ≥ 1)
     * @param inverse use {@code e^{+2πi…}} instead of {@code e^{-2πi…}}
     * @param scale   factor applied to the result
     * @return complex, same shape as {@code x}
     */
    Tensor fft(Tensor x, int[] dims, boolean inverse, double scale);

    /**
     * Half spectrum of a real signal along one dimension:
     * {@code out_k = scale · Σ_j x_j e^{-2πi jk/n}} for {@code k < n/2 + 1}.
     *
     * @param x     real, size {@code n ≥ 1} along {@code dim}
     * @param dim   dimension of {@code x} to transform
     * @param scale factor applied to the result
     * @return complex, {@code x}'s shape with {@code n/2 + 1} at {@code dim} and a trailing 2
     */
    Tensor rfft(Tensor x, int dim, double scale);

    /**
     * Real signal of length {@code n} from its half spectrum along one dimension:
     * {@code out_j = scale · Σ_{k<n} X_k e^{+2πi jk/n}} with {@code X_k = z_k} for {@code k ≤ n/2} and
     * {@code X_{n−k} = conj(z_k)}; the imaginary parts of {@code z_0} and (even {@code n}) of
     * {@code z_{n/2}} are ignored.
     *
     * @param z     complex, size {@code n/2 + 1} along complex dimension {@code dim}
     * @param dim   complex dimension of {@code z} to transform
     * @param n     output length (≥ 1)
     * @param scale factor applied to the result
     * @return real, {@code z}'s shape without the trailing 2 and with {@code n} at {@code dim}
     */
    Tensor irfft(Tensor z, int dim, int n, double scale);

    /**
     * Circular shift: {@code out[…, (j + shifts[t]) mod size, …] = x[…, j, …]} along each
     * {@code dims[t]} (dimensions of {@code x} itself; shifts may be negative or exceed the size).
     */
    Tensor roll(Tensor x, int[] dims, int[] shifts);

    /**
     * Magnitude {@code sqrt(re² + im²)} of each complex element.
     *
     * @param z complex {@code [s…, 2]}
     * @return real {@code [s…]}
     */
    Tensor magnitude(Tensor z);
}
