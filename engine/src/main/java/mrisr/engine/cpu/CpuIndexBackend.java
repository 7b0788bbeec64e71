package mrisr.engine.cpu;

import mrisr.engine.Index;
import mrisr.engine.IndexBackend;
import mrisr.engine.Tensor;
import mrisr.kernels.reference.IndexReference;

/** CPU implementation of {@link IndexBackend} over the kernels in {@code mrisr.kernels}. */
final class CpuIndexBackend implements IndexBackend {
    static final CpuIndexBackend INSTANCE = new CpuIndexBackend();

    private CpuIndexBackend() {}

    @Override
    public Tensor pad(Tensor x, int[] before, int[] after, Index.PadMode mode, float value) {
        int[] inShape = x.shape();
        int[] outShape = paddedShape(inShape, before, after);
        Tensor out = CpuBackend.empty("pad", outShape);
        IndexReference.pad(inShape, CpuBackend.denseData(x), outShape, sourceMaps(inShape, outShape, before, mode),
                value, CpuBackend.data(out));
        return out;
    }

    @Override
    public Tensor padBackward(Tensor g, int[] inputShape, int[] before, int[] after, Index.PadMode mode) {
        int[] outShape = g.shape();
        Tensor gx = CpuBackend.empty("pad backward", inputShape);
        IndexReference.padBackward(outShape, CpuBackend.denseData(g), inputShape,
                sourceMaps(inputShape, outShape, before, mode), CpuBackend.data(gx));
        return gx;
    }

    private static int[] paddedShape(int[] inShape, int[] before, int[] after) {
        int[] out = new int[inShape.length];
        for (int d = 0; d < out.length; d++) out[d] = inShape[d] + before[d] + after[d];
        return out;
    }

    /** Per dimension, the input coordinate each output coordinate reads ({@code -1}: fill value). */
    private static int[][] sourceMaps(int[] inShape, int[] outShape, int[] before, Index.PadMode mode) {
        int[][] maps = new int[inShape.length][];
        for (int d = 0; d < maps.length; d++) {
            maps[d] = new int[outShape[d]];
            for (int o = 0; o < outShape[d]; o++) maps[d][o] = mode.source(o, before[d], inShape[d]);
        }
        return maps;
    }

    @Override
    public Tensor indexSelect(Tensor x, int dim, int[] index) {
        int[] shape = x.shape();
        int[] outShape = shape.clone();
        outShape[dim] = index.length;
        Tensor out = CpuBackend.empty("index_select", outShape);
        IndexReference.indexSelect(CpuBackend.denseData(x), outer(shape, dim), shape[dim], inner(shape, dim), index,
                CpuBackend.data(out));
        return out;
    }

    @Override
    public Tensor indexAdd(Tensor g, int dim, int[] index, int size) {
        int[] shape = g.shape();
        int[] outShape = shape.clone();
        outShape[dim] = size;
        Tensor out = CpuBackend.empty("index_select backward", outShape);
        IndexReference.indexAdd(CpuBackend.denseData(g), outer(shape, dim), size, inner(shape, dim), index,
                CpuBackend.data(out));
        return out;
    }

    @Override
    public Tensor gather(Tensor x, int dim, int[] index, int[] indexShape) {
        Tensor out = CpuBackend.empty("gather", indexShape);
        IndexReference.gather(CpuBackend.denseData(x), x.shape(), dim, index, indexShape, CpuBackend.data(out));
        return out;
    }

    @Override
    public Tensor scatterAdd(Tensor g, int dim, int[] index, int[] inputShape) {
        Tensor out = CpuBackend.empty("gather backward", inputShape);
        IndexReference.scatterAdd(CpuBackend.denseData(g), g.shape(), dim, index, inputShape, CpuBackend.data(out));
        return out;
    }

    static int outer(int[] shape, int dim) {
        int n = 1;
        for (int d = 0; d < dim; d++) n *= shape[d];
        return n;
    }

    static int inner(int[] shape, int dim) {
        int n = 1;
        for (int d = dim + 1; d < shape.length; d++) n *= shape[d];
        return n;
    }
}
