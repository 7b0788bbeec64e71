package mrisr.engine.cpu;

import mrisr.engine.AttentionBackend;

/** CPU implementation of {@link AttentionBackend} over the kernels in {@code mrisr.kernels}. */
final class CpuAttentionBackend implements AttentionBackend {
    static final CpuAttentionBackend INSTANCE = new CpuAttentionBackend();

    private CpuAttentionBackend() {}
}
