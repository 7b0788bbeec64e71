package mrisr.engine.cpu;

import java.util.Arrays;
import mrisr.engine.ConvBackend;
import mrisr.engine.Tensor;
import mrisr.kernels.FastConv;
import mrisr.kernels.reference.SlidingWindow;

/**
 * CPU implementation of {@link ConvBackend} over {@link FastConv}, which picks a Vector API kernel
 * per shape (see {@link FastConv#plan}) and runs the scalar twin in
 * {@code mrisr.kernels.reference.ConvReference} when {@code -Dmrisr.kernels=scalar} is set.
 */
final class CpuConvBackend implements ConvBackend {
    static final CpuConvBackend INSTANCE = new CpuConvBackend();

    private CpuConvBackend() {}

    @Override
    public Tensor convolution(Tensor x, Tensor weight, Tensor bias, int[] outputSize, int[] stride, int[] padding,
            int[] dilation, int groups) {
        int n = x.size(0), c = x.size(1), o = weight.size(0);
        SlidingWindow win = SlidingWindow.of(spatial(x), spatial(weight), outputSize, stride, padding, dilation);
        Tensor y = CpuBackend.empty("convolution output", batchShape(n, o, outputSize));
        FastConv.forward(n, c, o, groups, win, CpuBackend.denseData(x), 0, CpuBackend.denseData(weight), 0,
                bias == null ? null : CpuBackend.denseData(bias), 0, false, CpuBackend.data(y), 0);
        return y;
    }

    @Override
    public Tensor convolutionTranspose(Tensor y, Tensor weight, Tensor bias, int[] inputSize, int[] stride,
            int[] padding, int[] dilation, int groups) {
        int n = y.size(0), o = y.size(1), c = weight.size(1) * groups;
        SlidingWindow win = SlidingWindow.of(inputSize, spatial(weight), spatial(y), stride, padding, dilation);
        Tensor x = CpuBackend.empty("transposed convolution output", batchShape(n, c, inputSize));
        FastConv.backwardData(n, c, o, groups, win, CpuBackend.denseData(y), 0, CpuBackend.denseData(weight), 0,
                bias == null ? null : CpuBackend.denseData(bias), 0, false, CpuBackend.data(x), 0);
        return x;
    }

    @Override
    public Tensor convolutionBackwardWeight(Tensor x, Tensor gradOutput, int[] kernelSize, int[] stride,
            int[] padding, int[] dilation, int groups) {
        int n = x.size(0), c = x.size(1), o = gradOutput.size(1);
        SlidingWindow win = SlidingWindow.of(spatial(x), kernelSize, spatial(gradOutput), stride, padding, dilation);
        Tensor gw = CpuBackend.empty("convolution weight gradient", batchShape(o, c / groups, kernelSize));
        FastConv.backwardWeight(n, c, o, groups, win, CpuBackend.denseData(x), 0,
                CpuBackend.denseData(gradOutput), 0, CpuBackend.data(gw), 0);
        return gw;
    }

    /** The spatial sizes of an {@code [N, C, spatial…]} tensor. */
    static int[] spatial(Tensor t) {
        int[] s = t.shape();
        return Arrays.copyOfRange(s, 2, s.length);
    }

    /** {@code [a, b, spatial…]}. */
    static int[] batchShape(int a, int b, int[] spatial) {
        int[] s = new int[spatial.length + 2];
        s[0] = a;
        s[1] = b;
        System.arraycopy(spatial, 0, s, 2, spatial.length);
        return s;
    }
}
