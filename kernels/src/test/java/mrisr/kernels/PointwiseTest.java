package mrisr.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.function.Consumer;
import mrisr.kernels.reference.Strided;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The vector pointwise kernels against their scalar twins in {@link Strided}, on odd sizes, offsets,
 * broadcast layouts and edge values (NaN, ±∞, ±0, huge values).
 *
 * <p>Bounds: functions built from IEEE operations only (add … max, neg, abs, sqrt, relu, leaky ReLU,
 * clamp, scalar add/mul and every derivative built from them) must match the twin bit for bit.
 * exp, sigmoid and tanh: relative error ≤ 2.5e-7; SiLU ≤ 5e-7 (its forward and derivative);
 * GELU and its derivative ≤ 1e-5 relative plus 1e-12 absolute (the twin's own {@code 1 + erf} in
 * double is only accurate to 1e-16 absolute far in the lower tail); sigmoid and SiLU 1e-40 absolute
 * for subnormal results; the SiLU and GELU derivatives, which cross zero, also 5e-7·|g| absolute.
 * NaN must match NaN, ±∞ must match exactly.
 */
class PointwiseTest {
    private static final float[] EDGES = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
            1e30f, -1e30f, 88f, -88f, 100f, -100f, 1f, -1f, 0.5f, -0.5f, 1e-30f, -1e-30f, 2f, -3f, 20f, -20f};

    private static float[] values(Random rnd, int n, int off) {
        float[] v = new float[off + n];
        for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() * 3);
        for (int i = 0; i < EDGES.length && i < n; i++) v[off + (i * 7919) % n] = EDGES[i];
        return v;
    }

    /** Relative bound of the fast kernel vs its twin, 0 for "same bits". */
    private static double bound(UnaryFn fn) {
        return switch (fn) {
            case EXP, SIGMOID, TANH -> 2.5e-7;
            case SILU -> 5e-7;
            case GELU -> 1e-5;
            default -> 0;
        };
    }

    /** Absolute slack on top of the relative bound. */
    private static double slack(UnaryFn fn) {
        return switch (fn) {
            case GELU -> 1e-12;
            case SIGMOID, SILU -> 1e-40; // subnormal results
            default -> 0;
        };
    }

    private static void assertClose(String what, float[] fast, float[] twin, double rel, double abs) {
        assertClose(what, fast, twin, rel, abs, 0, null);
    }

    /** {@code |fast − twin| ≤ rel·|twin| + abs + absPerUnit·|scale[i]|}; rel = 0 means same bits. */
    private static void assertClose(String what, float[] fast, float[] twin, double rel, double abs, double absPerUnit,
            float[] scale) {
        assertThat(fast.length).isEqualTo(twin.length);
        for (int i = 0; i < fast.length; i++) {
            float f = fast[i], t = twin[i];
            if (rel == 0) {
                assertThat(Float.floatToIntBits(f)).as("%s at %d: fast %s, twin %s", what, i, f, t)
                        .isEqualTo(Float.floatToIntBits(t));
            } else if (Float.isNaN(t) || Float.isInfinite(t)) {
                assertThat(Float.floatToIntBits(f)).as("%s at %d: fast %s, twin %s", what, i, f, t)
                        .isEqualTo(Float.floatToIntBits(t));
            } else {
                assertThat((double) Math.abs(f - t)).as("%s at %d: fast %s, twin %s", what, i, f, t)
                        .isLessThanOrEqualTo(rel * Math.abs(t) + abs + (scale == null ? 0 : absPerUnit * Math.abs(scale[i])));
            }
        }
    }

    private static float paramA(UnaryFn fn) {
        return switch (fn) {
            case CLAMP -> -1.5f;
            case LEAKY_RELU -> 0.01f;
            case ADD_SCALAR -> 0.3f;
            case MUL_SCALAR -> -2.5f;
            default -> 0f;
        };
    }

    @ParameterizedTest
    @EnumSource(UnaryFn.class)
    void unaryMatchesTwinOnOddSizesAndEdgeValues(UnaryFn fn) {
        float a = paramA(fn), b = fn == UnaryFn.CLAMP ? 2.25f : 0f;
        Random rnd = new Random(fn.ordinal());
        for (int n : new int[] {1, 7, 17, 100, 3 * Pointwise.CHUNK + 5}) {
            int off = 3;
            float[] x = values(rnd, n, off);
            if (fn == UnaryFn.SQRT || fn == UnaryFn.LOG) for (int i = 0; i < x.length; i++) x[i] = Math.abs(x[i]);
            float[] fast = new float[n], twin = new float[n];
            Pointwise.unary(fn, a, b, new int[] {n}, x, off, new int[] {1}, fast);
            Strided.unary(fn, a, b, new int[] {n}, x, off, new int[] {1}, twin);
            assertClose(fn + " n=" + n, fast, twin, bound(fn), slack(fn));

            float[] xd = java.util.Arrays.copyOfRange(x, off, off + n);
            float[] g = values(rnd, n, 0);
            for (int i = 0; i < n; i++) if (!Float.isFinite(g[i])) g[i] = 1.5f;
            float[] gf = new float[n], gt = new float[n];
            Pointwise.unaryBackward(fn, a, b, n, xd, twin, g, gf);
            Strided.unaryBackward(fn, a, b, n, xd, twin, g, gt);
            // the derivatives of SiLU and GELU cross zero (x ≈ −1.28, −0.75): there the bound is absolute,
            // a few float roundings of terms of size ≤ 1.2, times |g|
            boolean crossesZero = fn == UnaryFn.SILU || fn == UnaryFn.GELU;
            assertClose(fn + " backward n=" + n, gf, gt, bound(fn), slack(fn), crossesZero ? 5e-7 : 0, g);
        }
    }

    @Test
    void unaryOnStridedViewsUsesTheTwin() {
        Random rnd = new Random(3);
        float[] x = values(rnd, 6 * 9, 2);
        int[] shape = {9, 6}, strides = {1, 9}; // a transposed view
        float[] fast = new float[54], twin = new float[54];
        Pointwise.unary(UnaryFn.TANH, 0, 0, shape, x, 2, strides, fast);
        Strided.unary(UnaryFn.TANH, 0, 0, shape, x, 2, strides, twin);
        assertClose("strided tanh", fast, twin, 0, 0);
        // rows that are contiguous along the last dimension of a narrowed view take the fast path
        int[] rowsShape = {5, 7}, rowStrides = {11, 1};
        float[] y = values(rnd, 5 * 11, 1);
        float[] f2 = new float[35], t2 = new float[35];
        Pointwise.unary(UnaryFn.EXP, 0, 0, rowsShape, y, 1, rowStrides, f2);
        Strided.unary(UnaryFn.EXP, 0, 0, rowsShape, y, 1, rowStrides, t2);
        assertClose("narrowed exp", f2, t2, 2.5e-7, 0);
    }

    /** Layouts of operand b over output shape [3, 5, 37]: contiguous, per-channel, per-row, scalar, strided. */
    private static int[][] bLayouts() {
        return new int[][] {{185, 37, 1}, {0, 1, 0}, {0, 0, 1}, {0, 0, 0}, {1, 3, 15}};
    }

    @ParameterizedTest
    @EnumSource(BinaryFn.class)
    void binaryAndBackwardMatchTwinBitForBit(BinaryFn fn) {
        Random rnd = new Random(100 + fn.ordinal());
        int[] shape = {3, 5, 37};
        int n = 3 * 5 * 37;
        for (int[] bs : bLayouts()) {
            for (boolean swap : new boolean[] {false, true}) {
                int aOff = 4, bOff = 2;
                float[] a = values(rnd, n, aOff), b = values(rnd, n + 600, bOff);
                for (int i = 0; i < 20; i++) b[bOff + rnd.nextInt(n)] = a[aOff + rnd.nextInt(n)]; // ties
                int[] as = {185, 37, 1};
                float[] pa = swap ? b : a, pb = swap ? a : b;
                int[] sa = swap ? bs : as, sb = swap ? as : bs;
                int oa = swap ? bOff : aOff, ob = swap ? aOff : bOff;
                float[] fast = new float[n], twin = new float[n];
                Pointwise.binary(fn, shape, pa, oa, sa, pb, ob, sb, fast);
                Strided.binary(fn, shape, pa, oa, sa, pb, ob, sb, twin);
                String what = fn + " b strides " + java.util.Arrays.toString(bs) + (swap ? " swapped" : "");
                assertClose(what, fast, twin, 0, 0);
                if (!fn.differentiable()) continue;
                float[] g = values(rnd, n, 0);
                float[] gaF = new float[n], gbF = new float[n], gaT = new float[n], gbT = new float[n];
                Pointwise.binaryBackward(fn, shape, pa, oa, sa, pb, ob, sb, twin, g, gaF, gbF);
                Strided.binaryBackward(fn, shape, pa, oa, sa, pb, ob, sb, twin, g, gaT, gbT);
                assertClose(what + " grad a", gaF, gaT, 0, 0);
                assertClose(what + " grad b", gbF, gbT, 0, 0);
                float[] onlyB = new float[n];
                Pointwise.binaryBackward(fn, shape, pa, oa, sa, pb, ob, sb, twin, g, null, onlyB);
                assertClose(what + " grad b alone", onlyB, gbT, 0, 0);
            }
        }
    }

    @Test
    void runsMergeContiguousAndBroadcastDimensions() {
        // [N, C, H, W] * per-channel scale: N·C runs of H·W, the scale a broadcast scalar per run
        Pointwise.Runs r = Pointwise.Runs.of(new int[] {2, 3, 4, 5}, new int[][] {{60, 20, 5, 1}, {0, 1, 0, 0}});
        assertThat(r.step(0)).isEqualTo(1);
        assertThat(r.step(1)).isEqualTo(0);
        assertThat(r.unitOrBroadcast()).isTrue();
        // size-1 dimensions are dropped whatever their strides
        Pointwise.Runs one = Pointwise.Runs.of(new int[] {1, 6, 1}, new int[][] {{99, 1, 77}});
        assertThat(one.step(0)).isEqualTo(1);
    }

    @Test
    void bitIdenticalForOneAndTwoThreads() {
        Random rnd = new Random(9);
        int n = 5 * Pointwise.CHUNK + 11;
        float[] x = values(rnd, n, 0), y = values(rnd, n, 0), g = values(rnd, n, 0);
        int[] shape = {n}, unit = {1};
        // a per-row scalar broadcast over many short rows: each task must use its own broadcast buffer
        // (regression: a buffer shared between tasks gave thread-dependent results)
        int rows = n / 7;
        int[] rowShape = {rows, 7}, rowStrides = {7, 1}, perRow = {1, 0};
        Consumer<float[][]> run = out -> {
            Pointwise.unary(UnaryFn.GELU, 0, 0, shape, x, 0, unit, out[0]);
            Pointwise.unaryBackward(UnaryFn.SILU, 0, 0, n, x, out[0], g, out[1]);
            Pointwise.binary(BinaryFn.DIV, shape, x, 0, unit, y, 0, unit, out[2]);
            Pointwise.binaryBackward(BinaryFn.MAXIMUM, shape, x, 0, unit, y, 0, unit, out[2], g, out[3], out[4]);
            Pointwise.binary(BinaryFn.ADD, rowShape, x, 0, rowStrides, y, 0, perRow, out[5]);
            Pointwise.binaryBackward(BinaryFn.MUL, rowShape, x, 0, rowStrides, y, 0, perRow, out[5], g, out[6], out[7]);
        };
        float[][] one = new float[8][n], two = new float[8][n];
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            run.accept(one);
            Parallel.setThreads(2);
            run.accept(two);
        } finally {
            Parallel.setThreads(before);
        }
        for (int k = 0; k < 8; k++) assertClose("result " + k, two[k], one[k], 0, 0);
        float[] twin = new float[n];
        Strided.binary(BinaryFn.ADD, rowShape, x, 0, rowStrides, y, 0, perRow, twin);
        assertClose("per-row broadcast", one[5], twin, 0, 0);
    }

    @Test
    void emptyShapesWriteNothing() {
        float[] out = new float[0];
        Pointwise.binary(BinaryFn.ADD, new int[] {0, 4}, new float[0], 0, new int[] {4, 1}, new float[0], 0,
                new int[] {4, 1}, out);
        Pointwise.unary(UnaryFn.EXP, 0, 0, new int[] {3, 0}, new float[0], 0, new int[] {0, 1}, out);
        float[] scalar = new float[1];
        Pointwise.unary(UnaryFn.EXP, 0, 0, new int[0], new float[] {1f}, 0, new int[0], scalar);
        assertThat((double) scalar[0]).isCloseTo(Math.E, org.assertj.core.data.Offset.offset(1e-6));
    }
}
