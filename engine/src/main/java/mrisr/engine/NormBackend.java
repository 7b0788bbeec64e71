package mrisr.engine;

/** Norm kernels of a {@link Backend}. Methods follow the conventions stated on {@link Backend}. */
public interface NormBackend {
}
