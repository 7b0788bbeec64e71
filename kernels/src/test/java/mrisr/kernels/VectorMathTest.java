package mrisr.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** The polynomial exp and the functions built on it against {@link Math} in double precision. */
class VectorMathTest {
    private static final int L = VectorMath.S.length();

    /** Applies a vector function to every element of {@code x} (length a multiple of L). */
    private interface VectorFn {
        FloatVector apply(FloatVector v);
    }

    private static float[] map(VectorFn fn, float[] x) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i += L) fn.apply(FloatVector.fromArray(VectorMath.S, x, i)).intoArray(y, i);
        return y;
    }

    /** {@code n} evenly spaced points over [lo, hi], padded to a multiple of the lane count. */
    private static float[] sweep(double lo, double hi, int n) {
        int padded = (n + L - 1) / L * L;
        float[] x = new float[padded];
        for (int i = 0; i < padded; i++) x[i] = (float) (lo + (hi - lo) * Math.min(i, n - 1) / (n - 1));
        return x;
    }

    @Test
    void expRelativeErrorOverDenseSweep() {
        float[] x = sweep(-87, 88, 4_000_001);
        float[] y = map(VectorMath::exp, x);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double exact = Math.exp(x[i]);
            worst = Math.max(worst, Math.abs(y[i] - exact) / exact);
        }
        System.out.printf("exp worst relative error over [-87, 88]: %.3g%n", worst);
        assertThat(worst).isLessThan(VectorMath.EXP_MAX_RELATIVE_ERROR);
    }

    @Test
    void expEveryFloatNearZeroAndNearTheReductionBoundaries() {
        // all floats in small windows around 0 and ±ln2/2, where n switches
        double worst = 0;
        for (double centre : new double[] {0, Math.log(2) / 2, -Math.log(2) / 2, 88, -87}) {
            float c = (float) centre;
            float[] x = new float[4096 * L];
            float v = c;
            for (int i = 0; i < 2048 * L; i++) v = Math.nextDown(v);
            for (int i = 0; i < x.length; i++, v = Math.nextUp(v)) x[i] = v;
            float[] y = map(VectorMath::exp, x);
            for (int i = 0; i < x.length; i++) {
                double exact = Math.exp(x[i]);
                worst = Math.max(worst, Math.abs(y[i] - exact) / exact);
            }
        }
        assertThat(worst).isLessThan(VectorMath.EXP_MAX_RELATIVE_ERROR);
    }

    @Test
    void expSpecialValues() {
        float[] x = new float[Math.max(L, 16)];
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, 88.73f, 89f, 1000f,
                -104f, -1000f, -100f, -88f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, 88.72f};
        int n = specials.length;
        float[] xs = new float[(n + L - 1) / L * L];
        System.arraycopy(specials, 0, xs, 0, n);
        float[] y = map(VectorMath::exp, xs);
        assertThat(y[0]).isNaN();
        assertThat(y[1]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(y[2]).isEqualTo(0f);
        assertThat(y[3]).isEqualTo(1f);
        assertThat(y[4]).isEqualTo(1f);
        assertThat(y[5]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(y[6]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(y[7]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(y[8]).isEqualTo(0f);  // e^-104 = 6.8e-46 rounds to 0
        assertThat(y[9]).isEqualTo(0f);
        // e^-100 = 3.7e-44 is subnormal: within one subnormal step of the correctly rounded value
        assertThat(Math.abs((double) y[10] - (float) Math.exp(-100))).isLessThanOrEqualTo(Float.MIN_VALUE);
        assertThat(Math.abs(y[11] - Math.exp(-88)) / Math.exp(-88)).isLessThan(1e-6);
        assertThat(y[12]).isEqualTo(Float.POSITIVE_INFINITY);
        assertThat(y[13]).isEqualTo(0f);
        assertThat(y[14]).isEqualTo(1f);
        assertThat(Math.abs(y[15] - Math.exp(88.72f)) / Math.exp(88.72f)).isLessThan(VectorMath.EXP_MAX_RELATIVE_ERROR);
        for (int i = 0; i < n; i++) {
            assertThat(Float.floatToIntBits(VectorMath.expScalar(xs[i]))).as("scalar twin at %s", xs[i])
                    .isEqualTo(Float.floatToIntBits(y[i]));
        }
    }

    @Test
    void expScalarIsBitIdenticalToTheVectorLanes() {
        float[] x = sweep(-110, 95, 100_003);
        float[] y = map(VectorMath::exp, x);
        for (int i = 0; i < x.length; i++) {
            assertThat(Float.floatToIntBits(VectorMath.expScalar(x[i]))).isEqualTo(Float.floatToIntBits(y[i]));
        }
        float[] z = new float[x.length - 3];
        VectorMath.exp(x, 3, z, 0, z.length); // odd length and offset: vector body plus scalar tail
        for (int i = 0; i < z.length; i++) assertThat(z[i]).isEqualTo(y[i + 3]);
    }

    @Test
    void sigmoidRelativeError() {
        float[] x = sweep(-100, 40, 1_000_001);
        float[] y = map(VectorMath::sigmoid, x);
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            double exact = 1 / (1 + Math.exp(-(double) x[i]));
            if (exact < Float.MIN_NORMAL) continue; // subnormal results
            worst = Math.max(worst, Math.abs(y[i] - exact) / exact);
        }
        System.out.printf("sigmoid worst relative error: %.3g%n", worst);
        assertThat(worst).isLessThan(2.5e-7);
        float[] special = map(VectorMath::sigmoid, pad(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f));
        assertThat(special[0]).isNaN();
        assertThat(special[1]).isEqualTo(1f);
        assertThat(special[2]).isEqualTo(0f);
        assertThat(special[3]).isEqualTo(0.5f);
    }

    @Test
    void tanhRelativeError() {
        float[] x = sweep(-12, 12, 1_000_001);
        double worst = 0;
        float[] y = map(VectorMath::tanh, x);
        for (int i = 0; i < x.length; i++) {
            double exact = Math.tanh(x[i]);
            if (exact == 0) {
                assertThat(y[i]).isEqualTo(0f);
                continue;
            }
            worst = Math.max(worst, Math.abs(y[i] - exact) / Math.abs(exact));
        }
        float[] tiny = sweep(-1e-3, 1e-3, 100_001);
        float[] yt = map(VectorMath::tanh, tiny);
        for (int i = 0; i < tiny.length; i++) {
            double exact = Math.tanh(tiny[i]);
            if (exact != 0) worst = Math.max(worst, Math.abs(yt[i] - exact) / Math.abs(exact));
        }
        System.out.printf("tanh worst relative error: %.3g%n", worst);
        assertThat(worst).isLessThan(2.5e-7);
        float[] special = map(VectorMath::tanh, pad(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f));
        assertThat(special[0]).isNaN();
        assertThat(special[1]).isEqualTo(1f);
        assertThat(special[2]).isEqualTo(-1f);
        assertThat(special[3]).isEqualTo(-0f);
    }

    @Test
    void normalCdfAgainstTheErfcFit() {
        float[] x = sweep(-9, 9, 1_000_001);
        float[] y = map(VectorMath::normalCdf, x);
        double worstInner = 0, worstOuter = 0;
        for (int i = 0; i < x.length; i++) {
            double z = Math.abs(x[i]) / Math.sqrt(2);
            double exact = x[i] < 0 ? 0.5 * erfcFit(z) : 1 - 0.5 * erfcFit(z);
            double rel = Math.abs(y[i] - exact) / exact;
            if (Math.abs(x[i]) <= 4) worstInner = Math.max(worstInner, rel);
            else worstOuter = Math.max(worstOuter, rel);
        }
        System.out.printf("normalCdf worst relative error: %.3g (|x| <= 4), %.3g beyond%n", worstInner, worstOuter);
        assertThat(worstInner).isLessThan(2e-6);
        assertThat(worstOuter).isLessThan(1e-5);
    }

    /** Numerical Recipes' erfc fit for z ≥ 0 in double (the fit behind {@link UnaryFn#erf}). */
    private static double erfcFit(double z) {
        double t = 1 / (1 + 0.5 * z);
        return t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
    }

    private static float[] pad(float... v) {
        float[] x = new float[(v.length + L - 1) / L * L];
        System.arraycopy(v, 0, x, 0, v.length);
        return x;
    }
}
