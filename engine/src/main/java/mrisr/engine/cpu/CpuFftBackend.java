package mrisr.engine.cpu;

import mrisr.engine.FftBackend;

/** CPU implementation of {@link FftBackend} over the kernels in {@code mrisr.kernels}. */
final class CpuFftBackend implements FftBackend {
    static final CpuFftBackend INSTANCE = new CpuFftBackend();

    private CpuFftBackend() {}
}
