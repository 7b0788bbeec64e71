package mrisr.sr.nets;

import java.util.ArrayList;
import java.util.List;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.Conv2d;
import mrisr.nn.Cost;
import mrisr.nn.Module;
import mrisr.nn.ReLU;
import mrisr.nn.Sequential;

/**
 * The image-specific network of zero-shot super-resolution (ZSSR, Shocher et al. 2018): a plain
 * stack of 3×3 convolutions with ReLUs that predicts the residual over an interpolated input.
 *
 * <pre>
 *   y = x + conv_out(relu(conv_L(… relu(conv_1(relu(conv_in(x)))) …)))
 *       conv_in: 1 → C,  conv_1 … conv_L: C → C,  conv_out: C → 1 (weights and bias start at 0)
 * </pre>
 * ZSSR's published network is this with {@code C = 64} and {@code L = 6} (8 layers). Input and
 * output {@code [N, 1, H, W]}, any {@code H, W ≥ 1}. The output layer starts at zero, so the
 * untrained network is the identity. Children (state-dict prefixes): {@code layers.<i>}. Cost per
 * output pixel: {@code 9·(2C + L·C²)} multiply-accumulates.
 *
 * <pre>{@code
 * ZssrNet net = new ZssrNet(16, 4, new Rng(0));
 * Tensor sharp = net.forward(Tensor.zeros(8, 1, 32, 32));      // [8, 1, 32, 32]
 * }</pre>
 */
public final class ZssrNet extends Module {
    private final Sequential layers;
    private final int channels, hiddenLayers;

    /**
     * @param channels     feature channels {@code C ≥ 1}
     * @param hiddenLayers {@code C → C} convolutions {@code L ≥ 0} between the input and output layers
     * @param rng          draws the initial weights (PyTorch's default convolution initialisation)
     */
    public ZssrNet(int channels, int hiddenLayers, Rng rng) {
        if (channels < 1) throw new IllegalArgumentException("ZssrNet: channels must be >= 1, got " + channels);
        if (hiddenLayers < 0) throw new IllegalArgumentException("ZssrNet: hidden layers must be >= 0, got " + hiddenLayers);
        this.channels = channels;
        this.hiddenLayers = hiddenLayers;
        List<Module> stack = new ArrayList<>();
        stack.add(new Conv2d(1, channels, 3, 1, 1, rng));
        stack.add(new ReLU());
        for (int l = 0; l < hiddenLayers; l++) {
            stack.add(new Conv2d(channels, channels, 3, 1, 1, rng));
            stack.add(new ReLU());
        }
        Conv2d out = new Conv2d(channels, 1, 3, 1, 1, rng);
        out.weight().data().copyFrom_(Tensor.zeros(out.weight().shape()));
        out.bias().data().copyFrom_(Tensor.zeros(out.bias().shape()));
        stack.add(out);
        layers = registerModule("layers", new Sequential(stack));
    }

    /** Feature channels {@code C}. */
    public int channels() {
        return channels;
    }

    /** Hidden {@code C → C} layers {@code L}. */
    public int hiddenLayers() {
        return hiddenLayers;
    }

    /** {@inheritDoc} {@code x} is {@code [N, 1, H, W]}; the result has its shape. */
    @Override
    public Tensor forward(Tensor x) {
        return x.add(layers.forward(x));
    }

    @Override
    public Cost cost(int... inputShape) {
        return layers.cost(inputShape);
    }

    @Override
    protected String extraRepr() {
        return "channels=" + channels + ", hiddenLayers=" + hiddenLayers;
    }
}
