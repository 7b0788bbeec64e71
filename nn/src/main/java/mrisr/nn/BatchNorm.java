package mrisr.nn;

import java.util.Arrays;
import mrisr.engine.Grad;
import mrisr.engine.Ops;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;

/**
 * Batch normalisation over the batch and spatial dimensions of {@code [N, C, …]}, PyTorch's
 * {@code BatchNorm1d/2d/3d} ({@link BatchNorm1d}, {@link BatchNorm2d}, {@link BatchNorm3d}):
 * <pre>
 *   training:   y = (x − μ_B)/√(σ²_B + ε)·γ + β        μ_B, σ²_B per channel, σ² biased
 *               running_mean ← (1 − m)·running_mean + m·μ_B
 *               running_var  ← (1 − m)·running_var  + m·σ²_B·n/(n − 1)      (unbiased)
 *   evaluation: y = (x − running_mean)/√(running_var + ε)·γ + β
 * </pre>
 * with {@code n} the values per channel and momentum {@code m} (0.1 by default; {@code NaN} means
 * PyTorch's {@code momentum=None}, a cumulative average with {@code m = 1/num_batches_tracked}).
 * Without running statistics, batch statistics are used in both modes. State-dict keys as PyTorch:
 * {@code weight}, {@code bias}, {@code running_mean}, {@code running_var}, {@code num_batches_tracked}.
 * MACs: one per element when affine. Running statistics are updated outside autograd.
 */
public abstract class BatchNorm extends Module {
    private final int numFeatures;
    private final int spatialDims;
    private final double eps, momentum;
    private final Parameter weight, bias;
    private final Tensor runningMean, runningVar, numBatchesTracked;

    BatchNorm(int numFeatures, int spatialDims, double eps, double momentum, boolean affine, boolean trackRunningStats) {
        if (numFeatures < 1) throw new IllegalArgumentException(getClass().getSimpleName() + ": features must be >= 1");
        if (!Double.isNaN(momentum) && !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": momentum must be in [0, 1] or NaN, got " + momentum);
        }
        this.numFeatures = numFeatures;
        this.spatialDims = spatialDims;
        this.eps = eps;
        this.momentum = momentum;
        this.weight = affine ? registerParameter("weight", Tensor.ones(numFeatures)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.zeros(numFeatures)) : null;
        if (trackRunningStats) {
            runningMean = registerBuffer("running_mean", Tensor.zeros(numFeatures));
            runningVar = registerBuffer("running_var", Tensor.ones(numFeatures));
            numBatchesTracked = registerBuffer("num_batches_tracked", Tensor.scalar(0));
        } else {
            runningMean = runningVar = numBatchesTracked = null;
        }
    }

    /** The scale γ, or null when not affine. */
    public Parameter weight() {
        return weight;
    }

    /** The shift β, or null when not affine. */
    public Parameter bias() {
        return bias;
    }

    /** The running mean buffer {@code [C]} (modified by training forward passes), or null. */
    public Tensor runningMean() {
        return runningMean;
    }

    /** The running (unbiased) variance buffer {@code [C]}, or null. */
    public Tensor runningVar() {
        return runningVar;
    }

    /** Number of training batches seen (a 0-d buffer), or null. */
    public Tensor numBatchesTracked() {
        return numBatchesTracked;
    }

    /** Resets the running statistics to mean 0, variance 1, no batches. */
    public void resetRunningStats() {
        if (runningMean == null) return;
        runningMean.copyFrom_(Tensor.fullLike(runningMean, 0f));
        runningVar.copyFrom_(Tensor.fullLike(runningVar, 1f));
        numBatchesTracked.copyFrom_(Tensor.fullLike(numBatchesTracked, 0f));
    }

    @Override
    public Tensor forward(Tensor x) {
        check(x.shape());
        int[] dims = reducedDims(x.dim());
        int[] channelShape = new int[x.dim()];
        Arrays.fill(channelShape, 1);
        channelShape[1] = numFeatures;
        Tensor mean, var;
        boolean batchStats = isTraining() || runningMean == null;
        if (batchStats) {
            long n = Shape.numelLong(x.shape()) / numFeatures;
            if (isTraining() && n <= 1) {
                throw new ShapeException(getClass().getSimpleName(), "expected more than 1 value per channel when training, got input "
                        + Shape.format(x.shape()));
            }
            mean = x.mean(dims, true);
            var = Ops.var(x, dims, 0, true);
            if (isTraining() && runningMean != null) updateRunningStats(mean, var, n);
        } else {
            mean = runningMean.reshape(channelShape);
            var = runningVar.reshape(channelShape);
        }
        Tensor y = x.sub(mean).div(var.add(eps).sqrt());
        if (weight != null) y = y.mul(weight.data().reshape(channelShape)).add(bias.data().reshape(channelShape));
        return y;
    }

    private void updateRunningStats(Tensor mean, Tensor var, long n) {
        try (var _ = Grad.off()) {
            float batches = numBatchesTracked.item() + 1;
            numBatchesTracked.copyFrom_(Tensor.fullLike(numBatchesTracked, batches));
            double m = Double.isNaN(momentum) ? 1.0 / batches : momentum;
            Tensor batchMean = mean.detach().reshape(numFeatures);
            Tensor unbiased = var.detach().reshape(numFeatures).mul((double) n / (n - 1));
            runningMean.copyFrom_(runningMean.mul(1 - m).add(batchMean.mul(m)));
            runningVar.copyFrom_(runningVar.mul(1 - m).add(unbiased.mul(m)));
        }
    }

    private static int[] reducedDims(int rank) {
        int[] dims = new int[rank - 1];
        for (int i = 1; i < dims.length; i++) dims[i] = i + 1;
        return dims;
    }

    @Override
    public Cost cost(int... in) {
        check(in);
        return new Cost(in, weight == null ? 0 : Shape.numelLong(in));
    }

    private void check(int[] in) {
        boolean rankOk = spatialDims == 1 ? in.length == 2 || in.length == 3 : in.length == spatialDims + 2;
        if (!rankOk || in[1] != numFeatures) {
            String expected = switch (spatialDims) {
                case 1 -> "[N, " + numFeatures + "] or [N, " + numFeatures + ", L]";
                case 2 -> "[N, " + numFeatures + ", H, W]";
                default -> "[N, " + numFeatures + ", D, H, W]";
            };
            throw new ShapeException(getClass().getSimpleName(), "input " + Shape.format(in) + " must be " + expected);
        }
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + eps + ", momentum=" + (Double.isNaN(momentum) ? "None" : momentum)
                + ", affine=" + (weight != null) + ", track_running_stats=" + (runningMean != null);
    }
}
