package mrisr.sr.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mrisr.engine.Memory;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.sr.methods.baseline.Interpolation;
import mrisr.sr.physics.LinearOperator;
import mrisr.sr.physics.Noise;
import mrisr.sr.volume.Volume;

/**
 * Draws seeded training pairs from high-resolution volumes, degrading each one on the fly through
 * the forward operator of a {@link TrainingDegradation}.
 *
 * <p>For a low-resolution patch of {@code p} voxels per axis (high-resolution {@code p·f}), one
 * sample is made as follows, all randomness from the caller's {@link Rng}:
 * <ol>
 *   <li>pick a volume (uniformly) and a region of {@code (p + 2M)·f} high-resolution voxels per axis
 *       ({@code M} = {@link TrainingDegradation#margin}) at a uniform position; up to
 *       {@value #FOREGROUND_TRIES} positions are drawn until the central patch has a mean intensity of
 *       at least {@value #FOREGROUND_FRACTION} of the volume's intensity scale, so few samples are
 *       empty background;</li>
 *   <li>augment the high-resolution region (when enabled): a random flip of each axis and a random
 *       permutation of the axes that share factor and voxel size (for {@code 2,2,2} on an isotropic
 *       grid all 48 symmetries of the cube, which include every 90° rotation; for {@code 1,1,4}
 *       flips and the i↔j swap) — each maps a valid acquisition to a valid acquisition because the
 *       degradation is applied afterwards;</li>
 *   <li>degrade: {@code y = H(region)} with {@code H} from {@link TrainingDegradation#noiseFree()}
 *       (low-resolution voxel {@code j} centred at high-resolution {@code j·f + (f−1)/2}), plus
 *       Gaussian or Rician noise with {@code σ = noise·(max − min)} of the whole volume's clean
 *       low-resolution image, as {@code mrisr degrade} computes it;</li>
 *   <li>interpolate {@code U(y)} with the cubic B-spline onto the region's high-resolution grid
 *       (which it matches voxel for voxel) and crop the centres: {@code lr} = {@code y} without the
 *       margin ({@code p³}), {@code upsampled} and {@code hr} = {@code U(y)} and the region without
 *       {@code M·f} ({@code (pf)³});</li>
 *   <li>divide everything by the volume's intensity scale (the {@code 99.5}th percentile of its clean
 *       low-resolution image, see {@link IntensityScale}).</li>
 * </ol>
 * The margins make the centre crops equal to what degrading and interpolating the whole volume
 * gives at the same place (up to the B-spline prefilter's {@code (2 − √3)^M} boundary residue), so
 * training patches look exactly like the windows of whole-volume inference.
 *
 * <p>{@link Simulation#PATCH} drops the margins ({@code M = 0}): the patch is acquired on its own,
 * {@code y = H_patch(x) + n} with the operator's own boundary handling, which is the forward model
 * that physics-based networks apply to the patch in their data-consistency steps
 * ({@code UnfoldedTraining}, {@code DeqNetwork}). The noise level and the intensity scale still come
 * from the whole volume.
 *
 * <p>2-D patches: a patch size of 1 along an axis with factor 1 samples single slices (margin 0
 * along that axis); {@link #stack} turns them into {@code [N, 1, H, W]} batches for 2-D networks.
 *
 * <pre>{@code
 * TrainingDegradation d = new TrainingDegradation(new int[] {2, 2, 2}, SliceProfile.Kind.GAUSSIAN, 0, false);
 * PatchSampler s = new PatchSampler(volumes, d, new int[] {16, 16, 16}, true);
 * PatchSampler.Sample x = s.sample(new Rng(3));        // x.lr(): 16³, x.hr(): 32³
 * }</pre>
 */
public final class PatchSampler {
    /** How far the simulated acquisition of a sample reaches. */
    public enum Simulation {
        /** A window of the whole degraded volume: the region carries margins that are cropped off (the default). */
        WINDOW,
        /** The patch alone: {@code y = H(patch) + noise}, no margins. */
        PATCH
    }

    /** Positions tried per sample to avoid background-only patches. */
    public static final int FOREGROUND_TRIES = 8;
    /** Minimum mean intensity of a patch, as a fraction of the volume's intensity scale. */
    public static final double FOREGROUND_FRACTION = 0.1;

    private final float[][] data;
    private final int[][] shapes;
    private final double[][] spacings;
    private final TrainingDegradation degradation;
    private final int[] factors, lrPatch, hrPatch;
    private final boolean augment;
    private final double[] noiseSigma, scale, range;
    private final int[][] margins, regions;
    private final Map<String, LinearOperator> operators = new HashMap<>();

    /**
     * One sample: low-resolution patch, its B-spline interpolation and the high-resolution truth,
     * all row-major and divided by the volume's intensity scale.
     *
     * @param lr        {@code lrShape} values
     * @param upsampled {@code hrShape} values of {@code U(y)}
     * @param hr        {@code hrShape} values of the truth
     * @param lrShape   {@code p} per axis
     * @param hrShape   {@code p·f} per axis
     */
    public record Sample(float[] lr, float[] upsampled, float[] hr, int[] lrShape, int[] hrShape) {}

    /**
     * A sampler of windows of the whole degraded volumes ({@link Simulation#WINDOW}).
     *
     * @param volumes     high-resolution volumes {@code [nx, ny, nz]} (not modified)
     * @param degradation what to simulate
     * @param lrPatch     low-resolution patch size per axis (≥ 1)
     * @param augment     draw flips and axis permutations
     * @throws TrainingDataException when there is no volume or one is too small for a region
     */
    public PatchSampler(List<Volume> volumes, TrainingDegradation degradation, int[] lrPatch, boolean augment) {
        this(volumes, degradation, lrPatch, augment, Simulation.WINDOW);
    }

    /**
     * @param volumes     high-resolution volumes {@code [nx, ny, nz]} (not modified)
     * @param degradation what to simulate
     * @param lrPatch     low-resolution patch size per axis (≥ 1)
     * @param augment     draw flips and axis permutations
     * @param simulation  windows of the degraded volume or patches degraded alone
     * @throws TrainingDataException when there is no volume or one is too small for a region
     */
    public PatchSampler(List<Volume> volumes, TrainingDegradation degradation, int[] lrPatch, boolean augment, Simulation simulation) {
        if (volumes.isEmpty()) throw new TrainingDataException("no training volumes");
        if (lrPatch.length != 3) throw new IllegalArgumentException("patch size needs 3 values, got " + Arrays.toString(lrPatch));
        this.degradation = degradation;
        this.factors = degradation.factors();
        this.lrPatch = lrPatch.clone();
        this.hrPatch = new int[3];
        this.augment = augment;
        for (int a = 0; a < 3; a++) {
            if (lrPatch[a] < 1) throw new TrainingDataException("patch size " + Arrays.toString(lrPatch) + " must be >= 1 on every axis");
            hrPatch[a] = Math.multiplyExact(lrPatch[a], factors[a]);
        }
        int n = volumes.size();
        data = new float[n][];
        shapes = new int[n][];
        spacings = new double[n][];
        noiseSigma = new double[n];
        scale = new double[n];
        range = new double[n];
        margins = new int[n][3];
        regions = new int[n][3];
        for (int v = 0; v < n; v++) {
            Volume vol = volumes.get(v);
            int[] shape = vol.shape();
            if (shape.length != 3) throw new TrainingDataException("training volume " + v + " is " + vol + ", expected a 3-D volume");
            double[] sp = vol.spacing();
            shapes[v] = shape;
            spacings[v] = sp;
            data[v] = vol.data().toArray();
            for (int a = 0; a < 3; a++) {
                margins[v][a] = simulation == Simulation.PATCH ? 0 : degradation.margin(a, sp[a]);
                regions[v][a] = (lrPatch[a] + 2 * margins[v][a]) * factors[a];
                if (regions[v][a] > shape[a]) {
                    throw new TrainingDataException("training volume " + v + " has " + shape[a] + " voxels along axis " + a
                            + ", a patch of " + lrPatch[a] + " low-resolution voxels needs " + regions[v][a]
                            + " with its margin; use a smaller --patch or larger volumes");
                }
            }
            float[] clean = degradation.noiseFree().operator(shape, sp).apply(vol.data()).toArray();
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (float x : clean) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
            noiseSigma[v] = degradation.noise() * (hi - lo);
            scale[v] = IntensityScale.of(clean);
            double hrLo = Double.POSITIVE_INFINITY, hrHi = Double.NEGATIVE_INFINITY;
            for (float x : data[v]) {
                hrLo = Math.min(hrLo, x);
                hrHi = Math.max(hrHi, x);
            }
            range[v] = (hrHi - hrLo) / scale[v];
        }
    }

    /** The low-resolution patch size per axis. */
    public int[] lrPatch() {
        return lrPatch.clone();
    }

    /** The high-resolution patch size per axis ({@code p·f}). */
    public int[] hrPatch() {
        return hrPatch.clone();
    }

    /** Number of volumes. */
    public int volumeCount() {
        return data.length;
    }

    /** The intensity range {@code (max − min)} of volume {@code v}'s high-resolution image after normalisation. */
    public double normalisedRange(int v) {
        return range[v];
    }

    /** Draws one sample (see the class description). */
    public Sample sample(Rng rng) {
        int v = rng.nextInt(data.length);
        return sample(v, rng);
    }

    /** Draws one sample from volume {@code v}. */
    public Sample sample(int v, Rng rng) {
        int[] m = margins[v];
        int[] start = drawRegion(rng, data[v], shapes[v], regions[v], new int[] {m[0] * factors[0], m[1] * factors[1], m[2] * factors[2]},
                hrPatch, FOREGROUND_FRACTION * scale[v]);
        int[] perm = {0, 1, 2};
        boolean[] flip = new boolean[3];
        if (augment) {
            double[] sp = spacings[v];
            boolean[][] equivalent = new boolean[3][3];
            for (int a = 0; a < 3; a++) for (int b = 0; b < 3; b++) equivalent[a][b] = equivalent(a, b, sp);
            drawAugmentation(rng, equivalent, perm, flip);
        }
        return sampleAt(v, start, perm, flip, rng);
    }

    /**
     * A random flip of each axis, then a random permutation of equivalent axes (Fisher–Yates restricted
     * to the axes equivalent to the one being placed), drawn from {@code rng} in that order.
     *
     * @param equivalent {@code equivalent[a][b]}: axes {@code a} and {@code b} may be swapped (symmetric, reflexive)
     * @param perm       the identity on entry, the permutation on return
     * @param flip       all false on entry, the flips on return
     */
    static void drawAugmentation(Rng rng, boolean[][] equivalent, int[] perm, boolean[] flip) {
        for (int a = 0; a < 3; a++) flip[a] = rng.nextInt(2) == 1;
        for (int a = 2; a > 0; a--) {
            int candidates = 0;
            int[] pool = new int[a + 1];
            for (int b = 0; b <= a; b++) if (equivalent[perm[a]][perm[b]]) pool[candidates++] = b;
            int pick = pool[rng.nextInt(candidates)];
            int tmp = perm[a];
            perm[a] = perm[pick];
            perm[pick] = tmp;
        }
    }

    private boolean equivalent(int a, int b, double[] sp) {
        return factors[a] == factors[b] && sameSpacing(sp[a], sp[b]);
    }

    /** Voxel sizes equal up to rounding (relative 1e-6). */
    static boolean sameSpacing(double a, double b) {
        return Math.abs(a - b) <= 1e-6 * Math.max(a, b);
    }

    /**
     * The start of a region of {@code region} voxels at a uniform position of a volume of {@code shape},
     * redrawn up to {@value #FOREGROUND_TRIES} times until the block of {@code patch} voxels at
     * {@code offset} inside the region has a mean of at least {@code threshold} (the last draw otherwise).
     *
     * @param data the volume, row-major (not modified)
     */
    static int[] drawRegion(Rng rng, float[] data, int[] shape, int[] region, int[] offset, int[] patch, double threshold) {
        int[] start = new int[3];
        for (int t = 0; t < FOREGROUND_TRIES; t++) {
            for (int a = 0; a < 3; a++) start[a] = rng.nextInt(shape[a] - region[a] + 1);
            double sum = 0;
            for (int i = 0; i < patch[0]; i++) {
                for (int j = 0; j < patch[1]; j++) {
                    int base = ((start[0] + offset[0] + i) * shape[1] + start[1] + offset[1] + j) * shape[2] + start[2] + offset[2];
                    for (int k = 0; k < patch[2]; k++) sum += data[base + k];
                }
            }
            if (sum / ((double) patch[0] * patch[1] * patch[2]) >= threshold) break;
        }
        return start;
    }

    /**
     * The sample of volume {@code v} whose region starts at high-resolution voxel {@code start},
     * augmented by {@code perm} (output axis {@code a} reads region axis {@code perm[a]}) and
     * {@code flip} (applied to the output axes), with noise drawn from {@code noiseRng}.
     *
     * @throws IllegalArgumentException when the region leaves the volume or {@code perm} mixes
     *     axes of different factor or voxel size
     */
    public Sample sampleAt(int v, int[] start, int[] perm, boolean[] flip, Rng noiseRng) {
        int[] shape = shapes[v];
        int[] region = regions[v];
        double[] sp = spacings[v];
        for (int a = 0; a < 3; a++) {
            if (start[a] < 0 || start[a] + region[a] > shape[a]) {
                throw new IllegalArgumentException("region at " + Arrays.toString(start) + " of size " + Arrays.toString(region)
                        + " leaves the volume " + Arrays.toString(shape));
            }
            if (!equivalent(a, perm[a], sp)) {
                throw new IllegalArgumentException("permutation " + Arrays.toString(perm) + " mixes axes of different factor or spacing");
            }
        }
        Memory.check((long) region[0] * region[1] * region[2], "training region " + Arrays.toString(region));
        float[] hrRegion = extract(data[v], shape, start, region, perm, flip);
        LinearOperator h = operators.computeIfAbsent(Arrays.toString(region) + Arrays.toString(sp),
                k -> degradation.noiseFree().operator(region, sp));
        Tensor clean = h.apply(Tensor.fromArray(hrRegion, region));
        Tensor noisy = degradation.noise() == 0 ? clean
                : degradation.rician() ? Noise.rician(clean, noiseSigma[v], noiseRng) : Noise.gaussian(clean, noiseSigma[v], noiseRng);
        int[] lrRegion = noisy.shape();
        Volume lrVolume = Volume.of(noisy, Volume.diagonalAffine(1, 1, 1));
        float[] up = Interpolation.bspline().resample(lrVolume, factors[0], factors[1], factors[2]).data().toArray();
        float s = (float) (1 / scale[v]);
        int[] m = margins[v];
        int[] hrOffset = {m[0] * factors[0], m[1] * factors[1], m[2] * factors[2]};
        return new Sample(crop(noisy.toArray(), lrRegion, m, lrPatch, s), crop(up, region, hrOffset, hrPatch, s),
                crop(hrRegion, region, hrOffset, hrPatch, s), lrPatch.clone(), hrPatch.clone());
    }

    /** The region, permuted and flipped: {@code out[x] = in[y]} with {@code y[perm[a]] = flip[a] ? n−1−x[a] : x[a]}. */
    static float[] extract(float[] data, int[] shape, int[] start, int[] region, int[] perm, boolean[] flip) {
        float[] out = new float[region[0] * region[1] * region[2]];
        int[] strides = {shape[1] * shape[2], shape[2], 1};
        int[] x = new int[3];
        int o = 0;
        for (x[0] = 0; x[0] < region[0]; x[0]++) {
            for (x[1] = 0; x[1] < region[1]; x[1]++) {
                for (x[2] = 0; x[2] < region[2]; x[2]++) {
                    int idx = 0;
                    for (int a = 0; a < 3; a++) {
                        int p = perm[a];
                        int c = flip[a] ? region[a] - 1 - x[a] : x[a];
                        idx += (start[p] + c) * strides[p];
                    }
                    out[o++] = data[idx];
                }
            }
        }
        return out;
    }

    private static float[] crop(float[] data, int[] shape, int[] offset, int[] size, float multiplier) {
        float[] out = new float[size[0] * size[1] * size[2]];
        int o = 0;
        for (int i = 0; i < size[0]; i++) {
            for (int j = 0; j < size[1]; j++) {
                int base = ((offset[0] + i) * shape[1] + offset[1] + j) * shape[2] + offset[2];
                for (int k = 0; k < size[2]; k++) out[o++] = data[base + k] * multiplier;
            }
        }
        return out;
    }

    /**
     * Stacks patches of one shape into a batch: {@code [N, 1, a, b, c]} for {@code dims = 3}; for
     * {@code dims = 2} the one axis of size 1 is dropped, giving {@code [N, 1, H, W]}.
     *
     * @param patches row-major values of {@code shape} each (not modified)
     */
    public static Tensor stack(List<float[]> patches, int[] shape, int dims) {
        int per = shape[0] * shape[1] * shape[2];
        List<Integer> kept = new ArrayList<>();
        for (int a = 0; a < 3; a++) if (dims == 3 || shape[a] != 1) kept.add(shape[a]);
        if (dims != 2 && dims != 3 || kept.size() != dims) {
            throw new IllegalArgumentException("cannot stack patches of shape " + Arrays.toString(shape) + " as " + dims + "-D");
        }
        float[] all = new float[Math.multiplyExact(patches.size(), per)];
        for (int i = 0; i < patches.size(); i++) {
            if (patches.get(i).length != per) throw new IllegalArgumentException("patch " + i + " has " + patches.get(i).length + " values, expected " + per);
            System.arraycopy(patches.get(i), 0, all, i * per, per);
        }
        int[] batchShape = new int[dims + 2];
        batchShape[0] = patches.size();
        batchShape[1] = 1;
        for (int a = 0; a < dims; a++) batchShape[a + 2] = kept.get(a);
        return Tensor.fromArray(all, batchShape);
    }
}
