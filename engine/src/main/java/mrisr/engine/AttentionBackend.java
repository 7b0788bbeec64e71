package mrisr.engine;

/** Attention kernels of a {@link Backend}. Methods follow the conventions stated on {@link Backend}. */
public interface AttentionBackend {
}
