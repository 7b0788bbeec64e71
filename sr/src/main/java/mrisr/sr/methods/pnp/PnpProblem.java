package mrisr.sr.methods.pnp;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.Consumer;
import mrisr.engine.Memory;
import mrisr.engine.Shape;
import mrisr.engine.Tensor;
import mrisr.engine.cpu.CpuBackend;
import mrisr.sr.InputException;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.baseline.Interpolation;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.LinearOperator;
import mrisr.sr.volume.Volume;

/**
 * The inverse problem a plug-and-play method solves for one input: the forward model {@code H}
 * from the output grid to the input grid, and the per-frame loop with intensity normalisation.
 *
 * <p>The output grid is the {@link mrisr.sr.methods.SrMethod} grid ({@code round(m·f)} voxels,
 * affine {@code Volume.resampledAffine(lr.affine(), f)}), high-resolution voxel sizes are the
 * low-resolution ones divided by {@code f}, and {@code H} is the context's acquisition model on that
 * grid; it must map the output grid onto exactly the input grid.
 *
 * <p>Each frame is divided by its largest magnitude {@code s} before solving and multiplied back
 * after, so the denoisers see intensities in about {@code [−1, 1]} and the σ schedules are fractions
 * of the intensity range. The start is the cubic B-spline interpolation of the frame.
 */
final class PnpProblem {
    /**
     * One normalised frame: the data-consistency solver, the start, the estimated noise level and
     * the DC power gain {@code γ = ‖H𝟙‖²/‖𝟙‖²} of {@code H} (about {@code 1/Π f}: the scale of
     * {@code HᵀH} on smooth images, which μ is measured against).
     */
    record Frame(DataConsistency dc, float[] x0, double noise, double gain) {}

    /** Solves one normalised frame; returns the estimate on the output grid. */
    @FunctionalInterface
    interface FrameSolver {
        float[] solve(Frame frame, Consumer<String> progress);
    }

    private final String method;
    private final int[] lrShape, outShape;
    private final double[] factors;
    private final LinearOperator h;
    private final double[][] outAffine;

    private PnpProblem(String method, int[] lrShape, int[] outShape, double[] factors, LinearOperator h, double[][] outAffine) {
        this.method = method;
        this.lrShape = lrShape;
        this.outShape = outShape;
        this.factors = factors;
        this.h = h;
        this.outAffine = outAffine;
    }

    /**
     * The problem of super-resolving {@code lr} ({@code [mx, my, mz]} or {@code [mx, my, mz, t]})
     * with acquisition model {@code d}.
     *
     * @throws InputException when the model does not map the output grid onto the input grid
     */
    static PnpProblem of(String method, Volume lr, SrContext ctx, Degradation d) {
        int[] shape = lr.shape();
        int[] m = {shape[0], shape[1], shape[2]};
        double[] f = ctx.factors();
        int[] out = Arrays.copyOf(ctx.outputShape(shape), 3);
        double[] lrSpacing = lr.spacing();
        double[] hrSpacing = new double[3];
        for (int a = 0; a < 3; a++) hrSpacing[a] = lrSpacing[a] / f[a];
        int[] got = d.lrShape(out);
        if (!Arrays.equals(got, m)) {
            throw new InputException(method + ": the forward model (" + d.describe(hrSpacing) + ") maps the output grid "
                    + Shape.format(out) + " to " + Shape.format(got) + ", not to the input grid " + Shape.format(m)
                    + "; use factors that divide the output grid evenly");
        }
        // CG keeps Hᵀy, x, r, p in double (8N) plus three float vectors; the methods keep up to four more
        // (ADMM: x, z, u, centre) and the result; the denoiser checks its own working set when called
        Memory.check(Math.multiplyExact(16L, Shape.numelLong(out)), method + " working set for output " + Shape.format(out));
        return new PnpProblem(method, m, out, f, d.operator(out, hrSpacing), Volume.resampledAffine(lr.affine(), f));
    }

    /** The output grid {@code [nx, ny, nz]}. */
    int[] outShape() {
        return outShape.clone();
    }

    /** The forward model. */
    LinearOperator operator() {
        return h;
    }

    /**
     * Runs {@code solver} on every frame of {@code lr} and assembles the output volume.
     *
     * @param lr the low-resolution volume (not modified)
     */
    Volume solveAll(Volume lr, Consumer<String> progress, FrameSolver solver) {
        int[] shape = lr.shape();
        int frames = shape.length == 4 ? shape[3] : 1;
        Volume init = Interpolation.bspline().run(lr, new SrContext(factors, 0));
        float[] lrData = CpuBackend.denseData(lr.data().contiguous()), initData = CpuBackend.denseData(init.data());
        int nLr = lrShape[0] * lrShape[1] * lrShape[2], nOut = outShape[0] * outShape[1] * outShape[2];
        int[] fullOut = shape.length == 4 ? new int[] {outShape[0], outShape[1], outShape[2], frames} : outShape.clone();
        float[] result = new float[Math.multiplyExact(nOut, frames)];
        double gain = gain(h);
        for (int t = 0; t < frames; t++) {
            String suffix = frames == 1 ? "" : " (frame " + (t + 1) + "/" + frames + ")";
            float[] y = frame(lrData, nLr, frames, t);
            float[] x0 = frame(initData, nOut, frames, t);
            double scale = 0;
            for (float v : y) scale = Math.max(scale, Math.abs(v));
            float[] x;
            if (scale == 0 || !Double.isFinite(scale)) {
                x = x0;
            } else {
                float inv = (float) (1 / scale);
                for (int i = 0; i < y.length; i++) y[i] *= inv;
                for (int i = 0; i < x0.length; i++) x0[i] *= inv;
                Frame f = new Frame(new DataConsistency(h, y), x0, NoiseLevel.estimate(y, lrShape, factors), gain);
                Consumer<String> frameProgress = line -> progress.accept(method + ": " + line + suffix);
                frameProgress.accept(String.format(Locale.ROOT, "estimated noise level %.4f of the maximum intensity", f.noise()));
                x = solver.solve(f, frameProgress);
                float s = (float) scale;
                for (int i = 0; i < x.length; i++) x[i] *= s;
            }
            for (int v = 0; v < nOut; v++) result[v * frames + t] = x[v];
        }
        Tensor data = CpuBackend.wrap(result, fullOut);
        return lr.withGrid(data, outAffine);
    }

    /** {@code ‖H𝟙‖²/‖𝟙‖²}. */
    static double gain(LinearOperator h) {
        int[] s = h.inputShape();
        float[] ones = new float[Shape.numel(s)];
        Arrays.fill(ones, 1f);
        float[] h1 = CpuBackend.denseData(h.apply(CpuBackend.wrap(ones, s)));
        double g = 0;
        for (float v : h1) g += (double) v * v;
        g /= ones.length;
        if (!(g > 0)) throw new InputException(h.name() + ": the forward model maps a constant image to zero");
        return g;
    }

    /** A copy of frame {@code t} of interleaved data ({@code frames} values per voxel). */
    private static float[] frame(float[] data, int voxels, int frames, int t) {
        float[] f = new float[voxels];
        if (frames == 1) {
            System.arraycopy(data, 0, f, 0, voxels);
        } else {
            for (int v = 0; v < voxels; v++) f[v] = data[v * frames + t];
        }
        return f;
    }
}
