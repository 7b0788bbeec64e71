package mrisr.engine.cpu;

import mrisr.engine.AttentionBackend;
import mrisr.engine.Backend;
import mrisr.engine.ConvBackend;
import mrisr.engine.Device;
import mrisr.engine.FftBackend;
import mrisr.engine.IndexBackend;
import mrisr.engine.Memory;
import mrisr.engine.NormBackend;
import mrisr.engine.PoolBackend;
import mrisr.engine.ResampleBackend;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Storage;
import mrisr.engine.Tensor;
import mrisr.kernels.BinaryFn;
import mrisr.kernels.Pointwise;
import mrisr.kernels.Reductions;
import mrisr.kernels.Sgemm;
import mrisr.kernels.UnaryFn;
import mrisr.kernels.reference.Reduce;
import mrisr.kernels.reference.Strided;

/**
 * The CPU backend: heap float arrays and the kernels of {@code mrisr.kernels} (the Vector API kernels,
 * which fall back to their scalar twins in {@code mrisr.kernels.reference} for layouts they do not
 * cover and under {@code -Dmrisr.kernels=scalar}).
 */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {}

    /** The backing array of a CPU tensor (index it with the tensor's offset and strides). */
    public static float[] data(Tensor t) {
        if (!(t.storage() instanceof CpuStorage s)) {
            throw new IllegalArgumentException("expected a CPU tensor, got one on " + t.device());
        }
        return s.data();
    }

    /** A new contiguous CPU tensor wrapping {@code data} (not copied). */
    public static Tensor wrap(float[] data, int... shape) {
        if (data.length != Shape.numel(shape)) {
            throw new ShapeException("wrap", data.length + " values for shape " + Shape.format(shape));
        }
        return Tensor.wrap(new CpuStorage(data), shape);
    }

    /** A zero-filled contiguous tensor whose array the caller will fill (budget-checked). */
    public static Tensor empty(String what, int... shape) {
        long n = Shape.numelLong(shape);
        Memory.check(n, what + " " + Shape.format(shape));
        return Tensor.wrap(new CpuStorage(new float[(int) n]), shape);
    }

    /** {@code t} itself if contiguous with offset 0 and covering its storage, else a contiguous copy. */
    public static float[] denseData(Tensor t) {
        if (t.isContiguous() && t.offset() == 0 && data(t).length == t.numel()) return data(t);
        return INSTANCE.download(t);
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public Storage allocate(int n, String what) {
        Memory.check(n, what);
        return new CpuStorage(new float[n]);
    }

    @Override
    public Storage upload(float[] data, String what) {
        Memory.check(data.length, what);
        return new CpuStorage(data.clone());
    }

    @Override
    public float[] download(Tensor t) {
        float[] out = new float[t.numel()];
        Strided.copy(t.shape(), data(t), t.offset(), t.strides(), out, 0);
        return out;
    }

    @Override
    public Tensor contiguous(Tensor t) {
        Tensor out = empty("contiguous", t.shape());
        Strided.copy(t.shape(), data(t), t.offset(), t.strides(), data(out), 0);
        return out;
    }

    @Override
    public void copyInto(Tensor dst, Tensor src, boolean accumulate) {
        Strided.copyInto(dst.shape(), data(src), src.offset(), src.strides(), data(dst), dst.offset(), dst.strides(),
                accumulate);
    }

    @Override
    public Tensor full(int[] shape, float value) {
        Tensor out = empty("full", shape);
        if (value != 0f) java.util.Arrays.fill(data(out), value);
        return out;
    }

    @Override
    public Tensor unary(UnaryFn fn, float a, float b, Tensor x) {
        Tensor out = empty(fn.name().toLowerCase(java.util.Locale.ROOT), x.shape());
        Pointwise.unary(fn, a, b, x.shape(), data(x), x.offset(), x.strides(), data(out));
        return out;
    }

    @Override
    public Tensor unaryBackward(UnaryFn fn, float a, float b, Tensor x, Tensor y, Tensor g) {
        Tensor out = empty(fn.name().toLowerCase(java.util.Locale.ROOT) + " backward", x.shape());
        Pointwise.unaryBackward(fn, a, b, x.numel(), denseData(x), denseData(y), denseData(g), data(out));
        return out;
    }

    @Override
    public Tensor binary(BinaryFn fn, Tensor a, Tensor b) {
        Tensor out = empty(fn.name().toLowerCase(java.util.Locale.ROOT), a.shape());
        Pointwise.binary(fn, a.shape(), data(a), a.offset(), a.strides(), data(b), b.offset(), b.strides(), data(out));
        return out;
    }

    @Override
    public Tensor[] binaryBackward(BinaryFn fn, Tensor a, Tensor b, Tensor y, Tensor g, boolean needA,
            boolean needB) {
        String what = fn.name().toLowerCase(java.util.Locale.ROOT) + " backward";
        Tensor ga = needA ? empty(what, a.shape()) : null;
        Tensor gb = needB ? empty(what, a.shape()) : null;
        Pointwise.binaryBackward(fn, a.shape(), data(a), a.offset(), a.strides(), data(b), b.offset(), b.strides(),
                denseData(y), denseData(g), ga == null ? null : data(ga), gb == null ? null : data(gb));
        return new Tensor[] {ga, gb};
    }

    @Override
    public Tensor where(Tensor cond, Tensor a, Tensor b) {
        Tensor out = empty("where", a.shape());
        Strided.where(a.shape(), data(cond), cond.offset(), cond.strides(), data(a), a.offset(), a.strides(),
                data(b), b.offset(), b.strides(), data(out));
        return out;
    }

    @Override
    public Tensor sumRows(Tensor x, int rows, int len) {
        Tensor out = empty("sum", rows);
        Reductions.sumRows(denseData(x), rows, len, data(out));
        return out;
    }

    @Override
    public Tensor maxRows(Tensor x, int rows, int len) {
        Tensor out = empty("amax", rows);
        Reductions.maxRows(denseData(x), rows, len, data(out));
        return out;
    }

    @Override
    public double sumAll(Tensor x) {
        float[] d = denseData(x);
        return Reduce.sumAll(d, 0, x.numel());
    }

    @Override
    public Tensor bmm(Tensor a, boolean transA, Tensor b, boolean transB) {
        int batch = a.size(0);
        int m = transA ? a.size(2) : a.size(1), k = transA ? a.size(1) : a.size(2);
        int n = transB ? b.size(1) : b.size(2);
        Tensor out = empty("bmm", batch, m, n);
        int lda = transA ? m : k, ldb = transB ? k : n;
        Sgemm.sgemm(batch, transA, transB, m, n, k, 1f, denseData(a), 0, lda, m * k, denseData(b), 0, ldb, k * n, 0f,
                data(out), 0, n, m * n);
        return out;
    }

    @Override
    public ConvBackend conv() {
        return CpuConvBackend.INSTANCE;
    }

    @Override
    public PoolBackend pool() {
        return CpuPoolBackend.INSTANCE;
    }

    @Override
    public ResampleBackend resample() {
        return CpuResampleBackend.INSTANCE;
    }

    @Override
    public AttentionBackend attention() {
        return CpuAttentionBackend.INSTANCE;
    }

    @Override
    public FftBackend fft() {
        return CpuFftBackend.INSTANCE;
    }

    @Override
    public IndexBackend index() {
        return CpuIndexBackend.INSTANCE;
    }

    @Override
    public NormBackend norm() {
        return CpuNormBackend.INSTANCE;
    }
}
