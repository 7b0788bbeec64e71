package mrisr.engine;

/** Fft kernels of a {@link Backend}. Methods follow the conventions stated on {@link Backend}. */
public interface FftBackend {
}
