package mrisr.engine.cpu;

import mrisr.engine.ConvBackend;

/** CPU implementation of {@link ConvBackend} over the kernels in {@code mrisr.kernels}. */
final class CpuConvBackend implements ConvBackend {
    static final CpuConvBackend INSTANCE = new CpuConvBackend();

    private CpuConvBackend() {}
}
