package mrisr.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Transcendental functions on float vectors, built only from add, multiply, FMA and bit operations
 * so that they are fast on every CPU (the Vector API's {@code lanewise(EXP)} may run per lane in
 * scalar code where the JDK has no SVML/SLEEF stub) and give the same bits whether C2 compiled
 * them or not.
 *
 * <p><b>exp</b>: {@code x = n·ln2 + r} with {@code n = round(x·log₂e)} and {@code |r| ≤ ln2/2}
 * (Cody–Waite: {@code ln2} split into a short high part and a low part, both applied with FMA);
 * {@code e^r ≈ 1 + r + r²·P(r)} with Cephes' degree-5 minimax {@code P}; {@code 2ⁿ} is built in
 * the exponent bits, as {@code 2^⌊n/2⌋ · 2^(n−⌊n/2⌋)} so that results down to the subnormal range
 * and up to the overflow threshold are scaled without intermediate overflow. Max relative error vs
 * {@link Math#exp} is below {@value #EXP_MAX_RELATIVE_ERROR} over {@code [−87, 88]} (8.3e-8 measured over a
 * dense sweep of 4M points and every float near 0 and ±ln2/2 in {@code VectorMathTest}); {@code exp(x) = +∞} for {@code x > 88.7228},
 * {@code 0} for {@code x < −103.98} (subnormal results in between lose relative precision as
 * subnormals do), {@code exp(NaN) = NaN}, {@code exp(±∞) = +∞ / 0}.
 *
 * <p>The other functions are built on it; their bounds (tested in {@code VectorMathTest}):
 * <ul>
 *   <li>{@link #sigmoid}: {@code 1/(1 + e^−x)}, relative error below 2.5e-7 (normal results);
 *   <li>{@link #tanh}: odd Taylor polynomial of degree 11 for {@code |x| < 0.3125}, else
 *       {@code (1 − e^−2|x|)/(1 + e^−2|x|)} with the sign of x; relative error below 2.5e-7;
 *   <li>{@link #normalCdf}: {@code Φ(x)} from the Numerical Recipes erfc fit (the one in
 *       {@link UnaryFn#erf}, fractional error 1.2e-7), evaluated in float as
 *       {@code Φ = ½·erfc(−x/√2)} so the lower tail has no cancellation; relative error below
 *       {@code 2e-6} for {@code |x| ≤ 4} and below {@code 1e-5} beyond, relative to the fit (the
 *       exponent's argument {@code −z² + …} is rounded to float).
 * </ul>
 *
 * <pre>{@code
 * FloatVector y = VectorMath.exp(FloatVector.fromArray(VectorMath.S, x, i));
 * VectorMath.exp(x, 0, y, 0, n);   // whole arrays
 * }</pre>
 */
public final class VectorMath {
    /** The species of every kernel in this package. */
    public static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> SI = S.withLanes(int.class);

    /** Stated bound on the relative error of {@link #exp} vs {@link Math#exp} over [−87, 88]. */
    public static final double EXP_MAX_RELATIVE_ERROR = 1e-7;

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5·2²³: adding it rounds to the nearest integer, which lands in the low mantissa bits. */
    private static final float ROUND_MAGIC = 12582912f;
    private static final int ROUND_MAGIC_BITS = 0x4B400000;
    private static final float EXP_LO = -105f, EXP_HI = 89f;
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
            P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    private static final float TANH_SMALL = 0.3125f;
    // Taylor coefficients of tanh x = x·(1 + x²·(T3 + x²·(T5 + …)))
    private static final float T3 = (float) (-1.0 / 3), T5 = (float) (2.0 / 15), T7 = (float) (-17.0 / 315),
            T9 = (float) (62.0 / 2835), T11 = (float) (-1382.0 / 155925);

    private static final float INV_SQRT2 = 0.70710678118654752f;
    // Numerical Recipes' erfc(z) = t·exp(−z² + E0 + t·(E1 + t·(E2 + …))), t = 1/(1 + z/2)
    private static final float E0 = -1.26551223f, E1 = 1.00002368f, E2 = 0.37409196f, E3 = 0.09678418f,
            E4 = -0.18628806f, E5 = 0.27886807f, E6 = -1.13520398f, E7 = 1.48851587f, E8 = -0.82215223f,
            E9 = 0.17087277f;

    private VectorMath() {}

    /** {@code e^x} lane-wise; see the class comment for accuracy and special values. */
    public static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(EXP_LO).min(EXP_HI); // NaN stays NaN (Math.max semantics)
        FloatVector t = xc.fma(LOG2E, ROUND_MAGIC);
        FloatVector n = t.sub(ROUND_MAGIC);
        FloatVector r = n.fma(FloatVector.broadcast(S, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(S, -LN2_LO), r);
        FloatVector p = r.fma(P0, P1).fma(r, FloatVector.broadcast(S, P2)).fma(r, FloatVector.broadcast(S, P3))
                .fma(r, FloatVector.broadcast(S, P4)).fma(r, FloatVector.broadcast(S, P5));
        FloatVector er = p.fma(r.mul(r), r).add(1f);
        IntVector ni = t.reinterpretAsInts().sub(ROUND_MAGIC_BITS);
        IntVector n1 = ni.lanewise(VectorOperators.ASHR, 1);
        IntVector n2 = ni.sub(n1);
        FloatVector s1 = n1.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = n2.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return er.mul(s1).mul(s2);
    }

    /**
     * {@code 1/(1 + e^−x)} lane-wise, as {@code e/(1 + e)} with {@code e = e^x} for negative x so that
     * tiny results reach the subnormal range instead of flushing to 0.
     */
    public static FloatVector sigmoid(FloatVector x) {
        FloatVector e = exp(x.abs().neg());
        FloatVector positive = FloatVector.broadcast(S, 1f).div(e.add(1f));
        return positive.blend(e.mul(positive), x.compare(VectorOperators.LT, 0f));
    }

    /** {@code tanh x} lane-wise. */
    public static FloatVector tanh(FloatVector x) {
        FloatVector ax = x.abs();
        FloatVector x2 = x.mul(x);
        FloatVector poly = x2.fma(T11, T9).fma(x2, FloatVector.broadcast(S, T7)).fma(x2, FloatVector.broadcast(S, T5))
                .fma(x2, FloatVector.broadcast(S, T3)).mul(x2);
        FloatVector small = poly.fma(x, x);
        FloatVector e = exp(ax.mul(-2f));
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector large = one.sub(e).div(one.add(e));
        large = large.blend(large.neg(), x.compare(VectorOperators.LT, 0f));
        return large.blend(small, ax.compare(VectorOperators.LT, TANH_SMALL));
    }

    /** The standard normal CDF {@code Φ(x) = ½(1 + erf(x/√2))} lane-wise. */
    public static FloatVector normalCdf(FloatVector x) {
        // erfc(14) = 1e-87 is 0 in float: clamping keeps z² finite (no ∞ − ∞) and changes no result
        FloatVector z = x.mul(INV_SQRT2).abs().min(14f);
        FloatVector one = FloatVector.broadcast(S, 1f);
        FloatVector t = one.div(z.fma(0.5f, 1f));
        FloatVector poly = t.fma(E9, E8).fma(t, FloatVector.broadcast(S, E7)).fma(t, FloatVector.broadcast(S, E6))
                .fma(t, FloatVector.broadcast(S, E5)).fma(t, FloatVector.broadcast(S, E4))
                .fma(t, FloatVector.broadcast(S, E3)).fma(t, FloatVector.broadcast(S, E2))
                .fma(t, FloatVector.broadcast(S, E1)).fma(t, FloatVector.broadcast(S, E0));
        // −z² split exactly into zz + zzLo so that only the final sum is rounded
        FloatVector zz = z.mul(z);
        FloatVector zzLo = z.fma(z, zz.neg());
        FloatVector halfErfc = t.mul(exp(zz.neg().add(poly.sub(zzLo)))).mul(0.5f);
        VectorMask<Float> negative = x.compare(VectorOperators.LT, 0f);
        return one.sub(halfErfc).blend(halfErfc, negative);
    }

    /** {@code y[yOff + i] = e^x[xOff + i]} for {@code i < n} ({@code y} modified; may alias {@code x}). */
    public static void exp(float[] x, int xOff, float[] y, int yOff, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += S.length()) {
            exp(FloatVector.fromArray(S, x, xOff + i)).intoArray(y, yOff + i);
        }
        for (; i < n; i++) y[yOff + i] = expScalar(x[xOff + i]);
    }

    /**
     * The same algorithm as {@link #exp(FloatVector)} on one value, operation for operation, so it
     * returns the same bits as a vector lane (used for loop tails).
     */
    public static float expScalar(float x) {
        float xc = Math.min(Math.max(x, EXP_LO), EXP_HI);
        float t = Math.fma(xc, LOG2E, ROUND_MAGIC);
        float n = t - ROUND_MAGIC;
        float r = Math.fma(n, -LN2_HI, xc);
        r = Math.fma(n, -LN2_LO, r);
        float p = Math.fma(Math.fma(Math.fma(Math.fma(Math.fma(r, P0, P1), r, P2), r, P3), r, P4), r, P5);
        float er = Math.fma(p, r * r, r) + 1f;
        int ni = Float.floatToRawIntBits(t) - ROUND_MAGIC_BITS;
        int n1 = ni >> 1, n2 = ni - n1;
        return er * Float.intBitsToFloat((n1 + 127) << 23) * Float.intBitsToFloat((n2 + 127) << 23);
    }
}
