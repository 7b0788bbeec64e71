package mrisr.engine;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The names of every differentiable op the engine offers. The test suite runs a gradient check and a
 * thread-count determinism check for each name here, and fails when a name has no check; adding an
 * op means adding its name here and its cases to the tests.
 */
public final class OpRegistry {
    private OpRegistry() {}

    private static final List<String> NAMES = List.of(
            // views
            "contiguous", "reshape", "permute", "narrow", "expand",
            // pointwise
            "add", "sub", "mul", "div", "neg", "abs", "sqrt", "exp", "log", "pow", "clamp", "where",
            "minimum", "maximum",
            "relu", "leaky_relu", "gelu", "silu", "sigmoid", "tanh", "softplus",
            // reductions and products
            "sum", "mean", "var", "amax", "matmul", "bmm",
            // joining, padding, indexing
            "cat", "stack", "split", "pad", "index_select", "gather",
            // normalisation
            "softmax", "log_softmax", "layer_norm", "group_norm", "dropout",
            // convolution and pooling
            "conv2d", "conv3d", "conv_transpose2d", "conv_transpose3d",
            "avg_pool2d", "avg_pool3d", "max_pool2d", "max_pool3d",
            // resampling
            "interpolate", "pixel_shuffle", "pixel_unshuffle",
            // attention
            "scaled_dot_product_attention",
            // Fourier
            "fftn", "ifftn", "rfftn", "irfftn", "fftshift", "ifftshift");

    /** All registered op names, in a stable order. */
    public static Set<String> names() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(NAMES));
    }
}
