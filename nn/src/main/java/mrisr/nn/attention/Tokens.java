package mrisr.nn.attention;

import java.util.Arrays;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.nn.Module;

/**
 * Conversions between channels-first feature maps {@code [N, C, S₁, …, S_r]} and token sequences
 * {@code [N, L, C]} with {@code L = ΠS_d} (positions row-major), as attention layers consume them.
 * Both directions are differentiable views or copies; neither modifies its input.
 *
 * <pre>{@code
 * Tensor tokens = Tokens.fromMap(features);                 // [N, 32, 8, 8] → [N, 64, 32]
 * Tensor back = Tokens.toMap(attention.forward(tokens), 8, 8);
 * }</pre>
 */
public final class Tokens {
    private Tokens() {}

    /**
     * {@code [N, C, S₁, …, S_r] → [N, ΠS, C]} (PyTorch's {@code x.flatten(2).transpose(1, 2)}).
     *
     * @param map at least 3-d (not modified)
     */
    public static Tensor fromMap(Tensor map) {
        if (map.dim() < 3) {
            throw new ShapeException("tokens", "feature map " + Shape.format(map.shape()) + " must be [N, C, spatial…]");
        }
        return map.flatten(2, map.dim() - 1).transpose(1, 2);
    }

    /**
     * {@code [N, L, C] → [N, C, S₁, …, S_r]} with {@code L = ΠS}, the inverse of {@link #fromMap}.
     *
     * @param tokens  {@code [N, L, C]} (not modified)
     * @param spatial the map's spatial sizes
     */
    public static Tensor toMap(Tensor tokens, int... spatial) {
        int[] s = tokens.shape();
        if (s.length != 3 || spatial.length == 0 || s[1] != Shape.numelLong(spatial)) {
            throw new ShapeException("tokens", "tokens " + Shape.format(s) + " cannot form a map of spatial size "
                    + Shape.format(spatial) + " (expected [N, " + Shape.numelLong(spatial) + ", C])");
        }
        int[] out = new int[spatial.length + 2];
        out[0] = s[0];
        out[1] = s[2];
        System.arraycopy(spatial, 0, out, 2, spatial.length);
        return tokens.transpose(1, 2).reshape(out);
    }

    /** The spatial sizes of a channels-first map {@code [N, C, S…]}. */
    static int[] spatialOf(Tensor map) {
        return Arrays.copyOfRange(map.shape(), 2, map.dim());
    }

    /**
     * Applies a module that acts on the last dimension alone (a linear layer, an MLP, a layer norm)
     * to {@code [*, F]} as one {@code [rows, F]} batch, so a linear layer runs one matrix product
     * instead of broadcasting its weight over the leading dimensions.
     */
    static Tensor rowwise(Module m, Tensor x) {
        int[] s = x.shape();
        Tensor y = m.forward(x.reshape(-1, s[s.length - 1]));
        int[] out = s.clone();
        out[out.length - 1] = y.size(1);
        return y.reshape(out);
    }
}
