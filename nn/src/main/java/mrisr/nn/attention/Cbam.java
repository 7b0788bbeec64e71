package mrisr.nn.attention;

import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.Cost;
import mrisr.nn.Module;

/**
 * Convolutional block attention module (Woo et al., CBAM): joint channel ("what") and spatial
 * ("where") attention applied one after the other,
 * <pre>
 *   x' = x · M_c(x),   y = x' · M_s(x')
 * </pre>
 * with {@code M_c} the channel gate on average- and max-pooled statistics
 * ({@link ChannelAttention} with {@link ChannelAttention.Pooling#AVERAGE_AND_MAX}) and {@code M_s}
 * the {@link SpatialAttention} map. Children: {@code channel}, {@code spatial}. Works on 2-D maps
 * {@code [N, C, H, W]} or 3-D volumes {@code [N, C, D, H, W]}; output shape = input shape. MACs:
 * the sum of the two gates'.
 *
 * <pre>{@code
 * Cbam cbam = new Cbam(3, 64, 16, 7, new Rng(0));
 * Tensor y = cbam.forward(features);               // [N, 64, D, H, W]
 * }</pre>
 */
public final class Cbam extends Module {
    private final ChannelAttention channel;
    private final SpatialAttention spatial;

    /**
     * @param spatialDims 2 or 3
     * @param channels    {@code C}
     * @param reduction   the channel gate's reduction {@code r} (CBAM uses 16), dividing {@code C}
     * @param kernelSize  the spatial gate's odd kernel size (CBAM uses 7)
     * @param rng         draws the default initialisation (channel gate first)
     */
    public Cbam(int spatialDims, int channels, int reduction, int kernelSize, Rng rng) {
        this.channel = registerModule("channel",
                new ChannelAttention(spatialDims, channels, reduction, ChannelAttention.Pooling.AVERAGE_AND_MAX, rng));
        this.spatial = registerModule("spatial", new SpatialAttention(spatialDims, kernelSize, rng));
    }

    public ChannelAttention channel() {
        return channel;
    }

    public SpatialAttention spatial() {
        return spatial;
    }

    @Override
    public Tensor forward(Tensor x) {
        return spatial.forward(channel.forward(x));
    }

    @Override
    public Cost cost(int... in) {
        return channel.cost(in).then(spatial.cost(in));
    }
}
