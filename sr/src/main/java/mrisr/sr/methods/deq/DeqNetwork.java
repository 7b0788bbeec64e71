package mrisr.sr.methods.deq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import mrisr.engine.Grad;
import mrisr.engine.Index;
import mrisr.engine.Rng;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.nn.Module;
import mrisr.nn.deq.DeepEquilibrium;
import mrisr.nn.deq.Equilibrium;
import mrisr.nn.deq.EquilibriumMap;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.baseline.Interpolation;
import mrisr.sr.physics.Degradation;
import mrisr.sr.volume.Volume;

/**
 * The whole DEQ super-resolution pipeline as a trainable {@link Module}, for a generic training
 * loop: {@code forward} maps a batch of low-resolution patches {@code [N, 1, mx, my, mz]} to their
 * fixed points {@code [N, 1, round(m·f)…]} exactly as {@link DeqMethod#run} does (trilinear start,
 * {@code H} from the acquisition, {@code γ = 1/‖H‖²}, intensity normalisation by {@code max|y|}),
 * differentiable with respect to the prior's parameters by implicit differentiation.
 *
 * <p>Its parameters are the prior's, registered under the same names ({@code conv1.weight}, …), so
 * {@code SafeTensors.save(file, network, metadata)} — or {@link DeqPrior#save} on {@link #prior()} —
 * writes a file that {@link DeqPrior#load} and {@code mrisr sr --method deq --model} read. {@code H}
 * and {@code γ} are computed once per patch shape and cached. The solver reports of the last
 * forward pass are kept for logging ({@link #lastEquilibria()}), and {@link #gain} estimates how
 * strongly the map contracts at its fixed points, differentiably, so training can keep the trained
 * prior contractive (a trained prior that stops contracting no longer converges).
 *
 * <pre>{@code
 * DeqPrior prior = DeqPrior.trainable(8, new double[] {1, 1, 4}, DeqMethod.DEFAULT_STRENGTH, new Rng(0));
 * DeqNetwork net = new DeqNetwork(prior, Degradation.builder().factors(1, 1, 4).build(), new double[] {1, 1, 1},
 *         DeepEquilibrium.of(DeqMethod.defaultSolver()));
 * Tensor sr = net.forward(lrBatch);              // [N, 1, mx, my, 4·mz]
 * Tensor penalty = net.gain(20).sub(0.95).relu().pow(2).mean();
 * loss.compute(sr, hrBatch).add(penalty).backward();   // ∂L/∂θ through the fixed point
 * }</pre>
 */
public final class DeqNetwork extends Module {
    /** The step {@code ε} of the finite differences in {@link #gain}. */
    public static final double GAIN_STEP = 1e-3;
    private final DeqPrior prior;
    private final Degradation acquisition;
    private final double[] hrSpacing;
    private final DeepEquilibrium layer;
    private final Map<String, DeqProblem> problems = new HashMap<>();
    private List<Equilibrium> last = List.of();
    private List<Solved> solved = List.of();

    /** One item of the last forward pass: its problem, normalised data and normalised fixed point. */
    private record Solved(DeqProblem problem, Tensor data, Tensor fixedPoint) {}

    /**
     * @param prior       {@code R_θ} (its parameters become this module's; not copied)
     * @param acquisition the degradation that made the low-resolution patches (factors ≥ 1)
     * @param hrSpacingMm voxel sizes of the high-resolution grid (the slice profile's width in mm follows from them)
     * @param layer       solvers and gradient mode
     */
    public DeqNetwork(DeqPrior prior, Degradation acquisition, double[] hrSpacingMm, DeepEquilibrium layer) {
        this.prior = Objects.requireNonNull(prior, "prior");
        this.acquisition = Objects.requireNonNull(acquisition, "acquisition");
        this.layer = Objects.requireNonNull(layer, "layer");
        if (hrSpacingMm == null || hrSpacingMm.length != 3) {
            throw new IllegalArgumentException("deq network: need 3 voxel sizes, got " + Arrays.toString(hrSpacingMm));
        }
        this.hrSpacing = hrSpacingMm.clone();
        for (var e : prior.namedChildren().entrySet()) registerModule(e.getKey(), e.getValue());
    }

    /** The prior {@code R_θ}. */
    public DeqPrior prior() {
        return prior;
    }

    /** The equilibria of the last {@link #forward} call, one per batch item. */
    public List<Equilibrium> lastEquilibria() {
        return last;
    }

    /**
     * @param x low-resolution patches {@code [N, 1, mx, my, mz]} (not modified; no gradient flows to them)
     * @return {@code [N, 1, round(mx·fx), round(my·fy), round(mz·fz)]}
     */
    @Override
    public Tensor forward(Tensor x) {
        if (x.dim() != 5 || x.size(1) != 1) {
            throw new ShapeException("deq network", "input " + Shape.format(x.shape()) + " must be [N, 1, mx, my, mz]");
        }
        int[] m = {x.size(2), x.size(3), x.size(4)};
        double[] f = acquisition.factors();
        SrContext ctx = new SrContext(f, 0);
        int[] out = ctx.outputShape(m);
        DeqProblem problem = problems.computeIfAbsent(Arrays.toString(m), k -> DeqProblem.of(acquisition, m, out, hrSpacing));
        double[][] lrAffine = Volume.diagonalAffine(hrSpacing[0] * f[0], hrSpacing[1] * f[1], hrSpacing[2] * f[2]);
        List<Tensor> outputs = new ArrayList<>();
        List<Equilibrium> equilibria = new ArrayList<>();
        List<Solved> items = new ArrayList<>();
        for (int n = 0; n < x.size(0); n++) {
            Tensor y = x.detach().narrow(0, n, 1).contiguous().reshape(m);
            Tensor init = Interpolation.linear().run(Volume.of(y, lrAffine), ctx).data();
            DeqMethod.Reconstruction r = problem.solve(layer, prior, y, init);
            outputs.add(r.x().reshape(1, 1, out[0], out[1], out[2]));
            equilibria.add(r.equilibrium());
            items.add(new Solved(problem, r.data(), r.equilibrium().z().detach()));
        }
        last = List.copyOf(equilibria);
        solved = List.copyOf(items);
        return outputs.size() == 1 ? outputs.get(0) : Index.cat(outputs, 0);
    }

    /**
     * The gain of the fixed-point map {@code f} at each fixed point of the last {@link #forward} call
     * along its most amplified direction — an estimate of the spectral radius of {@code J = ∂f/∂x} at
     * {@code x*}, which must stay below 1 for the iteration to contract near {@code x*} and for the
     * implicit backward pass's adjoint system {@code g = Jᵀg + v} to be solvable:
     * <pre>
     *   v₀ pseudo-random (seed 0),   v_{k+1} = J v_k · √n/‖J v_k‖   for k &lt; iterations   (recording off)
     *   gain = ‖J v‖/‖v‖,            J v ≈ (f(x* + εv) − f(x*))/ε,   ε = {@value #GAIN_STEP}
     * </pre>
     * on the normalised intensities ({@code v} has unit root-mean-square, so {@code εv} moves each voxel
     * by about {@code ε} of the intensity maximum). {@code f} is piecewise linear ({@code H} is linear,
     * {@code R_θ} has ReLUs), so the difference is {@code J v} exactly unless {@code εv} crosses a kink.
     * The last product is recorded when recording is on and the prior's parameters require gradients,
     * so a penalty on the gain trains the prior toward contraction.
     *
     * @param iterations power iterations (≥ 0)
     * @return {@code [N]}, one gain per item of the last batch
     * @throws IllegalStateException before the first forward pass
     */
    public Tensor gain(int iterations) {
        if (iterations < 0) throw new IllegalArgumentException("deq network: power iterations = " + iterations + ", must be >= 0");
        if (solved.isEmpty()) throw new IllegalStateException("deq network: gain() needs a forward pass first");
        Tensor[] weights = prior.weights();
        List<Tensor> gains = new ArrayList<>();
        for (Solved item : solved) {
            EquilibriumMap f = DeqMethod.map(item.problem().h, item.problem().gamma, item.data());
            Tensor z = item.fixedPoint();
            int[] shape = z.shape();
            double rootN = Math.sqrt(z.numel());
            Tensor v = Tensor.randn(new Rng(0), shape);
            v = v.mul(rootN / norm(v));
            try (var g = Grad.off()) {
                Tensor fz = f.apply(z, weights);
                for (int k = 0; k < iterations; k++) {
                    Tensor jv = f.apply(z.add(v.mul(GAIN_STEP)), weights).sub(fz);
                    double n = norm(jv);
                    if (!(n > 0) || !Double.isFinite(n)) break;
                    v = jv.mul(rootN / n);
                }
            }
            Tensor jv = f.apply(z.add(v.mul(GAIN_STEP)), weights).sub(f.apply(z, weights));
            gains.add(jv.pow(2).sum().sqrt().mul(1 / (GAIN_STEP * norm(v))).reshape(1));
        }
        return gains.size() == 1 ? gains.getFirst() : Index.cat(gains, 0);
    }

    private static double norm(Tensor t) {
        double s = 0;
        for (float x : t.toArray()) s += (double) x * x;
        return Math.sqrt(s);
    }
}
