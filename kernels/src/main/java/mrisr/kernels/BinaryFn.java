package mrisr.kernels;

/**
 * Pointwise binary functions with their partial derivatives.
 *
 * <p>At ties, {@code minimum}/{@code maximum} split the gradient evenly between both inputs, as
 * PyTorch does. Comparisons return 1 or 0 and have no gradient.
 */
public enum BinaryFn {
    ADD {
        public float f(float a, float b) { return a + b; }
        public float da(float a, float b, float y) { return 1f; }
        public float db(float a, float b, float y) { return 1f; }
    },
    SUB {
        public float f(float a, float b) { return a - b; }
        public float da(float a, float b, float y) { return 1f; }
        public float db(float a, float b, float y) { return -1f; }
    },
    MUL {
        public float f(float a, float b) { return a * b; }
        public float da(float a, float b, float y) { return b; }
        public float db(float a, float b, float y) { return a; }
    },
    DIV {
        public float f(float a, float b) { return a / b; }
        public float da(float a, float b, float y) { return 1f / b; }
        public float db(float a, float b, float y) { return -a / (b * b); }
    },
    POW {
        public float f(float a, float b) { return (float) Math.pow(a, b); }
        public float da(float a, float b, float y) { return b == 0f ? 0f : (float) (b * Math.pow(a, b - 1)); }
        // d/db a^b = a^b ln a; PyTorch defines it as 0 where a == 0 and b >= 0.
        public float db(float a, float b, float y) { return a == 0f && b >= 0 ? 0f : (float) (y * Math.log(a)); }
    },
    MINIMUM {
        public float f(float a, float b) { return Math.min(a, b); }
        public float da(float a, float b, float y) { return a < b ? 1f : a == b ? 0.5f : 0f; }
        public float db(float a, float b, float y) { return b < a ? 1f : a == b ? 0.5f : 0f; }
    },
    MAXIMUM {
        public float f(float a, float b) { return Math.max(a, b); }
        public float da(float a, float b, float y) { return a > b ? 1f : a == b ? 0.5f : 0f; }
        public float db(float a, float b, float y) { return b > a ? 1f : a == b ? 0.5f : 0f; }
    },
    EQ {
        public float f(float a, float b) { return a == b ? 1f : 0f; }
    },
    NE {
        public float f(float a, float b) { return a != b ? 1f : 0f; }
    },
    GT {
        public float f(float a, float b) { return a > b ? 1f : 0f; }
    },
    GE {
        public float f(float a, float b) { return a >= b ? 1f : 0f; }
    },
    LT {
        public float f(float a, float b) { return a < b ? 1f : 0f; }
    },
    LE {
        public float f(float a, float b) { return a <= b ? 1f : 0f; }
    };

    /** The function value. */
    public abstract float f(float a, float b);

    /** ∂f/∂a (0 for comparisons). */
    public float da(float a, float b, float y) { return 0f; }

    /** ∂f/∂b (0 for comparisons). */
    public float db(float a, float b, float y) { return 0f; }

    /** Whether the function has a gradient (comparisons do not). */
    public boolean differentiable() {
        return ordinal() <= MAXIMUM.ordinal();
    }
}
