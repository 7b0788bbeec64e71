package mrisr.sr.methods.baseline;

import java.util.Arrays;
import mrisr.engine.Memory;
import mrisr.kernels.Parallel;

/**
 * Applies a {@link LineResampler} along one axis of a row-major array: every line along that axis
 * is gathered into a double buffer, resampled, and written back as float32.
 *
 * <p>Lines are processed in parallel in fixed-size chunks ({@link Parallel#forRange}); each output
 * line depends only on its input line, so results do not depend on the thread count.
 */
final class Separable {
    private Separable() {}

    /**
     * Resamples {@code data} (shape {@code shape}, row-major; not modified) along {@code axis}.
     *
     * @param what names the operation in a memory-budget error
     * @return a new array of shape {@code shape} with {@code shape[axis] = r.outputLength()}
     */
    static float[] alongAxis(float[] data, int[] shape, int axis, LineResampler r, String what) {
        int n = shape[axis], m = r.outputLength();
        if (n != r.inputLength()) throw new IllegalArgumentException("line length " + n + " != " + r.inputLength());
        int inner = 1;
        for (int a = axis + 1; a < shape.length; a++) inner *= shape[a];
        int lines = data.length / n;
        long outSize = Math.multiplyExact((long) lines, m);
        int[] outShape = shape.clone();
        outShape[axis] = m;
        Memory.check(outSize, what + " " + Arrays.toString(outShape));
        float[] out = new float[(int) outSize];
        int stride = inner;
        Parallel.forRange(lines, Parallel.grain(lines, 8L * (n + m)), (lo, hi) -> {
            LineResampler.Worker worker = r.worker();
            double[] in = new double[n], res = new double[m];
            for (int l = lo; l < hi; l++) {
                int outer = l / stride, within = l % stride;
                int src = outer * n * stride + within;
                int dst = outer * m * stride + within;
                for (int j = 0; j < n; j++) in[j] = data[src + j * stride];
                worker.resample(in, res);
                for (int i = 0; i < m; i++) out[dst + i * stride] = (float) res[i];
            }
        });
        return out;
    }
}
