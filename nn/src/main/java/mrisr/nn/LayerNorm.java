package mrisr.nn;

import mrisr.engine.Norm;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;

/**
 * Layer normalisation over the trailing dimensions {@code normalizedShape}:
 * {@code y = (x − μ)/√(σ² + ε)·weight + bias}, {@code μ, σ²} the mean and biased variance over those
 * dimensions, per position of the leading ones (see {@link Norm#layerNorm}). Parameters
 * {@code weight} (ones) and {@code bias} (zeros) of shape {@code normalizedShape} when affine.
 * PyTorch's defaults: ε = 1e-5, affine. MACs: one per element when affine.
 *
 * <pre>{@code
 * LayerNorm norm = new LayerNorm(96);        // tokens [B, L, 96]
 * }</pre>
 */
public final class LayerNorm extends Module {
    private final int[] normalizedShape;
    private final double eps;
    private final Parameter weight, bias;

    /** Over the last dimension of size {@code features}, ε = 1e-5, affine. */
    public LayerNorm(int features) {
        this(new int[] {features}, Norm.DEFAULT_EPS, true);
    }

    /**
     * @param normalizedShape trailing dimensions to normalise over (each ≥ 1)
     * @param eps             added to the variance, ≥ 0
     * @param affine          learn {@code weight} and {@code bias}
     */
    public LayerNorm(int[] normalizedShape, double eps, boolean affine) {
        if (normalizedShape.length == 0) throw new IllegalArgumentException("LayerNorm: normalized shape must not be empty");
        for (int d : normalizedShape) {
            if (d < 1) throw new IllegalArgumentException("LayerNorm: invalid normalized shape " + Shape.format(normalizedShape));
        }
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        this.weight = affine ? registerParameter("weight", Tensor.ones(normalizedShape)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.zeros(normalizedShape)) : null;
    }

    /** The scale, or null when not affine. */
    public Parameter weight() {
        return weight;
    }

    /** The shift, or null when not affine. */
    public Parameter bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Norm.layerNorm(x, normalizedShape, weight == null ? null : weight.data(), bias == null ? null : bias.data(), eps);
    }

    @Override
    public Cost cost(int... in) {
        int k = normalizedShape.length;
        boolean ok = in.length >= k;
        for (int i = 0; ok && i < k; i++) ok = in[in.length - k + i] == normalizedShape[i];
        if (!ok) {
            throw new ShapeException("LayerNorm", "input " + Shape.format(in) + " does not end with " + Shape.format(normalizedShape));
        }
        return new Cost(in, weight == null ? 0 : Shape.numelLong(in));
    }

    @Override
    protected String extraRepr() {
        return Shape.format(normalizedShape) + ", eps=" + eps + ", affine=" + (weight != null);
    }
}
