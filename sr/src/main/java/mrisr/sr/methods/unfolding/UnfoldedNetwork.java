package mrisr.sr.methods.unfolding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import mrisr.engine.Grad;
import mrisr.engine.Rng;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.engine.cpu.CpuBackend;
import mrisr.nn.Module;
import mrisr.sr.data.IntensityScale;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.baseline.Interpolation;
import mrisr.sr.nets.DnCnn;
import mrisr.sr.volume.Volume;

/**
 * The learned unrolled network of the {@code unfolded} method (survey §IV-B, Algorithm 2): from the
 * low-resolution data {@code y} and a start {@code x₀} (cubic B-spline interpolation of {@code y}),
 * {@code K} stages of
 * <pre>
 *   z_k = argmin_z ‖Hz − y‖² + μ_k‖z − x_{k−1}‖²     data consistency ({@link DataConsistency}), μ_k = γ_H·exp(log_mu_k)
 *   x_k = prior_k(z_k; λ_k)                          a residual 3-D CNN conditioned on λ_k ({@code UnfoldingStage})
 * </pre>
 * returning {@code x_K}, trainable end to end: the DC step is an autograd op with an analytic
 * backward in {@code z} and {@code μ_k}. ({@code z} and {@code x} follow the survey's Algorithm 2;
 * the issue's {@code x_{k+½}} is {@code z_k} here.) {@code γ_H = ‖H𝟙‖²/‖𝟙‖²} makes {@code μ_k}
 * dimensionless, so the same weights serve other factors and slice profiles.
 *
 * <p>Intensities: each sample is divided by the robust scale {@code s} of its data ({@link IntensityScale}:
 * the 99.5th percentile of {@code y}) before the stages and multiplied back after, so the network sees
 * tissue near 1 whatever the scanner's scale (every operation but the CNN priors is linear, and they
 * are trained on that range). Dividing by {@code max|y|} instead, as models without a
 * {@code normalisation} entry were trained, puts the tissue of a head with bright scalp fat far below
 * the range a patch-trained prior learned: on {@code ch2} (4× Gaussian slices, 1 % Rician noise) one
 * model scored 31.96 dB with the data divided by its maximum, 32.71 dB divided by the maximum / 1.6.
 *
 * <p>Shapes: {@code y : [N, 1, m₀, m₁, m₂]} or {@code [m₀, m₁, m₂]} on {@code H}'s output grid;
 * {@code x₀} and the result on {@code H}'s input grid with the same rank. A network may be
 * {@linkplain #bind bound} to a data-consistency step, which makes {@link #forward(Tensor)} usable by
 * generic training loops; bound copies share their parameters with the original.
 *
 * <p>Initialisation ({@link #UnfoldedNetwork(int, int, Rng)}): {@code μ_k} on the geometric schedule
 * of the fixed-prior default ({@link Unfolded#DEFAULT_RHO_FIRST} to {@link Unfolded#DEFAULT_RHO_LAST}),
 * {@code λ_k} = {@value #INITIAL_LAMBDA}, priors equal to the identity (zero last layer).
 *
 * <pre>{@code
 * UnfoldedNetwork net = new UnfoldedNetwork(5, 16, new Rng(0));
 * Tensor x = net.forward(lr, null, DataConsistency.of(h));      // x0 = B-spline of lr
 * Tensor same = net.bind(DataConsistency.of(h)).forward(lr);    // for nn.train.Trainer
 * }</pre>
 */
public final class UnfoldedNetwork extends Module {
    /** The most stages a network may have. */
    public static final int MAX_STAGES = 64;
    /** The most hidden channels a stage prior may have. */
    public static final int MAX_FEATURES = 256;
    /** Receptive-field radius of a stage prior in voxels: three 3³ convolutions. */
    public static final int PRIOR_HALO = 3;
    /** {@link #normalisation()} of models that divide by the data's largest magnitude. */
    public static final String MAX_ABS = "max-abs";
    /** Initial {@code λ_k} of every stage. */
    public static final double INITIAL_LAMBDA = 0.05;

    private final List<UnfoldingStage> stages;
    private final int features;
    /** The denoiser every stage shares, or null for per-stage priors. */
    private final DnCnn denoiser;
    private final DataConsistency bound;
    /** How the data is normalised: by its {@link IntensityScale} (true) or, in models written before, its maximum. */
    private boolean robustScale = true;
    /** Whether the data arrive already divided by their volume's scale (a training view, {@link #bind(DataConsistency, boolean)}). */
    private final boolean normalisedData;

    /**
     * A freshly initialised network (see the class comment).
     *
     * @param stages   {@code K}, 1 to {@value #MAX_STAGES}
     * @param features hidden channels of each prior, 1 to {@value #MAX_FEATURES}
     * @param rng      draws the convolution weights
     */
    public UnfoldedNetwork(int stages, int features, Rng rng) {
        if (stages < 1 || stages > MAX_STAGES) {
            throw new IllegalArgumentException("unfolded network: stages = " + stages + ", must be in 1.." + MAX_STAGES);
        }
        if (features < 1 || features > MAX_FEATURES) {
            throw new IllegalArgumentException("unfolded network: features = " + features + ", must be in 1.." + MAX_FEATURES);
        }
        this.features = features;
        this.bound = null;
        this.normalisedData = false;
        this.denoiser = null;
        double[] rho = Unfolded.schedule(stages, Unfolded.DEFAULT_RHO_FIRST, Unfolded.DEFAULT_RHO_LAST);
        List<UnfoldingStage> list = new ArrayList<>();
        for (int k = 0; k < stages; k++) list.add(registerModule("stage" + k, new UnfoldingStage(features, rho[k], INITIAL_LAMBDA, rng)));
        this.stages = List.copyOf(list);
    }

    /**
     * A network whose stages share {@code denoiser} as their prior (see {@link UnfoldingStage}),
     * registered under {@code prior.}; stage {@code k} starts with {@code exp(log_mu) = relativeMu[k]}
     * and noise level {@code λ_k = lambda[k]}, e.g. a plug-and-play HQS schedule.
     *
     * @param denoiser   the shared prior (trained or not; its parameters become this network's)
     * @param relativeMu initial {@code μ_k/γ_H} per stage, each &gt; 0 (1 to {@value #MAX_STAGES} stages)
     * @param lambda     initial {@code λ_k} per stage, each &gt; 0
     */
    public UnfoldedNetwork(DnCnn denoiser, double[] relativeMu, double[] lambda) {
        int k = relativeMu.length;
        if (k < 1 || k > MAX_STAGES || lambda.length != k) {
            throw new IllegalArgumentException("unfolded network: " + k + " mu and " + lambda.length + " lambda values, need the same number in 1.."
                    + MAX_STAGES);
        }
        this.features = denoiser.width();
        this.bound = null;
        this.normalisedData = false;
        this.denoiser = denoiser;
        List<UnfoldingStage> list = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            if (!(relativeMu[i] > 0) || !(lambda[i] > 0) || Double.isInfinite(relativeMu[i]) || Double.isInfinite(lambda[i])) {
                throw new IllegalArgumentException("unfolded network: stage " + i + " mu " + relativeMu[i] + ", lambda " + lambda[i]
                        + "; both must be finite and > 0");
            }
            list.add(registerModule("stage" + i, new UnfoldingStage(denoiser, relativeMu[i], lambda[i])));
        }
        registerModule("prior", denoiser);
        this.stages = List.copyOf(list);
    }

    private UnfoldedNetwork(UnfoldedNetwork shared, DataConsistency dc, boolean normalisedData) {
        this.features = shared.features;
        this.bound = dc;
        this.normalisedData = normalisedData;
        this.denoiser = shared.denoiser;
        this.robustScale = shared.robustScale;
        for (int k = 0; k < shared.stages.size(); k++) registerModule("stage" + k, shared.stages.get(k));
        if (denoiser != null) registerModule("prior", denoiser);
        this.stages = shared.stages;
        train(shared.isTraining());
    }

    /** The denoiser the stages share, or null when each stage has its own small prior. */
    public DnCnn sharedDenoiser() {
        return denoiser;
    }

    /** A view of this network bound to {@code dc}, sharing its parameters; its {@link #forward(Tensor)} runs the stages. */
    public UnfoldedNetwork bind(DataConsistency dc) {
        return bind(dc, false);
    }

    /**
     * As {@link #bind(DataConsistency)}; with {@code normalisedData} the view takes data already
     * divided by the scale of the volume they were cut from (training patches from
     * {@link mrisr.sr.data.PatchSampler}, whose scale is the same {@link IntensityScale} of the
     * degraded volume) and does not normalise each patch again. A patch normalised on its own would
     * put a patch of brain tissue at 1, while a whole head at inference puts the same tissue at
     * about half the scale of its bright scalp fat; trained this way, the prior sees tissue at the
     * intensities of whole volumes, as inference does (on {@code ch2}, 4× Gaussian slices, per-stage
     * priors: 33.13 dB against 33.04 dB with per-patch normalisation, +0.58 dB on held-out phantom
     * patches; with a shared denoiser 34.34 dB against 34.49 dB — kept for consistency).
     */
    public UnfoldedNetwork bind(DataConsistency dc, boolean normalisedData) {
        return new UnfoldedNetwork(this, Objects.requireNonNull(dc, "data consistency"), normalisedData);
    }

    /**
     * Normalise each sample by the largest magnitude of its data instead of {@link IntensityScale}:
     * how models written before the {@code normalisation} metadata entry were trained.
     */
    void normaliseByMaximum() {
        robustScale = false;
    }

    /** The normalisation's metadata name: {@value IntensityScale#NAME} or {@value #MAX_ABS}. */
    public String normalisation() {
        return robustScale ? IntensityScale.NAME : MAX_ABS;
    }

    /** The bound data-consistency step, or null. */
    public DataConsistency boundTo() {
        return bound;
    }

    /** Number of stages {@code K}. */
    public int stages() {
        return stages.size();
    }

    /** Hidden channels of each prior. */
    public int features() {
        return features;
    }

    /** The current {@code exp(log_mu_k)}, i.e. {@code μ_k/γ_H}, per stage. */
    public double[] relativeMu() {
        double[] v = new double[stages.size()];
        for (int k = 0; k < v.length; k++) v[k] = stages.get(k).mu(1).item();
        return v;
    }

    /** The current {@code λ_k} per stage. */
    public double[] lambda() {
        double[] v = new double[stages.size()];
        for (int k = 0; k < v.length; k++) v[k] = stages.get(k).lambda().item();
        return v;
    }

    /**
     * Runs the stages with the bound data-consistency step and the B-spline start.
     *
     * @param lr low-resolution data (not modified)
     * @throws IllegalStateException when the network is not bound (use {@link #bind} or {@link #forward(Tensor, Tensor, DataConsistency)})
     */
    @Override
    public Tensor forward(Tensor lr) {
        if (bound == null) {
            throw new IllegalStateException("unfolded network: forward(lr) needs a forward model; bind(DataConsistency) first");
        }
        return forward(lr, null, bound);
    }

    /**
     * {@code x_K}.
     *
     * @param lr data {@code y}: {@code [N, 1, m₀, m₁, m₂]} or {@code [m₀, m₁, m₂]} (not modified; not differentiated)
     * @param x0 start on {@code H}'s input grid with {@code lr}'s rank, or null for the cubic B-spline
     *           interpolation of {@code lr} ({@link #bsplineStart}) (not modified)
     * @param dc the data-consistency step of {@code H}
     * @return {@code x_K} on {@code H}'s input grid, {@code lr}'s rank, in {@code lr}'s units
     */
    public Tensor forward(Tensor lr, Tensor x0, DataConsistency dc) {
        return run(lr, x0, dc, UnfoldingStage::forward);
    }

    /**
     * {@code x_K} for inference: no graph is recorded and each prior runs on tiles of at most
     * {@code tile} voxels per axis, each read with a margin of the prior's receptive-field radius
     * ({@value #PRIOR_HALO} voxels for the per-stage priors, the depth of a shared denoiser), so
     * memory stays bounded on whole volumes
     * and the result equals {@link #forward(Tensor, Tensor, DataConsistency)} up to float32 rounding.
     *
     * @param tile tile edge in voxels (≥ 1)
     */
    public Tensor reconstruct(Tensor lr, Tensor x0, DataConsistency dc, int tile) {
        if (tile < 1) throw new IllegalArgumentException("unfolded network: tile = " + tile + ", must be >= 1");
        try (var g = Grad.off()) {
            return run(lr, x0, dc, (stage, z) -> tiled(stage, z, tile));
        }
    }

    private static double maxAbs(float[] v) {
        double max = 0;
        for (float f : v) max = Math.max(max, Math.abs(f));
        return max > 0 ? max : 1;
    }

    private interface PriorStep {
        Tensor apply(UnfoldingStage stage, Tensor z);
    }

    private Tensor run(Tensor lr, Tensor x0, DataConsistency dc, PriorStep prior) {
        int[] n = dc.operator().inputShape(), m = dc.operator().outputShape();
        boolean single = lr.dim() == 3;
        Tensor y = single ? lr.reshape(1, 1, m[0], m[1], m[2]) : lr;
        int[] ys = y.shape();
        if (ys.length != 5 || ys[1] != 1 || !Arrays.equals(Arrays.copyOfRange(ys, 2, 5), m)) {
            throw new ShapeException("unfolded network", "data has shape " + Shape.format(lr.shape()) + ", expected "
                    + Shape.format(m) + " or [N,1," + m[0] + "," + m[1] + "," + m[2] + "]");
        }
        int batch = ys[0];
        Tensor start = x0 == null ? bsplineStart(y.detach(), n) : single ? x0.reshape(1, 1, n[0], n[1], n[2]) : x0;
        if (!Arrays.equals(start.shape(), new int[] {batch, 1, n[0], n[1], n[2]})) {
            throw new ShapeException("unfolded network", "start has shape " + Shape.format(x0 == null ? start.shape() : x0.shape())
                    + ", expected the forward model's input grid " + Shape.format(n) + " with the data's batch " + batch);
        }
        float[] scale = new float[batch];
        Arrays.fill(scale, 1f);
        if (!normalisedData) {
            float[] data = CpuBackend.denseData(y.detach().contiguous());
            int per = m[0] * m[1] * m[2];
            for (int s = 0; s < batch; s++) {
                float[] sample = Arrays.copyOfRange(data, s * per, (s + 1) * per);
                scale[s] = (float) (robustScale ? IntensityScale.of(sample) : maxAbs(sample));
            }
        }
        Tensor inverse = scaleTensor(scale, true), forward = scaleTensor(scale, false);
        Tensor yn = y.detach().mul(inverse);
        Tensor hty = dc.adjoint(yn);
        Tensor x = start.mul(inverse);
        double gain = dc.gain();
        for (UnfoldingStage stage : stages) {
            Tensor mu = stage.mu(gain);
            Tensor z = dc.apply(hty.add(x.mul(mu)), mu);
            x = prior.apply(stage, z);
        }
        x = x.mul(forward);
        return single ? x.reshape(n) : x;
    }

    /** {@code stage.forward(z)} for {@code z : [N, 1, n₀, n₁, n₂]}, tile by tile, each read with the prior's halo. */
    private static Tensor tiled(UnfoldingStage stage, Tensor z, int tile) {
        int[] s = z.shape();
        int halo = stage.halo();
        if (s[2] <= tile && s[3] <= tile && s[4] <= tile) return stage.forward(z);
        int n0 = s[2], n1 = s[3], n2 = s[4], voxels = n0 * n1 * n2;
        float[] out = new float[Math.multiplyExact(s[0], voxels)];
        for (int b = 0; b < s[0]; b++) {
            Tensor sample = z.narrow(0, b, 1);
            for (int o0 = 0; o0 < n0; o0 += tile) {
                for (int o1 = 0; o1 < n1; o1 += tile) {
                    for (int o2 = 0; o2 < n2; o2 += tile) {
                        int[] lo = {Math.max(0, o0 - halo), Math.max(0, o1 - halo), Math.max(0, o2 - halo)};
                        int[] hi = {Math.min(n0, o0 + tile + halo), Math.min(n1, o1 + tile + halo), Math.min(n2, o2 + tile + halo)};
                        Tensor piece = sample.narrow(2, lo[0], hi[0] - lo[0]).narrow(3, lo[1], hi[1] - lo[1]).narrow(4, lo[2], hi[2] - lo[2])
                                .contiguous();
                        float[] r = CpuBackend.denseData(stage.forward(piece));
                        int e1 = hi[1] - lo[1], e2 = hi[2] - lo[2];
                        int c0 = Math.min(n0, o0 + tile), c1 = Math.min(n1, o1 + tile), c2 = Math.min(n2, o2 + tile);
                        for (int i = o0; i < c0; i++) {
                            for (int j = o1; j < c1; j++) {
                                System.arraycopy(r, ((i - lo[0]) * e1 + (j - lo[1])) * e2 + (o2 - lo[2]), out,
                                        b * voxels + (i * n1 + j) * n2 + o2, c2 - o2);
                            }
                        }
                    }
                }
            }
        }
        return CpuBackend.wrap(out, s);
    }

    private static Tensor scaleTensor(float[] scale, boolean inverse) {
        float[] v = new float[scale.length];
        for (int i = 0; i < v.length; i++) v[i] = inverse ? 1 / scale[i] : scale[i];
        return Tensor.fromArray(v, v.length, 1, 1, 1, 1);
    }

    /**
     * The cubic B-spline interpolation of each sample of {@code y} ({@code [N, 1, m₀, m₁, m₂]}) onto
     * the grid {@code n}: factor {@code n_a/m_a} per axis, low-resolution voxel {@code j} centred at
     * high-resolution index {@code j·f + (f − 1)/2} (the degradation's grid convention).
     */
    public static Tensor bsplineStart(Tensor y, int[] n) {
        int[] s = y.shape();
        int batch = s[0];
        int[] m = {s[2], s[3], s[4]};
        SrContext ctx = new SrContext(new double[] {(double) n[0] / m[0], (double) n[1] / m[1], (double) n[2] / m[2]}, 0);
        float[] data = CpuBackend.denseData(y.detach());
        int per = m[0] * m[1] * m[2], out = n[0] * n[1] * n[2];
        float[] result = new float[Math.multiplyExact(batch, out)];
        try (var g = Grad.off()) {
            for (int b = 0; b < batch; b++) {
                Volume v = Volume.of(CpuBackend.wrap(Arrays.copyOfRange(data, b * per, (b + 1) * per), m), Volume.diagonalAffine(1, 1, 1));
                float[] up = CpuBackend.denseData(Interpolation.bspline().run(v, ctx).data());
                if (up.length != out) {
                    throw new ShapeException("unfolded network", "B-spline start of " + Shape.format(m) + " has " + up.length
                            + " voxels, the grid " + Shape.format(n) + " has " + out);
                }
                System.arraycopy(up, 0, result, b * out, out);
            }
        }
        return CpuBackend.wrap(result, batch, 1, n[0], n[1], n[2]);
    }
}
