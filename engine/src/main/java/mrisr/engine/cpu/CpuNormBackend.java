package mrisr.engine.cpu;

import mrisr.engine.NormBackend;
import mrisr.engine.Tensor;
import mrisr.kernels.Normalize;
import mrisr.kernels.Softmax;

/** CPU implementation of {@link NormBackend} over the kernels in {@code mrisr.kernels}. */
final class CpuNormBackend implements NormBackend {
    static final CpuNormBackend INSTANCE = new CpuNormBackend();

    private CpuNormBackend() {}

    @Override
    public Tensor softmax(Tensor x, int dim, boolean log) {
        int[] shape = x.shape();
        Tensor y = CpuBackend.empty(log ? "log_softmax" : "softmax", shape);
        Softmax.forward(CpuBackend.denseData(x), CpuIndexBackend.outer(shape, dim), shape[dim],
                CpuIndexBackend.inner(shape, dim), log, CpuBackend.data(y));
        return y;
    }

    @Override
    public Tensor softmaxBackward(Tensor y, Tensor g, int dim, boolean log) {
        int[] shape = y.shape();
        Tensor gx = CpuBackend.empty(log ? "log_softmax backward" : "softmax backward", shape);
        Softmax.backward(CpuBackend.denseData(y), CpuBackend.denseData(g),
                CpuIndexBackend.outer(shape, dim), shape[dim], CpuIndexBackend.inner(shape, dim), log,
                CpuBackend.data(gx));
        return gx;
    }

    @Override
    public Tensor[] layerNorm(Tensor x, int normalizedDims, Tensor weight, Tensor bias, double eps) {
        int lead = x.dim() - normalizedDims;
        int rows = CpuIndexBackend.outer(x.shape(), lead), len = CpuIndexBackend.inner(x.shape(), lead - 1);
        return normalize("layer_norm", x, rows, 1, len, 1, weight, bias, eps, rows);
    }

    @Override
    public Tensor[] layerNormBackward(Tensor g, Tensor x, Tensor mean, Tensor rstd, int normalizedDims,
            Tensor weight, boolean needInput, boolean needWeight, boolean needBias) {
        int lead = x.dim() - normalizedDims;
        int rows = CpuIndexBackend.outer(x.shape(), lead), len = CpuIndexBackend.inner(x.shape(), lead - 1);
        return normalizeBackward("layer_norm", g, x, mean, rstd, rows, 1, len, 1, weight, needInput, needWeight,
                needBias);
    }

    @Override
    public Tensor[] groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, double eps) {
        int n = x.size(0);
        return normalize("group_norm", x, n * groups, groups, x.size(1) / groups, spatial(x), weight, bias, eps, n,
                groups);
    }

    @Override
    public Tensor[] groupNormBackward(Tensor g, Tensor x, Tensor mean, Tensor rstd, int groups, Tensor weight,
            boolean needInput, boolean needWeight, boolean needBias) {
        return normalizeBackward("group_norm", g, x, mean, rstd, x.size(0) * groups, groups, x.size(1) / groups,
                spatial(x), weight, needInput, needWeight, needBias);
    }

    /** Elements per channel of {@code [N, C, …]}. */
    private static int spatial(Tensor x) {
        return CpuIndexBackend.inner(x.shape(), 1);
    }

    private static Tensor[] normalize(String op, Tensor x, int rows, int groups, int perGroup, int segment,
            Tensor weight, Tensor bias, double eps, int... statsShape) {
        Tensor y = CpuBackend.empty(op, x.shape());
        Tensor mean = CpuBackend.empty(op + " mean", statsShape), rstd = CpuBackend.empty(op + " rstd", statsShape);
        Normalize.forward(CpuBackend.denseData(x), rows, groups, perGroup, segment, dataOrNull(weight),
                dataOrNull(bias), eps, CpuBackend.data(y), CpuBackend.data(mean), CpuBackend.data(rstd));
        return new Tensor[] {y, mean, rstd};
    }

    private static Tensor[] normalizeBackward(String op, Tensor g, Tensor x, Tensor mean, Tensor rstd, int rows,
            int groups, int perGroup, int segment, Tensor weight, boolean needInput, boolean needWeight,
            boolean needBias) {
        float[] gd = CpuBackend.denseData(g), xd = CpuBackend.denseData(x);
        float[] md = CpuBackend.denseData(mean), rd = CpuBackend.denseData(rstd);
        Tensor gx = null, gw = null, gb = null;
        if (needInput) {
            gx = CpuBackend.empty(op + " backward", x.shape());
            Normalize.backwardInput(gd, xd, md, rd, rows, groups, perGroup, segment, dataOrNull(weight),
                    CpuBackend.data(gx));
        }
        if (needWeight || needBias) {
            int channels = groups * perGroup;
            gw = needWeight ? CpuBackend.empty(op + " weight backward", channels) : null;
            gb = needBias ? CpuBackend.empty(op + " bias backward", channels) : null;
            Normalize.backwardAffine(gd, xd, md, rd, rows, groups, perGroup, segment,
                    gw == null ? null : CpuBackend.data(gw), gb == null ? null : CpuBackend.data(gb));
        }
        return new Tensor[] {gx, gw, gb};
    }

    private static float[] dataOrNull(Tensor t) {
        return t == null ? null : CpuBackend.denseData(t);
    }
}
