package mrisr.engine;

import static mrisr.engine.TestTensors.randn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import mrisr.kernels.Parallel;
import org.junit.jupiter.api.Test;

/**
 * {@link Fft} against a naive double-precision DFT written here, known analytic spectra, round
 * trips, Parseval's identity, the explicit index formula of the shifts, and argument errors.
 */
class FftTest {
    private static final Fft.Norm[] NORMS = Fft.Norm.values();

    // ------------------------------------------------------------------ complex transforms

    @Test
    void fftnAndIfftnMatchNaiveDft() {
        Object[][] cases = {
                {new int[] {7}, null},
                {new int[] {1, 5}, null},
                {new int[] {4, 1, 3}, null},
                {new int[] {3, 4, 5}, null},
                {new int[] {3, 4, 5}, new int[] {-1, 0}},
                {new int[] {6, 11}, new int[] {1}},
                {new int[] {2, 13}, new int[] {0}},
                {new int[] {1}, null}};
        long seed = 1;
        for (Object[] c : cases) {
            int[] shape = (int[]) c[0], dims = (int[]) c[1];
            int[] d = dims == null ? allDims(shape.length) : normalise(dims, shape.length);
            for (Fft.Norm norm : NORMS) {
                Tensor x = randn(seed++, complexShape(shape));
                double[] xv = toDouble(x.toArray());
                double n = count(shape, d);
                double forward = norm == Fft.Norm.BACKWARD ? 1 : norm == Fft.Norm.ORTHO ? 1 / Math.sqrt(n) : 1 / n;
                double inverse = norm == Fft.Norm.FORWARD ? 1 : norm == Fft.Norm.ORTHO ? 1 / Math.sqrt(n) : 1 / n;
                String what = "shape " + Shape.format(shape) + " dims " + Shape.format(d) + " " + norm;
                assertClose(Fft.fftn(x, dims, norm).toArray(), scale(dft(xv, shape, d, -1), forward), 2e-6, "fftn " + what);
                assertClose(Fft.ifftn(x, dims, norm).toArray(), scale(dft(xv, shape, d, +1), inverse), 2e-6,
                        "ifftn " + what);
            }
        }
    }

    @Test
    void lengthsOfEveryPlanKindMatchNaiveDft() {
        // power of two (split radix), 3^5 (mixed radix), 2·3·5·7 and the prime 1009 (Bluestein)
        for (int n : new int[] {256, 243, 210, 1009}) {
            Tensor x = randn(n, 2, n, 2);
            double[] expected = dft(toDouble(x.toArray()), new int[] {2, n}, new int[] {1}, -1);
            assertClose(Fft.fftn(x, new int[] {1}, null).toArray(), expected, 1e-5, "fftn length " + n);
        }
    }

    @Test
    void stridedInputIsReadThroughItsView() {
        Tensor base = randn(20, 5, 3, 2);
        Tensor view = base.permute(1, 0, 2); // complex [3, 5], not contiguous
        double[] expected = dft(toDouble(view.contiguous().toArray()), new int[] {3, 5}, new int[] {0, 1}, -1);
        assertClose(Fft.fftn(view, null, null).toArray(), expected, 2e-6, "fftn of a transposed view");
    }

    @Test
    void analyticSpectraOfDeltaAndConstant() {
        Tensor delta = Fft.complex(Tensor.fromArray(new float[] {1, 0, 0, 0, 0}, 5), Tensor.zeros(5));
        assertClose(Fft.fftn(delta, null, null).toArray(), new double[] {1, 0, 1, 0, 1, 0, 1, 0, 1, 0}, 1e-7,
                "spectrum of a delta");
        Tensor constant = Fft.complex(Tensor.full(2f, 3, 4), Tensor.zeros(3, 4));
        double[] expected = new double[24];
        expected[0] = 24; // the sum of the 12 values, at DC only
        assertClose(Fft.fftn(constant, null, null).toArray(), expected, 1e-7, "spectrum of a constant");
        // a pure tone e^{2πi·2j/8} puts all its energy in bin 2
        float[] tone = new float[16];
        for (int j = 0; j < 8; j++) {
            tone[2 * j] = (float) Math.cos(2 * Math.PI * 2 * j / 8);
            tone[2 * j + 1] = (float) Math.sin(2 * Math.PI * 2 * j / 8);
        }
        double[] bin2 = new double[16];
        bin2[4] = 8;
        assertClose(Fft.fftn(Tensor.fromArray(tone, 8, 2), null, null).toArray(), bin2, 1e-6, "spectrum of a tone");
    }

    @Test
    void ifftnInvertsFftnForEveryNorm() {
        Tensor x = randn(30, 5, 7, 3, 2);
        for (Fft.Norm norm : NORMS) {
            Tensor back = Fft.ifftn(Fft.fftn(x, new int[] {0, 2}, norm), new int[] {0, 2}, norm);
            assertClose(back.toArray(), toDouble(x.toArray()), 1e-6, "round trip " + norm);
        }
    }

    @Test
    void orthoTransformPreservesEnergy() {
        Tensor x = randn(31, 9, 10, 2);
        double before = sumOfSquares(x.toArray()), after = sumOfSquares(Fft.fftn(x, null, Fft.Norm.ORTHO).toArray());
        assertThat(Math.abs(after - before)).isLessThan(1e-5 * before);
    }

    // ------------------------------------------------------------------ real transforms

    @Test
    void rfftnMatchesHalfOfNaiveDft() {
        Object[][] cases = {
                {new int[] {7}, null},
                {new int[] {8}, null},
                {new int[] {1}, null},
                {new int[] {3, 5}, null},
                {new int[] {4, 6}, null},
                {new int[] {3, 4, 5}, null},
                {new int[] {5, 4}, new int[] {1, 0}},
                {new int[] {6, 3, 2}, new int[] {0}},
                {new int[] {3, 7}, new int[] {-1}}};
        long seed = 40;
        for (Object[] c : cases) {
            int[] shape = (int[]) c[0], dims = (int[]) c[1];
            int[] d = dims == null ? allDims(shape.length) : normalise(dims, shape.length);
            int last = d[d.length - 1];
            for (Fft.Norm norm : NORMS) {
                Tensor x = randn(seed++, shape);
                double n = count(shape, d);
                double s = norm == Fft.Norm.BACKWARD ? 1 : norm == Fft.Norm.ORTHO ? 1 / Math.sqrt(n) : 1 / n;
                double[] full = scale(dft(realToComplex(x.toArray()), shape, d, -1), s);
                int[] halfShape = shape.clone();
                halfShape[last] = shape[last] / 2 + 1;
                double[] expected = crop(full, shape, halfShape);
                Tensor y = Fft.rfftn(x, dims, norm);
                assertThat(y.shape()).isEqualTo(complexShape(halfShape));
                assertClose(y.toArray(), expected, 2e-6, "rfftn " + Shape.format(shape) + " dims " + Shape.format(d)
                        + " " + norm);
            }
        }
    }

    @Test
    void irfftnMatchesNaiveHermitianInverse() {
        // {input complex shape, dims, outSizes}
        Object[][] cases = {
                {new int[] {5}, null, null}, // default n = 8
                {new int[] {4}, null, new int[] {7}},
                {new int[] {1}, null, new int[] {1}},
                {new int[] {3, 4}, null, null},
                {new int[] {3, 4}, null, new int[] {3, 7}},
                {new int[] {3, 4, 3}, null, new int[] {3, 4, 5}},
                {new int[] {3, 4}, new int[] {1, 0}, new int[] {4, 5}},
                {new int[] {4, 3}, null, new int[] {6, 9}}, // zero-pads both dimensions
                {new int[] {4, 3}, null, new int[] {3, 2}}}; // trims both dimensions
        long seed = 60;
        for (Object[] c : cases) {
            int[] inShape = (int[]) c[0], dims = (int[]) c[1], outSizes = (int[]) c[2];
            int[] d = dims == null ? allDims(inShape.length) : normalise(dims, inShape.length);
            int last = d[d.length - 1];
            int[] outShape = inShape.clone();
            for (int i = 0; i < d.length; i++) outShape[d[i]] = outSizes != null ? outSizes[i] : inShape[d[i]];
            if (outSizes == null) outShape[last] = 2 * (inShape[last] - 1);
            for (Fft.Norm norm : NORMS) {
                Tensor z = randn(seed++, complexShape(inShape));
                double n = count(outShape, d);
                double s = norm == Fft.Norm.FORWARD ? 1 : norm == Fft.Norm.ORTHO ? 1 / Math.sqrt(n) : 1 / n;
                // resize to the output sizes (m = n/2+1 bins along the last dimension), then the inverse
                int[] binShape = outShape.clone();
                binShape[last] = outShape[last] / 2 + 1;
                double[] zr = crop(toDouble(z.toArray()), inShape, binShape);
                int[] others = new int[d.length - 1];
                System.arraycopy(d, 0, others, 0, others.length);
                double[] expected = scale(hermitianInverse(dft(zr, binShape, others, +1), binShape, last, outShape[last]), s);
                Tensor y = Fft.irfftn(z, dims, outSizes, norm);
                assertThat(y.shape()).isEqualTo(outShape);
                assertClose(y.toArray(), expected, 2e-6, "irfftn " + Shape.format(inShape) + " to " + Shape.format(outShape)
                        + " " + norm);
            }
        }
    }

    @Test
    void irfftnInvertsRfftnForOddAndEvenLengths() {
        for (int[] shape : new int[][] {{5, 7}, {4, 6}, {3, 4, 5}, {9}, {1, 1}}) {
            Tensor x = randn(shape.length * 10 + shape[shape.length - 1], shape);
            for (Fft.Norm norm : NORMS) {
                Tensor back = Fft.irfftn(Fft.rfftn(x, null, norm), null, shape, norm);
                assertClose(back.toArray(), toDouble(x.toArray()), 2e-6, "round trip " + Shape.format(shape) + " " + norm);
            }
        }
        Tensor even = randn(80, 3, 8);
        assertClose(Fft.irfftn(Fft.rfftn(even, new int[] {1}, null), new int[] {1}, null, null).toArray(),
                toDouble(even.toArray()), 2e-6, "round trip with the default even length");
    }

    // ------------------------------------------------------------------ shifts

    @Test
    void shiftsFollowTheIndexFormula() {
        Object[][] cases = {
                {new int[] {5}, new int[0]},
                {new int[] {4}, new int[0]},
                {new int[] {4, 7}, new int[0]},
                {new int[] {3, 4, 5}, new int[] {0, 2}},
                {new int[] {5, 6, 2}, new int[] {0, 1}},
                {new int[] {1, 3}, new int[] {-2}}};
        long seed = 90;
        for (Object[] c : cases) {
            int[] shape = (int[]) c[0], dims = (int[]) c[1];
            int[] d = dims.length == 0 ? allDims(shape.length) : normalise(dims, shape.length);
            Tensor x = randn(seed++, shape);
            float[] xv = x.toArray();
            float[] shifted = Fft.fftshift(x, dims).toArray(), unshifted = Fft.ifftshift(x, dims).toArray();
            int[] strides = Shape.contiguousStrides(shape);
            for (int flat = 0; flat < xv.length; flat++) {
                // out[i] = x[(i − ⌊n/2⌋) mod n] for fftshift and x[(i + ⌊n/2⌋) mod n] for ifftshift
                int fromShift = 0, fromUnshift = 0;
                for (int k = 0; k < shape.length; k++) {
                    int i = flat / strides[k] % shape[k];
                    int h = contains(d, k) ? shape[k] / 2 : 0;
                    fromShift += Math.floorMod(i - h, shape[k]) * strides[k];
                    fromUnshift += Math.floorMod(i + h, shape[k]) * strides[k];
                }
                assertThat(shifted[flat]).as("fftshift %s at %d", Shape.format(shape), flat).isEqualTo(xv[fromShift]);
                assertThat(unshifted[flat]).as("ifftshift %s at %d", Shape.format(shape), flat).isEqualTo(xv[fromUnshift]);
            }
            assertThat(Fft.ifftshift(Fft.fftshift(x, dims), dims).toArray()).isEqualTo(xv);
        }
    }

    @Test
    void fftshiftCentresTheZeroFrequency() {
        float[] freqs = {0, 1, 2, 3, -3, -2, -1}; // numpy.fft.fftfreq(7)·7
        assertThat(Fft.fftshift(Tensor.fromArray(freqs, 7)).toArray()).containsExactly(-3, -2, -1, 0, 1, 2, 3);
        float[] even = {0, 1, 2, -3, -2, -1}; // fftfreq(6)·6
        assertThat(Fft.fftshift(Tensor.fromArray(even, 6)).toArray()).containsExactly(-3, -2, -1, 0, 1, 2);
    }

    // ------------------------------------------------------------------ complex helpers

    @Test
    void complexHelpersSplitAndJoinParts() {
        Tensor re = Tensor.fromArray(new float[] {3, -1, 0}, 3, 1), im = Tensor.fromArray(new float[] {4, 2}, 2);
        Tensor z = Fft.complex(re, im); // broadcast [3, 2]
        assertThat(z.shape()).containsExactly(3, 2, 2);
        assertThat(z.toArray()).containsExactly(3, 4, 3, 2, -1, 4, -1, 2, 0, 4, 0, 2);
        assertThat(Fft.real(z).toArray()).containsExactly(3, 3, -1, -1, 0, 0);
        assertThat(Fft.imag(z).toArray()).containsExactly(4, 2, 4, 2, 4, 2);
        assertThat(Fft.abs(z).toArray()).containsExactly(5f, (float) Math.sqrt(13), (float) Math.sqrt(17),
                (float) Math.sqrt(5), 4f, 2f);
        assertThat(Fft.abs(Tensor.fromArray(new float[] {3e30f, 4e30f}, 1, 2)).item()).isEqualTo(5e30f);
    }

    @Test
    void complexHelpersAreDifferentiable() {
        GradCheck.check("complex", x -> Fft.complex(x[0], x[1]), randn(100, 3, 1), randn(101, 4));
        GradCheck.check("real", x -> Fft.real(x[0]), randn(102, 3, 4, 2));
        GradCheck.check("imag", x -> Fft.imag(x[0]), randn(103, 3, 4, 2));
        GradCheck.check("abs", x -> Fft.abs(x[0]), TestTensors.awayFromZero(104, 0.3, 3, 4, 2));
        GradCheck.check("abs of an image spectrum", x -> Fft.abs(Fft.fftn(Fft.complex(x[0], x[0].mul(0.5)), null,
                Fft.Norm.ORTHO)), randn(105, 3, 5));
    }

    @Test
    void absHasZeroGradientAtZero() {
        Tensor z = Tensor.fromArray(new float[] {0, 0, 3, 4}, 2, 2).requiresGrad(true);
        Fft.abs(z).sum().backward();
        assertThat(z.grad().toArray()).containsExactly(0f, 0f, 0.6f, 0.8f);
    }

    // ------------------------------------------------------------------ threads

    @Test
    void transformsStartNoNonDaemonThreads() {
        Set<Long> before = nonDaemonThreadIds();
        int threadsBefore = Parallel.threads();
        try {
            Parallel.setThreads(2);
            // lengths above JTransforms' own threading thresholds: power of two and Bluestein
            for (int n : new int[] {1 << 15, 10007}) {
                Tensor x = randn(n, n, 2).requiresGrad(true);
                Fft.fftn(x, null, null).sum().backward();
                Fft.irfftn(Fft.rfftn(x.detach(), new int[] {0}, null), new int[] {0}, new int[] {n}, null);
            }
            Fft.fftn(randn(7, 24, 30, 17, 2), null, Fft.Norm.ORTHO);
        } finally {
            Parallel.setThreads(threadsBefore);
        }
        Set<Long> after = nonDaemonThreadIds();
        after.removeAll(before);
        assertThat(after).as("non-daemon threads started by FFTs").isEmpty();
    }

    @Test
    void concurrentCallersGetTheSameResults() throws Exception {
        int[] lengths = {12, 13, 64, 97};
        List<Tensor> inputs = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int n : lengths) {
            Tensor x = randn(n, 40, n, 2);
            inputs.add(x);
            expected.add(Fft.fftn(x, new int[] {1}, null).toArray());
        }
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                for (Tensor x : inputs) {
                    Callable<float[]> task = () -> Fft.fftn(x, new int[] {1}, null).toArray();
                    results.add(callers.submit(task));
                }
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo(expected.get(i % lengths.length));
            }
        } finally {
            callers.shutdown();
        }
    }

    // ------------------------------------------------------------------ errors

    @Test
    void badArgumentsNameTheOpAndShapes() {
        assertThatThrownBy(() -> Fft.fftn(Tensor.zeros(3, 4), null, null)).isInstanceOf(ShapeException.class)
                .hasMessage("fftn: input [3,4] is not complex: the last dimension must have size 2 (re, im)");
        assertThatThrownBy(() -> Fft.ifftn(Tensor.zeros(2), null, null)).isInstanceOf(ShapeException.class)
                .hasMessageStartingWith("ifftn: input [2] is a single complex number");
        assertThatThrownBy(() -> Fft.fftn(Tensor.zeros(3, 4, 2), new int[] {2}, null))
                .isInstanceOf(ShapeException.class).hasMessage("fftn: dimension 2 out of range for a 2-d tensor");
        assertThatThrownBy(() -> Fft.fftn(Tensor.zeros(3, 4, 2), new int[] {1, -1}, null))
                .isInstanceOf(ShapeException.class).hasMessage("fftn: dimension 1 repeated in [1, -1]");
        assertThatThrownBy(() -> Fft.fftn(Tensor.zeros(3, 0, 2), null, null)).isInstanceOf(ShapeException.class)
                .hasMessage("fftn: cannot transform dimension 1 of size 0 in input [3,0,2]");
        assertThatThrownBy(() -> Fft.rfftn(Tensor.scalar(1), null, null)).isInstanceOf(ShapeException.class)
                .hasMessage("rfftn: needs at least one dimension, got a 0-d tensor");
        assertThatThrownBy(() -> Fft.irfftn(Tensor.zeros(3, 4, 2), null, new int[] {5}, null))
                .isInstanceOf(ShapeException.class)
                .hasMessage("irfftn: outSizes [5] has 1 entries for 2 transformed dimensions [0, 1]");
        assertThatThrownBy(() -> Fft.irfftn(Tensor.zeros(3, 4, 2), null, new int[] {3, 0}, null))
                .isInstanceOf(ShapeException.class).hasMessage("irfftn: outSizes [3, 0] must be >= 1 for input [3,4,2]");
        assertThatThrownBy(() -> Fft.irfftn(Tensor.zeros(3, 1, 2), null, null, null))
                .isInstanceOf(ShapeException.class).hasMessageStartingWith("irfftn: input [3,1,2] has 1 bin along dimension 1");
        assertThatThrownBy(() -> Fft.complex(Tensor.zeros(3), Tensor.zeros(4))).isInstanceOf(ShapeException.class)
                .hasMessage("complex: shapes [3] and [4] cannot be broadcast");
        assertThatThrownBy(() -> Fft.abs(Tensor.zeros(2, 3))).isInstanceOf(ShapeException.class)
                .hasMessage("abs: input [2,3] is not complex: the last dimension must have size 2 (re, im)");
        assertThatThrownBy(() -> Fft.fftshift(Tensor.zeros(2, 3), 2)).isInstanceOf(ShapeException.class)
                .hasMessage("fftshift: dimension 2 out of range for a 2-d tensor");
    }

    // ------------------------------------------------------------------ naive reference (double)

    /**
     * Direct DFT {@code X_k = Σ_j x_j e^{sign·2πi jk/n}} of interleaved complex {@code z} of complex
     * shape {@code shape}, applied along each of {@code dims} in turn, in double precision.
     */
    static double[] dft(double[] z, int[] shape, int[] dims, int sign) {
        double[] a = z.clone();
        for (int dim : dims) {
            int n = shape[dim], inner = 1, outer = 1;
            for (int k = dim + 1; k < shape.length; k++) inner *= shape[k];
            for (int k = 0; k < dim; k++) outer *= shape[k];
            double[] out = new double[a.length];
            for (int o = 0; o < outer; o++) {
                for (int i = 0; i < inner; i++) {
                    for (int k = 0; k < n; k++) {
                        double re = 0, im = 0;
                        for (int j = 0; j < n; j++) {
                            double angle = sign * 2 * Math.PI * ((long) j * k % n) / n;
                            int p = 2 * ((o * n + j) * inner + i);
                            re += a[p] * Math.cos(angle) - a[p + 1] * Math.sin(angle);
                            im += a[p] * Math.sin(angle) + a[p + 1] * Math.cos(angle);
                        }
                        int q = 2 * ((o * n + k) * inner + i);
                        out[q] = re;
                        out[q + 1] = im;
                    }
                }
            }
            a = out;
        }
        return a;
    }

    /**
     * The unnormalised Hermitian inverse along {@code dim}: {@code y_j = Re z_0 + Re(z_{n/2})(−1)^j
     * (even n) + 2 Re Σ_{0<k<n/2} z_k e^{2πi jk/n}}, from {@code n/2+1} bins to {@code n} reals.
     */
    static double[] hermitianInverse(double[] z, int[] shape, int dim, int n) {
        int m = shape[dim], inner = 1, outer = 1;
        for (int k = dim + 1; k < shape.length; k++) inner *= shape[k];
        for (int k = 0; k < dim; k++) outer *= shape[k];
        double[] out = new double[outer * n * inner];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int k = 0; k < m; k++) {
                        int p = 2 * ((o * m + k) * inner + i);
                        double angle = 2 * Math.PI * ((long) j * k % n) / n;
                        double term = z[p] * Math.cos(angle) - z[p + 1] * Math.sin(angle);
                        boolean edge = k == 0 || 2 * k == n;
                        s += edge ? z[p] * Math.cos(angle) : 2 * term;
                    }
                    out[(o * n + j) * inner + i] = s;
                }
            }
        }
        return out;
    }

    /** Complex {@code z} (interleaved) of complex shape {@code from} cut or zero-padded to {@code to}. */
    static double[] crop(double[] z, int[] from, int[] to) {
        double[] out = new double[2 * Shape.numel(to)];
        int[] fs = Shape.contiguousStrides(from), ts = Shape.contiguousStrides(to);
        for (int flat = 0; flat < out.length / 2; flat++) {
            int src = 0;
            boolean inside = true;
            for (int k = 0; k < to.length; k++) {
                int i = flat / ts[k] % to[k];
                if (i >= from[k]) inside = false;
                src += i * fs[k];
            }
            if (inside) {
                out[2 * flat] = z[2 * src];
                out[2 * flat + 1] = z[2 * src + 1];
            }
        }
        return out;
    }

    private static double[] realToComplex(float[] x) {
        double[] z = new double[2 * x.length];
        for (int i = 0; i < x.length; i++) z[2 * i] = x[i];
        return z;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }

    private static double[] scale(double[] v, double s) {
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) out[i] *= s;
        return out;
    }

    /** Max error ≤ {@code tol} × the largest |expected| (float32 rounding scales with the magnitudes). */
    private static void assertClose(float[] actual, double[] expected, double tol, String what) {
        assertThat(actual.length).as(what + " length").isEqualTo(expected.length);
        double scale = 0, worst = 0;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        assertThat(worst).as(what + ": max error (max |expected| = %.3g)", scale)
                .isLessThanOrEqualTo(tol * Math.max(scale, 1));
    }

    private static double sumOfSquares(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        return s;
    }

    private static int[] complexShape(int[] shape) {
        int[] c = java.util.Arrays.copyOf(shape, shape.length + 1);
        c[shape.length] = 2;
        return c;
    }

    private static int[] allDims(int rank) {
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) d[i] = i;
        return d;
    }

    private static int[] normalise(int[] dims, int rank) {
        int[] d = new int[dims.length];
        for (int i = 0; i < dims.length; i++) d[i] = dims[i] < 0 ? dims[i] + rank : dims[i];
        return d;
    }

    private static double count(int[] shape, int[] dims) {
        double n = 1;
        for (int d : dims) n *= shape[d];
        return n;
    }

    private static boolean contains(int[] dims, int d) {
        for (int x : dims) if (x == d) return true;
        return false;
    }

    private static Set<Long> nonDaemonThreadIds() {
        Set<Long> ids = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) if (!t.isDaemon() && t.isAlive()) ids.add(t.threadId());
        return ids;
    }
}
