package mrisr.sr.demo;

import java.util.Arrays;
import mrisr.engine.Tensor;
import mrisr.sr.physics.LinearOperator;
import mrisr.sr.volume.Volume;

/**
 * Small steps shared by the simulated experiments ({@link Demo}, {@code mrisr bench methods}):
 * fitting a ground-truth volume to integer acquisition factors, the intensity range that PSNR and
 * SSIM are scored against, and the data-consistency residual of a super-resolved volume.
 *
 * <p>Data consistency: with {@code H} the noise-free forward model from the high-resolution grid
 * {@code [nx, ny, nz]} to the low-resolution grid {@code [mx, my, mz]}, {@code x̂} an estimate and
 * {@code y} the measured (noisy) low-resolution volume,
 * <pre>
 *   dc(x̂) = ‖H(x̂) − y‖₂ / ‖y‖₂      (sums in double precision)
 * </pre>
 * 0 means the estimate explains the measurement exactly; the noise alone keeps the truth above 0.
 *
 * <pre>{@code
 * Volume hr = Experiments.cropToMultiple(truth, new double[] {1, 1, 4});   // slice count % 4 == 0
 * LinearOperator h = degradation.operator(hr.shape(), hr.spacing());
 * double dc = Experiments.dataConsistency(h, sr.data(), lr.data().toArray());
 * }</pre>
 */
public final class Experiments {
    private Experiments() {}

    /**
     * {@code v} cropped at the far end of each axis to a multiple of that axis's factor (the integer
     * part of {@code factors[a]}), so that a degradation by these factors and a super-resolution
     * back land on the same grid. Cropping at the far ends keeps voxel 0 and so the affine.
     *
     * @param v       a 3-D volume (not modified; returned as is when nothing is cropped)
     * @param factors three factors, each ≥ 1
     * @return {@code v}, or a new volume of shape {@code n − n mod ⌊f⌋} per axis
     */
    public static Volume cropToMultiple(Volume v, double[] factors) {
        int[] s = v.shape();
        int[] keep = s.clone();
        for (int a = 0; a < 3; a++) keep[a] = s[a] - s[a] % (int) factors[a];
        if (Arrays.equals(keep, s)) return v;
        Tensor t = v.data().narrow(0, 0, keep[0]).narrow(1, 0, keep[1]).narrow(2, 0, keep[2]).contiguous();
        return Volume.of(t, v.affine());
    }

    /** {@code max − min} of {@code values}: the data range PSNR and SSIM are scored against. */
    public static double dataRange(float[] values) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (float x : values) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        return max - min;
    }

    /**
     * The data-consistency residual {@code ‖H(x̂) − y‖₂ / ‖y‖₂} (see the class comment).
     *
     * @param h        the noise-free forward model; its input shape is the estimate's
     * @param estimate the super-resolved volume {@code x̂} (not modified)
     * @param measured the low-resolution measurement {@code y}, flattened like {@code h}'s output
     *                 (not modified)
     */
    public static double dataConsistency(LinearOperator h, Tensor estimate, float[] measured) {
        float[] predicted = h.apply(estimate).toArray();
        double num = 0, den = 0;
        for (int i = 0; i < measured.length; i++) {
            double d = (double) predicted[i] - measured[i]; // widen first: a float difference loses digits
            num += d * d;
            den += (double) measured[i] * measured[i];
        }
        return Math.sqrt(num / Math.max(den, Double.MIN_NORMAL));
    }
}
