package mrisr.nn;

import mrisr.engine.Ops;
import mrisr.engine.Rng;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;

/**
 * Fully connected layer {@code y = x·Wᵀ + b} over the last dimension: input {@code [*, in]}, weight
 * {@code [out, in]}, bias {@code [out]}, output {@code [*, out]}.
 *
 * <p>Default initialisation as PyTorch's: weight Kaiming-uniform with {@code a = √5} (that is
 * {@code U(−1/√in, 1/√in)}), bias {@code U(−1/√in, 1/√in)}, weight drawn first. MACs:
 * {@code (numel(x)/in)·in·out}.
 *
 * <pre>{@code
 * Linear fc = new Linear(64, 10, new Rng(0));
 * Tensor logits = fc.forward(Tensor.randn(rng, 8, 64));   // [8, 10]
 * }</pre>
 */
public final class Linear extends Module {
    private final int inFeatures, outFeatures;
    private final Parameter weight, bias;

    /** A linear layer with a bias. */
    public Linear(int inFeatures, int outFeatures, Rng rng) {
        this(inFeatures, outFeatures, true, rng);
    }

    /**
     * @param inFeatures  size of the input's last dimension, ≥ 1
     * @param outFeatures size of the output's last dimension, ≥ 1
     * @param bias        whether to add a learned bias
     * @param rng         draws the default initialisation
     */
    public Linear(int inFeatures, int outFeatures, boolean bias, Rng rng) {
        if (inFeatures < 1 || outFeatures < 1) {
            throw new IllegalArgumentException("Linear: features must be >= 1, got in=" + inFeatures + " out=" + outFeatures);
        }
        this.inFeatures = inFeatures;
        this.outFeatures = outFeatures;
        this.weight = registerParameter("weight", Tensor.zeros(outFeatures, inFeatures));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(outFeatures)) : null;
        resetParameters(rng);
    }

    /** Re-draws the weights and bias with PyTorch's default initialisation. */
    public void resetParameters(Rng rng) {
        Init.kaimingUniform(weight, rng, Math.sqrt(5), Init.FanMode.FAN_IN, "leaky_relu");
        if (bias != null) {
            double bound = 1 / Math.sqrt(inFeatures);
            Init.uniform(bias, rng, -bound, bound);
        }
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null when the layer has none. */
    public Parameter bias() {
        return bias;
    }

    public int inFeatures() {
        return inFeatures;
    }

    public int outFeatures() {
        return outFeatures;
    }

    @Override
    public Tensor forward(Tensor x) {
        check(x.shape());
        Tensor y = Ops.matmul(x, weight.data().transpose(0, 1));
        return bias == null ? y : y.add(bias.data());
    }

    @Override
    public Cost cost(int... inputShape) {
        check(inputShape);
        int[] out = inputShape.clone();
        out[out.length - 1] = outFeatures;
        long rows = Shape.numelLong(inputShape) / inFeatures;
        return new Cost(out, Math.multiplyExact(rows, (long) inFeatures * outFeatures));
    }

    private void check(int[] shape) {
        if (shape.length == 0 || shape[shape.length - 1] != inFeatures) {
            throw new ShapeException("Linear", "input " + Shape.format(shape) + " must end in " + inFeatures + " features");
        }
    }

    @Override
    protected String extraRepr() {
        return "in=" + inFeatures + ", out=" + outFeatures + ", bias=" + (bias != null);
    }
}
