package mrisr.engine;

/**
 * Convolution kernels of a {@link Backend} over 1 to 3 spatial axes. Methods follow the conventions
 * stated on {@link Backend}; tensor arguments must be contiguous and are not modified, and the
 * arguments have been validated by {@link Conv}.
 *
 * <p>With input {@code x[N, C, in…]}, weight {@code w[O, C/groups, k…]} and output
 * {@code y[N, O, out…]}, the convolution is
 * {@code y[n,o,p] = bias[o] + Σ_{c,k} w[o,c,k] · x[n, g·C/groups + c, p·stride − padding + k·dilation]}
 * ({@code g} the group of {@code o}, zero padding). The three methods are this map and its adjoints in
 * {@code x} and in {@code w}; a transposed convolution is the adjoint in {@code x} run forwards, and
 * its gradients are the other two. Spatial arguments ({@code stride}, {@code padding},
 * {@code dilation}, sizes) have one entry per spatial axis, outermost first.
 */
public interface ConvBackend {
    /**
     * The convolution {@code y = conv(x, w) + bias}.
     *
     * @param x          input {@code [N, C, in…]}
     * @param weight     {@code [O, C/groups, k…]}
     * @param bias       {@code [O]}, or null for none
     * @param outputSize the spatial sizes of {@code y}
     * @return {@code y [N, O, outputSize…]}
     */
    Tensor convolution(Tensor x, Tensor weight, Tensor bias, int[] outputSize, int[] stride, int[] padding,
            int[] dilation, int groups);

    /**
     * The adjoint of {@link #convolution} in {@code x}, plus an optional bias: the gradient with respect
     * to the input when {@code y} is the output gradient, and the transposed convolution of {@code y}.
     *
     * @param y         {@code [N, O, out…]}
     * @param weight    {@code [O, C/groups, k…]} (a transposed convolution's {@code [C_in, C_out/groups, k…]})
     * @param bias      {@code [C]}, or null for none
     * @param inputSize the spatial sizes of the result
     * @return {@code [N, C, inputSize…]} with {@code C = weight.size(1)·groups}
     */
    Tensor convolutionTranspose(Tensor y, Tensor weight, Tensor bias, int[] inputSize, int[] stride, int[] padding,
            int[] dilation, int groups);

    /**
     * The adjoint of {@link #convolution} in {@code w}: {@code gw[o,c,k] = Σ_{n,p} gy[n,o,p] · x[n, g·C/groups + c,
     * p·stride − padding + k·dilation]}.
     *
     * @param x          the convolution's input {@code [N, C, in…]}
     * @param gradOutput {@code [N, O, out…]}
     * @param kernelSize the spatial sizes of the weight
     * @return {@code [O, C/groups, kernelSize…]}
     */
    Tensor convolutionBackwardWeight(Tensor x, Tensor gradOutput, int[] kernelSize, int[] stride, int[] padding,
            int[] dilation, int groups);
}
