package mrisr.sr.data;

import java.util.Arrays;
import java.util.List;
import mrisr.engine.Rng;
import mrisr.sr.volume.Volume;

/**
 * Draws seeded clean patches from high-resolution volumes, for training a denoiser: no degradation,
 * each volume divided by its largest magnitude {@code max|x|} — the normalisation with which the
 * plug-and-play methods feed their denoiser (each frame divided by its largest magnitude, so
 * intensities lie in about {@code [−1, 1]} and σ is a fraction of that scale).
 *
 * <p>One sample, all randomness from the caller's {@link Rng}: pick a volume (uniformly) and a
 * position (uniformly, redrawn up to {@value PatchSampler#FOREGROUND_TRIES} times until the patch mean
 * reaches {@value PatchSampler#FOREGROUND_FRACTION} of the scale, as {@link PatchSampler} does); with
 * augmentation, flip each axis at random and permute the axes of equal voxel size and patch size (all
 * 48 symmetries of the cube for cubic patches on an isotropic grid).
 *
 * <pre>{@code
 * CleanPatchSampler s = new CleanPatchSampler(set.training(), new int[] {32, 32, 32}, true);
 * float[] x = s.sample(new Rng(3));      // 32³ values, row-major, in units of max|volume|
 * }</pre>
 */
public final class CleanPatchSampler {
    private final float[][] data;
    private final int[][] shapes;
    private final boolean[][][] equivalent;
    private final double[] scale, range;
    private final int[] patch;
    private final boolean augment;

    /**
     * @param volumes high-resolution volumes {@code [nx, ny, nz]} (not modified)
     * @param patch   patch size per axis (≥ 1)
     * @param augment draw flips and permutations of axes with equal voxel size
     * @throws TrainingDataException when there is no volume, a patch size is below 1 or a volume is
     *     smaller than the patch
     */
    public CleanPatchSampler(List<Volume> volumes, int[] patch, boolean augment) {
        if (volumes.isEmpty()) throw new TrainingDataException("no training volumes");
        if (patch.length != 3) throw new IllegalArgumentException("patch size needs 3 values, got " + Arrays.toString(patch));
        for (int p : patch) {
            if (p < 1) throw new TrainingDataException("patch size " + Arrays.toString(patch) + " must be >= 1 on every axis");
        }
        this.patch = patch.clone();
        this.augment = augment;
        int n = volumes.size();
        data = new float[n][];
        shapes = new int[n][];
        equivalent = new boolean[n][3][3];
        scale = new double[n];
        range = new double[n];
        for (int v = 0; v < n; v++) {
            Volume vol = volumes.get(v);
            int[] shape = vol.shape();
            if (shape.length != 3) throw new TrainingDataException("training volume " + v + " is " + vol + ", expected a 3-D volume");
            for (int a = 0; a < 3; a++) {
                if (patch[a] > shape[a]) {
                    throw new TrainingDataException("training volume " + v + " has " + shape[a] + " voxels along axis " + a + ", fewer than the "
                            + patch[a] + " of a patch; use a smaller --patch or larger volumes");
                }
            }
            double[] sp = vol.spacing();
            for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) equivalent[v][a][b] = patch[a] == patch[b] && PatchSampler.sameSpacing(sp[a], sp[b]);
            shapes[v] = shape;
            data[v] = vol.data().toArray();
            double max = 0, lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (float x : data[v]) {
                max = Math.max(max, Math.abs(x));
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
            scale[v] = max > 0 && Double.isFinite(max) ? max : 1;
            range[v] = (hi - lo) / scale[v];
        }
    }

    /** The patch size per axis. */
    public int[] patch() {
        return patch.clone();
    }

    /** Number of volumes. */
    public int volumeCount() {
        return data.length;
    }

    /** The intensity range {@code (max − min)} of volume {@code v} after normalisation (at most 2). */
    public double normalisedRange(int v) {
        return range[v];
    }

    /** Draws one patch (see the class description): row-major values of {@link #patch()}. */
    public float[] sample(Rng rng) {
        return sample(rng.nextInt(data.length), rng);
    }

    /** Draws one patch from volume {@code v}. */
    public float[] sample(int v, Rng rng) {
        int[] start = PatchSampler.drawRegion(rng, data[v], shapes[v], patch, new int[3], patch,
                PatchSampler.FOREGROUND_FRACTION * scale[v]);
        int[] perm = {0, 1, 2};
        boolean[] flip = new boolean[3];
        if (augment) PatchSampler.drawAugmentation(rng, equivalent[v], perm, flip);
        float[] x = PatchSampler.extract(data[v], shapes[v], start, patch, perm, flip);
        float s = (float) (1 / scale[v]);
        for (int i = 0; i < x.length; i++) x[i] *= s;
        return x;
    }
}
