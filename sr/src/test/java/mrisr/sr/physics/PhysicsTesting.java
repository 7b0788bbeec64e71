package mrisr.sr.physics;

import mrisr.engine.Rng;
import mrisr.engine.Tensor;

/** Shared helpers of the physics tests: one pinned seed, double-precision reductions. */
final class PhysicsTesting {
    /** The seed every physics test derives its random inputs from. */
    static final long SEED = 20240611L;

    private PhysicsTesting() {}

    static Tensor randn(long salt, int... shape) {
        return Tensor.randn(new Rng(SEED + salt), shape);
    }

    static double dot(Tensor a, Tensor b) {
        float[] x = a.toArray(), y = b.toArray();
        double s = 0;
        for (int i = 0; i < x.length; i++) s += (double) x[i] * y[i];
        return s;
    }

    static double norm(Tensor a) {
        return Math.sqrt(dot(a, a));
    }

    /** Simpson's rule with {@code n} (even) panels: an independent numerical integral. */
    static double simpson(java.util.function.DoubleUnaryOperator f, double a, double b, int n) {
        double h = (b - a) / n, s = f.applyAsDouble(a) + f.applyAsDouble(b);
        for (int i = 1; i < n; i++) s += (i % 2 == 1 ? 4 : 2) * f.applyAsDouble(a + i * h);
        return s * h / 3;
    }

    /** Row-major flat index of {@code (i, j, k)} in {@code shape}. */
    static int idx(int[] shape, int i, int j, int k) {
        return (i * shape[1] + j) * shape[2] + k;
    }
}
