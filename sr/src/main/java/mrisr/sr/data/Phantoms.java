package mrisr.sr.data;

import java.util.Arrays;
import mrisr.engine.Memory;
import mrisr.engine.Tensor;
import mrisr.sr.volume.Volume;

/**
 * Procedural test objects on any grid: a folded-cortex brain phantom with tissue labels, and the 3-D
 * Shepp–Logan head phantom. No files, no downloads; the same arguments give the same voxels on every
 * machine and for every thread count.
 *
 * <p>Both objects are defined in continuous coordinates over the field of view: a voxel {@code i}
 * of an axis with {@code n} voxels of size {@code s} mm is centred at world {@code (i − (n−1)/2)·s}
 * mm (the returned affine is diagonal and puts the volume centre at world 0), and at normalised
 * coordinate {@code u = (2i + 1 − n)/n ∈ (−1, 1)}, so the field of view spans {@code [−1, 1]} from
 * voxel edge to voxel edge. Two grids over the same field of view therefore sample the same object,
 * which is what resolution experiments need: a 2 mm grid of 80 voxels sees the object of a 1 mm grid
 * of 160. The objects stretch with the field of view along each axis.
 *
 * <pre>{@code
 * Phantoms.Brain b = Phantoms.brain(new int[] {160, 192, 160}, new double[] {1, 1, 1}, 7);
 * Volume hr = b.image();          // T1-like, values in [0, 1]
 * Volume labels = b.labels();     // Tissue codes 0..4
 * Volume sl = Phantoms.sheppLogan(new int[] {128, 128, 128}, new double[] {1, 1, 1}, Phantoms.SheppLoganVariant.MODIFIED);
 * }</pre>
 */
public final class Phantoms {
    private Phantoms() {}

    /** A brain phantom image and its tissue label map ({@link Tissue} codes), on the same grid. */
    public record Brain(Volume image, Volume labels) {}

    /** Intensity sets of the Shepp–Logan phantom; the ellipsoid geometry is the same for both. */
    public enum SheppLoganVariant {
        /** Shepp and Logan's low-contrast intensities (1, −0.98, −0.02, −0.02, 0.01 ×6): brain ≈ 0.02. */
        ORIGINAL,
        /** Toft's higher-contrast intensities (1, −0.8, −0.2, −0.2, 0.1 ×6): brain 0.2, values in [0, 1]. */
        MODIFIED
    }

    /**
     * The brain phantom: background, CSF (outer layer, sulci, interhemispheric fissure, ventricles),
     * a folded grey-matter ribbon, deep grey-matter nuclei, white matter and a few small lesions,
     * with partial-volume edges, a smooth multiplicative bias field and T1-like contrast
     * (WM &gt; GM &gt; lesion &gt; CSF &gt; background = 0), scaled so the maximum is 1. Sulci are
     * grey-matter-lined CSF clefts along the nodal lines of a seeded random field on the sphere; the
     * construction is documented on the package-private {@code BrainPhantom}.
     *
     * @param shape   grid {@code [nx, ny, nz]}, each ≥ 1
     * @param spacing voxel sizes in mm, each finite and &gt; 0
     * @param seed    selects the folding pattern, the shape, the lesions and the bias field
     */
    public static Brain brain(int[] shape, double[] spacing, long seed) {
        int n = checkGrid(shape, spacing);
        Memory.check(2L * n, "brain phantom " + Arrays.toString(shape));
        return render(new BrainPhantom(shape, seed, false), shape, spacing);
    }

    /**
     * The {@linkplain #brain brain phantom} of the same seed inside a head: the brain shrunk to make
     * room and wrapped in CSF, the skull (inner table, fatty diploë, outer table), muscle,
     * subcutaneous fat and skin, whose thicknesses vary smoothly around the head. Fat is the brightest
     * tissue, as in real T1 images, so after scaling to a maximum of 1 the brain lies near half of it,
     * as in real heads. Labels are {@link Tissue} codes 0..9.
     *
     * @param shape   grid {@code [nx, ny, nz]}, each ≥ 1
     * @param spacing voxel sizes in mm, each finite and &gt; 0
     * @param seed    as for {@link #brain}; also selects the layer thicknesses
     */
    public static Brain head(int[] shape, double[] spacing, long seed) {
        int n = checkGrid(shape, spacing);
        Memory.check(2L * n, "head phantom " + Arrays.toString(shape));
        return render(new BrainPhantom(shape, seed, true), shape, spacing);
    }

    private static Brain render(BrainPhantom phantom, int[] shape, double[] spacing) {
        BrainPhantom.Result r = phantom.render();
        double[][] affine = centredAffine(shape, spacing);
        return new Brain(Volume.of(Tensor.fromArray(r.image(), shape), affine), Volume.of(Tensor.fromArray(r.labels(), shape), affine));
    }

    /**
     * The 3-D Shepp–Logan phantom: the ten ellipsoids of Kak &amp; Slaney's head phantom in their
     * common 3-D form (Schabel's {@code phantom3d.m}), each voxel the sum of the intensities of the
     * ellipsoids containing its centre (no partial volume). Axis x runs along i, y along j, z along k.
     *
     * @param shape   grid {@code [nx, ny, nz]}, each ≥ 1
     * @param spacing voxel sizes in mm, each finite and &gt; 0
     */
    public static Volume sheppLogan(int[] shape, double[] spacing, SheppLoganVariant variant) {
        int n = checkGrid(shape, spacing);
        Memory.check(n, "Shepp-Logan phantom " + Arrays.toString(shape));
        float[] data = SheppLogan.render(shape, variant);
        return Volume.of(Tensor.fromArray(data, shape), centredAffine(shape, spacing));
    }

    /**
     * A diagonal affine with the given voxel sizes whose translation puts the volume centre,
     * index {@code (n−1)/2} on each axis, at world 0.
     */
    public static double[][] centredAffine(int[] shape, double[] spacing) {
        checkGrid(shape, spacing);
        double[][] a = Volume.diagonalAffine(spacing[0], spacing[1], spacing[2]);
        for (int r = 0; r < 3; r++) a[r][3] = -spacing[r] * (shape[r] - 1) / 2.0;
        return a;
    }

    /** The normalised coordinate {@code (2i + 1 − n)/n} of voxel centre {@code i} on an axis of {@code n} voxels. */
    static double normalised(int i, int n) {
        return (2.0 * i + 1 - n) / n;
    }

    /** Validates a grid and returns its voxel count. */
    static int checkGrid(int[] shape, double[] spacing) {
        if (shape == null || shape.length != 3) {
            throw new PhantomException("phantom size must have 3 values [nx, ny, nz], got " + Arrays.toString(shape));
        }
        if (spacing == null || spacing.length != 3) {
            throw new PhantomException("phantom spacing must have 3 values in mm, got " + Arrays.toString(spacing));
        }
        long n = 1;
        for (int a = 0; a < 3; a++) {
            if (shape[a] < 1) throw new PhantomException("phantom size " + Arrays.toString(shape) + ": axis " + a + " is " + shape[a] + ", must be >= 1");
            if (!(spacing[a] > 0) || !Double.isFinite(spacing[a])) {
                throw new PhantomException("phantom spacing " + Arrays.toString(spacing) + ": axis " + a + " is " + spacing[a] + " mm, must be finite and > 0");
            }
            n = Math.multiplyExact(n, (long) shape[a]);
        }
        if (n > Integer.MAX_VALUE - 16) {
            throw new PhantomException("phantom size " + Arrays.toString(shape) + " has " + n + " voxels, more than one volume can hold (" + (Integer.MAX_VALUE - 16) + ")");
        }
        return (int) n;
    }
}
