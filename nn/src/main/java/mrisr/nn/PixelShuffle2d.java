package mrisr.nn;

import mrisr.engine.Resample;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;

/**
 * Sub-pixel upsampling (ESPCN): rearranges
 * {@code [*, C·r^2, spatial…]} into {@code [*, C, spatial·r…]} over the last 2 axes
 * (see {@link Resample#pixelShuffle2d} for the channel order, which is PyTorch's). No parameters, zero MACs.
 *
 * <pre>{@code
 * Module upsampler = new Sequential(new Conv2d(64, 64 * 4, 3, 1, 1, rng), new PixelShuffle2d(2));
 * }</pre>
 */
public final class PixelShuffle2d extends Module {
    private final int factor;

    /** @param factor {@code r ≥ 1} */
    public PixelShuffle2d(int factor) {
        if (factor < 1) throw new IllegalArgumentException("PixelShuffle2d: factor must be >= 1, got " + factor);
        this.factor = factor;
    }

    public int factor() {
        return factor;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Resample.pixelShuffle2d(x, factor);
    }

    @Override
    public Cost cost(int... in) {
        if (in.length < 2 + 1) throw new ShapeException("PixelShuffle2d", "input " + Shape.format(in) + " needs at least 3 dimensions");
        long volume = 1;
        for (int i = 0; i < 2; i++) volume *= factor;
        int[] out = in.clone();
        int c = in.length - 2 - 1;
        if (in[c] % volume != 0) {
            throw new ShapeException("PixelShuffle2d", "input " + Shape.format(in) + " has " + in[c] + " channels, not divisible by " + volume);
        }
        out[c] = (int) (in[c] / volume);
        for (int a = c + 1; a < in.length; a++) out[a] = Math.multiplyExact(in[a], factor);
        return new Cost(out, 0);
    }

    @Override
    protected String extraRepr() {
        return "factor=" + factor;
    }
}
