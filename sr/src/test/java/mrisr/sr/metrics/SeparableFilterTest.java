package mrisr.sr.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import mrisr.engine.Rng;
import mrisr.kernels.Parallel;
import org.junit.jupiter.api.Test;

/** The separable filter against a naive full N-D correlation written here, and its helpers against hand values. */
class SeparableFilterTest {

    @Test
    void reflectIsScipysHalfSampleSymmetricExtension() {
        // n = 3, a b c: ... a b c | c b a | a b c | c b a | a b c ... (checked against scipy.ndimage.correlate1d)
        int[] expected = {0, 1, 2, 2, 1, 0, 0, 1, 2, 2, 1, 0, 0, 1, 2};
        for (int i = -6; i <= 8; i++) assertEquals(expected[i + 6], SeparableFilter.reflect(i, 3), "index " + i);
        for (int i = -5; i <= 5; i++) assertEquals(0, SeparableFilter.reflect(i, 1));
    }

    @Test
    void gaussianKernelsAreScipysSampledGaussianAndItsSecondDerivative() {
        double sigma = 1.5;
        int r = SeparableFilter.radius(sigma, 4.0);
        assertEquals(6, r);
        assertEquals(5, SeparableFilter.radius(1.5, 3.5));
        assertEquals(14, SeparableFilter.radius(17 / 5.0, 4.0));
        assertEquals(2, SeparableFilter.radius(3 / 5.0, 4.0));
        double[] g0 = SeparableFilter.gaussianKernel(sigma, r, 0), g2 = SeparableFilter.gaussianKernel(sigma, r, 2);
        double norm = 0;
        for (int x = -r; x <= r; x++) norm += Math.exp(-x * x / (2 * sigma * sigma));
        for (int x = -r; x <= r; x++) {
            double phi = Math.exp(-x * x / (2 * sigma * sigma)) / norm;
            assertEquals(phi, g0[x + r], 1e-15);
            assertEquals((x * x - sigma * sigma) / Math.pow(sigma, 4) * phi, g2[x + r], 1e-15);
        }
    }

    @Test
    void separableCorrelationEqualsNaiveNdCorrelation() {
        // sizes include 1, primes, and axes shorter than the kernel (reflection repeats)
        int[][] shapes = {{7}, {1, 9}, {5, 3, 11}, {4, 1, 6}, {13, 8}};
        Rng rng = new Rng(11);
        for (int[] shape : shapes) {
            int n = SeparableFilter.numel(shape);
            double[] x = new double[n];
            for (int i = 0; i < n; i++) x[i] = rng.nextGaussian();
            double[][] kernels = new double[shape.length][];
            for (int a = 0; a < shape.length; a++) kernels[a] = SeparableFilter.gaussianKernel(0.8 + 0.5 * a, 3 + a, a % 2 == 0 ? 0 : 2);
            double[] out = x.clone();
            SeparableFilter.correlateInPlace(out, new double[n], shape, kernels);
            double[] expected = naive(x, shape, kernels);
            for (int i = 0; i < n; i++) assertEquals(expected[i], out[i], 1e-12, "shape " + java.util.Arrays.toString(shape) + " index " + i);
        }
    }

    /** out[v] = Σ over all offsets t of Π_a w_a[t_a] · x[reflect(v + t)], summed directly in N-D. */
    private static double[] naive(double[] x, int[] shape, double[][] kernels) {
        int d = shape.length, n = x.length;
        int[] strides = SeparableFilter.strides(shape);
        double[] out = new double[n];
        for (int v = 0; v < n; v++) {
            int[] idx = Inputs.unravel(v, shape);
            int[] t = new int[d];
            int[] radius = new int[d];
            int combos = 1;
            for (int a = 0; a < d; a++) {
                radius[a] = kernels[a].length / 2;
                combos *= kernels[a].length;
            }
            double sum = 0;
            for (int c = 0; c < combos; c++) {
                int rem = c, src = 0;
                double w = 1;
                for (int a = d - 1; a >= 0; a--) {
                    t[a] = rem % kernels[a].length - radius[a];
                    rem /= kernels[a].length;
                    w *= kernels[a][t[a] + radius[a]];
                    src += SeparableFilter.reflect(idx[a] + t[a], shape[a]) * strides[a];
                }
                sum += w * x[src];
            }
            out[v] = sum;
        }
        return out;
    }

    @Test
    void filteringDoesNotDependOnTheThreadCount() {
        int[] shape = {37, 29, 31};
        int n = SeparableFilter.numel(shape);
        Rng rng = new Rng(3);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = rng.nextDouble();
        double[] k = SeparableFilter.gaussianKernel(1.5, 5, 0);
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            double[][] kernels = {k, k, k};
            double[] one = x.clone();
            SeparableFilter.correlateInPlace(one, new double[n], shape, kernels);
            double sumOne = SeparableFilter.sum(n, (from, to) -> {
                double s = 0;
                for (int i = from; i < to; i++) s += one[i];
                return s;
            });
            Parallel.setThreads(2);
            double[] two = x.clone();
            SeparableFilter.correlateInPlace(two, new double[n], shape, kernels);
            double sumTwo = SeparableFilter.sum(n, (from, to) -> {
                double s = 0;
                for (int i = from; i < to; i++) s += two[i];
                return s;
            });
            assertArrayEquals(one, two);
            assertEquals(sumOne, sumTwo, 0.0);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void averagePoolingAndDecimationFollowNumpy() {
        int[] shape = {3, 5};
        double[] x = new double[15];
        for (int i = 0; i < 15; i++) x[i] = i;
        // floor: 1x2 output; block means of rows 0-1, columns 0-1 and 2-3
        assertArrayEquals(new int[] {1, 2}, SeparableFilter.pooledShape(shape));
        assertArrayEquals(new double[] {(0 + 1 + 5 + 6) / 4.0, (2 + 3 + 7 + 8) / 4.0}, SeparableFilter.averagePool2(Grid.of(x), shape));
        // x[::2, ::2]: rows 0 and 2, columns 0, 2, 4
        assertArrayEquals(new int[] {2, 3}, SeparableFilter.decimatedShape(shape));
        assertArrayEquals(new double[] {0, 2, 4, 10, 12, 14}, SeparableFilter.decimate2(x, shape));
    }
}
