package mrisr.sr.methods.deq;

import java.util.Arrays;
import mrisr.engine.Memory;
import mrisr.engine.Shape;
import mrisr.engine.Tensor;
import mrisr.nn.deq.DeepEquilibrium;
import mrisr.sr.InputException;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.LinearOperator;

/**
 * The grids and operator of one DEQ super-resolution problem: input grid {@code m}, output grid
 * {@code out = round(m·f)}, and the solve grid, the smallest grid from {@code out} up that the
 * acquisition maps onto {@code m} (larger than {@code out} only when a non-integer {@code m·f} was
 * rounded down; the solution is then cropped at the far ends), with {@code H} on it and the step
 * {@code γ}.
 */
final class DeqProblem {
    final int[] lrShape, outShape, solveShape;
    final LinearOperator h;
    final double gamma;

    private DeqProblem(int[] lrShape, int[] outShape, int[] solveShape, LinearOperator h, double gamma) {
        this.lrShape = lrShape;
        this.outShape = outShape;
        this.solveShape = solveShape;
        this.h = h;
        this.gamma = gamma;
    }

    /**
     * @param d         the acquisition (factors ≥ 1)
     * @param lrShape   the input grid {@code [mx, my, mz]}
     * @param outShape  the output grid {@code round(m·f)}
     * @param hrSpacing voxel sizes of the output grid in mm
     * @throws InputException when no grid near {@code outShape} maps onto {@code lrShape}
     */
    static DeqProblem of(Degradation d, int[] lrShape, int[] outShape, double[] hrSpacing) {
        int[] solve = outShape.clone();
        int[] got = d.lrShape(solve);
        for (int a = 0; a < 3; a++) {
            int limit = outShape[a] + (int) Math.ceil(d.factors()[a]) + 1;
            while (got[a] < lrShape[a] && solve[a] < limit) {
                solve[a]++;
                got = d.lrShape(solve);
            }
            if (got[a] != lrShape[a]) {
                throw new InputException("deq: the forward model (" + d.describe(hrSpacing) + ") maps " + solve[a]
                        + " voxels along axis " + a + " to " + got[a] + ", not to the input's " + lrShape[a]);
            }
        }
        Memory.check(Shape.numelLong(solve), "deq solve grid " + Shape.format(solve));
        LinearOperator h = d.operator(solve, hrSpacing);
        if (!Arrays.equals(h.outputShape(), lrShape)) {
            throw new InputException("deq: the forward model maps " + Shape.format(solve) + " to "
                    + Shape.format(h.outputShape()) + ", not to the input grid " + Shape.format(lrShape));
        }
        return new DeqProblem(lrShape.clone(), outShape.clone(), solve, h, DeqMethod.stepSize(h));
    }

    /**
     * Solves one volume: {@code y} on the input grid, the start {@code init} on the output grid
     * (extended to the solve grid by repeating its last planes). Differentiable with respect to the
     * prior's parameters when recording is on.
     *
     * @return the fixed point on the output grid (a differentiable view when cropped) and the reports
     */
    DeqMethod.Reconstruction solve(DeepEquilibrium layer, DeqPrior prior, Tensor y, Tensor init) {
        Tensor z0 = Tensor.fromArray(pad(init.toArray()), solveShape);
        DeqMethod.Reconstruction r = DeqMethod.reconstruct(layer, prior, h, gamma, y, z0);
        if (Arrays.equals(solveShape, outShape)) return r;
        Tensor x = r.x().narrow(0, 0, outShape[0]).narrow(1, 0, outShape[1]).narrow(2, 0, outShape[2]).contiguous();
        return new DeqMethod.Reconstruction(x, r.equilibrium(), r.data());
    }

    private float[] pad(float[] x) {
        if (Arrays.equals(outShape, solveShape)) return x;
        int[] from = outShape, to = solveShape;
        float[] p = new float[to[0] * to[1] * to[2]];
        for (int i = 0, q = 0; i < to[0]; i++) {
            for (int j = 0; j < to[1]; j++) {
                for (int k = 0; k < to[2]; k++) {
                    int si = Math.min(i, from[0] - 1), sj = Math.min(j, from[1] - 1), sk = Math.min(k, from[2] - 1);
                    p[q++] = x[(si * from[1] + sj) * from[2] + sk];
                }
            }
        }
        return p;
    }
}
