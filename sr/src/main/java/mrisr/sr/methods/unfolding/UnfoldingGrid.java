package mrisr.sr.methods.unfolding;

import java.util.Arrays;
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
 * The grids of one {@code unfolded} run: the forward model {@code H} of the {@link SrContext} from a
 * high-resolution "solve" grid to the input's grid, and the {@link mrisr.sr.methods.SrMethod} output
 * grid ({@code round(m·f)} voxels per axis, affine {@code Volume.resampledAffine(lr.affine(), f)}).
 *
 * <p>The degradation keeps {@code ⌊n/f⌋} low-resolution voxels, so when {@code round(m·f)} voxels
 * would give fewer than {@code m}, the problem is solved on the smallest grid that explains all
 * {@code m} samples and cropped to the output grid (the convention of the model-based methods).
 * High-resolution voxel sizes are the low-resolution ones divided by {@code f}.
 */
final class UnfoldingGrid {
    final int[] lrShape, solveShape, outShape;
    final double[] hrSpacing;
    final LinearOperator h;
    private final double[][] outAffine;
    private final double[] factors;

    private UnfoldingGrid(int[] lrShape, int[] solveShape, int[] outShape, double[] hrSpacing, LinearOperator h, double[][] outAffine,
            double[] factors) {
        this.lrShape = lrShape;
        this.solveShape = solveShape;
        this.outShape = outShape;
        this.hrSpacing = hrSpacing;
        this.h = h;
        this.outAffine = outAffine;
        this.factors = factors;
    }

    /**
     * The grids for super-resolving {@code lr} ({@code [m₀, m₁, m₂]} or a series {@code [m₀, m₁, m₂, t]}).
     *
     * @throws InputException when the forward model cannot produce a grid of the input's size
     */
    static UnfoldingGrid of(String method, Volume lr, SrContext ctx) {
        int[] shape = lr.shape();
        int[] m = {shape[0], shape[1], shape[2]};
        Degradation d = ctx.forwardModel();
        double[] f = ctx.factors();
        int[] out = Arrays.copyOf(ctx.outputShape(shape), 3);
        double[] lrSpacing = lr.spacing();
        double[] hrSpacing = new double[3];
        for (int a = 0; a < 3; a++) hrSpacing[a] = lrSpacing[a] / f[a];
        int[] solve = out.clone();
        int[] got = d.lrShape(solve);
        for (int a = 0; a < 3; a++) {
            int limit = out[a] + (int) Math.ceil(f[a]) + 1;
            while (got[a] < m[a] && solve[a] < limit) {
                solve[a]++;
                got = d.lrShape(solve);
            }
            if (got[a] != m[a]) {
                throw new InputException(method + ": the forward model (" + d.describe(hrSpacing) + ") maps " + solve[a]
                        + " voxels along axis " + a + " to " + got[a] + ", not to the input's " + m[a]);
            }
        }
        Memory.check(Shape.numelLong(solve), method + " solve grid " + Shape.format(solve));
        LinearOperator h = d.operator(solve, hrSpacing);
        if (!Arrays.equals(h.outputShape(), m)) {
            throw new InputException(method + ": the forward model maps " + Shape.format(solve) + " to " + Shape.format(h.outputShape())
                    + ", not to the input grid " + Shape.format(m));
        }
        return new UnfoldingGrid(m, solve, out, hrSpacing, h, Volume.resampledAffine(lr.affine(), f), f);
    }

    /** Reconstructs one frame: data {@code y} on the input grid, start {@code x0} on the solve grid. */
    @FunctionalInterface
    interface FrameSolver {
        Tensor solve(Tensor y, Tensor x0, Consumer<String> progress);
    }

    /**
     * Runs {@code solver} on every frame of {@code lr}, each started from the cubic B-spline
     * interpolation of that frame (extended to the solve grid by repeating its last planes), and
     * assembles the output volume.
     *
     * @param lr the low-resolution volume (not modified)
     */
    Volume solveAll(Volume lr, Consumer<String> progress, FrameSolver solver) {
        int[] shape = lr.shape();
        int frames = shape.length == 4 ? shape[3] : 1;
        Volume init = Interpolation.bspline().run(lr, new SrContext(factors, 0));
        float[] lrData = CpuBackend.denseData(lr.data()), initData = CpuBackend.denseData(init.data());
        int nLr = lrShape[0] * lrShape[1] * lrShape[2], nOut = outShape[0] * outShape[1] * outShape[2];
        int[] fullOut = shape.length == 3 ? outShape.clone() : new int[] {outShape[0], outShape[1], outShape[2], frames};
        Memory.check(Shape.numelLong(fullOut), "unfolded output " + Shape.format(fullOut));
        float[] result = frames == 1 ? null : new float[Math.multiplyExact(nOut, frames)];
        float[] single = null;
        for (int t = 0; t < frames; t++) {
            String suffix = " (frame " + (t + 1) + "/" + frames + ")";
            Consumer<String> frameProgress = frames == 1 ? progress : line -> progress.accept(line + suffix);
            float[] y = frame(lrData, nLr, frames, t);
            float[] x0 = pad(frame(initData, nOut, frames, t));
            Tensor x = solver.solve(CpuBackend.wrap(y, lrShape), CpuBackend.wrap(x0, solveShape), frameProgress);
            float[] cropped = crop(CpuBackend.denseData(x));
            if (frames == 1) {
                single = cropped;
            } else {
                for (int v = 0; v < nOut; v++) result[v * frames + t] = cropped[v];
            }
        }
        return lr.withGrid(CpuBackend.wrap(frames == 1 ? single : result, fullOut), outAffine);
    }

    private static float[] frame(float[] data, int voxels, int frames, int t) {
        if (frames == 1) return data;
        float[] f = new float[voxels];
        for (int v = 0; v < voxels; v++) f[v] = data[v * frames + t];
        return f;
    }

    /** {@code x} on the output grid extended to the solve grid by repeating the last plane of each axis. */
    private float[] pad(float[] x) {
        if (Arrays.equals(outShape, solveShape)) return x;
        float[] p = new float[solveShape[0] * solveShape[1] * solveShape[2]];
        for (int i = 0; i < solveShape[0]; i++) {
            int si = Math.min(i, outShape[0] - 1);
            for (int j = 0; j < solveShape[1]; j++) {
                int sj = Math.min(j, outShape[1] - 1);
                int dst = (i * solveShape[1] + j) * solveShape[2], src = (si * outShape[1] + sj) * outShape[2];
                for (int k = 0; k < solveShape[2]; k++) p[dst + k] = x[src + Math.min(k, outShape[2] - 1)];
            }
        }
        return p;
    }

    /** The output-grid part (the first {@code outShape} voxels of each axis) of {@code x} on the solve grid. */
    private float[] crop(float[] x) {
        if (Arrays.equals(outShape, solveShape)) return x;
        float[] c = new float[outShape[0] * outShape[1] * outShape[2]];
        for (int i = 0; i < outShape[0]; i++) {
            for (int j = 0; j < outShape[1]; j++) {
                System.arraycopy(x, (i * solveShape[1] + j) * solveShape[2], c, (i * outShape[1] + j) * outShape[2], outShape[2]);
            }
        }
        return c;
    }
}
