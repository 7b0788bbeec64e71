package mrisr.engine.cpu;

import java.util.Arrays;
import mrisr.engine.Resample;
import mrisr.engine.ResampleBackend;
import mrisr.engine.Tensor;
import mrisr.kernels.Interpolate;
import mrisr.kernels.PixelShuffle;
import mrisr.kernels.reference.InterpolateReference;
import mrisr.kernels.reference.InterpolateReference.AxisTaps;

/** CPU implementation of {@link ResampleBackend} over the kernels in {@code mrisr.kernels}. */
final class CpuResampleBackend implements ResampleBackend {
    static final CpuResampleBackend INSTANCE = new CpuResampleBackend();

    private CpuResampleBackend() {}

    @Override
    public Tensor interpolate(Tensor x, int[] outSize, Resample.Mode mode, boolean alignCorners,
            double[] scaleFactors) {
        int[] inShape = x.shape();
        AxisTaps[] axes = axes(inShape, outSize, mode, alignCorners, scaleFactors);
        Tensor out = CpuBackend.empty("interpolate", outputShape(inShape, outSize));
        Interpolate.forward(inShape[0] * inShape[1], axes[0], axes[1], axes[2], CpuBackend.denseData(x),
                CpuBackend.data(out));
        return out;
    }

    @Override
    public Tensor interpolateBackward(Tensor gradOutput, int[] inputShape, Resample.Mode mode, boolean alignCorners,
            double[] scaleFactors) {
        int[] outSize = Arrays.copyOfRange(gradOutput.shape(), 2, gradOutput.dim());
        AxisTaps[] axes = axes(inputShape, outSize, mode, alignCorners, scaleFactors);
        Tensor gradInput = CpuBackend.empty("interpolate backward", inputShape);
        Interpolate.backward(inputShape[0] * inputShape[1], axes[0], axes[1], axes[2],
                CpuBackend.denseData(gradOutput), CpuBackend.data(gradInput));
        return gradInput;
    }

    /** Depth, height and width taps; leading axes a 1-D or 2-D problem lacks are the identity. */
    private static AxisTaps[] axes(int[] inShape, int[] outSize, Resample.Mode mode, boolean alignCorners,
            double[] scaleFactors) {
        InterpolateReference.Kind kind = switch (mode) {
            case NEAREST -> InterpolateReference.Kind.NEAREST;
            case LINEAR -> InterpolateReference.Kind.LINEAR;
            case CUBIC -> InterpolateReference.Kind.CUBIC;
        };
        int spatial = outSize.length;
        AxisTaps[] axes = new AxisTaps[3];
        for (int a = 0; a < 3; a++) {
            int s = a - (3 - spatial);
            axes[a] = s < 0 ? AxisTaps.identity()
                    : InterpolateReference.axis(kind, inShape[2 + s], outSize[s], alignCorners, scaleFactors[s]);
        }
        return axes;
    }

    private static int[] outputShape(int[] inShape, int[] outSize) {
        int[] shape = Arrays.copyOf(inShape, 2 + outSize.length);
        System.arraycopy(outSize, 0, shape, 2, outSize.length);
        return shape;
    }

    @Override
    public Tensor pixelShuffle(Tensor x, int factor, int spatialDims) {
        int[] lowShape = x.shape();
        int[] highShape = lowShape.clone();
        int c = lowShape.length - spatialDims - 1;
        highShape[c] = lowShape[c] / factorVolume(factor, spatialDims);
        for (int d = c + 1; d < lowShape.length; d++) highShape[d] = lowShape[d] * factor;
        Tensor out = CpuBackend.empty("pixel_shuffle", highShape);
        Geometry g = geometry(lowShape, highShape[c], factor, spatialDims);
        PixelShuffle.shuffle(g.batch, g.channels, g.lowSize, g.factors, CpuBackend.denseData(x),
                CpuBackend.data(out));
        return out;
    }

    @Override
    public Tensor pixelUnshuffle(Tensor x, int factor, int spatialDims) {
        int[] highShape = x.shape();
        int[] lowShape = highShape.clone();
        int c = highShape.length - spatialDims - 1;
        lowShape[c] = highShape[c] * factorVolume(factor, spatialDims);
        for (int d = c + 1; d < highShape.length; d++) lowShape[d] = highShape[d] / factor;
        Tensor out = CpuBackend.empty("pixel_unshuffle", lowShape);
        Geometry g = geometry(lowShape, highShape[c], factor, spatialDims);
        PixelShuffle.unshuffle(g.batch, g.channels, g.lowSize, g.factors, CpuBackend.denseData(x),
                CpuBackend.data(out));
        return out;
    }

    private static int factorVolume(int factor, int spatialDims) {
        return spatialDims == 3 ? factor * factor * factor : factor * factor;
    }

    /** The kernel's view of a shuffle: leading dimensions flattened, 2-D padded with a depth of 1. */
    private record Geometry(int batch, int channels, int[] lowSize, int[] factors) {}

    private static Geometry geometry(int[] lowShape, int highChannels, int factor, int spatialDims) {
        int c = lowShape.length - spatialDims - 1;
        int batch = 1;
        for (int d = 0; d < c; d++) batch *= lowShape[d];
        int n = lowShape.length;
        int[] lowSize = {spatialDims == 3 ? lowShape[n - 3] : 1, lowShape[n - 2], lowShape[n - 1]};
        int[] factors = {spatialDims == 3 ? factor : 1, factor, factor};
        return new Geometry(batch, highChannels, lowSize, factors);
    }
}
