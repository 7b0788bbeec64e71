package mrisr.engine.cpu;

import mrisr.engine.IndexBackend;

/** CPU implementation of {@link IndexBackend} over the kernels in {@code mrisr.kernels}. */
final class CpuIndexBackend implements IndexBackend {
    static final CpuIndexBackend INSTANCE = new CpuIndexBackend();

    private CpuIndexBackend() {}
}
