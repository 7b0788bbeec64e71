package mrisr.sr.methods.modelbased;

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
 * The inverse problem behind a model-based method: the forward model {@code H} from the
 * high-resolution grid to the given low-resolution grid, and the grids involved.
 *
 * <p>The output grid is the {@link mrisr.sr.methods.SrMethod} grid: {@code round(m·f)} voxels per
 * axis with affine {@code Volume.resampledAffine(lr.affine(), f)}, on which voxel {@code i} lies
 * exactly over voxel {@code i} of the high-resolution grid that {@code mrisr degrade} sampled. The
 * degradation keeps {@code ⌊n/f⌋} low-resolution voxels, so when {@code round(m·f)} high-resolution
 * voxels would give fewer than {@code m} (a non-integer {@code m·f} rounded down), the problem is
 * solved on the smallest grid that explains all {@code m} samples and cropped to the output grid.
 * High-resolution voxel sizes are the low-resolution ones divided by {@code f}.
 */
final class SrProblem {
    final String method;
    final int[] lrShape, solveShape, outShape;
    final double[] hrSpacing;
    final LinearOperator h;
    private final double[][] outAffine;
    private final double[] factors;

    private SrProblem(String method, int[] lrShape, int[] solveShape, int[] outShape, double[] hrSpacing, LinearOperator h,
            double[][] outAffine, double[] factors) {
        this.method = method;
        this.lrShape = lrShape;
        this.solveShape = solveShape;
        this.outShape = outShape;
        this.hrSpacing = hrSpacing;
        this.h = h;
        this.outAffine = outAffine;
        this.factors = factors;
    }

    /**
     * The problem of super-resolving {@code lr} ({@code [mx, my, mz]} or a series
     * {@code [mx, my, mz, t]}) with the forward model of {@code ctx}.
     *
     * @throws InputException when the forward model cannot produce a grid of the input's size
     */
    static SrProblem of(String method, Volume lr, SrContext ctx) {
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
                throw new InputException(method + ": the forward model (" + d.describe(hrSpacing) + ") maps "
                        + solve[a] + " voxels along axis " + a + " to " + got[a] + ", not to the input's " + m[a]);
            }
        }
        LinearOperator h = d.operator(solve, hrSpacing);
        if (!Arrays.equals(h.outputShape(), m)) {
            throw new InputException(method + ": the forward model maps " + Shape.format(solve) + " to "
                    + Shape.format(h.outputShape()) + ", not to the input grid " + Shape.format(m));
        }
        Memory.check(Shape.numelLong(solve), method + " output " + Shape.format(solve));
        return new SrProblem(method, m, solve, out, hrSpacing, h, Volume.resampledAffine(lr.affine(), f), f);
    }

    /** Voxels of the grid the problem is solved on. */
    int solveVoxels() {
        return solveShape[0] * solveShape[1] * solveShape[2];
    }

    /** Solves one frame: data {@code y} on the low-resolution grid, start {@code x0} on the solve grid. */
    @FunctionalInterface
    interface FrameSolver {
        Solution solve(SrProblem problem, Tensor y, Tensor x0, Consumer<String> progress);
    }

    /**
     * Runs {@code solver} on every frame of {@code lr}, each started from the cubic B-spline
     * interpolation of that frame, and assembles the output volume.
     *
     * @param lr the low-resolution volume (not modified)
     */
    Volume solveAll(Volume lr, Consumer<String> progress, FrameSolver solver) {
        int[] shape = lr.shape();
        int frames = shape.length == 4 ? shape[3] : 1;
        Volume init = Interpolation.bspline().run(lr, new SrContext(factors, 0));
        float[] lrData = lr.data().toArray(), initData = CpuBackend.denseData(init.data());
        int nLr = lrShape[0] * lrShape[1] * lrShape[2], nOut = outShape[0] * outShape[1] * outShape[2];
        int[] fullOut = frames == 1 && shape.length == 3 ? outShape.clone() : new int[] {outShape[0], outShape[1], outShape[2], frames};
        Memory.check(Shape.numelLong(fullOut), method + " output " + Shape.format(fullOut));
        float[] result = frames == 1 ? null : new float[Math.multiplyExact(nOut, frames)];
        float[] single = null;
        for (int t = 0; t < frames; t++) {
            String suffix = " (frame " + (t + 1) + "/" + frames + ")";
            Consumer<String> frameProgress = frames == 1 ? progress : line -> progress.accept(line + suffix);
            float[] y = frame(lrData, nLr, frames, t);
            float[] x0 = pad(frame(initData, nOut, frames, t));
            Solution s = solver.solve(this, CpuBackend.wrap(y, lrShape), CpuBackend.wrap(x0, solveShape), frameProgress);
            float[] x = crop(CpuBackend.denseData(s.x()));
            if (frames == 1) {
                single = x;
            } else {
                for (int v = 0; v < nOut; v++) result[v * frames + t] = x[v];
            }
        }
        Tensor data = frames == 1 ? CpuBackend.wrap(single, fullOut) : CpuBackend.wrap(result, fullOut);
        return lr.withGrid(data, outAffine);
    }

    private static float[] frame(float[] data, int voxels, int frames, int t) {
        if (frames == 1) return data;
        float[] f = new float[voxels];
        for (int v = 0; v < voxels; v++) f[v] = data[v * frames + t];
        return f;
    }

    /** {@code x} on the output grid extended to the solve grid by repeating the last plane of each axis. */
    float[] pad(float[] x) {
        if (Arrays.equals(outShape, solveShape)) return x;
        float[] p = new float[solveVoxels()];
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
    float[] crop(float[] x) {
        if (Arrays.equals(outShape, solveShape)) return x;
        float[] c = new float[outShape[0] * outShape[1] * outShape[2]];
        for (int i = 0; i < outShape[0]; i++) {
            for (int j = 0; j < outShape[1]; j++) {
                System.arraycopy(x, (i * solveShape[1] + j) * solveShape[2], c, (i * outShape[1] + j) * outShape[2], outShape[2]);
            }
        }
        return c;
    }

    /**
     * The DC power gain {@code γ = ‖H𝟙‖² / ‖𝟙‖²} of a forward model: about {@code 1/Π f_a} for
     * intensity-preserving sampling, the scale of {@code HᵀH} on smooth images.
     */
    static double dcGain(LinearOperator h) {
        int[] s = h.inputShape();
        float[] ones = new float[(int) Shape.numelLong(s)];
        Arrays.fill(ones, 1f);
        float[] h1 = CpuBackend.denseData(h.apply(CpuBackend.wrap(ones, s)));
        double g = Vectors.dot(h1, h1) / ones.length;
        if (!(g > 0)) throw new InputException(h.name() + ": the forward model maps a constant image to zero");
        return g;
    }
}
