package mrisr.nn;

import java.util.Arrays;
import mrisr.engine.Resample;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;

/**
 * Fixed (non-learned) resizing of the spatial axes of {@code [N, C, W]}, {@code [N, C, H, W]} or
 * {@code [N, C, D, H, W]}, PyTorch's {@code nn.Upsample}: to a target size, or by scale factors
 * ({@code out = ⌊in·s⌋}, with the source coordinates computed from the factor as PyTorch does).
 * Kernels and {@code alignCorners} as {@link Resample#interpolate}. No parameters; zero MACs by the
 * counting convention of {@link Cost}.
 *
 * <pre>{@code
 * Upsample up = Upsample.byScale(new double[] {2}, Resample.Mode.LINEAR, false);   // trilinear ×2 for 5-D input
 * }</pre>
 */
public final class Upsample extends Module {
    private final int[] size;
    private final double[] scaleFactor;
    private final Resample.Mode mode;
    private final boolean alignCorners;

    private Upsample(int[] size, double[] scaleFactor, Resample.Mode mode, boolean alignCorners) {
        if (alignCorners && mode == Resample.Mode.NEAREST) {
            throw new IllegalArgumentException("Upsample: alignCorners can only be set with LINEAR and CUBIC");
        }
        this.size = size;
        this.scaleFactor = scaleFactor;
        this.mode = mode;
        this.alignCorners = alignCorners;
    }

    /**
     * Resizes to {@code size}.
     *
     * @param size one size per spatial axis, or one for all (each ≥ 1)
     */
    public static Upsample toSize(int[] size, Resample.Mode mode, boolean alignCorners) {
        if (size.length == 0) throw new IllegalArgumentException("Upsample: empty size");
        for (int s : size) if (s < 1) throw new IllegalArgumentException("Upsample: sizes must be >= 1, got " + Shape.format(size));
        return new Upsample(size.clone(), null, mode, alignCorners);
    }

    /**
     * Resizes by {@code scaleFactor}.
     *
     * @param scaleFactor one factor per spatial axis, or one for all (each finite and &gt; 0)
     */
    public static Upsample byScale(double[] scaleFactor, Resample.Mode mode, boolean alignCorners) {
        if (scaleFactor.length == 0) throw new IllegalArgumentException("Upsample: empty scale factor");
        for (double s : scaleFactor) {
            if (!(s > 0) || Double.isInfinite(s)) throw new IllegalArgumentException("Upsample: invalid scale factor " + s);
        }
        return new Upsample(null, scaleFactor.clone(), mode, alignCorners);
    }

    @Override
    public Tensor forward(Tensor x) {
        return size != null ? Resample.interpolate(x, size, mode, alignCorners)
                : Resample.interpolate(x, scaleFactor, mode, alignCorners);
    }

    @Override
    public Cost cost(int... in) {
        int spatial = in.length - 2;
        int given = size != null ? size.length : scaleFactor.length;
        if (spatial < 1 || spatial > 3 || (given != 1 && given != spatial)) {
            throw new ShapeException("Upsample", "input " + Shape.format(in) + " does not fit " + given + " sizes or factors");
        }
        int[] out = in.clone();
        for (int a = 0; a < spatial; a++) {
            int k = given == 1 ? 0 : a;
            double o = size != null ? size[k] : Math.floor(in[2 + a] * scaleFactor[k]);
            if (o < 1 || o > Integer.MAX_VALUE) {
                throw new ShapeException("Upsample", "input " + Shape.format(in) + " gives output size " + o + " on axis " + a);
            }
            out[2 + a] = (int) o;
        }
        return new Cost(out, 0);
    }

    @Override
    protected String extraRepr() {
        return (size != null ? "size=" + Shape.format(size) : "scale_factor=" + Arrays.toString(scaleFactor))
                + ", mode=" + mode + (alignCorners ? ", align_corners=true" : "");
    }
}
