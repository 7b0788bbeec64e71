package mrisr.bench;

import java.util.List;

/**
 * The rows of {@code mrisr bench kernels}: stable ids and their float32 shapes. The ids are the
 * keys of the JSON report and of the README's table; never rename one, add a new id instead.
 *
 * <p>{@link Scale#SMOKE} keeps every id but shrinks its shape to a few hundred elements, so tests
 * can run the whole suite in well under a second.
 */
final class KernelSuite {
    private KernelSuite() {}

    /** Full shapes, or tiny ones with the same ids for tests. */
    enum Scale { FULL, SMOKE }

    /** One row: a stable id and what it times. */
    record KernelCase(String id, KernelSpec spec) {}

    /** The footer that states how work is counted. */
    static final String CONVENTIONS = "GFLOP/s conventions: GEMM 2mnk; conv 2*MACs of the direct convolution forward, "
            + "x3 for fwd+bwd (input and weight gradients), also for layers run by Winograd, which multiplies less: "
            + "their GFLOP/s are direct-equivalent and % peak can pass 100; attention 4*B*H*L*S*d forward, x3.5 for "
            + "fwd+bwd; FFT 5*N*log2(N); srnet-train-step 2*MACs*3 of its convolutions. Trilinear upsampling in GB/s "
            + "of input read + output written. % peak = GFLOP/s / measured FMA peak.";

    /** The suite's rows, in report order. */
    static List<KernelCase> cases(Scale scale) {
        boolean full = scale == Scale.FULL;
        return List.of(
                new KernelCase("sgemm-1024", new KernelSpec.Sgemm(full ? 1024 : 17)),
                new KernelCase("sgemm-2048", new KernelSpec.Sgemm(full ? 2048 : 24)),
                new KernelCase("conv3d-1x32-64-fwd", conv3d(1, 32, full ? 64 : 5, false, full)),
                new KernelCase("conv3d-1x32-64-fwdbwd", conv3d(1, 32, full ? 64 : 5, true, full)),
                new KernelCase("conv3d-32x32-64-fwd", conv3d(32, 32, full ? 64 : 5, false, full)),
                new KernelCase("conv3d-32x32-64-fwdbwd", conv3d(32, 32, full ? 64 : 5, true, full)),
                new KernelCase("conv3d-64x64-32-fwd", conv3d(64, 64, full ? 32 : 4, false, full)),
                new KernelCase("conv3d-64x64-32-fwdbwd", conv3d(64, 64, full ? 32 : 4, true, full)),
                new KernelCase("conv2d-16x64x64-64-fwdbwd",
                        new KernelSpec.Convolution(2, full ? 16 : 2, full ? 64 : 3, full ? 64 : 3, full ? 64 : 7, true)),
                new KernelCase("attn-256x4x64x32-fwdbwd", full
                        ? new KernelSpec.ScaledDotProductAttention(256, 4, 64, 32, true)
                        : new KernelSpec.ScaledDotProductAttention(2, 2, 5, 3, true)),
                new KernelCase("attn-1x4x4096x32-fwd", full
                        ? new KernelSpec.ScaledDotProductAttention(1, 4, 4096, 32, false)
                        : new KernelSpec.ScaledDotProductAttention(1, 2, 9, 3, false)),
                new KernelCase("trilinear2x-128", new KernelSpec.TrilinearUpsample(full ? 128 : 5)),
                new KernelCase("fft3d-128-c64", new KernelSpec.Fft3d(full ? 128 : 6)),
                new KernelCase("srnet-train-step", full
                        ? new KernelSpec.SrNetTrainStep(64, 32, 8)
                        : new KernelSpec.SrNetTrainStep(5, 3, 2)));
    }

    /** A 3-D convolution row; smoke scale cuts the channels to at most 3. */
    private static KernelSpec conv3d(int in, int out, int size, boolean backward, boolean full) {
        return full ? new KernelSpec.Convolution(3, 1, in, out, size, backward)
                : new KernelSpec.Convolution(3, 1, Math.min(in, 3), Math.min(out, 3), size, backward);
    }
}
