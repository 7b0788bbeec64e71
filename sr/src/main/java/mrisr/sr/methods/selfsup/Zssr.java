package mrisr.sr.methods.selfsup;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import mrisr.engine.Rng;
import mrisr.sr.InputException;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.baseline.Interpolation;
import mrisr.sr.nets.ZssrNet;
import mrisr.sr.physics.Degradation;
import mrisr.sr.volume.Volume;

/**
 * Zero-shot super-resolution (ZSSR, Shocher et al., CVPR 2018) of the planes of a volume: an
 * image-specific CNN learns, from downscaled copies of the input's own slices, how to go up by the
 * factor, and is then applied to the slices themselves. Meant for in-plane factors such as
 * {@code 2,2,1}.
 *
 * <p>Algorithm, for factors {@code f}: the slicing axis {@code s} is the one with the smallest
 * factor (ties: the larger voxel, then the last axis); its planes span the other two axes
 * {@code h < w}.
 * <ol>
 *   <li><b>Pairs ("father" → "son").</b> Each plane of the low-resolution input is a father; its
 *       son is the father degraded along {@code h} and {@code w} by the forward model's 1-D
 *       operators for those factors (measured by {@link AxisOperator}, in voxels — the same kernel
 *       one scale down, as ZSSR assumes), then brought back by cubic B-spline interpolation. The
 *       network learns son → father.</li>
 *   <li><b>Training.</b> A {@link ZssrNet} (plain convolution stack predicting the residual) trained
 *       by {@link PatchTraining} on random patches with flips and — when the two plane axes have the
 *       same factor and spacing — transposes (so all 8 rotations and reflections).</li>
 *   <li><b>Application.</b> Each plane is B-spline interpolated by {@code (f_h, f_w)} and passed
 *       through the network; a factor other than 1 along {@code s} is applied last by B-spline
 *       interpolation.</li>
 * </ol>
 * Left out from the paper: the gradual multi-scale sons, the geometric self-ensemble at test time
 * and back-projection. A series trains one network on the pairs of all frames. Deterministic for a
 * given seed.
 *
 * <p>Defaults: {@value #DEFAULT_STEPS} steps, {@value #DEFAULT_CHANNELS} channels,
 * {@value #DEFAULT_BLOCKS} hidden layers (ZSSR's published network has 64 channels and 6), patches
 * {@value #DEFAULT_PATCH}², batch {@value #DEFAULT_BATCH}, learning rate
 * {@value #DEFAULT_LEARNING_RATE}.
 *
 * <pre>{@code
 * Volume sr = new Zssr().run(lr, SrContext.of(2, 2, 1).withProgress(System.err::println));
 * }</pre>
 */
public final class Zssr implements SelfSupervisedMethod {
    /** The command-line name. */
    public static final String NAME = "zssr";
    public static final int DEFAULT_STEPS = 1000;
    public static final int DEFAULT_CHANNELS = 16;
    public static final int DEFAULT_BLOCKS = 6;
    public static final int DEFAULT_PATCH = 32;
    public static final int DEFAULT_BATCH = 8;
    public static final double DEFAULT_LEARNING_RATE = 1e-3;

    private final Budget budget;

    /** ZSSR with the default network and budget. */
    public Zssr() {
        this(new Budget(NAME, DEFAULT_STEPS, DEFAULT_CHANNELS, DEFAULT_BLOCKS, DEFAULT_PATCH, DEFAULT_BATCH,
                DEFAULT_LEARNING_RATE, 0));
    }

    private Zssr(Budget budget) {
        this.budget = budget;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "zero-shot in-plane SR (ZSSR): trains an image-specific CNN on downscaled copies of the volume's own "
                + "slices (flips, rotations) and applies it to the slices; for in-plane factors such as 2,2,1";
    }

    @Override
    public Volume run(Volume lr, SrContext ctx) {
        int[] shape = lr.shape();
        int[] shape3 = {shape[0], shape[1], shape[2]};
        double[] f = ctx.factors();
        double[] spacing = lr.spacing();
        int[] outShape = ctx.outputShape(shape);
        Grids.size(outShape, NAME + " output " + Arrays.toString(outShape));
        Consumer<String> progress = ctx.progress();
        int s = slicingAxis(f, spacing);
        int h = s == 0 ? 1 : 0, w = s == 2 ? 1 : 2;
        if (!(f[h] > 1) && !(f[w] > 1)) {
            progress.accept(NAME + ": no in-plane factor above 1, so cubic B-spline interpolation only");
            return Interpolation.bspline().run(lr, ctx);
        }
        Degradation d = ctx.forwardModel();
        List<float[]> frames = Grids.frames(lr, NAME);
        double scale = Grids.largestMagnitude(frames);
        if (scale == 0) return Interpolation.bspline().run(lr, ctx);
        for (float[] frame : frames) Grids.scale(frame, 1 / scale);

        double[] hrSpacing = spacing.clone();
        for (int i = 0; i < 3; i++) hrSpacing[i] /= f[i];
        boolean rotations = f[h] == f[w] && Math.abs(spacing[h] - spacing[w]) <= 1e-6 * Math.max(spacing[h], spacing[w]);
        PairSet pairs = pairs(frames, shape3, h, w, hrSpacing, d, rotations);
        Rng root = new Rng(ctx.seed());
        ZssrNet net = new ZssrNet(budget.channels(), budget.blocks(), root.split());
        PatchTraining.train(net, pairs, budget, root.split(), NAME, pairs.count() + " slices (planes across axis " + s + ")", progress);

        List<float[]> out = new ArrayList<>();
        for (int t = 0; t < frames.size(); t++) {
            String label = frames.size() == 1 ? NAME : NAME + " frame " + (t + 1) + "/" + frames.size();
            int[] sh = shape3.clone();
            double[] inPlane = f.clone();
            inPlane[s] = 1;
            float[] up = Grids.bspline(frames.get(t), sh, inPlane);
            float[] sr = new float[up.length];
            SliceApplication.addAlong(net, up, sh, h, w, budget.batch(), sr, progress, label + ": planes across axis " + s);
            if (f[s] != 1) sr = Grids.bspline(sr, sh, Grids.along(s, f[s]));
            Grids.scale(sr, scale);
            out.add(sr);
        }
        int[] out3 = {outShape[0], outShape[1], outShape[2]};
        return lr.withGrid(Grids.assemble(out, out3, shape.length == 4), Volume.resampledAffine(lr.affine(), f));
    }

    /** The axis whose planes are super-resolved across: the smallest factor; ties go to the larger voxel, then to the last axis. */
    static int slicingAxis(double[] factors, double[] spacing) {
        int best = 2;
        for (int i = 1; i >= 0; i--) {
            if (factors[i] < factors[best] || (factors[i] == factors[best] && spacing[i] > spacing[best] * (1 + 1e-9))) best = i;
        }
        return best;
    }

    /**
     * Father/son pairs: every plane across the slicing axis, degraded along {@code h} and {@code w}
     * (where their factor exceeds 1) and re-interpolated, against itself cropped to the same grid.
     *
     * @throws InputException when a plane axis is shorter than its factor
     */
    static PairSet pairs(List<float[]> frames, int[] shape, int h, int w, double[] hrSpacing, Degradation d, boolean rotations) {
        double[] f = d.factors();
        AxisOperator[] ops = new AxisOperator[3];
        for (int axis : new int[] {h, w}) {
            if (!(f[axis] > 1)) continue;
            Optional<AxisOperator> probed = AxisOperator.probe(d, axis, shape[axis], hrSpacing);
            if (probed.isEmpty()) {
                throw new InputException(String.format(Locale.ROOT, "%s: axis %d has %d voxels, too few for a copy downscaled "
                        + "by the factor %s", NAME, axis, shape[axis], f[axis]));
            }
            ops[axis] = probed.get();
        }
        int sAxis = 3 - h - w;
        PairSet pairs = new PairSet(rotations);
        for (float[] frame : frames) {
            int[] sh = shape.clone();
            float[] son = frame;
            double[] back = {1, 1, 1};
            for (int axis : new int[] {h, w}) {
                if (ops[axis] == null) continue;
                son = ops[axis].apply(son, sh, axis);
                sh[axis] = ops[axis].outSize();
                back[axis] = ops[axis].upFactor();
            }
            son = Grids.bspline(son, sh, back);
            float[] father = Grids.crop(Grids.crop(frame, shape, h, sh[h]), withSize(shape, h, sh[h]), w, sh[w]);
            for (int t = 0; t < shape[sAxis]; t++) {
                pairs.add(Grids.plane(son, sh, h, w, t), Grids.plane(father, sh, h, w, t), sh[h], sh[w]);
            }
        }
        return pairs;
    }

    private static int[] withSize(int[] shape, int axis, int n) {
        int[] s = shape.clone();
        s[axis] = n;
        return s;
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
    public Zssr withSteps(int steps) {
        return new Zssr(budget.withSteps(steps));
    }

    @Override
    public Zssr withChannels(int channels) {
        return new Zssr(budget.withChannels(channels));
    }

    @Override
    public Zssr withBlocks(int blocks) {
        return new Zssr(budget.withBlocks(blocks));
    }

    @Override
    public Zssr withPatch(int patch) {
        return new Zssr(budget.withPatch(patch));
    }

    @Override
    public Zssr withBatch(int batch) {
        return new Zssr(budget.withBatch(batch));
    }

    @Override
    public Zssr withLearningRate(double learningRate) {
        return new Zssr(budget.withLearningRate(learningRate));
    }

    @Override
    public Zssr withTimeLimit(double seconds) {
        return new Zssr(budget.withTimeLimit(seconds));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "zssr[steps=%d, channels=%d, blocks=%d, patch=%d, batch=%d, lr=%s]", budget.steps(),
                budget.channels(), budget.blocks(), budget.patch(), budget.batch(), budget.learningRate());
    }
}
