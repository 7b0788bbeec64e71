package mrisr.sr.methods.selfsup;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import mrisr.engine.Rng;
import mrisr.nn.Module;
import mrisr.sr.InputException;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.baseline.Interpolation;
import mrisr.sr.nets.SmoreNet;
import mrisr.sr.physics.Degradation;
import mrisr.sr.volume.Volume;

/**
 * SMORE (Zhao et al., IEEE TMI 2021): self-supervised through-plane super-resolution that learns
 * from the volume's own high-resolution in-plane slices, so it needs no external data.
 *
 * <p>Algorithm, for factors {@code f} with through-plane axis {@code a} (the largest factor; ties
 * go to the larger voxel, then the last axis) and in-plane axes {@code b, c}:
 * <ol>
 *   <li><b>Slice profile.</b> Taken from the context's forward model ({@link SrContext#forwardModel()};
 *       by default a Gaussian of FWHM = slice thickness = {@code f_a ×} the high-resolution spacing),
 *       measured as its 1-D matrix {@code H} along {@code a} by {@link AxisOperator}. It is not
 *       estimated from the data (ESPRESO-style estimation is not implemented).</li>
 *   <li><b>Training pairs.</b> For each in-plane axis {@code b} and each acquired slice: the target
 *       is the in-plane image; the input is that image degraded along {@code b} by {@code H} (the
 *       through-plane profile and sampling, in voxels) and brought back by cubic B-spline
 *       interpolation with the same factor. In-plane voxels stand in for high-resolution
 *       through-plane voxels, which is exact when the in-plane spacing equals the slice spacing
 *       divided by {@code f_a}. Images are oriented so that the degraded axis is always the row axis.</li>
 *   <li><b>Training.</b> A {@link SmoreNet} (EDSR-like residual CNN predicting the residual over its
 *       input) trained by {@link PatchTraining}: L1 loss, Adam with cosine-annealed rate, batches of
 *       seeded random patches with flips, intensities divided by the input's largest magnitude.</li>
 *   <li><b>Application.</b> The volume is B-spline interpolated by {@code f_a} along {@code a}; the
 *       network runs on its planes across {@code b} and across {@code c} (for an axial acquisition:
 *       the sagittal and the coronal stacks) with {@code a} as the row axis, and the two results are
 *       <b>averaged</b> (SMORE's Fourier-burst accumulation of the two stacks is not used).</li>
 *   <li>In-plane factors other than 1 are applied last by cubic B-spline interpolation; when no
 *       factor exceeds 1 the method is plain B-spline interpolation.</li>
 * </ol>
 * A series {@code [nx, ny, nz, nt]} trains one network on the pairs of all frames and applies it to
 * each frame. The output grid and affine follow the {@link mrisr.sr.methods.SrMethod} contract.
 *
 * <p>Defaults ({@value #DEFAULT_STEPS} steps, {@value #DEFAULT_CHANNELS} channels,
 * {@value #DEFAULT_BLOCKS} blocks, {@value #DEFAULT_PATCH}² patches, batch {@value #DEFAULT_BATCH},
 * learning rate {@value #DEFAULT_LEARNING_RATE}) were chosen on the brain phantom (see the
 * {@linkplain mrisr.sr.methods.selfsup package documentation}); every run is deterministic for a given seed (the network's initial
 * weights and the patch draws both come from {@link SrContext#seed()}).
 *
 * <pre>{@code
 * Volume sr = new Smore().run(lr, SrContext.of(1, 1, 4).withProgress(System.err::println));
 * Volume quick = new Smore().withSteps(300).withChannels(8).run(lr, SrContext.of(1, 1, 4));
 * }</pre>
 */
public final class Smore implements SelfSupervisedMethod {
    /** The command-line name. */
    public static final String NAME = "smore";
    public static final int DEFAULT_STEPS = 1000;
    public static final int DEFAULT_CHANNELS = 16;
    public static final int DEFAULT_BLOCKS = 4;
    public static final int DEFAULT_PATCH = 32;
    public static final int DEFAULT_BATCH = 8;
    public static final double DEFAULT_LEARNING_RATE = 1e-3;

    private final Budget budget;

    /** SMORE with the default network and budget. */
    public Smore() {
        this(new Budget(NAME, DEFAULT_STEPS, DEFAULT_CHANNELS, DEFAULT_BLOCKS, DEFAULT_PATCH, DEFAULT_BATCH,
                DEFAULT_LEARNING_RATE, 0));
    }

    private Smore(Budget budget) {
        if (budget.blocks() < 1) throw new InputException(NAME + ": blocks is " + budget.blocks() + ", must be >= 1");
        this.budget = budget;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "self-supervised through-plane SR (SMORE): trains a small residual CNN on the volume's own in-plane "
                + "slices blurred by the slice profile, applies it across both in-plane axes and averages; "
                + "no external data";
    }

    @Override
    public Volume run(Volume lr, SrContext ctx) {
        int[] shape = lr.shape();
        int[] shape3 = {shape[0], shape[1], shape[2]};
        double[] f = ctx.factors();
        int[] outShape = ctx.outputShape(shape);
        Grids.size(outShape, NAME + " output " + Arrays.toString(outShape));
        Consumer<String> progress = ctx.progress();
        int a = throughPlaneAxis(f, lr.spacing());
        if (!(f[a] > 1)) {
            progress.accept(NAME + ": no factor above 1, so cubic B-spline interpolation only");
            return Interpolation.bspline().run(lr, ctx);
        }
        Degradation d = ctx.forwardModel();
        List<float[]> frames = Grids.frames(lr, NAME);
        double scale = Grids.largestMagnitude(frames);
        if (scale == 0) return Interpolation.bspline().run(lr, ctx);
        for (float[] frame : frames) Grids.scale(frame, 1 / scale);

        double[] hrSpacing = lr.spacing();
        for (int i = 0; i < 3; i++) hrSpacing[i] /= f[i];
        PairSet pairs = pairs(frames, shape3, a, hrSpacing, d);
        Rng root = new Rng(ctx.seed());
        Rng init = root.split(), sampling = root.split();
        SmoreNet net = new SmoreNet(budget.channels(), budget.blocks(), init);
        PatchTraining.train(net, pairs, budget, sampling, NAME, pairs.count() + " in-plane slices (through-plane axis " + a + ")", progress);

        List<float[]> out = new ArrayList<>();
        for (int t = 0; t < frames.size(); t++) {
            String label = frames.size() == 1 ? NAME : NAME + " frame " + (t + 1) + "/" + frames.size();
            float[] sr = apply(net, frames.get(t), shape3, a, f, label, budget.batch(), progress);
            Grids.scale(sr, scale);
            out.add(sr);
        }
        int[] out3 = {outShape[0], outShape[1], outShape[2]};
        return lr.withGrid(Grids.assemble(out, out3, shape.length == 4), Volume.resampledAffine(lr.affine(), f));
    }

    /**
     * The through-plane axis: the largest factor; ties go to the larger voxel size, then to the last axis.
     */
    static int throughPlaneAxis(double[] factors, double[] spacing) {
        int best = 2;
        for (int i = 1; i >= 0; i--) {
            if (factors[i] > factors[best] || (factors[i] == factors[best] && spacing[i] > spacing[best] * (1 + 1e-9))) best = i;
        }
        return best;
    }

    /**
     * The training pairs: each acquired slice degraded along each in-plane axis {@code b} by the
     * through-plane operator, oriented with {@code b} as rows.
     *
     * @throws InputException when both in-plane axes are shorter than the through-plane factor
     */
    static PairSet pairs(List<float[]> frames, int[] shape, int a, double[] hrSpacing, Degradation d) {
        PairSet pairs = new PairSet(false);
        for (int b : inPlaneAxes(a)) {
            int c = 3 - a - b;
            Optional<AxisOperator> probed = AxisOperator.probe(d, a, shape[b], hrSpacing);
            if (probed.isEmpty()) continue;
            AxisOperator h = probed.get();
            for (float[] frame : frames) {
                int[] s = shape.clone();
                s[b] = h.outSize();
                float[] input = Grids.bspline(h.apply(frame, shape, b), s, Grids.along(b, h.upFactor()));
                float[] target = Grids.crop(frame, shape, b, s[b]);
                for (int t = 0; t < shape[a]; t++) {
                    pairs.add(Grids.plane(input, s, b, c, t), Grids.plane(target, s, b, c, t), s[b], s[c]);
                }
            }
        }
        if (pairs.count() == 0) {
            int[] ip = inPlaneAxes(a);
            throw new InputException(String.format(Locale.ROOT, "%s: the in-plane axes %d and %d have %d and %d voxels, "
                    + "too few to simulate one slice of the through-plane acquisition along axis %d (factor %s)", NAME, ip[0], ip[1],
                    shape[ip[0]], shape[ip[1]], a, d.factors()[a]));
        }
        return pairs;
    }

    /** The two axes other than {@code a}, ascending. */
    static int[] inPlaneAxes(int a) {
        return a == 0 ? new int[] {1, 2} : a == 1 ? new int[] {0, 2} : new int[] {0, 1};
    }

    /**
     * Interpolates {@code frame} by {@code f_a} along {@code a}, runs the network across each
     * in-plane axis, averages the two results and interpolates the remaining axes.
     */
    static float[] apply(Module net, float[] frame, int[] shape, int a, double[] f, String label, int batch,
            Consumer<String> progress) {
        int[] s = shape.clone();
        float[] up = Grids.bspline(frame, s, Grids.along(a, f[a]));
        float[] sum = new float[Grids.size(s, label + " accumulator")];
        for (int b : inPlaneAxes(a)) {
            SliceApplication.addAlong(net, up, s, a, 3 - a - b, batch, sum, progress, label + ": planes across axis " + b);
        }
        Grids.scale(sum, 0.5);
        double[] rest = f.clone();
        rest[a] = 1;
        return rest[0] == 1 && rest[1] == 1 && rest[2] == 1 ? sum : Grids.bspline(sum, s, rest);
    }

    @Override
    public int steps() {
        return budget.steps();
    }

    @Override
    public int channels() {
        return budget.channels();
    }

    @Override
    public int blocks() {
        return budget.blocks();
    }

    @Override
    public int patch() {
        return budget.patch();
    }

    @Override
    public int batch() {
        return budget.batch();
    }

    @Override
    public double learningRate() {
        return budget.learningRate();
    }

    @Override
    public double timeLimitSeconds() {
        return budget.timeLimitSeconds();
    }

    @Override
    public Smore withSteps(int steps) {
        return new Smore(budget.withSteps(steps));
    }

    @Override
    public Smore withChannels(int channels) {
        return new Smore(budget.withChannels(channels));
    }

    @Override
    public Smore withBlocks(int blocks) {
        return new Smore(budget.withBlocks(blocks));
    }

    @Override
    public Smore withPatch(int patch) {
        return new Smore(budget.withPatch(patch));
    }

    @Override
    public Smore withBatch(int batch) {
        return new Smore(budget.withBatch(batch));
    }

    @Override
    public Smore withLearningRate(double learningRate) {
        return new Smore(budget.withLearningRate(learningRate));
    }

    @Override
    public Smore withTimeLimit(double seconds) {
        return new Smore(budget.withTimeLimit(seconds));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "smore[steps=%d, channels=%d, blocks=%d, patch=%d, batch=%d, lr=%s]", budget.steps(),
                budget.channels(), budget.blocks(), budget.patch(), budget.batch(), budget.learningRate());
    }
}
