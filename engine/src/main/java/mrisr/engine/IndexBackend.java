package mrisr.engine;

/** Index kernels of a {@link Backend}. Methods follow the conventions stated on {@link Backend}. */
public interface IndexBackend {
}
