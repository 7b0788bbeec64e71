package mrisr.engine.cpu;

import mrisr.engine.PoolBackend;

/** CPU implementation of {@link PoolBackend} over the kernels in {@code mrisr.kernels}. */
final class CpuPoolBackend implements PoolBackend {
    static final CpuPoolBackend INSTANCE = new CpuPoolBackend();

    private CpuPoolBackend() {}
}
