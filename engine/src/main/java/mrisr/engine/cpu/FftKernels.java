package mrisr.engine.cpu;

import mrisr.kernels.BatchedFft;
import mrisr.kernels.KernelInfo;
import mrisr.kernels.Parallel;
import org.jtransforms.fft.FloatFFT_1D;

/**
 * Array-level FFT kernels along one axis of a row-major array viewed as {@code [outer, n, inner]}.
 *
 * <p>Complex arrays interleave (re, im), so complex element {@code (o, j, i)} sits at float index
 * {@code 2·((o·n + j)·inner + i)}. Transforms of 2,3,5-smooth lengths run {@link BatchedFft}
 * (vectorised across lines; the real-input ones through a complex scratch array); other lengths and
 * {@code -Dmrisr.kernels=scalar} gather each of the {@code outer·inner} lines into a buffer,
 * transform it with a JTransforms 1-D plan on the calling thread, and scatter it back.
 * Lines are split over {@link Parallel} in chunks whose size depends only on the shape, and every
 * line is computed by the same code whichever thread runs it, so results are bit-identical for any
 * thread count. Callers run {@link FftPlans#configureJTransforms()} first.
 *
 * <p>Sign conventions (as torch.fft and NumPy): forward {@code X_k = Σ_j x_j e^{-2πi jk/n}},
 * inverse {@code x_j = Σ_k X_k e^{+2πi jk/n}}, both unnormalised; every kernel then multiplies by
 * {@code scale}.
 */
final class FftKernels {
    private FftKernels() {}

    /** Work units of one length-{@code n} transform, for chunk sizing (≈ 5 n log₂ n flops). */
    private static long lineCost(int n) {
        return 5L * n * (33 - Integer.numberOfLeadingZeros(Math.max(n, 1)));
    }

    /**
     * In-place complex DFT of every line along the axis.
     *
     * @param a       complex {@code [outer, n, inner, 2]} (modified)
     * @param inverse {@code e^{+2πi…}} when true, {@code e^{-2πi…}} when false
     * @param scale   factor applied to every output value
     */
    static void complexAlong(float[] a, int outer, int n, int inner, boolean inverse, float scale) {
        int lines = outer * inner;
        if (!KernelInfo.scalarForced() && BatchedFft.supports(n)) {
            BatchedFft.complexAlong(a, outer, n, inner, inverse, scale);
            return;
        }
        if (n == 1) { // the 1-point DFT is the identity; JTransforms wants n ≥ 2
            if (scale != 1f) scaleAll(a, 2 * lines, scale);
            return;
        }
        Parallel.forRange(lines, Parallel.grain(lines, lineCost(n)), (lo, hi) -> {
            FloatFFT_1D plan = FftPlans.plan(n);
            if (inner == 1) { // lines are contiguous: transform them where they lie
                for (int line = lo; line < hi; line++) {
                    int off = 2 * line * n;
                    if (inverse) plan.complexInverse(a, off, false);
                    else plan.complexForward(a, off);
                    if (scale != 1f) for (int p = off; p < off + 2 * n; p++) a[p] *= scale;
                }
                return;
            }
            float[] buf = new float[2 * n];
            int step = 2 * inner;
            for (int line = lo; line < hi; line++) {
                int start = 2 * ((line / inner) * n * inner + line % inner);
                for (int j = 0, p = start; j < n; j++, p += step) {
                    buf[2 * j] = a[p];
                    buf[2 * j + 1] = a[p + 1];
                }
                if (inverse) plan.complexInverse(buf, false);
                else plan.complexForward(buf);
                for (int j = 0, p = start; j < n; j++, p += step) {
                    a[p] = buf[2 * j] * scale;
                    a[p + 1] = buf[2 * j + 1] * scale;
                }
            }
        });
    }

    /**
     * Complex DFT of every line along the axis from {@code src} into {@code dst} (see
     * {@link #complexAlong(float[], int, int, int, boolean, float)}); the vectorised path reads
     * {@code src} directly, the others copy it first.
     *
     * @param src complex {@code [outer, n, inner, 2]} (not modified)
     * @param dst complex {@code [outer, n, inner, 2]}, not {@code src} (written)
     */
    static void complexAlong(float[] src, float[] dst, int outer, int n, int inner, boolean inverse, float scale) {
        if (!KernelInfo.scalarForced() && BatchedFft.supports(n)) {
            BatchedFft.complexAlong(src, dst, outer, n, inner, inverse, scale);
            return;
        }
        System.arraycopy(src, 0, dst, 0, 2 * outer * n * inner);
        complexAlong(dst, outer, n, inner, inverse, scale);
    }

    /**
     * Half spectrum of real lines: {@code out_k = scale · Σ_j x_j e^{-2πi jk/n}} for
     * {@code k < m = n/2 + 1} (the other bins are their conjugates).
     *
     * @param x   real {@code [outer, n, inner]} (not modified)
     * @param out complex {@code [outer, m, inner, 2]} (written)
     */
    static void realToHalf(float[] x, int outer, int n, int inner, float[] out, float scale) {
        int m = n / 2 + 1;
        int lines = outer * inner;
        if (!KernelInfo.scalarForced() && BatchedFft.supports(n)) {
            // Vectorised: the lines as complex with zero imaginary parts, a full complex transform, and
            // the first m bins of each [n, inner] block (contiguous) copied out. Twice the arithmetic of
            // a real transform, still several times faster than JTransforms line by line.
            float[] z = CpuBackend.data(CpuBackend.empty("rfft scratch", outer, n, inner, 2));
            int count = lines * n;
            Parallel.forRange(count, 1 << 14, (lo, hi) -> {
                for (int p = lo; p < hi; p++) z[2 * p] = x[p];
            });
            BatchedFft.complexAlong(z, outer, n, inner, false, scale);
            int half = 2 * m * inner, full = 2 * n * inner;
            Parallel.forRange(outer, Parallel.grain(outer, half), (lo, hi) -> {
                for (int o = lo; o < hi; o++) System.arraycopy(z, o * full, out, o * half, half);
            });
            return;
        }
        Parallel.forRange(lines, Parallel.grain(lines, 2 * lineCost(n)), (lo, hi) -> {
            FloatFFT_1D plan = n > 1 ? FftPlans.plan(n) : null;
            float[] buf = new float[2 * n];
            for (int line = lo; line < hi; line++) {
                int o = line / inner, i = line % inner;
                for (int j = 0, p = o * n * inner + i; j < n; j++, p += inner) {
                    buf[2 * j] = x[p];
                    buf[2 * j + 1] = 0f;
                }
                if (plan != null) plan.complexForward(buf);
                for (int k = 0, q = 2 * (o * m * inner + i); k < m; k++, q += 2 * inner) {
                    out[q] = buf[2 * k] * scale;
                    out[q + 1] = buf[2 * k + 1] * scale;
                }
            }
        });
    }

    /**
     * Real lines from half spectra (the inverse of {@link #realToHalf} up to 1/n):
     * {@code out_j = scale · Σ_{k<n} X_k e^{+2πi jk/n}} where {@code X_k = z_k} for {@code k < m} and
     * {@code X_{n−k} = conj(z_k)}. The imaginary parts of {@code z_0} and, for even {@code n}, of the
     * Nyquist bin {@code z_{n/2}} are ignored, as in torch.fft.irfft.
     *
     * @param z   complex {@code [outer, m, inner, 2]} with {@code m = n/2 + 1} (not modified)
     * @param out real {@code [outer, n, inner]} (written)
     */
    static void halfToReal(float[] z, int outer, int n, int inner, float[] out, float scale) {
        int m = n / 2 + 1;
        int lines = outer * inner;
        if (!KernelInfo.scalarForced() && BatchedFft.supports(n)) {
            // Vectorised: rebuild the full Hermitian spectrum, run a complex inverse, keep the real parts.
            float[] w = CpuBackend.data(CpuBackend.empty("irfft scratch", outer, n, inner, 2));
            int half = 2 * m * inner, full = 2 * n * inner;
            Parallel.forRange(outer, Parallel.grain(outer, full), (lo, hi) -> {
                for (int o = lo; o < hi; o++) {
                    int zb = o * half, wb = o * full;
                    System.arraycopy(z, zb, w, wb, half);
                    for (int i = 0; i < inner; i++) {
                        w[wb + 2 * i + 1] = 0f; // bin 0 and the Nyquist bin are their own conjugates
                        if (n % 2 == 0) w[wb + 2 * ((n / 2) * inner + i) + 1] = 0f;
                    }
                    for (int k = m; k < n; k++) {
                        int q = zb + 2 * (n - k) * inner, p = wb + 2 * k * inner;
                        for (int i = 0; i < 2 * inner; i += 2) {
                            w[p + i] = z[q + i];
                            w[p + i + 1] = -z[q + i + 1];
                        }
                    }
                }
            });
            BatchedFft.complexAlong(w, outer, n, inner, true, scale);
            Parallel.forRange(lines * n, 1 << 14, (lo, hi) -> {
                for (int p = lo; p < hi; p++) out[p] = w[2 * p];
            });
            return;
        }
        Parallel.forRange(lines, Parallel.grain(lines, 2 * lineCost(n)), (lo, hi) -> {
            FloatFFT_1D plan = n > 1 ? FftPlans.plan(n) : null;
            float[] buf = new float[2 * n];
            for (int line = lo; line < hi; line++) {
                int o = line / inner, i = line % inner;
                int q = 2 * (o * m * inner + i);
                buf[0] = z[q];
                buf[1] = 0f;
                for (int k = 1; k < m; k++) {
                    q += 2 * inner;
                    if (2 * k == n) { // Nyquist bin: its own conjugate, so only its real part counts
                        buf[2 * k] = z[q];
                        buf[2 * k + 1] = 0f;
                    } else {
                        buf[2 * k] = z[q];
                        buf[2 * k + 1] = z[q + 1];
                        buf[2 * (n - k)] = z[q];
                        buf[2 * (n - k) + 1] = -z[q + 1];
                    }
                }
                if (plan != null) plan.complexInverse(buf, false);
                for (int j = 0, p = o * n * inner + i; j < n; j++, p += inner) out[p] = buf[2 * j] * scale;
            }
        });
    }

    /**
     * Circular shift along the axis: {@code dst[o, (j + shift) mod n, i] = src[o, j, i]} for a real
     * array (a complex one is real with {@code inner} doubled).
     *
     * @param shift in {@code [0, n)}
     */
    static void roll(float[] src, float[] dst, int outer, int n, int inner, int shift) {
        int head = (n - shift) * inner, tail = shift * inner, block = n * inner;
        Parallel.forRange(outer, Parallel.grain(outer, block), (lo, hi) -> {
            for (int o = lo; o < hi; o++) {
                int base = o * block;
                System.arraycopy(src, base, dst, base + tail, head);
                System.arraycopy(src, base + head, dst, base, tail);
            }
        });
    }

    /** {@code out_i = |z_i| = sqrt(re² + im²)}, computed in double so it cannot overflow. */
    static void magnitude(float[] z, int count, float[] out) {
        Parallel.forRange(count, 1 << 14, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                double re = z[2 * i], im = z[2 * i + 1];
                out[i] = (float) Math.sqrt(re * re + im * im);
            }
        });
    }

    /** {@code a_p *= scale} for {@code p < count} (modifies {@code a}). */
    static void scaleAll(float[] a, int count, float scale) {
        Parallel.forRange(count, 1 << 14, (lo, hi) -> {
            for (int p = lo; p < hi; p++) a[p] *= scale;
        });
    }
}
