package mrisr.sr.methods.baseline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import mrisr.engine.Memory;
import mrisr.engine.Tensor;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.SrMethod;
import mrisr.sr.methods.UnknownMethodException;
import mrisr.sr.volume.Volume;

/**
 * Interpolation baselines: separable 1-D resampling along each axis whose factor is not 1.
 *
 * <p>Along an axis of {@code n} voxels with factor {@code f}, the output has
 * {@code m = round(n·f)} voxels and output voxel {@code i} takes the value of the 1-D interpolant
 * at input coordinate {@code x_i = (i + 0.5)/f − 0.5} (voxel centres, matching
 * {@link Volume#resampledAffine}; the output volume gets exactly that affine). A 3-D result is the
 * tensor product of the 1-D operators, applied one axis after the other; an axis with factor
 * exactly 1 is left untouched (every method here interpolates, so that is exact), which gives
 * in-plane (2-D) upsampling with factors {@code (f, f, 1)}.
 *
 * <table>
 *   <caption>Methods</caption>
 *   <tr><th>name</th><th>1-D interpolant</th><th>exact for</th><th>beyond the ends</th></tr>
 *   <tr><td>nearest</td><td>value of the input voxel containing the output centre
 *       ({@code floor((i + 0.5)/f)})</td><td>constants</td><td>clamp</td></tr>
 *   <tr><td>linear</td><td>piecewise linear</td><td>linear functions</td><td>clamp</td></tr>
 *   <tr><td>cubic</td><td>Keys cubic convolution, {@code a = −0.5} (Catmull–Rom), 4 taps</td>
 *       <td>quadratics</td><td>mirror</td></tr>
 *   <tr><td>bspline</td><td>cubic B-spline after the exact recursive prefilter (pole √3 − 2), as
 *       {@code scipy.ndimage.zoom(order=3, mode='mirror', grid_mode=True)}</td><td>cubics</td>
 *       <td>mirror</td></tr>
 *   <tr><td>lanczos</td><td>Lanczos-3 {@code sinc(x)·sinc(x/3)}, 6 taps, weights normalised to sum
 *       1</td><td>constants</td><td>mirror</td></tr>
 *   <tr><td>sinc</td><td>k-space zero-filling (trigonometric interpolant; Nyquist bin split
 *       symmetrically; mean preserved)</td><td>band-limited signals</td><td>periodic</td></tr>
 * </table>
 * "Clamp" repeats the edge voxel; "mirror" is whole-sample symmetric
 * ({@code in[−j] = in[j]}). "Exact for" holds away from the ends. Factors below 1 point-sample the
 * interpolant (the kernel is not widened, as in {@code scipy.ndimage.zoom}), except sinc, which
 * crops the spectrum and so low-pass filters; use {@code mrisr degrade} to simulate an acquisition.
 * Arithmetic is in double along each line; the volume between axes is float32.
 *
 * <pre>{@code
 * Volume sr = Interpolation.bspline().run(lr, SrContext.of(1, 1, 4));
 * Volume inPlane = Interpolation.named("lanczos").resample(lr, 2, 2, 1);
 * }</pre>
 */
public final class Interpolation implements SrMethod {

    /** Builds the 1-D operator for input length n, output length m and factor f. */
    @FunctionalInterface
    private interface LineFactory {
        LineResampler create(int n, int m, double f);
    }

    private static final Interpolation NEAREST = taps("nearest",
            "nearest-neighbour: each output voxel copies the input voxel containing its centre", TapKernel.NEAREST);
    private static final Interpolation LINEAR = taps("linear",
            "linear (trilinear in 3-D) interpolation, edge voxels repeated", TapKernel.LINEAR);
    private static final Interpolation CUBIC = taps("cubic",
            "Catmull-Rom cubic convolution (Keys, a = -0.5), mirror boundaries", TapKernel.CATMULL_ROM);
    private static final Interpolation BSPLINE = taps("bspline",
            "cubic B-spline interpolation with exact prefilter, mirror boundaries (scipy zoom order=3 mode=mirror)",
            TapKernel.BSPLINE);
    private static final Interpolation LANCZOS = taps("lanczos",
            "Lanczos-3 windowed sinc, 6 taps per axis, mirror boundaries", TapKernel.LANCZOS3);
    private static final Interpolation SINC = new Interpolation("sinc",
            "k-space zero-filling (band-limited sinc interpolation, periodic), mean preserved", SincResampler::new);

    private static final List<Interpolation> ALL = List.of(NEAREST, LINEAR, CUBIC, BSPLINE, LANCZOS, SINC);

    private final String name;
    private final String description;
    private final LineFactory lines;

    private Interpolation(String name, String description, LineFactory lines) {
        this.name = name;
        this.description = description;
        this.lines = lines;
    }

    private static Interpolation taps(String name, String description, TapKernel kernel) {
        return new Interpolation(name, description, (n, m, f) -> new TapResampler(kernel, n, m, f));
    }

    /** Nearest neighbour. */
    public static Interpolation nearest() {
        return NEAREST;
    }

    /** Linear (trilinear). */
    public static Interpolation linear() {
        return LINEAR;
    }

    /** Catmull–Rom cubic convolution ({@code a = −0.5}). */
    public static Interpolation cubic() {
        return CUBIC;
    }

    /** Cubic B-spline with the exact interpolating prefilter. */
    public static Interpolation bspline() {
        return BSPLINE;
    }

    /** Lanczos-3. */
    public static Interpolation lanczos() {
        return LANCZOS;
    }

    /** k-space zero-filling. */
    public static Interpolation sinc() {
        return SINC;
    }

    /** All interpolation methods, from the crudest to sinc. */
    public static List<Interpolation> all() {
        return ALL;
    }

    /** The names of {@link #all()}, for {@code --method} help. */
    public static List<String> names() {
        return ALL.stream().map(Interpolation::name).toList();
    }

    /**
     * The interpolation method called {@code name}.
     *
     * @throws UnknownMethodException listing the valid names
     */
    public static Interpolation named(String name) {
        for (Interpolation m : ALL) if (m.name.equals(name)) return m;
        throw new UnknownMethodException("unknown interpolation method '" + name + "', expected one of "
                + String.join(", ", names()));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    /** {@inheritDoc} The seed is not used: interpolation is deterministic. */
    @Override
    public Volume run(Volume lr, SrContext ctx) {
        double[] factors = ctx.factors();
        int[] shape = lr.shape();
        int[] outShape = ctx.outputShape(shape);
        long outSize = 1;
        try {
            for (int s : outShape) outSize = Math.multiplyExact(outSize, (long) s);
        } catch (ArithmeticException overflow) {
            outSize = Long.MAX_VALUE; // reported by Memory.check as over the one-tensor limit
        }
        Memory.check(outSize, name + " upsampling output " + Arrays.toString(outShape));
        float[] data = resample(lr.data().toArray(), shape, factors, outShape);
        return lr.withGrid(Tensor.fromArray(data, outShape), Volume.resampledAffine(lr.affine(), factors));
    }

    /**
     * Resamples {@code v} by {@code factors} along i, j, k; same as {@code run(v, new SrContext(factors, 0))}.
     *
     * @param v       the volume (not modified)
     * @param factors three factors, each finite and &gt; 0
     */
    public Volume resample(Volume v, double... factors) {
        return run(v, new SrContext(factors, 0));
    }

    /**
     * The separable passes over a row-major array. Axes are processed from the most shrinking to
     * the most enlarging, which does the least work; the operators commute, so the order changes
     * only float rounding.
     */
    private float[] resample(float[] data, int[] shape, double[] factors, int[] outShape) {
        List<Integer> axes = new ArrayList<>();
        for (int a = 0; a < 3; a++) if (factors[a] != 1) axes.add(a);
        axes.sort(Comparator.comparingDouble(a -> (double) outShape[a] / shape[a]));
        int[] cur = shape.clone();
        float[] out = data;
        for (int a : axes) {
            LineResampler r = lines.create(cur[a], outShape[a], factors[a]);
            out = Separable.alongAxis(out, cur, a, r, name + " pass along axis " + a + " ->");
            cur[a] = outShape[a];
        }
        return out;
    }

    @Override
    public String toString() {
        return name;
    }
}
