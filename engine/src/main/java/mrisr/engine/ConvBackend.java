package mrisr.engine;

/** Conv kernels of a {@link Backend}. Methods follow the conventions stated on {@link Backend}. */
public interface ConvBackend {
}
