package mrisr.sr.nets;

import java.util.ArrayList;
import java.util.List;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.Conv2d;
import mrisr.nn.Cost;
import mrisr.nn.Module;
import mrisr.nn.ReLU;
import mrisr.nn.Residual;
import mrisr.nn.Sequential;

/**
 * The small EDSR-like 2-D network of the SMORE method: maps a pre-upsampled (blurred) image to a
 * sharp one of the same size by predicting the residual.
 *
 * <pre>
 *   h = head(x)                                  3×3 conv, 1 → C channels
 *   b = h + body(h)                              body = B residual blocks r ↦ r + conv(relu(conv(r))), C → C
 *   y = x + tail(b)                              3×3 conv, C → 1 channel, weights and bias start at 0
 * </pre>
 * Input and output {@code [N, 1, H, W]}; any {@code H, W ≥ 1} (zero padding keeps the size). The tail
 * starts at zero, so the untrained network is the identity and training starts from the
 * interpolated input rather than from noise. Without batch normalisation, as in EDSR. Children
 * (state-dict prefixes): {@code head}, {@code body.<i>.body.{0,2}}, {@code tail}. Cost per output
 * pixel: {@code 9·(2C + 2B·C²)} multiply-accumulates.
 *
 * <pre>{@code
 * SmoreNet net = new SmoreNet(16, 4, new Rng(0));
 * Tensor sharp = net.forward(Tensor.zeros(8, 1, 32, 32));      // [8, 1, 32, 32]
 * }</pre>
 */
public final class SmoreNet extends Module {
    private final Conv2d head;
    private final Sequential body;
    private final Conv2d tail;
    private final int channels, blocks;

    /**
     * @param channels feature channels {@code C ≥ 1}
     * @param blocks   residual blocks {@code B ≥ 1}
     * @param rng      draws the initial weights (PyTorch's default convolution initialisation)
     */
    public SmoreNet(int channels, int blocks, Rng rng) {
        if (channels < 1) throw new IllegalArgumentException("SmoreNet: channels must be >= 1, got " + channels);
        if (blocks < 1) throw new IllegalArgumentException("SmoreNet: blocks must be >= 1, got " + blocks);
        this.channels = channels;
        this.blocks = blocks;
        head = registerModule("head", new Conv2d(1, channels, 3, 1, 1, rng));
        List<Module> resBlocks = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            resBlocks.add(new Residual(new Sequential(new Conv2d(channels, channels, 3, 1, 1, rng), new ReLU(),
                    new Conv2d(channels, channels, 3, 1, 1, rng))));
        }
        body = registerModule("body", new Sequential(resBlocks));
        tail = registerModule("tail", new Conv2d(channels, 1, 3, 1, 1, rng));
        tail.weight().data().copyFrom_(Tensor.zeros(tail.weight().shape()));
        tail.bias().data().copyFrom_(Tensor.zeros(tail.bias().shape()));
    }

    /** Feature channels {@code C}. */
    public int channels() {
        return channels;
    }

    /** Residual blocks {@code B}. */
    public int blocks() {
        return blocks;
    }

    /** {@inheritDoc} {@code x} is {@code [N, 1, H, W]}; the result has its shape. */
    @Override
    public Tensor forward(Tensor x) {
        Tensor h = head.forward(x);
        return x.add(tail.forward(h.add(body.forward(h))));
    }

    @Override
    public Cost cost(int... inputShape) {
        Cost h = head.cost(inputShape);
        return h.then(body.cost(h.outputShape())).then(tail.cost(h.outputShape()));
    }

    @Override
    protected String extraRepr() {
        return "channels=" + channels + ", blocks=" + blocks;
    }
}
