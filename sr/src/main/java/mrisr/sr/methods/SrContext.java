package mrisr.sr.methods;

import java.util.Arrays;

/**
 * What a {@link SrMethod} needs besides the volume: the resampling factor per axis and a seed.
 *
 * <p>Factor {@code f} along an axis of {@code n} voxels gives an output of {@code round(n·f)}
 * voxels (half-way cases round up, {@link Math#round(double)}); factors may be non-integer and
 * below 1. A factor of exactly 1 leaves that axis untouched, which is how in-plane (2-D) upsampling
 * of a 3-D volume is asked for: {@code SrContext.of(2, 2, 1)}. Deterministic methods ignore the
 * seed.
 *
 * <pre>{@code
 * SrContext ctx = SrContext.of(1, 1, 4);          // through-plane ×4
 * int[] hrShape = ctx.outputShape(new int[] {160, 192, 40}); // [160, 192, 160]
 * }</pre>
 *
 * @param factors resampling factor along i, j, k (3 values, each finite and &gt; 0; copied)
 * @param seed    seed for methods with randomness
 */
public record SrContext(double[] factors, long seed) {

    /** Validates and copies the factors. */
    public SrContext {
        if (factors == null || factors.length != 3) {
            throw new FactorException("need 3 factors (along i, j, k), got "
                    + (factors == null ? "none" : factors.length + ": " + Arrays.toString(factors)));
        }
        for (int a = 0; a < 3; a++) {
            if (!Double.isFinite(factors[a]) || !(factors[a] > 0)) {
                throw new FactorException("factor along axis " + a + " is " + factors[a]
                        + ", must be a finite number > 0");
            }
        }
        factors = factors.clone();
    }

    /** A context with the given factors along i, j, k and seed 0. */
    public static SrContext of(double fi, double fj, double fk) {
        return new SrContext(new double[] {fi, fj, fk}, 0);
    }

    /** The factors along i, j, k (a copy). */
    @Override
    public double[] factors() {
        return factors.clone();
    }

    /**
     * The output grid for an input of {@code shape} ({@code [nx, ny, nz]} or {@code [nx, ny, nz, nt]}):
     * {@code round(n·f)} per spatial axis, the time axis unchanged.
     *
     * @throws FactorException when an axis would get fewer than 1 or more than 2³¹−1 voxels
     */
    public int[] outputShape(int[] shape) {
        int[] out = shape.clone();
        for (int a = 0; a < 3 && a < shape.length; a++) {
            double exact = shape[a] * factors[a];
            long m = Math.round(exact);
            if (m < 1) {
                throw new FactorException("factor along axis " + a + " is " + factors[a] + ": " + shape[a]
                        + " voxels × " + factors[a] + " = " + exact + " rounds to " + m
                        + " voxels, need at least 1 (use a factor >= " + (0.5 / shape[a]) + ")");
            }
            if (m > Integer.MAX_VALUE) {
                throw new FactorException("factor along axis " + a + " is " + factors[a] + ": " + shape[a]
                        + " voxels × " + factors[a] + " gives more than " + Integer.MAX_VALUE + " voxels");
            }
            out[a] = (int) m;
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SrContext c && Arrays.equals(factors, c.factors) && seed == c.seed;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(factors) + Long.hashCode(seed);
    }

    @Override
    public String toString() {
        return "SrContext[factors=" + Arrays.toString(factors) + ", seed=" + seed + "]";
    }
}
