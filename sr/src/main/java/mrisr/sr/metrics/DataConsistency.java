package mrisr.sr.metrics;

import java.util.Arrays;
import mrisr.engine.Tensor;
import mrisr.sr.physics.LinearOperator;
import mrisr.sr.volume.Volume;

/**
 * Data consistency of a super-resolved volume with the low-resolution volume it was made from
 * (survey §IX): how far the output, passed through the acquisition's forward model, is from what
 * was measured. It needs no ground truth, so it applies to real scans.
 *
 * <p>With {@code x̂} the super-resolved volume ({@code [nx, ny, nz]}, the forward model's input
 * grid), {@code y} the low-resolution volume ({@code [mx, my, mz]}, its output grid) and {@code H}
 * the noise-free linear forward model (e.g. {@code Degradation.operator}), the residual is
 * {@code r = H(x̂) − y} on the low-resolution grid and
 * <pre>
 *   residual map  |r|                     (per LR voxel, intensity units, LR affine)
 *   relative      ‖r‖₂ / ‖y‖₂             (0 = the output explains the measurement exactly)
 *   rms           ‖r‖₂ / √(mx·my·mz)      (intensity units)
 * </pre>
 * computed in double precision with sums in fixed chunks, so the values do not depend on the
 * thread count. A measurement with noise of standard deviation σ leaves {@code rms ≈ σ} even for
 * the true volume; values well above the noise level show where an output disagrees with the data.
 *
 * <pre>{@code
 * LinearOperator h = degradation.operator(sr.shape(), sr.spacing());
 * DataConsistency.Result dc = DataConsistency.compute(h, sr, lr);
 * Nifti.write(dc.residualMap(), Path.of("dc.nii.gz"));   // |H(x̂) − y| on the LR grid
 * }</pre>
 */
public final class DataConsistency {
    private DataConsistency() {}

    /**
     * The outcome of one check.
     *
     * @param residualMap {@code |H(x̂) − y|} as float32 on the low-resolution grid, with the
     *                    low-resolution volume's affine
     * @param relative    {@code ‖H(x̂) − y‖₂ / ‖y‖₂}
     * @param rms         {@code ‖H(x̂) − y‖₂ / √m}, m the number of low-resolution voxels
     */
    public record Result(Volume residualMap, double relative, double rms) {}

    /**
     * Compares {@code h(sr)} with {@code lr}.
     *
     * @param h  forward model from {@code sr}'s grid to {@code lr}'s grid
     * @param sr super-resolved volume, 3-D, finite (not modified)
     * @param lr measured low-resolution volume, 3-D, finite, not all zero (not modified)
     * @throws MetricException when a volume is missing, not 3-D, holds a non-finite value, does not
     *     fit the operator's input or output shape, or the low-resolution volume is zero everywhere
     */
    public static Result compute(LinearOperator h, Volume sr, Volume lr) {
        if (h == null) throw new MetricException("data consistency: the forward model is missing");
        float[] x = Inputs.values(sr, "super-resolved");
        float[] y = Inputs.values(lr, "low-resolution");
        if (!Arrays.equals(h.inputShape(), sr.shape())) {
            throw new MetricException("data consistency: the super-resolved volume has shape " + Arrays.toString(sr.shape())
                    + " but the forward model " + h.name() + " takes " + Arrays.toString(h.inputShape()));
        }
        if (!Arrays.equals(h.outputShape(), lr.shape())) {
            throw new MetricException("data consistency: the forward model maps the super-resolved grid " + Arrays.toString(sr.shape())
                    + " to " + Arrays.toString(h.outputShape()) + ", but the low-resolution volume has shape " + Arrays.toString(lr.shape()));
        }
        Inputs.checkFinite(x, sr.shape(), "super-resolved");
        Inputs.checkFinite(y, lr.shape(), "low-resolution");
        float[] hx = h.apply(sr.data()).toArray();
        int m = y.length;
        double measured = SeparableFilter.sum(m, (from, to) -> {
            double s = 0;
            for (int i = from; i < to; i++) s += (double) y[i] * y[i];
            return s;
        });
        if (measured == 0) {
            throw new MetricException("data consistency: the low-resolution volume is zero everywhere, so ‖H(x̂) − y‖/‖y‖ is undefined");
        }
        double residual = SeparableFilter.sum(m, (from, to) -> {
            double s = 0;
            for (int i = from; i < to; i++) {
                double r = (double) hx[i] - y[i];
                s += r * r;
            }
            return s;
        });
        float[] map = hx; // each voxel reads its own H(x̂) value before overwriting it
        for (int i = 0; i < m; i++) map[i] = (float) Math.abs((double) hx[i] - y[i]);
        Volume residualMap = Volume.of(Tensor.fromArray(map, lr.shape()), lr.affine());
        return new Result(residualMap, Math.sqrt(residual / measured), Math.sqrt(residual / m));
    }
}
