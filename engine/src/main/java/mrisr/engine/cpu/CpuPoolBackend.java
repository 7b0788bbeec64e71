package mrisr.engine.cpu;

import static mrisr.engine.cpu.CpuConvBackend.batchShape;
import static mrisr.engine.cpu.CpuConvBackend.spatial;

import java.util.Arrays;
import mrisr.engine.PoolBackend;
import mrisr.engine.Tensor;
import mrisr.kernels.Pool;
import mrisr.kernels.reference.SlidingWindow;

/** CPU implementation of {@link PoolBackend} over the kernels in {@code mrisr.kernels}. */
final class CpuPoolBackend implements PoolBackend {
    static final CpuPoolBackend INSTANCE = new CpuPoolBackend();

    private CpuPoolBackend() {}

    @Override
    public Tensor avgPool(Tensor x, int[] outputSize, int[] kernel, int[] stride, int[] padding,
            boolean countIncludePad) {
        SlidingWindow win = SlidingWindow.of(spatial(x), kernel, outputSize, stride, padding, ones(kernel.length));
        Tensor y = CpuBackend.empty("avg_pool output", batchShape(x.size(0), x.size(1), outputSize));
        Pool.avgForward(planes(x), win, countIncludePad, CpuBackend.denseData(x), 0, CpuBackend.data(y), 0);
        return y;
    }

    @Override
    public Tensor avgPoolBackward(Tensor gradOutput, int[] inputSize, int[] kernel, int[] stride, int[] padding,
            boolean countIncludePad) {
        SlidingWindow win = SlidingWindow.of(inputSize, kernel, spatial(gradOutput), stride, padding,
                ones(kernel.length));
        Tensor gx = CpuBackend.empty("avg_pool input gradient", batchShape(gradOutput.size(0), gradOutput.size(1),
                inputSize));
        Pool.avgBackward(planes(gradOutput), win, countIncludePad, CpuBackend.denseData(gradOutput), 0,
                CpuBackend.data(gx), 0);
        return gx;
    }

    @Override
    public Tensor maxPool(Tensor x, int[] outputSize, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        SlidingWindow win = SlidingWindow.of(spatial(x), kernel, outputSize, stride, padding, dilation);
        Tensor y = CpuBackend.empty("max_pool output", batchShape(x.size(0), x.size(1), outputSize));
        Pool.maxForward(planes(x), win, CpuBackend.denseData(x), 0, CpuBackend.data(y), 0);
        return y;
    }

    @Override
    public Tensor maxPoolBackward(Tensor x, Tensor gradOutput, int[] kernel, int[] stride, int[] padding,
            int[] dilation) {
        SlidingWindow win = SlidingWindow.of(spatial(x), kernel, spatial(gradOutput), stride, padding, dilation);
        Tensor gx = CpuBackend.empty("max_pool input gradient", x.shape());
        Pool.maxBackward(planes(x), win, CpuBackend.denseData(x), 0, CpuBackend.denseData(gradOutput), 0,
                CpuBackend.data(gx), 0);
        return gx;
    }

    private static int planes(Tensor t) {
        return Math.multiplyExact(t.size(0), t.size(1));
    }

    private static int[] ones(int n) {
        int[] a = new int[n];
        Arrays.fill(a, 1);
        return a;
    }
}
