package mrisr.engine.cpu;

import java.util.Arrays;
import mrisr.engine.FftBackend;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;

/**
 * CPU implementation of {@link FftBackend}: {@link FftKernels} along one transformed dimension at a
 * time (the vectorised {@code BatchedFft} for 2,3,5-smooth lengths, JTransforms 1-D plans otherwise).
 */
final class CpuFftBackend implements FftBackend {
    static final CpuFftBackend INSTANCE = new CpuFftBackend();

    private CpuFftBackend() {}

    @Override
    public Tensor fft(Tensor x, int[] dims, boolean inverse, double scale) {
        int[] shape = complexShape("fft", x);
        float s = (float) scale;
        FftPlans.configureJTransforms();
        if (dims.length == 0) {
            Tensor out = CpuBackend.INSTANCE.contiguous(x);
            if (s != 1f) FftKernels.scaleAll(CpuBackend.data(out), out.numel(), s);
            return out;
        }
        // The first transform reads the input where it lies (when it is dense) and writes the output,
        // so no separate copy pass; the others run in place on the output.
        float[] src = CpuBackend.denseData(x);
        Tensor out = CpuBackend.empty("fft", x.shape());
        float[] a = CpuBackend.data(out);
        for (int t = 0; t < dims.length; t++) {
            int d = dims[t];
            float sd = t == dims.length - 1 ? s : 1f;
            if (t == 0) FftKernels.complexAlong(src, a, outer(shape, d), shape[d], inner(shape, d), inverse, sd);
            else FftKernels.complexAlong(a, outer(shape, d), shape[d], inner(shape, d), inverse, sd);
        }
        return out;
    }

    @Override
    public Tensor rfft(Tensor x, int dim, double scale) {
        int[] shape = x.shape();
        int n = shape[dim];
        int[] outShape = Arrays.copyOf(shape, shape.length + 1);
        outShape[dim] = n / 2 + 1;
        outShape[shape.length] = 2;
        Tensor out = CpuBackend.empty("rfft", outShape);
        FftPlans.configureJTransforms();
        FftKernels.realToHalf(CpuBackend.denseData(x), outer(shape, dim), n, inner(shape, dim), CpuBackend.data(out),
                (float) scale);
        return out;
    }

    @Override
    public Tensor irfft(Tensor z, int dim, int n, double scale) {
        int[] shape = complexShape("irfft", z);
        if (n < 1 || shape[dim] != n / 2 + 1) {
            throw new ShapeException("irfft", "a length-" + n + " output needs " + (n / 2 + 1) + " bins along dimension "
                    + dim + ", input " + Shape.format(z.shape()) + " has " + shape[dim]);
        }
        int[] outShape = shape.clone();
        outShape[dim] = n;
        Tensor out = CpuBackend.empty("irfft", outShape);
        FftPlans.configureJTransforms();
        FftKernels.halfToReal(CpuBackend.denseData(z), outer(shape, dim), n, inner(shape, dim), CpuBackend.data(out),
                (float) scale);
        return out;
    }

    @Override
    public Tensor roll(Tensor x, int[] dims, int[] shifts) {
        int[] shape = x.shape();
        Tensor out = CpuBackend.INSTANCE.contiguous(x);
        for (int t = 0; t < dims.length; t++) {
            int d = dims[t], n = shape[d];
            int shift = n == 0 ? 0 : Math.floorMod(shifts[t], n);
            if (shift == 0) continue;
            Tensor next = CpuBackend.empty("roll", shape);
            FftKernels.roll(CpuBackend.data(out), CpuBackend.data(next), outer(shape, d), n, inner(shape, d), shift);
            out = next;
        }
        return out;
    }

    @Override
    public Tensor magnitude(Tensor z) {
        int[] shape = complexShape("magnitude", z);
        Tensor out = CpuBackend.empty("magnitude", shape);
        FftKernels.magnitude(CpuBackend.denseData(z), out.numel(), CpuBackend.data(out));
        return out;
    }

    /** The complex shape of {@code z} (its shape without the trailing 2). */
    private static int[] complexShape(String op, Tensor z) {
        if (z.dim() == 0 || z.size(-1) != 2) {
            throw new ShapeException(op, "expected a complex tensor [..., 2], got " + Shape.format(z.shape()));
        }
        return Arrays.copyOf(z.shape(), z.dim() - 1);
    }

    private static int outer(int[] shape, int dim) {
        int p = 1;
        for (int d = 0; d < dim; d++) p *= shape[d];
        return p;
    }

    private static int inner(int[] shape, int dim) {
        int p = 1;
        for (int d = dim + 1; d < shape.length; d++) p *= shape[d];
        return p;
    }
}
