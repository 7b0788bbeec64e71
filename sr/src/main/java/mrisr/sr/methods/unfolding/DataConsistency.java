package mrisr.sr.methods.unfolding;

import java.util.Arrays;
import java.util.Locale;
import mrisr.engine.Autograd;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.engine.cpu.CpuBackend;
import mrisr.sr.physics.LinearOperator;

/**
 * The data-consistency step of deep unfolding (survey §IV-B, Algorithm 2, step 1): for a forward
 * model {@code H} and a weight {@code μ > 0},
 * <pre>
 *   DC(z; μ) = argmin_x ‖Hx − y‖² + μ‖x − z‖² = A⁻¹ b,   A = HᵀH + μI,   b = Hᵀy + μz,
 * </pre>
 * as a differentiable op on {@code (b, μ)}: for an upstream gradient {@code g = ∂L/∂x},
 * {@code ∂L/∂b = A⁻¹g} ({@code A} is symmetric) and {@code ∂L/∂μ = −⟨A⁻¹g, x⟩} (from
 * {@code ∂A⁻¹/∂μ = −A⁻²}), so the backward pass is one more solve.
 *
 * <p><b>Which solver.</b> {@link #of} inspects the operator ({@link CirculantStructure}: one adjoint
 * probe and one or two verification applies) and picks
 * <ul>
 *   <li>{@link Solver#FOURIER_CIRCULAR}, the closed form in Fourier space (Zhao et al. 2016,
 *       USRNet), when {@code H} is a separable circular-boundary blur followed by keeping every
 *       {@code f_a}-th sample with {@code f_a} dividing the grid — e.g. {@link CirculantSampling},
 *       {@code Downsampling.withProfiles(…, Boundary.CIRCULAR)} or
 *       {@code decimate ∘ Blur.gaussian(…, Boundary.CIRCULAR)};</li>
 *   <li>{@link Solver#FOURIER_MIRRORED}, the same closed form on the even extension of the blurred
 *       axes, exact when {@code H} has a symmetric boundary and kernels even about the sampling centre
 *       — which is the case of every image-space {@code Degradation} without motion or bias field
 *       whose factors are integers dividing the high-resolution grid (what {@code mrisr degrade}
 *       produces), at twice the FFT length along those axes;</li>
 *   <li>{@link Solver#CONJUGATE_GRADIENTS} otherwise (zero or partial boundaries, grids the factor does
 *       not divide, non-integer factors, rigid motion, bias fields), to a relative residual of
 *       {@value #DEFAULT_CG_TOLERANCE} within {@value #DEFAULT_CG_ITERATIONS} iterations.</li>
 * </ul>
 * K-space truncation by an integer factor, windowed or not, keeps a band inside one alias block and
 * is a circulant sampling too: it is recognised and solved in closed form.
 * The closed form costs two FFTs of the (extended) volume along the filtered axes and is exact up to
 * float32 rounding; conjugate gradients cost {@code 2·iterations} operator applications.
 *
 * <p>Shapes: {@code b}, {@code z} and {@code x} are {@code [n₀, n₁, n₂]} (the operator's input) or a
 * batch {@code [N, 1, n₀, n₁, n₂]} solved sample by sample; {@code y} is {@code [m₀, m₁, m₂]} or
 * {@code [N, 1, m₀, m₁, m₂]}; {@code μ} is a tensor with one element.
 *
 * <pre>{@code
 * DataConsistency dc = DataConsistency.of(degradation.operator(hrShape, hrSpacing));
 * Tensor x = dc.step(y, z, mu);          // argmin ‖Hx − y‖² + μ‖x − z‖², differentiable in z and μ
 * x.sum().backward();
 * }</pre>
 */
public final class DataConsistency {
    /** Default relative residual at which conjugate gradients stop. */
    public static final double DEFAULT_CG_TOLERANCE = 1e-6;
    /** Default iteration cap of conjugate gradients. */
    public static final int DEFAULT_CG_ITERATIONS = 500;

    /** How the normal equations are solved. */
    public enum Solver {
        /** Closed form in Fourier space, circular boundary. */
        FOURIER_CIRCULAR,
        /** Closed form in Fourier space on the even extension of the filtered axes (symmetric boundary). */
        FOURIER_MIRRORED,
        /** Conjugate gradients on {@code (HᵀH + μI) x = b}. */
        CONJUGATE_GRADIENTS
    }

    private final LinearOperator h;
    private final Solver solver;
    private final FourierSolver fourier;
    private final ConjugateGradients cg;
    private final String reason;
    private final int cgIterations;
    private final double cgTolerance, gain;

    private DataConsistency(LinearOperator h, FourierSolver fourier, String reason, int cgIterations, double cgTolerance, double gain) {
        this.h = h;
        this.gain = gain;
        this.fourier = fourier;
        this.reason = reason;
        this.cgIterations = cgIterations;
        this.cgTolerance = cgTolerance;
        boolean mirrored = fourier != null && (fourier.mirrored(0) || fourier.mirrored(1) || fourier.mirrored(2));
        this.solver = fourier == null ? Solver.CONJUGATE_GRADIENTS : mirrored ? Solver.FOURIER_MIRRORED : Solver.FOURIER_CIRCULAR;
        this.cg = new ConjugateGradients(h, cgIterations, cgTolerance);
    }

    /** The data-consistency step of {@code h}: Fourier closed form when it applies (see the class comment), else CG. */
    public static DataConsistency of(LinearOperator h) {
        CirculantStructure.Result r = CirculantStructure.detect(h);
        return new DataConsistency(h, r.solver(), r.reason(), DEFAULT_CG_ITERATIONS, DEFAULT_CG_TOLERANCE, gainOf(h));
    }

    /** The data-consistency step of {@code h} by conjugate gradients, whatever the operator. */
    public static DataConsistency conjugateGradients(LinearOperator h) {
        return new DataConsistency(h, null, "conjugate gradients were asked for", DEFAULT_CG_ITERATIONS, DEFAULT_CG_TOLERANCE, gainOf(h));
    }

    /**
     * The same step with conjugate gradients stopping at relative residual {@code tolerance} or after
     * {@code iterations} (used only when {@link #solver()} is {@link Solver#CONJUGATE_GRADIENTS}).
     */
    public DataConsistency withCgLimits(double tolerance, int iterations) {
        if (!(tolerance > 0 && tolerance < 1)) throw new IllegalArgumentException("CG tolerance " + tolerance + " must be in (0, 1)");
        if (iterations < 1) throw new IllegalArgumentException("CG iterations " + iterations + " must be >= 1");
        return new DataConsistency(h, fourier, reason, iterations, tolerance, gain);
    }

    /**
     * The DC power gain {@code γ_H = ‖H𝟙‖² / ‖𝟙‖²} of the forward model: about {@code 1/Π f_a} for
     * intensity-preserving sampling, the scale of {@code HᵀH} on smooth images, by which the weights
     * {@code μ} of the unfolded stages are expressed.
     */
    public double gain() {
        return gain;
    }

    private static double gainOf(LinearOperator h) {
        int[] s = h.inputShape();
        float[] ones = new float[(int) Shape.numelLong(s)];
        Arrays.fill(ones, 1f);
        float[] h1 = CpuBackend.denseData(h.apply(CpuBackend.wrap(ones, s)));
        double g = 0;
        for (float v : h1) g += (double) v * v;
        g /= ones.length;
        if (!(g > 0) || Double.isInfinite(g)) throw new IllegalArgumentException(h.name() + ": the forward model maps a constant image to " + g);
        return g;
    }

    /** The solver in use. */
    public Solver solver() {
        return solver;
    }

    /** The forward model {@code H}. */
    public LinearOperator operator() {
        return h;
    }

    /** One line: the solver and, for conjugate gradients, why the closed form does not apply. */
    public String describe() {
        return switch (solver) {
            case FOURIER_CIRCULAR -> "data consistency: Fourier closed form (circulant blur and integer sampling)";
            case FOURIER_MIRRORED -> "data consistency: Fourier closed form on the mirror extension (symmetric boundary)";
            case CONJUGATE_GRADIENTS -> String.format(Locale.ROOT, "data consistency: conjugate gradients (tolerance %.0e, at most %d"
                    + " iterations) because %s", cgTolerance, cgIterations, reason);
        };
    }

    /**
     * {@code x = (HᵀH + μI)⁻¹ b} without recording a graph.
     *
     * @param b  {@code [n₀, n₁, n₂]} (not modified)
     * @param mu {@code μ > 0}
     * @return a new tensor of {@code b}'s shape
     */
    public Tensor solve(Tensor b, double mu) {
        checkMu(mu);
        int batch = batch("right-hand side", b, h.inputShape());
        return CpuBackend.wrap(solveBatch(CpuBackend.denseData(b), batch, mu), b.shape());
    }

    /**
     * {@code x = (HᵀH + μI)⁻¹ b} as an autograd op ({@code "data_consistency"}) differentiable in
     * {@code b} and {@code μ} (see the class comment).
     *
     * @param b  {@code [n₀, n₁, n₂]} or {@code [N, 1, n₀, n₁, n₂]} (not modified)
     * @param mu one element, {@code > 0} (not modified)
     */
    public Tensor apply(Tensor b, Tensor mu) {
        if (mu.numel() != 1) throw new ShapeException("data_consistency", "mu must have one element, got " + Shape.format(mu.shape()));
        double m = mu.item();
        checkMu(m);
        int batch = batch("right-hand side", b, h.inputShape());
        int[] shape = b.shape();
        float[] x = solveBatch(CpuBackend.denseData(b), batch, m);
        Tensor out = CpuBackend.wrap(x, shape);
        if (!Autograd.needsGrad(b, mu)) return out;
        int[] muShape = mu.shape();
        return Autograd.record("data_consistency", out, g -> {
            float[] v = solveBatch(CpuBackend.denseData(g), batch, m);
            double dmu = 0;
            for (int i = 0; i < v.length; i++) dmu -= (double) v[i] * x[i];
            return new Tensor[] {CpuBackend.wrap(v, shape), Tensor.full((float) dmu, muShape)};
        }, b, mu);
    }

    /**
     * {@code argmin_x ‖Hx − y‖² + μ‖x − z‖² = DC(Hᵀy + μz)}, differentiable in {@code z} and {@code μ}
     * (and in {@code y} when it requires a gradient).
     *
     * @param y  measured data {@code [m₀, m₁, m₂]} or {@code [N, 1, m₀, m₁, m₂]} (not modified)
     * @param z  the current estimate, {@code y}'s rank on the high-resolution grid (not modified)
     * @param mu one element, {@code > 0} (not modified)
     */
    public Tensor step(Tensor y, Tensor z, Tensor mu) {
        return apply(adjoint(y).add(z.mul(mu)), mu);
    }

    /** {@code Hᵀy} for {@code [m₀, m₁, m₂]} or {@code [N, 1, m₀, m₁, m₂]}, recorded when {@code y} requires a gradient. */
    public Tensor adjoint(Tensor y) {
        int batch = batch("data", y, h.outputShape());
        int[] n = h.inputShape(), m = h.outputShape();
        float[] out = map(CpuBackend.denseData(y), batch, m, n, v -> CpuBackend.denseData(h.adjoint(CpuBackend.wrap(v, m))));
        Tensor result = CpuBackend.wrap(out, batchShape(y.shape(), n));
        if (!Autograd.needsGrad(y)) return result;
        return Autograd.record("operator_adjoint", result, g -> new Tensor[] {
            CpuBackend.wrap(map(CpuBackend.denseData(g), batch, n, m, v -> CpuBackend.denseData(h.apply(CpuBackend.wrap(v, n)))),
                    y.shape())}, y);
    }

    private float[] solveBatch(float[] b, int batch, double mu) {
        int[] n = h.inputShape();
        return map(b, batch, n, n, v -> fourier != null ? fourier.solve(v, mu) : cg.solve(v, mu));
    }

    private interface ArrayMap {
        float[] apply(float[] v);
    }

    private static float[] map(float[] in, int batch, int[] from, int[] to, ArrayMap fn) {
        int a = (int) Shape.numelLong(from), b = (int) Shape.numelLong(to);
        if (batch == 0) return fn.apply(in);
        float[] out = new float[Math.multiplyExact(batch, b)];
        for (int s = 0; s < batch; s++) {
            float[] r = fn.apply(Arrays.copyOfRange(in, s * a, (s + 1) * a));
            System.arraycopy(r, 0, out, s * b, b);
        }
        return out;
    }

    /** 0 for a single volume of {@code grid}, else the batch size of {@code [N, 1, grid…]}. */
    private static int batch(String what, Tensor t, int[] grid) {
        int[] s = t.shape();
        if (Arrays.equals(s, grid)) return 0;
        if (s.length == 5 && s[1] == 1 && Arrays.equals(Arrays.copyOfRange(s, 2, 5), grid)) return s[0];
        throw new ShapeException("data_consistency", what + " has shape " + Shape.format(s) + ", expected " + Shape.format(grid)
                + " or [N,1," + grid[0] + "," + grid[1] + "," + grid[2] + "]");
    }

    private static int[] batchShape(int[] shape, int[] grid) {
        if (shape.length == 3) return grid.clone();
        return new int[] {shape[0], 1, grid[0], grid[1], grid[2]};
    }

    private static void checkMu(double mu) {
        if (!(mu > 0) || Double.isInfinite(mu)) throw new IllegalArgumentException("data consistency: mu = " + mu + ", must be finite and > 0");
    }
}
