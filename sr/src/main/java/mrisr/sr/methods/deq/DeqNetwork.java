package mrisr.sr.methods.deq;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import mrisr.engine.Index;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.nn.Module;
import mrisr.nn.deq.DeepEquilibrium;
import mrisr.nn.deq.Equilibrium;
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
 * forward pass are kept for logging ({@link #lastEquilibria()}).
 *
 * <pre>{@code
 * DeqPrior prior = DeqPrior.trainable(8, new double[] {1, 1, 4}, DeqMethod.DEFAULT_STRENGTH, new Rng(0));
 * DeqNetwork net = new DeqNetwork(prior, Degradation.builder().factors(1, 1, 4).build(), new double[] {1, 1, 1},
 *         DeepEquilibrium.of(DeqMethod.defaultSolver()));
 * Tensor sr = net.forward(lrBatch);              // [N, 1, mx, my, 4·mz]
 * loss.compute(sr, hrBatch).backward();          // ∂L/∂θ through the fixed point
 * }</pre>
 */
public final class DeqNetwork extends Module {
    private final DeqPrior prior;
    private final Degradation acquisition;
    private final double[] hrSpacing;
    private final DeepEquilibrium layer;
    private final Map<String, DeqProblem> problems = new HashMap<>();
    private List<Equilibrium> last = List.of();

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
        for (int n = 0; n < x.size(0); n++) {
            Tensor y = x.detach().narrow(0, n, 1).contiguous().reshape(m);
            Tensor init = Interpolation.linear().run(Volume.of(y, lrAffine), ctx).data();
            DeqMethod.Reconstruction r = problem.solve(layer, prior, y, init);
            outputs.add(r.x().reshape(1, 1, out[0], out[1], out[2]));
            equilibria.add(r.equilibrium());
        }
        last = List.copyOf(equilibria);
        return outputs.size() == 1 ? outputs.get(0) : Index.cat(outputs, 0);
    }
}
