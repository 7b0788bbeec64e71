package mrisr.sr.methods;

import java.util.Arrays;
import java.util.function.Consumer;
import mrisr.sr.physics.Degradation;

/**
 * What a {@link SrMethod} needs besides the volume: the resampling factor per axis, a seed and,
 * for model-based methods, the acquisition that produced the input and where to report progress.
 *
 * <p>Factor {@code f} along an axis of {@code n} voxels gives an output of {@code round(n·f)}
 * voxels (half-way cases round up, {@link Math#round(double)}); factors may be non-integer and
 * below 1. A factor of exactly 1 leaves that axis untouched, which is how in-plane (2-D) upsampling
 * of a 3-D volume is asked for: {@code SrContext.of(2, 2, 1)}. Deterministic methods ignore the
 * seed.
 *
 * <p>Methods that invert a forward model {@code y = H x + n} (survey Eq. 3) take {@code H} from
 * {@link #forwardModel()}: the {@link Degradation} given with {@link #withDegradation} (the settings
 * {@code mrisr degrade} used: slice profile, k-space truncation, …), else the {@code mrisr degrade}
 * default for these factors (Gaussian slice profile, FWHM = low-resolution voxel size). Interpolation
 * methods ignore it. Long-running methods report one-line progress messages to {@link #progress()}.
 *
 * <pre>{@code
 * SrContext ctx = SrContext.of(1, 1, 4);          // through-plane ×4
 * int[] hrShape = ctx.outputShape(new int[] {160, 192, 40}); // [160, 192, 160]
 * SrContext tv = ctx.withDegradation(Degradation.builder().factors(1, 1, 4).kspace(true).build())
 *         .withProgress(System.err::println);
 * }</pre>
 *
 * @param factors     resampling factor along i, j, k (3 values, each finite and &gt; 0; copied)
 * @param seed        seed for methods with randomness
 * @param degradation the acquisition model, or {@code null} for the default; its factors must equal
 *                    {@code factors}
 * @param progress    receives progress lines of long-running methods; {@code null} discards them
 */
public record SrContext(double[] factors, long seed, Degradation degradation, Consumer<String> progress) {

    /** A context without an explicit acquisition model and without progress reporting. */
    public SrContext(double[] factors, long seed) {
        this(factors, seed, null, null);
    }

    /** Validates and copies the factors; checks that the degradation has the same factors. */
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
        if (degradation != null && !Arrays.equals(degradation.factors(), factors)) {
            throw new FactorException("the degradation model has factors " + Arrays.toString(degradation.factors())
                    + " but the super-resolution factors are " + Arrays.toString(factors) + "; they must be equal");
        }
        if (progress == null) progress = line -> {};
    }

    /** A context with the given factors along i, j, k and seed 0. */
    public static SrContext of(double fi, double fj, double fk) {
        return new SrContext(new double[] {fi, fj, fk}, 0);
    }

    /** This context with the acquisition model {@code d} (its factors must equal {@link #factors()}). */
    public SrContext withDegradation(Degradation d) {
        return new SrContext(factors, seed, d, progress);
    }

    /** This context reporting progress lines to {@code listener} ({@code null} discards them). */
    public SrContext withProgress(Consumer<String> listener) {
        return new SrContext(factors, seed, degradation, listener);
    }

    /**
     * The acquisition model: the one given, else {@code mrisr degrade}'s default for these factors
     * (image-space sampling with a Gaussian slice profile, no noise).
     *
     * @throws FactorException when no model was given and a factor is below 1 (a forward model
     *     only ever reduces resolution)
     */
    public Degradation forwardModel() {
        if (degradation != null) return degradation;
        for (int a = 0; a < 3; a++) {
            if (factors[a] < 1) {
                throw new FactorException("factor along axis " + a + " is " + factors[a]
                        + ": a method that inverts the acquisition needs factors >= 1");
            }
        }
        return Degradation.builder().factors(factors).build();
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

    /** Equal factors, seed and degradation (by identity); the progress listener is not compared. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SrContext c && Arrays.equals(factors, c.factors) && seed == c.seed && degradation == c.degradation;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(factors) + Long.hashCode(seed);
    }

    @Override
    public String toString() {
        return "SrContext[factors=" + Arrays.toString(factors) + ", seed=" + seed
                + (degradation == null ? "" : ", with a degradation model") + "]";
    }
}
