package mrisr.engine;

import java.util.Arrays;
import java.util.Objects;

/**
 * Differentiable resampling ops with PyTorch semantics: {@code F.interpolate} (nearest, linear,
 * cubic over 1 to 3 spatial axes) and pixel shuffle / unshuffle in 2-D and 3-D.
 *
 * <p><b>Interpolation</b> maps each output index {@code o} of a spatial axis (input length
 * {@code in}, output length {@code out}) to a source coordinate exactly as PyTorch's CPU kernels
 * do for float32 tensors:
 * <ul>
 *   <li>{@code alignCorners = true}: {@code src = o·(in−1)/(out−1)} (0 when {@code out = 1}), so
 *       the corner samples of input and output coincide;
 *   <li>{@code alignCorners = false}: {@code src = (o + ½)·scale − ½} with {@code scale = in/out},
 *       or {@code scale = 1/scaleFactor} when the output size came from a scale factor (PyTorch's
 *       default {@code recompute_scale_factor=None}); nearest and linear clamp {@code src} at 0.
 * </ul>
 * {@link Mode#NEAREST} takes {@code min(floor(o·scale), in−1)} (PyTorch's legacy
 * {@code 'nearest'}, not {@code 'nearest-exact'}); {@link Mode#LINEAR} is linear, bilinear or
 * trilinear for 1, 2, 3 spatial axes, with an axis of equal input and output size copied as PyTorch
 * does; {@link Mode#CUBIC} is PyTorch's bicubic (Keys' kernel, {@code A = −0.75}, border indices
 * clamped), applied separably along each axis, so 3 axes give the tricubic extension. Cubic output
 * may overshoot the input range, as in PyTorch. The backward pass is the adjoint (scatter) of the
 * same weights.
 *
 * <p><b>Pixel shuffle</b> ({@code r} = factor):
 * 2-D {@code [*, C·r², H, W] → [*, C, H·r, W·r]},
 * {@code out[c, h·r+i, w·r+j] = in[c·r² + i·r + j, h, w]} (PyTorch's order);
 * 3-D {@code [*, C·r³, D, H, W] → [*, C, D·r, H·r, W·r]},
 * {@code out[c, d·r+i, h·r+j, w·r+k] = in[c·r³ + i·r² + j·r + k, d, h, w]}, the order of the usual
 * {@code view(N,C,r,r,r,D,H,W).permute(0,1,5,2,6,3,7,4)}. Unshuffle is the inverse; each op's
 * backward is the other.
 *
 * <pre>{@code
 * Tensor up = Resample.interpolate(x, new int[] {64, 64}, Resample.Mode.CUBIC, false);
 * Tensor twice = Resample.interpolate(vol, new double[] {2}, Resample.Mode.LINEAR, true);
 * Tensor hr = Resample.pixelShuffle3d(features, 2);  // [1, 8·C, D, H, W] → [1, C, 2D, 2H, 2W]
 * }</pre>
 */
public final class Resample {
    private Resample() {}

    /** Interpolation kernel of {@link #interpolate}. */
    public enum Mode {
        /** PyTorch's {@code 'nearest'}: the input sample at {@code floor(o·scale)}. */
        NEAREST,
        /** PyTorch's {@code 'linear'} / {@code 'bilinear'} / {@code 'trilinear'}. */
        LINEAR,
        /** PyTorch's {@code 'bicubic'} (A = −0.75), separable, extended to 1 and 3 axes. */
        CUBIC
    }

    // ------------------------------------------------------------------ interpolation

    /**
     * Resizes the spatial axes of {@code x} to {@code outSize}.
     *
     * @param x            input {@code [N, C, W]}, {@code [N, C, H, W]} or {@code [N, C, D, H, W]}
     *                     (not modified)
     * @param outSize      output size per spatial axis, or one size for all of them (each ≥ 1)
     * @param mode         interpolation kernel
     * @param alignCorners PyTorch's {@code align_corners}; must be false for {@link Mode#NEAREST}
     * @return {@code [N, C, outSize…]}
     */
    public static Tensor interpolate(Tensor x, int[] outSize, Mode mode, boolean alignCorners) {
        int spatial = checkInterpolateArguments(x, outSize.length, mode, alignCorners);
        int[] size = new int[spatial];
        for (int a = 0; a < spatial; a++) {
            size[a] = outSize.length == 1 ? outSize[0] : outSize[a];
            if (size[a] < 1) {
                throw new ShapeException("interpolate", "output size " + Arrays.toString(outSize) + " for input "
                        + Shape.format(x.shape()) + " must be >= 1 in every axis");
            }
        }
        double[] scales = new double[spatial];
        Arrays.fill(scales, Double.NaN);
        return interpolate(x, size, mode, alignCorners, scales);
    }

    /**
     * Resizes the spatial axes of {@code x} by {@code scaleFactor}: output size
     * {@code floor(in·scaleFactor)}; without {@code alignCorners} the coordinate mapping uses
     * {@code 1/scaleFactor}, not {@code in/out} (PyTorch with {@code recompute_scale_factor=None}).
     *
     * @param x            input {@code [N, C, W]}, {@code [N, C, H, W]} or {@code [N, C, D, H, W]}
     *                     (not modified)
     * @param scaleFactor  factor per spatial axis, or one factor for all of them (finite, &gt; 0)
     * @param mode         interpolation kernel
     * @param alignCorners PyTorch's {@code align_corners}; must be false for {@link Mode#NEAREST}
     * @return {@code [N, C, floor(in·scaleFactor)…]}
     */
    public static Tensor interpolate(Tensor x, double[] scaleFactor, Mode mode, boolean alignCorners) {
        int spatial = checkInterpolateArguments(x, scaleFactor.length, mode, alignCorners);
        int[] size = new int[spatial];
        double[] scales = new double[spatial];
        for (int a = 0; a < spatial; a++) {
            double s = scaleFactor.length == 1 ? scaleFactor[0] : scaleFactor[a];
            int in = x.size(2 + a);
            double out = Math.floor(in * s);
            if (!(s > 0) || !Double.isFinite(s) || out < 1 || out > Integer.MAX_VALUE) {
                throw new ShapeException("interpolate", "scale factor " + s + " for input " + Shape.format(x.shape())
                        + " gives output size " + out + " along spatial axis " + a + "; it must be finite and give"
                        + " a size in [1, 2^31-1]");
            }
            size[a] = (int) out;
            scales[a] = s;
        }
        return interpolate(x, size, mode, alignCorners, scales);
    }

    private static int checkInterpolateArguments(Tensor x, int sizeCount, Mode mode, boolean alignCorners) {
        Objects.requireNonNull(mode, "interpolate: mode");
        if (x.dim() < 3 || x.dim() > 5) {
            throw new ShapeException("interpolate", "input " + Shape.format(x.shape())
                    + " must be [N,C,W], [N,C,H,W] or [N,C,D,H,W]");
        }
        int spatial = x.dim() - 2;
        for (int a = 0; a < spatial; a++) {
            if (x.size(2 + a) < 1) {
                throw new ShapeException("interpolate", "input " + Shape.format(x.shape()) + " has an empty spatial axis");
            }
        }
        if (sizeCount != 1 && sizeCount != spatial) {
            throw new ShapeException("interpolate", sizeCount + " sizes or scale factors for input "
                    + Shape.format(x.shape()) + " with " + spatial + " spatial axes (give 1 or " + spatial + ")");
        }
        if (alignCorners && mode == Mode.NEAREST) {
            throw new ShapeException("interpolate", "alignCorners can only be set with LINEAR and CUBIC, not NEAREST");
        }
        return spatial;
    }

    private static Tensor interpolate(Tensor x, int[] size, Mode mode, boolean alignCorners, double[] scales) {
        Tensor xc;
        try (var _ = Grad.off()) {
            xc = x.contiguous();
        }
        Tensor y = x.backend().resample().interpolate(xc, size, mode, alignCorners, scales);
        if (!Autograd.needsGrad(x)) return y;
        int[] inShape = x.shape();
        return Autograd.record("interpolate", y, g -> new Tensor[] {
                x.backend().resample().interpolateBackward(g.contiguous(), inShape, mode, alignCorners, scales)}, x);
    }

    // ------------------------------------------------------------------ pixel shuffle

    /**
     * Rearranges {@code [*, C·r², H, W]} into {@code [*, C, H·r, W·r]} (PyTorch's
     * {@code pixel_shuffle}).
     *
     * @param x input with at least 3 dimensions (not modified)
     * @param r upscale factor (≥ 1)
     */
    public static Tensor pixelShuffle2d(Tensor x, int r) {
        return shuffle(x, r, 2);
    }

    /**
     * Rearranges {@code [*, C, H·r, W·r]} into {@code [*, C·r², H, W]}, the inverse of
     * {@link #pixelShuffle2d} (PyTorch's {@code pixel_unshuffle}).
     *
     * @param x input with at least 3 dimensions (not modified)
     * @param r downscale factor (≥ 1)
     */
    public static Tensor pixelUnshuffle2d(Tensor x, int r) {
        return unshuffle(x, r, 2);
    }

    /**
     * Rearranges {@code [*, C·r³, D, H, W]} into {@code [*, C, D·r, H·r, W·r]} with
     * {@code out[c, d·r+i, h·r+j, w·r+k] = in[c·r³ + i·r² + j·r + k, d, h, w]}.
     *
     * @param x input with at least 4 dimensions (not modified)
     * @param r upscale factor (≥ 1)
     */
    public static Tensor pixelShuffle3d(Tensor x, int r) {
        return shuffle(x, r, 3);
    }

    /**
     * Rearranges {@code [*, C, D·r, H·r, W·r]} into {@code [*, C·r³, D, H, W]}, the inverse of
     * {@link #pixelShuffle3d}.
     *
     * @param x input with at least 4 dimensions (not modified)
     * @param r downscale factor (≥ 1)
     */
    public static Tensor pixelUnshuffle3d(Tensor x, int r) {
        return unshuffle(x, r, 3);
    }

    private static Tensor shuffle(Tensor x, int r, int spatial) {
        String op = "pixel_shuffle";
        checkShuffleArguments(op, x, r, spatial);
        int c = x.size(-spatial - 1);
        long volume = factorVolume(op, x, r, spatial);
        if (c % volume != 0) {
            throw new ShapeException(op, "input " + Shape.format(x.shape()) + " has " + c
                    + " channels, not divisible by r^" + spatial + " = " + volume);
        }
        for (int d = x.dim() - spatial; d < x.dim(); d++) {
            try {
                Math.multiplyExact(x.size(d), r);
            } catch (ArithmeticException e) {
                throw new ShapeException(op, "input " + Shape.format(x.shape()) + " times " + r + " overflows int");
            }
        }
        Tensor xc;
        try (var _ = Grad.off()) {
            xc = x.contiguous();
        }
        Tensor y = x.backend().resample().pixelShuffle(xc, r, spatial);
        if (!Autograd.needsGrad(x)) return y;
        return Autograd.record(op, y, g -> new Tensor[] {
                x.backend().resample().pixelUnshuffle(g.contiguous(), r, spatial)}, x);
    }

    private static Tensor unshuffle(Tensor x, int r, int spatial) {
        String op = "pixel_unshuffle";
        checkShuffleArguments(op, x, r, spatial);
        for (int d = x.dim() - spatial; d < x.dim(); d++) {
            if (x.size(d) % r != 0) {
                throw new ShapeException(op, "input " + Shape.format(x.shape()) + ": spatial size " + x.size(d)
                        + " is not divisible by r = " + r);
            }
        }
        long volume = factorVolume(op, x, r, spatial);
        if (volume > Integer.MAX_VALUE || (long) x.size(-spatial - 1) * volume > Integer.MAX_VALUE) {
            throw new ShapeException(op, "input " + Shape.format(x.shape()) + " times r^" + spatial + " = " + volume
                    + " channels overflows int");
        }
        Tensor xc;
        try (var _ = Grad.off()) {
            xc = x.contiguous();
        }
        Tensor y = x.backend().resample().pixelUnshuffle(xc, r, spatial);
        if (!Autograd.needsGrad(x)) return y;
        return Autograd.record(op, y, g -> new Tensor[] {
                x.backend().resample().pixelShuffle(g.contiguous(), r, spatial)}, x);
    }

    /** {@code r^spatial}, failing when it does not fit a long. */
    private static long factorVolume(String op, Tensor x, int r, int spatial) {
        try {
            long square = (long) r * r;
            return spatial == 3 ? Math.multiplyExact(square, r) : square;
        } catch (ArithmeticException e) {
            throw new ShapeException(op, "factor " + r + " for input " + Shape.format(x.shape()) + " is too large");
        }
    }

    private static void checkShuffleArguments(String op, Tensor x, int r, int spatial) {
        if (x.dim() < spatial + 1) {
            throw new ShapeException(op, spatial + "d needs an input [*, C, " + (spatial == 3 ? "D, " : "")
                    + "H, W], got " + Shape.format(x.shape()));
        }
        if (r < 1) throw new ShapeException(op, "factor must be >= 1, got " + r + " for input " + Shape.format(x.shape()));
    }
}
