package mrisr.sr.physics;

import mrisr.kernels.Parallel;

/**
 * The orthonormal centred discrete Fourier transform along one axis, in double precision, and the
 * dense complex axis matrices built from it.
 *
 * <p>{@code X[k] = n^{-1/2} Σ_j x[j] exp(−2πi (k − c)(j − c)/n)} with {@code c = ⌊n/2⌋}, i.e. numpy's
 * {@code fftshift(fft(ifftshift(x), norm="ortho"))}: index {@code k} holds frequency {@code ν = k − c}
 * (cycles per field of view) and the zero frequency sits at index {@code c}. The transform is
 * unitary; its inverse is its conjugate transpose.
 *
 * <p>This is the direct {@code O(n²)}-per-line evaluation (sizes up to a few hundred): every
 * k-space operator goes through {@link #matrix(int, boolean)} and {@link Matrix#applyAlong}, the one
 * place to switch to a fast transform.
 */
final class CenteredDft {
    private CenteredDft() {}

    /** The {@code n × n} centred orthonormal DFT matrix (or its inverse). */
    static Matrix matrix(int n, boolean inverse) {
        double[] cos = new double[n], sin = new double[n];
        for (int p = 0; p < n; p++) {
            double t = 2 * Math.PI * p / n;
            cos[p] = Math.cos(t);
            sin[p] = Math.sin(t);
        }
        int c = n / 2;
        double scale = 1 / Math.sqrt(n), sign = inverse ? 1 : -1;
        Matrix m = new Matrix(n, n);
        for (int k = 0; k < n; k++) {
            for (int j = 0; j < n; j++) {
                int p = (int) Math.floorMod((long) (k - c) * (j - c), (long) n);
                m.re[k * n + j] = scale * cos[p];
                m.im[k * n + j] = sign * scale * sin[p];
            }
        }
        return m;
    }

    /** A dense complex {@code rows × cols} matrix applied along one axis of a complex volume. */
    static final class Matrix {
        final int rows, cols;
        final double[] re, im;

        Matrix(int rows, int cols) {
            this.rows = rows;
            this.cols = cols;
            this.re = new double[rows * cols];
            this.im = new double[rows * cols];
        }

        /** The conjugate transpose. */
        Matrix adjoint() {
            Matrix t = new Matrix(cols, rows);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    t.re[c * rows + r] = re[r * cols + c];
                    t.im[c * rows + r] = -im[r * cols + c];
                }
            }
            return t;
        }

        /**
         * Applies the matrix along {@code axis} of the complex volume {@code (xr, xi)} of shape
         * {@code shape} (not modified); returns {@code {re, im}} with {@code shape[axis] = rows}.
         */
        double[][] applyAlong(String op, double[] xr, double[] xi, int[] shape, int axis) {
            int outer = 1, inner = 1;
            for (int a = 0; a < axis; a++) outer *= shape[a];
            for (int a = axis + 1; a < shape.length; a++) inner *= shape[a];
            long total = (long) outer * rows * inner;
            double[] yr = Checks.allocateDouble(op, total), yi = Checks.allocateDouble(op, total);
            int tasks = Math.multiplyExact(outer, rows);
            final int in = inner;
            Parallel.forRange(tasks, Parallel.grain(tasks, 4L * cols * inner), (lo, hi) -> {
                double[] ar = new double[in], ai = new double[in];
                for (int q = lo; q < hi; q++) {
                    int o = q / rows, k = q % rows;
                    java.util.Arrays.fill(ar, 0);
                    java.util.Arrays.fill(ai, 0);
                    int xBase = o * cols * in;
                    for (int j = 0; j < cols; j++) {
                        double mr = re[k * cols + j], mi = im[k * cols + j];
                        int b = xBase + j * in;
                        for (int t = 0; t < in; t++) {
                            double vr = xr[b + t], vi = xi[b + t];
                            ar[t] += mr * vr - mi * vi;
                            ai[t] += mr * vi + mi * vr;
                        }
                    }
                    int yBase = (o * rows + k) * in;
                    System.arraycopy(ar, 0, yr, yBase, in);
                    System.arraycopy(ai, 0, yi, yBase, in);
                }
            });
            return new double[][] {yr, yi};
        }
    }
}
