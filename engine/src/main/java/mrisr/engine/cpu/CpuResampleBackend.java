package mrisr.engine.cpu;

import mrisr.engine.ResampleBackend;

/** CPU implementation of {@link ResampleBackend} over the kernels in {@code mrisr.kernels}. */
final class CpuResampleBackend implements ResampleBackend {
    static final CpuResampleBackend INSTANCE = new CpuResampleBackend();

    private CpuResampleBackend() {}
}
