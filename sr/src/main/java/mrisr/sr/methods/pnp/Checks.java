package mrisr.sr.methods.pnp;

import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;

/** Argument checks shared by the denoisers and solvers of this package. */
final class Checks {
    private Checks() {}

    /** The shape of a 3-D volume {@code [nx, ny, nz]}, each ≥ 1. */
    static int[] volume(String who, Tensor t) {
        int[] s = t.shape();
        if (s.length != 3) throw new ShapeException(who, "expected a 3-D volume [nx, ny, nz], got shape " + Shape.format(s));
        for (int a = 0; a < 3; a++) {
            if (s[a] < 1) throw new ShapeException(who, "size along axis " + a + " is " + s[a] + ", must be >= 1");
        }
        return s;
    }

    /** A noise level: finite and ≥ 0. */
    static double sigma(String who, double sigma) {
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException(who + ": noise level sigma is " + sigma + ", must be finite and >= 0");
        }
        return sigma;
    }

    /** A strictly positive finite parameter. */
    static double positive(String who, String what, double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(who + ": " + what + " is " + v + ", must be finite and > 0");
        return v;
    }

    /** An integer parameter ≥ {@code min}. */
    static int atLeast(String who, String what, int v, int min) {
        if (v < min) throw new IllegalArgumentException(who + ": " + what + " is " + v + ", must be >= " + min);
        return v;
    }
}
