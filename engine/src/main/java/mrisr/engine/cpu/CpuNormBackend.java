package mrisr.engine.cpu;

import mrisr.engine.NormBackend;

/** CPU implementation of {@link NormBackend} over the kernels in {@code mrisr.kernels}. */
final class CpuNormBackend implements NormBackend {
    static final CpuNormBackend INSTANCE = new CpuNormBackend();

    private CpuNormBackend() {}
}
