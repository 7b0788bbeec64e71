package mrisr.nn.loss;

import java.util.Arrays;
import java.util.Objects;
import mrisr.engine.Conv;
import mrisr.engine.Index;
import mrisr.engine.Tensor;

/**
 * Edge-preserving loss, survey Eq. 16: the ℓ₁ distance between edge maps,
 * {@code L = (1/(A·n))·Σ_a Σ_v |E_a(x̂)_v − E_a(x)_v|} over the {@code A} spatial axes of
 * {@code [N, C, H, W]} or {@code [N, C, D, H, W]}, where {@code E_a} is a derivative along axis
 * {@code a}:
 * <ul>
 *   <li>{@link Operator#GRADIENT}: the forward difference {@code x_{v+e_a} − x_v} (0 past the last slice);
 *   <li>{@link Operator#SOBEL}: the Sobel operator, central difference {@code [−1, 0, 1]/2} along
 *       {@code a} smoothed by {@code [1, 2, 1]/4} along every other axis (so a unit ramp gives 1), with
 *       replicated borders.
 * </ul>
 * Both operators are linear, so the loss is computed as {@code |E_a(x̂ − x)|}.
 */
public final class EdgeLoss implements Loss {
    /** The edge operator. */
    public enum Operator { GRADIENT, SOBEL }

    private final Operator operator;

    public EdgeLoss(Operator operator) {
        this.operator = Objects.requireNonNull(operator, "operator");
    }

    @Override
    public Tensor compute(Tensor prediction, Tensor target) {
        Losses.sameShape("EdgeLoss", prediction, target);
        int spatial = Losses.spatialDims("EdgeLoss", prediction);
        Tensor d = prediction.sub(target);
        if (operator == Operator.SOBEL) return sobel(d, spatial).abs().mean();
        Tensor total = null;
        for (int a = 0; a < spatial; a++) {
            Tensor g = Gradients.forwardDifference(d, 2 + a);
            Tensor term = g == null ? d.mul(0).abs().sum() : g.abs().sum();
            total = total == null ? term : total.add(term);
        }
        return total.mul(1.0 / ((double) spatial * d.numel()));
    }

    /** The Sobel derivatives of every channel: {@code [N, C, …] → [N·C, A, …]}. */
    private static Tensor sobel(Tensor x, int spatial) {
        int[] shape = x.shape();
        int[] flat = new int[shape.length];
        flat[0] = shape[0] * shape[1];
        flat[1] = 1;
        System.arraycopy(shape, 2, flat, 2, spatial);
        int[] pad = new int[2 * spatial];
        Arrays.fill(pad, 1);
        Tensor padded = Index.pad(x.reshape(flat), pad, Index.PadMode.REPLICATE);
        Tensor weight = Tensor.wrap(x.backend().upload(sobelKernels(spatial), "Sobel kernels"), kernelShape(spatial));
        return spatial == 2 ? Conv.conv2d(padded, weight, null) : Conv.conv3d(padded, weight, null);
    }

    private static int[] kernelShape(int spatial) {
        return spatial == 2 ? new int[] {2, 1, 3, 3} : new int[] {3, 1, 3, 3, 3};
    }

    /** One normalised Sobel kernel per axis, axis-major. */
    static float[] sobelKernels(int spatial) {
        double[] derivative = {-0.5, 0, 0.5}, smooth = {0.25, 0.5, 0.25};
        int taps = spatial == 2 ? 9 : 27;
        float[] k = new float[spatial * taps];
        for (int a = 0; a < spatial; a++) {
            for (int t = 0; t < taps; t++) {
                double v = 1;
                for (int axis = 0, rest = t; axis < spatial; axis++) {
                    int i = rest / (int) Math.pow(3, spatial - 1 - axis);
                    rest %= (int) Math.pow(3, spatial - 1 - axis);
                    v *= axis == a ? derivative[i] : smooth[i];
                }
                k[a * taps + t] = (float) v;
            }
        }
        return k;
    }
}
