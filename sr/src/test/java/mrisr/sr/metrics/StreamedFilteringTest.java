package mrisr.sr.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import mrisr.engine.Rng;
import mrisr.kernels.Parallel;
import org.junit.jupiter.api.Test;

/**
 * The Vector API filter kernels and the slice-by-slice metric pipeline against a plain scalar twin
 * written here: same operations in the same order, so the results must agree bit for bit.
 */
class StreamedFilteringTest {
    /** Sizes include 1, primes, lines shorter than the kernel and lines that are not a multiple of any vector width. */
    private static final int[][] SHAPES = {{31}, {23, 29}, {13, 1, 19}, {5, 17, 37}, {9, 3, 7}};

    /** Scalar twin of one pass: {@code out[i] = w_c·x[i] + Σ_t w_t·(x[reflect(i + t)] + x[reflect(i − t)])} along {@code axis}. */
    private static double[] twinAxis(double[] x, int[] shape, int axis, double[] w) {
        int r = w.length / 2, n = shape[axis];
        int inner = 1;
        for (int a = axis + 1; a < shape.length; a++) inner *= shape[a];
        double[] out = new double[x.length];
        for (int v = 0; v < x.length; v++) {
            int i = v / inner % n, base = v - i * inner;
            double acc = w[r] * x[v];
            for (int t = 1; t <= r; t++) {
                acc += w[r + t] * (x[base + SeparableFilter.reflect(i + t, n) * inner] + x[base + SeparableFilter.reflect(i - t, n) * inner]);
            }
            out[v] = acc;
        }
        return out;
    }

    /** Scalar twin of scipy's gaussian_filter: the passes along axes 0, 1, … in order. */
    private static double[] twinAll(double[] x, int[] shape, double[] w) {
        double[] y = x;
        for (int a = 0; a < shape.length; a++) y = twinAxis(y, shape, a, w);
        return y;
    }

    private static double[] random(Rng rng, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = rng.nextGaussian();
        return x;
    }

    private static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    private static double[] product(double[] a, double[] b) {
        double[] p = new double[a.length];
        for (int i = 0; i < a.length; i++) p[i] = a[i] * b[i];
        return p;
    }

    @Test
    void vectorPassesEqualTheScalarTwinBitForBit() {
        Rng rng = new Rng(5);
        for (int[] shape : SHAPES) {
            double[] x = random(rng, SeparableFilter.numel(shape));
            for (int radius : new int[] {1, 5, 14}) {
                double[] w = SeparableFilter.gaussianKernel(0.3 * radius + 0.5, radius, radius % 2 == 0 ? 0 : 2);
                for (int axis = 0; axis < shape.length; axis++) {
                    double[] out = new double[x.length];
                    SeparableFilter.correlateAxis(x, out, shape, axis, w);
                    assertArrayEquals(twinAxis(x, shape, axis, w), out, Arrays.toString(shape) + " axis " + axis + " radius " + radius);
                }
                double[][] kernels = new double[shape.length][];
                Arrays.fill(kernels, w);
                double[] inPlace = x.clone();
                SeparableFilter.correlateInPlace(inPlace, new double[x.length], shape, kernels);
                assertArrayEquals(twinAll(x, shape, w), inPlace, Arrays.toString(shape) + " all axes, radius " + radius);
            }
        }
    }

    @Test
    void axis0SlicesEqualTheWholeGridPass() {
        Rng rng = new Rng(8);
        int[] shape = {17, 5, 11};
        int size = 55;
        double[] x = random(rng, 17 * size);
        double[][] kernels = {SeparableFilter.gaussianKernel(1.5, 6, 0), SeparableFilter.gaussianKernel(1.5, 6, 2)};
        double[][] whole = {twinAxis(x, shape, 0, kernels[0]), twinAxis(x, shape, 0, kernels[1])};
        float[] single = new float[x.length];
        for (int i = 0; i < x.length; i++) single[i] = (float) x[i];
        double[][] wholeFromFloat = {twinAxis(widen(single), shape, 0, kernels[0]), twinAxis(widen(single), shape, 0, kernels[1])};
        for (int step : new int[] {1, 2}) {
            int first = 3, count = 5;
            double[][][] out = new double[2][count][size], outFromFloat = new double[2][count][size];
            double[] tile = new double[SeparableFilter.tileLength(count, step, 6)];
            SeparableFilter.correlateAxis0Slices(Grid.of(x), 17, size, first, step, count, kernels, out, tile);
            SeparableFilter.correlateAxis0Slices(Grid.of(single), 17, size, first, step, count, kernels, outFromFloat, tile);
            for (int k = 0; k < 2; k++) {
                for (int c = 0; c < count; c++) {
                    int i = first + c * step;
                    assertArrayEquals(Arrays.copyOfRange(whole[k], i * size, (i + 1) * size), out[k][c], "kernel " + k + " slice " + i);
                    assertArrayEquals(Arrays.copyOfRange(wholeFromFloat[k], i * size, (i + 1) * size), outFromFloat[k][c], "float32 input");
                }
            }
        }
    }

    @Test
    void localMomentsEqualTheFilteredProductsBitForBit() {
        Rng rng = new Rng(13);
        for (int[] shape : SHAPES) {
            int n = SeparableFilter.numel(shape);
            float[] xf = new float[n], yf = new float[n];
            for (int i = 0; i < n; i++) {
                xf[i] = (float) rng.nextGaussian();
                yf[i] = (float) rng.nextGaussian();
            }
            double[] x = widen(xf), y = widen(yf);
            for (double[] w : new double[][] {SeparableFilter.gaussianKernel(1.5, 5, 0), SeparableFilter.gaussianKernel(3.4, 14, 0)}) {
                double[][] expected = {twinAll(x, shape, w), twinAll(y, shape, w), twinAll(product(x, x), shape, w),
                    twinAll(product(y, y), shape, w), twinAll(product(x, y), shape, w)};
                // float32 storage (the volumes as loaded) and float64 storage (coarser scales) give the same values
                for (Grid[] images : new Grid[][] {{Grid.of(xf), Grid.of(yf)}, {Grid.of(x), Grid.of(y)}}) {
                    double[][] got = new double[5][n];
                    int from = shape[0] > 4 ? 2 : 0, to = shape[0] > 4 ? shape[0] - 1 : shape[0];
                    boolean[] seen = new boolean[shape[0]];
                    LocalMoments.forEachSlice(images[0], images[1], shape, w, from, to, (i, offset, m) -> {
                        seen[i] = true;
                        double[][] fields = {m.ux, m.uy, m.xx, m.yy, m.xy};
                        for (int f = 0; f < 5; f++) System.arraycopy(fields[f], 0, got[f], offset, fields[f].length);
                    });
                    int size = n / shape[0];
                    for (int i = 0; i < shape[0]; i++) {
                        assertEquals(i >= from && i < to, seen[i], "slice " + i + " visited");
                        if (!seen[i]) continue;
                        for (int f = 0; f < 5; f++) {
                            assertArrayEquals(Arrays.copyOfRange(expected[f], i * size, (i + 1) * size),
                                    Arrays.copyOfRange(got[f], i * size, (i + 1) * size),
                                    Arrays.toString(shape) + " field " + f + " slice " + i + " radius " + w.length / 2);
                        }
                    }
                }
            }
        }
    }

    @Test
    void slicewiseMetricsDoNotDependOnTheThreadCount() {
        int[] shape = {40, 23, 29};
        Rng rng = new Rng(21);
        int n = SeparableFilter.numel(shape);
        double[] x = random(rng, n), y = x.clone();
        for (int i = 0; i < n; i++) y[i] += 0.3 * rng.nextGaussian();
        int before = Parallel.threads();
        try {
            double[][] results = new double[2][];
            for (int threads = 1; threads <= 2; threads++) {
                Parallel.setThreads(threads);
                double[] sc = Ssim.meanSsimAndCs(Grid.of(x), Grid.of(y), shape, null, 1e-4, 9e-4);
                double[] hfen = Hfen.squaredNorms(Grid.of(x), Grid.of(y), shape, null);
                double vif = Vif.vif(Grid.of(x), Grid.of(y), shape, null, 6.0);
                results[threads - 1] = new double[] {sc[0], sc[1], hfen[0], hfen[1], vif};
            }
            assertArrayEquals(results[0], results[1]);
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void log10SumAgreesWithSummingLogarithms() {
        Rng rng = new Rng(34);
        Vif.Log10Sum sum = new Vif.Log10Sum();
        double expected = 0;
        for (int i = 0; i < 200_000; i++) {
            // mostly small factors (many steps per flush), some large ones (flushes), a few beyond 1e50 (logged directly)
            double v = i % 1000 == 0 ? Math.pow(10, 60 * rng.nextDouble()) : 1 + Math.abs(rng.nextGaussian()) * (i % 7 == 0 ? 1e6 : 0.5);
            sum.add(v);
            expected += Math.log10(v);
        }
        assertTrue(Math.abs(sum.total() - expected) <= 1e-12 * expected, sum.total() + " vs " + expected);
        assertEquals(0.0, new Vif.Log10Sum().total());
    }
}
