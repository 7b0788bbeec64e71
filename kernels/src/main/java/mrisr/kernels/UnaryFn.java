package mrisr.kernels;

/**
 * Pointwise functions with their derivatives, shared by the kernels and the engine's backward rules.
 *
 * <p>{@code a} and {@code b} are the function's scalar parameters (e.g. the slope of leaky ReLU, the
 * bounds of clamp); unused ones are ignored. Derivatives at kinks follow PyTorch: {@code relu'(0) = 0},
 * {@code abs'(0) = 0}, clamp passes the gradient where {@code a ≤ x ≤ b}.
 */
public enum UnaryFn {
    NEG {
        public float f(float x, float a, float b) { return -x; }
        public float df(float x, float y, float a, float b) { return -1f; }
    },
    ABS {
        public float f(float x, float a, float b) { return Math.abs(x); }
        public float df(float x, float y, float a, float b) { return x > 0 ? 1f : x < 0 ? -1f : 0f; }
    },
    SQRT {
        public float f(float x, float a, float b) { return (float) Math.sqrt(x); }
        public float df(float x, float y, float a, float b) { return 0.5f / y; }
    },
    EXP {
        public float f(float x, float a, float b) { return (float) Math.exp(x); }
        public float df(float x, float y, float a, float b) { return y; }
    },
    LOG {
        public float f(float x, float a, float b) { return (float) Math.log(x); }
        public float df(float x, float y, float a, float b) { return 1f / x; }
    },
    /** x + a. */
    ADD_SCALAR {
        public float f(float x, float a, float b) { return x + a; }
        public float df(float x, float y, float a, float b) { return 1f; }
    },
    /** x · a. */
    MUL_SCALAR {
        public float f(float x, float a, float b) { return x * a; }
        public float df(float x, float y, float a, float b) { return a; }
    },
    /** x^a. */
    POW_SCALAR {
        public float f(float x, float a, float b) { return (float) Math.pow(x, a); }
        public float df(float x, float y, float a, float b) { return a == 0f ? 0f : (float) (a * Math.pow(x, a - 1)); }
    },
    /** a^x (scalar base, tensor exponent). */
    RPOW_SCALAR {
        public float f(float x, float a, float b) { return (float) Math.pow(a, x); }
        public float df(float x, float y, float a, float b) { return (float) (y * Math.log(a)); }
    },
    /** min(max(x, a), b); gradient 1 inside [a, b] (bounds included, like PyTorch). */
    CLAMP {
        public float f(float x, float a, float b) { return Math.min(Math.max(x, a), b); }
        public float df(float x, float y, float a, float b) { return x >= a && x <= b ? 1f : 0f; }
    },
    RELU {
        public float f(float x, float a, float b) { return x > 0 ? x : 0f; }
        public float df(float x, float y, float a, float b) { return x > 0 ? 1f : 0f; }
    },
    /** x for x > 0, a·x otherwise. */
    LEAKY_RELU {
        public float f(float x, float a, float b) { return x > 0 ? x : a * x; }
        public float df(float x, float y, float a, float b) { return x > 0 ? 1f : a; }
    },
    /** Exact GELU: x·Φ(x) = x/2·(1 + erf(x/√2)). */
    GELU {
        public float f(float x, float a, float b) { return (float) (0.5 * x * (1 + erf(x * INV_SQRT2))); }
        public float df(float x, float y, float a, float b) {
            double cdf = 0.5 * (1 + erf(x * INV_SQRT2));
            double pdf = Math.exp(-0.5 * x * x) * INV_SQRT_2PI;
            return (float) (cdf + x * pdf);
        }
    },
    /** x·σ(x). */
    SILU {
        public float f(float x, float a, float b) { return (float) (x / (1 + Math.exp(-x))); }
        public float df(float x, float y, float a, float b) {
            double s = 1 / (1 + Math.exp(-x));
            return (float) (s * (1 + x * (1 - s)));
        }
    },
    SIGMOID {
        public float f(float x, float a, float b) { return (float) (1 / (1 + Math.exp(-x))); }
        public float df(float x, float y, float a, float b) { return y * (1 - y); }
    },
    TANH {
        public float f(float x, float a, float b) { return (float) Math.tanh(x); }
        public float df(float x, float y, float a, float b) { return 1 - y * y; }
    },
    /** log(1 + exp(a·x))/a, linear above a·x &gt; b (PyTorch's beta and threshold). */
    SOFTPLUS {
        public float f(float x, float a, float b) {
            double bx = (double) a * x;
            return bx > b ? x : (float) (Math.log1p(Math.exp(bx)) / a);
        }
        public float df(float x, float y, float a, float b) {
            double bx = (double) a * x;
            return bx > b ? 1f : (float) (1 / (1 + Math.exp(-bx)));
        }
    };

    private static final double INV_SQRT2 = 0.7071067811865476;
    private static final double INV_SQRT_2PI = 0.3989422804014327;

    /** The function at {@code x}. */
    public abstract float f(float x, float a, float b);

    /** Its derivative at {@code x}, given the output {@code y = f(x)}. */
    public abstract float df(float x, float y, float a, float b);

    /**
     * Error function, |error| &lt; 1.2e-7 everywhere (Numerical Recipes' erfc Chebyshev fit), enough for
     * float32 results.
     */
    public static double erf(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1 - r : r - 1;
    }
}
