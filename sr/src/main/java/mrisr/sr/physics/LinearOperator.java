package mrisr.sr.physics;

import mrisr.engine.Rng;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;

/**
 * A linear map {@code A : ℝ^inputShape → ℝ^outputShape} together with its adjoint {@code Aᵀ}
 * (deepinv's {@code LinearPhysics}). Every forward model of the degradation
 * {@code y = D_s(K ⊗ Γ(x)) + n} (survey Eq. 1–2) is one of these, so solvers, data-consistency
 * metrics and tests treat them alike.
 *
 * <p>Contract: {@code apply} and {@code adjoint} never modify their argument and return a new
 * tensor; {@code ⟨A x, y⟩ = ⟨x, Aᵀ y⟩} holds up to float32 rounding for all {@code x, y} (every
 * operator in {@link Operators#catalogue()} is checked). Tensors are CPU volumes, normally
 * {@code [nx, ny, nz]}.
 *
 * <pre>{@code
 * LinearOperator h = Downsampling.decimate(new int[] {64, 64, 64}, new int[] {1, 1, 4})
 *         .compose(Blur.gaussian(new int[] {64, 64, 64}, new double[] {1, 1, 1}, new double[] {0, 0, 4}, Boundary.SYMMETRIC));
 * Tensor lr = h.apply(hr);                           // [64, 64, 16]
 * Tensor tikhonov = h.cgSolve(lr, 1e-3, 50, 1e-6);   // argmin ‖Hx − y‖² + λ‖x‖²
 * }</pre>
 */
public interface LinearOperator {

    /**
     * {@code A x}.
     *
     * @param x input of shape {@link #inputShape()} (not modified)
     * @return a new tensor of shape {@link #outputShape()}
     */
    Tensor apply(Tensor x);

    /**
     * {@code Aᵀ y}.
     *
     * @param y input of shape {@link #outputShape()} (not modified)
     * @return a new tensor of shape {@link #inputShape()}
     */
    Tensor adjoint(Tensor y);

    /** Shape of the operator's domain (a copy). */
    int[] inputShape();

    /** Shape of the operator's range (a copy). */
    int[] outputShape();

    /** A short human-readable name used in test reports and error messages. */
    default String name() {
        return getClass().getSimpleName();
    }

    /**
     * The composition {@code this ∘ inner}: {@code x ↦ this.apply(inner.apply(x))}, with adjoint
     * {@code innerᵀ ∘ thisᵀ}.
     *
     * @throws ShapeException when {@code inner}'s output shape is not this operator's input shape
     */
    default LinearOperator compose(LinearOperator inner) {
        return new Composition(this, inner);
    }

    /** The normal operator {@code AᵀA} on {@link #inputShape()} (self-adjoint, positive semi-definite). */
    default LinearOperator normal() {
        LinearOperator a = this;
        return new LinearOperator() {
            @Override
            public Tensor apply(Tensor x) {
                return a.adjoint(a.apply(x));
            }

            @Override
            public Tensor adjoint(Tensor y) {
                return apply(y);
            }

            @Override
            public int[] inputShape() {
                return a.inputShape();
            }

            @Override
            public int[] outputShape() {
                return a.inputShape();
            }

            @Override
            public String name() {
                return "normal(" + a.name() + ")";
            }
        };
    }

    /**
     * Estimates the spectral norm {@code ‖A‖₂ = sqrt(λ_max(AᵀA))} by the power method on
     * {@code AᵀA}, starting from a standard normal vector drawn from {@code seed}. The estimate
     * approaches the norm from below at the rate {@code (λ₂/λ₁)^iters}.
     *
     * @param iters number of power iterations (≥ 1)
     * @param seed  seed of the start vector
     */
    default double normEstimate(int iters, long seed) {
        if (iters < 1) throw new IllegalArgumentException(name() + ": power iterations must be >= 1, got " + iters);
        int[] shape = inputShape();
        float[] v = Tensor.randn(new Rng(seed), shape).toArray();
        double norm = Math.sqrt(dot(v, v));
        if (norm == 0) return 0;
        scaleInPlace(v, 1 / norm);
        double lambda = 0;
        for (int it = 0; it < iters; it++) {
            float[] w = adjoint(apply(Tensor.fromArray(v, shape))).toArray();
            lambda = dot(v, w); // Rayleigh quotient of the unit vector v
            double wn = Math.sqrt(dot(w, w));
            if (wn == 0) return 0;
            scaleInPlace(w, 1 / wn);
            v = w;
        }
        return Math.sqrt(Math.max(lambda, 0));
    }

    /**
     * Solves the regularised normal equations {@code (AᵀA + λI) x = Aᵀ y} by conjugate gradients
     * from {@code x₀ = 0} (Tikhonov reconstruction; {@code λ = 0} gives the least-squares solution
     * when {@code AᵀA} is invertible on the data). Vectors are kept in double precision.
     *
     * @param y        data of shape {@link #outputShape()} (not modified)
     * @param lambda   Tikhonov weight λ ≥ 0
     * @param maxIters iteration limit (≥ 1)
     * @param relTol   stop when {@code ‖r‖ ≤ relTol·‖Aᵀy‖}
     * @return {@code x} of shape {@link #inputShape()}
     */
    default Tensor cgSolve(Tensor y, double lambda, int maxIters, double relTol) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException(name() + ": Tikhonov weight must be finite and >= 0, got " + lambda);
        }
        if (maxIters < 1) throw new IllegalArgumentException(name() + ": CG iterations must be >= 1, got " + maxIters);
        int[] shape = inputShape();
        float[] b = adjoint(y).toArray();
        int n = b.length;
        double[] x = new double[n], r = new double[n], p = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = b[i];
            p[i] = b[i];
        }
        double rr = dot(r, r);
        double stop = relTol * relTol * rr;
        float[] pf = new float[n];
        for (int it = 0; it < maxIters && rr > stop && rr > 0; it++) {
            for (int i = 0; i < n; i++) pf[i] = (float) p[i];
            float[] ap = adjoint(apply(Tensor.fromArray(pf, shape))).toArray();
            double pap = 0;
            for (int i = 0; i < n; i++) pap += p[i] * (ap[i] + lambda * p[i]);
            if (!(pap > 0)) break; // p lies in the null space of AᵀA + λI: nothing more to gain
            double alpha = rr / pap;
            for (int i = 0; i < n; i++) {
                x[i] += alpha * p[i];
                r[i] -= alpha * (ap[i] + lambda * p[i]);
            }
            double rrNew = dot(r, r);
            double beta = rrNew / rr;
            for (int i = 0; i < n; i++) p[i] = r[i] + beta * p[i];
            rr = rrNew;
        }
        float[] out = new float[n];
        for (int i = 0; i < n; i++) out[i] = (float) x[i];
        return Tensor.fromArray(out, shape);
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static void scaleInPlace(float[] a, double s) {
        for (int i = 0; i < a.length; i++) a[i] = (float) (a[i] * s);
    }
}
