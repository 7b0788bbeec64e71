package mrisr.engine;

/** Seeded random inputs for tests. */
public final class TestTensors {
    private TestTensors() {}

    /** Standard normal values from a seed. */
    public static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new Rng(seed), shape);
    }

    /** Uniform values in [lo, hi) from a seed. */
    public static Tensor uniform(long seed, double lo, double hi, int... shape) {
        return Tensor.rand(new Rng(seed), shape).mul(hi - lo).add(lo);
    }

    /**
     * Normal values pushed at least {@code gap} away from 0 (for ops with a kink at 0 such as relu
     * and abs, whose finite differences are wrong right at the kink).
     */
    public static Tensor awayFromZero(long seed, double gap, int... shape) {
        float[] v = randn(seed, shape).toArray();
        for (int i = 0; i < v.length; i++) v[i] = v[i] >= 0 ? v[i] + (float) gap : v[i] - (float) gap;
        return Tensor.fromArray(v, shape);
    }

    /** Distinct values (a shuffled ramp) so that max-type ops have no ties. */
    public static Tensor distinct(long seed, int... shape) {
        int n = Shape.numel(shape);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (i - n / 2f) * 0.1f;
        Rng rng = new Rng(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        return Tensor.fromArray(v, shape);
    }
}
