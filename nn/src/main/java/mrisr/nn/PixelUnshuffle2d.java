package mrisr.nn;

import mrisr.engine.Resample;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;

/**
 * The inverse of pixel shuffle (lossless downsampling): rearranges
 * {@code [*, C, spatial·r…]} into {@code [*, C·r^2, spatial…]} over the last 2 axes
 * (see {@link Resample#pixelUnshuffle2d} for the channel order, which is PyTorch's). No parameters, zero MACs.
 *
 * <pre>{@code
 * Module downsampler = new Sequential(new PixelUnshuffle2d(2), new Conv2d(4, 16, 3, 1, 1, rng));
 * }</pre>
 */
public final class PixelUnshuffle2d extends Module {
    private final int factor;

    /** @param factor {@code r ≥ 1} */
    public PixelUnshuffle2d(int factor) {
        if (factor < 1) throw new IllegalArgumentException("PixelUnshuffle2d: factor must be >= 1, got " + factor);
        this.factor = factor;
    }

    public int factor() {
        return factor;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Resample.pixelUnshuffle2d(x, factor);
    }

    @Override
    public Cost cost(int... in) {
        if (in.length < 2 + 1) throw new ShapeException("PixelUnshuffle2d", "input " + Shape.format(in) + " needs at least 3 dimensions");
        long volume = 1;
        for (int i = 0; i < 2; i++) volume *= factor;
        int[] out = in.clone();
        int c = in.length - 2 - 1;
        for (int a = c + 1; a < in.length; a++) {
            if (in[a] % factor != 0) {
                throw new ShapeException("PixelUnshuffle2d", "input " + Shape.format(in) + " has spatial sizes not divisible by " + factor);
            }
            out[a] = in[a] / factor;
        }
        out[c] = Math.toIntExact(in[c] * volume);
        return new Cost(out, 0);
    }

    @Override
    protected String extraRepr() {
        return "factor=" + factor;
    }
}
