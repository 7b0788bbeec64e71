package mrisr.kernels;

import static mrisr.kernels.VectorMath.S;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import mrisr.kernels.reference.Strided;

/**
 * Vector API pointwise kernels: the fast twins of {@link Strided#unary}, {@link Strided#unaryBackward},
 * {@link Strided#binary} and {@link Strided#binaryBackward}, with the same signatures and semantics.
 *
 * <p>Operands are first simplified: size-1 dimensions are dropped and neighbouring dimensions that
 * every operand walks contiguously are merged, so a contiguous tensor becomes one run and a
 * per-channel bias {@code [1, C, 1, 1]} broadcast over {@code [N, C, H, W]} becomes {@code N·C}
 * runs of {@code H·W}. The fast path runs when, after that, every operand either moves by 1 along the
 * last dimension (contiguous runs) or by 0 (a scalar broadcast along the run); other layouts and
 * functions without a fast kernel ({@code log}, {@code pow}, {@code softplus}, comparisons) go to the
 * scalar twin, as does everything under {@code -Dmrisr.kernels=scalar}. Runs are cut into chunks of
 * a fixed {@value #CHUNK} elements; each output element is computed by one task from the same
 * inputs, so results do not depend on the thread count.
 *
 * <p>Accuracy vs the twin: add, sub, mul, div, min, max, neg, abs, sqrt, relu, leaky ReLU, clamp,
 * the scalar add/mul and every derivative built from them give the same bits (IEEE operations in
 * the same order; the twin's {@code sqrt} in double rounds to the same float). Functions of
 * {@code exp} use {@link VectorMath}: exp, sigmoid and tanh within 2.5e-7 relative; SiLU ({@code x·σ(x)}) within
 * 5e-7 relative (subnormal results of sigmoid and SiLU within 1e-40 absolute); GELU ({@code x·Φ(x)}) within 2e-6 relative for {@code |x| ≤ 4} and 1e-5 beyond. Loop tails
 * shorter than a vector use the twin's scalar function.
 *
 * <pre>{@code
 * Pointwise.binary(BinaryFn.ADD, shape, a, aOff, aStrides, b, bOff, bStrides, out);
 * }</pre>
 */
public final class Pointwise {
    /** Elements per task; a multiple of every vector length. */
    static final int CHUNK = 1 << 13;
    private static final int L = S.length();
    private static final double INV_SQRT_2PI = 0.3989422804014327;
    /** Elements per two-pass block of the GELU derivative; a multiple of every vector length. */
    private static final int GELU_BLOCK = 512;

    private Pointwise() {}

    /** Whether {@code fn} has a vector kernel (forward and derivative). */
    public static boolean vectorised(UnaryFn fn) {
        return switch (fn) {
            case NEG, ABS, SQRT, EXP, ADD_SCALAR, MUL_SCALAR, CLAMP, RELU, LEAKY_RELU, GELU, SILU, SIGMOID, TANH -> true;
            case LOG, POW_SCALAR, RPOW_SCALAR, SOFTPLUS -> false;
        };
    }

    /** Whether {@code fn} has a vector kernel (forward and partial derivatives). */
    public static boolean vectorised(BinaryFn fn) {
        return switch (fn) {
            case ADD, SUB, MUL, DIV, MINIMUM, MAXIMUM -> true;
            default -> false;
        };
    }

    // ------------------------------------------------------------------ entry points

    /**
     * {@code out[i] = fn(x[i])} with strided input and contiguous output (see {@link Strided#unary}).
     *
     * @param out written, row-major over {@code shape}
     */
    public static void unary(UnaryFn fn, float a, float b, int[] shape, float[] x, int xOff, int[] xs, float[] out) {
        Runs runs = KernelInfo.scalarForced() || !vectorised(fn) ? null : Runs.of(shape, new int[][] {xs});
        if (runs == null || runs.step(0) != 1) {
            Strided.unary(fn, a, b, shape, x, xOff, xs, out);
            return;
        }
        runs.forEach(new int[] {xOff}, (o, base, len, scratch) -> unaryRun(fn, a, b, x, base[0], out, o, len));
    }

    /**
     * {@code gx[i] = g[i]·fn'(x[i])}, all contiguous of length {@code n}, {@code y = fn(x)} (see
     * {@link Strided#unaryBackward}).
     *
     * @param gx written
     */
    public static void unaryBackward(UnaryFn fn, float a, float b, int n, float[] x, float[] y, float[] g,
            float[] gx) {
        if (KernelInfo.scalarForced() || !vectorised(fn)) {
            Strided.unaryBackward(fn, a, b, n, x, y, g, gx);
            return;
        }
        Parallel.forRange(n, CHUNK, (lo, hi) -> derivativeRun(fn, a, b, x, y, g, gx, lo, hi - lo));
    }

    /**
     * {@code out[i] = fn(a[i], b[i])} over broadcast strided inputs (see {@link Strided#binary}).
     *
     * @param out written, row-major over {@code shape}
     */
    public static void binary(BinaryFn fn, int[] shape, float[] a, int aOff, int[] as, float[] b, int bOff, int[] bs,
            float[] out) {
        Runs runs = KernelInfo.scalarForced() || !vectorised(fn) ? null : Runs.of(shape, new int[][] {as, bs});
        if (runs == null || !runs.unitOrBroadcast()) {
            Strided.binary(fn, shape, a, aOff, as, b, bOff, bs, out);
            return;
        }
        boolean aScalar = runs.step(0) == 0, bScalar = runs.step(1) == 0;
        runs.forEach(new int[] {aOff, bOff}, (o, base, len, scratch) -> {
            float[] av = a, bv = b;
            int ao = base[0], bo = base[1];
            if (aScalar) { av = scratch[0].fill(a[ao], len); ao = 0; }
            if (bScalar) { bv = scratch[1].fill(b[bo], len); bo = 0; }
            binaryRun(fn, av, ao, bv, bo, out, o, len);
        });
    }

    /**
     * The partial derivatives times the upstream gradient at the broadcast shape (see
     * {@link Strided#binaryBackward}); {@code y} and {@code g} contiguous over {@code shape}.
     *
     * @param ga written (or null when not needed)
     * @param gb written (or null when not needed)
     */
    public static void binaryBackward(BinaryFn fn, int[] shape, float[] a, int aOff, int[] as, float[] b, int bOff,
            int[] bs, float[] y, float[] g, float[] ga, float[] gb) {
        Runs runs = KernelInfo.scalarForced() || !vectorised(fn) ? null : Runs.of(shape, new int[][] {as, bs});
        if (runs == null || !runs.unitOrBroadcast()) {
            Strided.binaryBackward(fn, shape, a, aOff, as, b, bOff, bs, y, g, ga, gb);
            return;
        }
        boolean aScalar = runs.step(0) == 0, bScalar = runs.step(1) == 0;
        runs.forEach(new int[] {aOff, bOff}, (o, base, len, scratch) -> {
            float[] av = a, bv = b;
            int ao = base[0], bo = base[1];
            if (aScalar) { av = scratch[0].fill(a[ao], len); ao = 0; }
            if (bScalar) { bv = scratch[1].fill(b[bo], len); bo = 0; }
            if (ga != null) gradientRun(fn, true, av, ao, bv, bo, g, ga, o, len);
            if (gb != null) gradientRun(fn, false, av, ao, bv, bo, g, gb, o, len);
        });
    }

    // ------------------------------------------------------------------ dispatch to micro-kernels

    private static void unaryRun(UnaryFn fn, float a, float b, float[] x, int xo, float[] y, int yo, int n) {
        int done = switch (fn) {
            case NEG -> scale(x, xo, -1f, y, yo, n);
            case MUL_SCALAR -> scale(x, xo, a, y, yo, n);
            case ADD_SCALAR -> shift(x, xo, a, y, yo, n);
            case ABS -> abs(x, xo, y, yo, n);
            case SQRT -> sqrt(x, xo, y, yo, n);
            case EXP -> exp(x, xo, y, yo, n);
            case CLAMP -> clamp(x, xo, a, b, y, yo, n);
            case RELU -> leakyRelu(x, xo, 0f, true, y, yo, n);
            case LEAKY_RELU -> leakyRelu(x, xo, a, false, y, yo, n);
            case GELU -> gelu(x, xo, y, yo, n);
            case SILU -> silu(x, xo, y, yo, n);
            case SIGMOID -> sigmoid(x, xo, y, yo, n);
            case TANH -> tanh(x, xo, y, yo, n);
            default -> throw new IllegalArgumentException("no vector kernel for " + fn);
        };
        for (int i = done; i < n; i++) y[yo + i] = fn.f(x[xo + i], a, b);
    }

    private static void derivativeRun(UnaryFn fn, float a, float b, float[] x, float[] y, float[] g, float[] gx,
            int off, int n) {
        int done = switch (fn) {
            case NEG -> scale(g, off, -1f, gx, off, n);
            case MUL_SCALAR -> scale(g, off, a, gx, off, n);
            case ADD_SCALAR -> scale(g, off, 1f, gx, off, n);
            case ABS -> absGrad(x, g, gx, off, n);
            case SQRT -> sqrtGrad(y, g, gx, off, n);
            case EXP -> multiply(g, off, y, off, gx, off, n);
            case CLAMP -> clampGrad(x, a, b, g, gx, off, n);
            case RELU -> leakyReluGrad(x, 0f, g, gx, off, n);
            case LEAKY_RELU -> leakyReluGrad(x, a, g, gx, off, n);
            case GELU -> geluGrad(x, g, gx, off, n);
            case SILU -> siluGrad(x, g, gx, off, n);
            case SIGMOID -> sigmoidGrad(y, g, gx, off, n);
            case TANH -> tanhGrad(y, g, gx, off, n);
            default -> throw new IllegalArgumentException("no vector kernel for " + fn);
        };
        for (int i = off + done; i < off + n; i++) gx[i] = g[i] * fn.df(x[i], y[i], a, b);
    }

    private static void binaryRun(BinaryFn fn, float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        int done = switch (fn) {
            case ADD -> add(a, ao, b, bo, y, yo, n);
            case SUB -> subtract(a, ao, b, bo, y, yo, n);
            case MUL -> multiply(a, ao, b, bo, y, yo, n);
            case DIV -> divide(a, ao, b, bo, y, yo, n);
            case MINIMUM -> minimum(a, ao, b, bo, y, yo, n);
            case MAXIMUM -> maximum(a, ao, b, bo, y, yo, n);
            default -> throw new IllegalArgumentException("no vector kernel for " + fn);
        };
        for (int i = done; i < n; i++) y[yo + i] = fn.f(a[ao + i], b[bo + i]);
    }

    /** {@code out = g·∂f/∂a} (when {@code wrtA}) or {@code g·∂f/∂b}, over one run. */
    private static void gradientRun(BinaryFn fn, boolean wrtA, float[] a, int ao, float[] b, int bo, float[] g,
            float[] out, int o, int n) {
        int done = switch (fn) {
            case ADD -> scale(g, o, 1f, out, o, n);
            case SUB -> scale(g, o, wrtA ? 1f : -1f, out, o, n);
            case MUL -> wrtA ? multiply(g, o, b, bo, out, o, n) : multiply(g, o, a, ao, out, o, n);
            case DIV -> wrtA ? divideGradA(b, bo, g, out, o, n) : divideGradB(a, ao, b, bo, g, out, o, n);
            // ∂min(a,b)/∂a = [a < b] + ½[a = b]; ∂/∂b is the same with the operands swapped
            case MINIMUM -> wrtA ? tieGrad(a, ao, b, bo, VectorOperators.LT, g, out, o, n)
                    : tieGrad(b, bo, a, ao, VectorOperators.LT, g, out, o, n);
            case MAXIMUM -> wrtA ? tieGrad(a, ao, b, bo, VectorOperators.GT, g, out, o, n)
                    : tieGrad(b, bo, a, ao, VectorOperators.GT, g, out, o, n);
            default -> throw new IllegalArgumentException("no vector kernel for " + fn);
        };
        for (int i = done; i < n; i++) {
            float av = a[ao + i], bv = b[bo + i], yv = fn.f(av, bv);
            out[o + i] = g[o + i] * (wrtA ? fn.da(av, bv, yv) : fn.db(av, bv, yv));
        }
    }

    // ------------------------------------------------------------------ forward micro-kernels
    // Each returns how many leading elements it wrote (a multiple of the vector length); the caller
    // finishes the tail with the scalar function.

    private static int scale(float[] x, int xo, float s, float[] y, int yo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) FloatVector.fromArray(S, x, xo + i).mul(s).intoArray(y, yo + i);
        return i;
    }

    private static int shift(float[] x, int xo, float s, float[] y, int yo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) FloatVector.fromArray(S, x, xo + i).add(s).intoArray(y, yo + i);
        return i;
    }

    private static int abs(float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) FloatVector.fromArray(S, x, xo + i).abs().intoArray(y, yo + i);
        return i;
    }

    private static int sqrt(float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) FloatVector.fromArray(S, x, xo + i).sqrt().intoArray(y, yo + i);
        return i;
    }

    private static int exp(float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            VectorMath.exp(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
        return i;
    }

    private static int clamp(float[] x, int xo, float lo, float hi, float[] y, int yo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, x, xo + i).max(lo).min(hi).intoArray(y, yo + i);
        }
        return i;
    }

    /** {@code x > 0 ? x : slope·x}, or {@code x > 0 ? x : 0} for ReLU ({@code 0·x} would give −0 and NaN). */
    private static int leakyRelu(float[] x, int xo, float slope, boolean relu, float[] y, int yo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            FloatVector neg = relu ? FloatVector.zero(S) : v.mul(slope);
            neg.blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, yo + i);
        }
        return i;
    }

    private static int gelu(float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.mul(VectorMath.normalCdf(v)).intoArray(y, yo + i);
        }
        return i;
    }

    private static int silu(float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i);
            v.mul(VectorMath.sigmoid(v)).intoArray(y, yo + i);
        }
        return i;
    }

    private static int sigmoid(float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            VectorMath.sigmoid(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
        return i;
    }

    private static int tanh(float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            VectorMath.tanh(FloatVector.fromArray(S, x, xo + i)).intoArray(y, yo + i);
        }
        return i;
    }

    private static int add(float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, a, ao + i).add(FloatVector.fromArray(S, b, bo + i)).intoArray(y, yo + i);
        }
        return i;
    }

    private static int subtract(float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, a, ao + i).sub(FloatVector.fromArray(S, b, bo + i)).intoArray(y, yo + i);
        }
        return i;
    }

    private static int multiply(float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, a, ao + i).mul(FloatVector.fromArray(S, b, bo + i)).intoArray(y, yo + i);
        }
        return i;
    }

    private static int divide(float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, a, ao + i).div(FloatVector.fromArray(S, b, bo + i)).intoArray(y, yo + i);
        }
        return i;
    }

    private static int minimum(float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, a, ao + i).min(FloatVector.fromArray(S, b, bo + i)).intoArray(y, yo + i);
        }
        return i;
    }

    private static int maximum(float[] a, int ao, float[] b, int bo, float[] y, int yo, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector.fromArray(S, a, ao + i).max(FloatVector.fromArray(S, b, bo + i)).intoArray(y, yo + i);
        }
        return i;
    }

    // ------------------------------------------------------------------ derivative micro-kernels
    // Each forms the derivative as the twin does, then multiplies by g (g·1 and g·0 included, so
    // signed zeros and NaN in g behave the same).

    private static int absGrad(float[] x, float[] g, float[] gx, int off, int n) {
        FloatVector zero = FloatVector.zero(S), one = FloatVector.broadcast(S, 1f), minusOne = one.neg();
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            FloatVector d = zero.blend(one, v.compare(VectorOperators.GT, 0f))
                    .blend(minusOne, v.compare(VectorOperators.LT, 0f));
            FloatVector.fromArray(S, g, off + i).mul(d).intoArray(gx, off + i);
        }
        return i;
    }

    private static int sqrtGrad(float[] y, float[] g, float[] gx, int off, int n) {
        FloatVector half = FloatVector.broadcast(S, 0.5f);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector d = half.div(FloatVector.fromArray(S, y, off + i));
            FloatVector.fromArray(S, g, off + i).mul(d).intoArray(gx, off + i);
        }
        return i;
    }

    private static int clampGrad(float[] x, float lo, float hi, float[] g, float[] gx, int off, int n) {
        FloatVector zero = FloatVector.zero(S), one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            VectorMask<Float> inside = v.compare(VectorOperators.GE, lo).and(v.compare(VectorOperators.LE, hi));
            FloatVector.fromArray(S, g, off + i).mul(zero.blend(one, inside)).intoArray(gx, off + i);
        }
        return i;
    }

    private static int leakyReluGrad(float[] x, float slope, float[] g, float[] gx, int off, int n) {
        FloatVector neg = FloatVector.broadcast(S, slope), one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            VectorMask<Float> positive = FloatVector.fromArray(S, x, off + i).compare(VectorOperators.GT, 0f);
            FloatVector.fromArray(S, g, off + i).mul(neg.blend(one, positive)).intoArray(gx, off + i);
        }
        return i;
    }

    /**
     * {@code d/dx x·Φ(x) = Φ(x) + x·φ(x)}, {@code φ(x) = e^(−x²/2)/√(2π)}, in blocks of two passes (φ
     * into {@code gx}, then Φ and the product): one loop holding both exponentials exceeds C2's
     * inlining budget and falls off the vector fast path.
     */
    private static int geluGrad(float[] x, float[] g, float[] gx, int off, int n) {
        int end = S.loopBound(n);
        for (int b = 0; b < end; b += GELU_BLOCK) {
            int len = Math.min(GELU_BLOCK, end - b);
            gaussian(x, gx, off + b, len);
            geluGradFromPdf(x, g, gx, off + b, len);
        }
        return end;
    }

    /** {@code out = e^(−x²/2)/√(2π)} over whole vectors. */
    private static void gaussian(float[] x, float[] out, int off, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            VectorMath.exp(v.mul(v).mul(-0.5f)).mul((float) INV_SQRT_2PI).intoArray(out, off + i);
        }
    }

    /** {@code gx = g·(Φ(x) + x·φ)} with {@code φ} already in {@code gx}, over whole vectors. */
    private static void geluGradFromPdf(float[] x, float[] g, float[] gx, int off, int n) {
        for (int i = 0; i < n; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            FloatVector d = v.fma(FloatVector.fromArray(S, gx, off + i), VectorMath.normalCdf(v));
            FloatVector.fromArray(S, g, off + i).mul(d).intoArray(gx, off + i);
        }
    }

    /** {@code d/dx x·σ(x) = σ·(1 + x·(1 − σ))}. */
    private static int siluGrad(float[] x, float[] g, float[] gx, int off, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, off + i);
            FloatVector s = VectorMath.sigmoid(v);
            FloatVector d = s.mul(v.fma(one.sub(s), one));
            FloatVector.fromArray(S, g, off + i).mul(d).intoArray(gx, off + i);
        }
        return i;
    }

    private static int sigmoidGrad(float[] y, float[] g, float[] gx, int off, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector s = FloatVector.fromArray(S, y, off + i);
            FloatVector.fromArray(S, g, off + i).mul(s.mul(one.sub(s))).intoArray(gx, off + i);
        }
        return i;
    }

    private static int tanhGrad(float[] y, float[] g, float[] gx, int off, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector t = FloatVector.fromArray(S, y, off + i);
            FloatVector.fromArray(S, g, off + i).mul(one.sub(t.mul(t))).intoArray(gx, off + i);
        }
        return i;
    }

    /** {@code ∂(a/b)/∂a = 1/b}. */
    private static int divideGradA(float[] b, int bo, float[] g, float[] out, int o, int n) {
        FloatVector one = FloatVector.broadcast(S, 1f);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector d = one.div(FloatVector.fromArray(S, b, bo + i));
            FloatVector.fromArray(S, g, o + i).mul(d).intoArray(out, o + i);
        }
        return i;
    }

    /** {@code ∂(a/b)/∂b = −a/b²}. */
    private static int divideGradB(float[] a, int ao, float[] b, int bo, float[] g, float[] out, int o, int n) {
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector bv = FloatVector.fromArray(S, b, bo + i);
            FloatVector d = FloatVector.fromArray(S, a, ao + i).neg().div(bv.mul(bv));
            FloatVector.fromArray(S, g, o + i).mul(d).intoArray(out, o + i);
        }
        return i;
    }

    /** {@code g·([p wins] + ½[p = q])} where "wins" is {@code p < q} (minimum) or {@code p > q} (maximum). */
    private static int tieGrad(float[] p, int po, float[] q, int qo, VectorOperators.Comparison wins, float[] g,
            float[] out, int o, int n) {
        FloatVector zero = FloatVector.zero(S), one = FloatVector.broadcast(S, 1f), half = FloatVector.broadcast(S, 0.5f);
        int i = 0;
        for (int end = S.loopBound(n); i < end; i += L) {
            FloatVector pv = FloatVector.fromArray(S, p, po + i), qv = FloatVector.fromArray(S, q, qo + i);
            FloatVector d = zero.blend(one, pv.compare(wins, qv)).blend(half, pv.compare(VectorOperators.EQ, qv));
            FloatVector.fromArray(S, g, o + i).mul(d).intoArray(out, o + i);
        }
        return i;
    }

    // ------------------------------------------------------------------ layout

    /**
     * Body over one run: output offset, the operands' offsets, run length, and the calling task's
     * own broadcast buffers (one per operand; never shared between tasks).
     */
    @FunctionalInterface
    interface RunBody {
        void run(int outOff, int[] base, int len, Broadcast[] scratch);
    }

    /** A per-task buffer holding one broadcast value, refilled only when the value changes. */
    private static final class Broadcast {
        private float[] buffer = new float[0];
        private float value;
        private int filled;

        float[] fill(float v, int len) {
            if (buffer.length < len) {
                buffer = new float[Math.min(Math.max(len, L), CHUNK)];
                filled = 0;
            }
            if (filled < len || Float.floatToRawIntBits(v) != Float.floatToRawIntBits(value)) {
                Arrays.fill(buffer, 0, len, v);
                value = v;
                filled = len;
            }
            return buffer;
        }
    }

    /**
     * The simplified iteration space of a pointwise op: outer dimensions (any strides) and one inner
     * run; each operand's step along the run is {@link #step}.
     */
    static final class Runs {
        private final int[] outer;       // sizes of the outer dimensions
        private final int[][] strides;   // per operand: strides of the outer dimensions
        private final int[] steps;       // per operand: stride along the run
        private final int inner;         // run length
        private final long total;

        private Runs(int[] outer, int[][] strides, int[] steps, int inner, long total) {
            this.outer = outer;
            this.strides = strides;
            this.steps = steps;
            this.inner = inner;
            this.total = total;
        }

        /** Drops size-1 dimensions and merges dimensions every operand walks contiguously. */
        static Runs of(int[] shape, int[][] operandStrides) {
            int k = operandStrides.length;
            int[] dims = new int[shape.length];
            int[][] st = new int[k][shape.length];
            int nd = 0;
            long total = 1;
            for (int d = 0; d < shape.length; d++) {
                total *= shape[d];
                if (shape[d] == 1) continue;
                boolean merge = nd > 0;
                for (int t = 0; t < k && merge; t++) merge = st[t][nd - 1] == operandStrides[t][d] * shape[d];
                if (merge) {
                    dims[nd - 1] *= shape[d];
                    for (int t = 0; t < k; t++) st[t][nd - 1] = operandStrides[t][d];
                } else {
                    dims[nd] = shape[d];
                    for (int t = 0; t < k; t++) st[t][nd] = operandStrides[t][d];
                    nd++;
                }
            }
            int inner = nd == 0 ? 1 : dims[nd - 1];
            int[] steps = new int[k];
            int[][] outerStrides = new int[k][];
            for (int t = 0; t < k; t++) {
                steps[t] = nd == 0 ? 1 : st[t][nd - 1];
                outerStrides[t] = Arrays.copyOf(st[t], Math.max(nd - 1, 0));
            }
            return new Runs(Arrays.copyOf(dims, Math.max(nd - 1, 0)), outerStrides, steps, inner, total);
        }

        int step(int operand) {
            return steps[operand];
        }

        boolean unitOrBroadcast() {
            for (int s : steps) if (s != 0 && s != 1) return false;
            return true;
        }

        /**
         * Calls {@code body} for every run, cut into pieces of at most {@link #CHUNK}; tasks cover a
         * fixed number of pieces, independent of the thread count.
         */
        void forEach(int[] offsets, RunBody body) {
            if (total == 0) return;
            int rows = (int) (total / inner);
            int pieces = (inner + CHUNK - 1) / CHUNK;
            int units = Math.multiplyExact(rows, pieces);
            int grain = Math.max(1, CHUNK / Math.min(inner, CHUNK));
            int k = offsets.length, nd = outer.length;
            Parallel.forRange(units, grain, (lo, hi) -> {
                int[] idx = new int[nd];
                int[] base = new int[k];
                int row = lo / pieces;
                for (int d = nd - 1, rem = row; d >= 0; d--) {
                    idx[d] = rem % outer[d];
                    rem /= outer[d];
                }
                for (int t = 0; t < k; t++) {
                    int o = offsets[t];
                    for (int d = 0; d < nd; d++) o += idx[d] * strides[t][d];
                    base[t] = o;
                }
                int[] at = new int[k];
                Broadcast[] scratch = new Broadcast[k];
                for (int t = 0; t < k; t++) scratch[t] = new Broadcast();
                for (int u = lo; u < hi; u++) {
                    int piece = u % pieces;
                    int start = piece * CHUNK, len = Math.min(CHUNK, inner - start);
                    for (int t = 0; t < k; t++) at[t] = base[t] + start * steps[t];
                    body.run(row * inner + start, at, len, scratch);
                    if (piece == pieces - 1) {
                        row++;
                        for (int d = nd - 1; d >= 0; d--) {
                            idx[d]++;
                            for (int t = 0; t < k; t++) base[t] += strides[t][d];
                            if (idx[d] < outer[d]) break;
                            for (int t = 0; t < k; t++) base[t] -= strides[t][d] * outer[d];
                            idx[d] = 0;
                        }
                    }
                }
            });
        }
    }
}
