package mrisr.sr.volume;

import java.util.Arrays;
import mrisr.engine.Tensor;
import mrisr.sr.InputException;

/**
 * An MR volume: voxel values plus the affine that places each voxel in scanner space.
 *
 * <p>The data tensor is indexed {@code [i, j, k]} (or {@code [i, j, k, t]} for a series), exactly like
 * nibabel's {@code img.get_fdata()}: {@code i} is the first NIfTI axis. The 4×4 {@code affine} maps a
 * voxel index {@code (i, j, k, 1)} to the position of that voxel's <em>centre</em> in millimetres
 * (RAS+, the NIfTI convention). Voxel spacing is the length of the affine's first three columns.
 *
 * <p>Resampling keeps volumes overlaid: a grid made {@code f} times finer along an axis has voxel
 * {@code i'} centred at old index {@code (i' + 0.5)/f − 0.5}, and a grid {@code f} times coarser has
 * voxel {@code j} centred at old index {@code j·f + (f − 1)/2}, so up- and down-sampling by the same
 * factor are exact inverses on the grid.
 *
 * <pre>{@code
 * Volume v = Volume.of(data, Volume.diagonalAffine(1, 1, 4));
 * Volume hr = v.withGrid(upsampled, Volume.resampledAffine(v.affine(), new double[] {1, 1, 4}));
 * }</pre>
 */
public final class Volume {
    private final Tensor data;
    private final double[][] affine;

    private Volume(Tensor data, double[][] affine) {
        this.data = data;
        this.affine = affine;
    }

    /**
     * A volume over {@code data} ({@code [nx, ny, nz]} or {@code [nx, ny, nz, nt]}, not copied) with a
     * 4×4 affine (copied).
     */
    public static Volume of(Tensor data, double[][] affine) {
        if (data.dim() != 3 && data.dim() != 4) {
            throw new InputException("volume: data must be 3-D or 4-D, got shape " + Arrays.toString(data.shape()));
        }
        return new Volume(data, checkAffine(affine));
    }

    private static double[][] checkAffine(double[][] a) {
        if (a.length != 4) throw new InputException("volume: affine must be 4x4");
        double[][] c = new double[4][];
        for (int r = 0; r < 4; r++) {
            if (a[r].length != 4) throw new InputException("volume: affine must be 4x4");
            for (double v : a[r]) if (!Double.isFinite(v)) throw new InputException("volume: affine has a non-finite entry");
            c[r] = a[r].clone();
        }
        return c;
    }

    /** An axis-aligned affine with the given voxel sizes (mm) and the origin at voxel 0. */
    public static double[][] diagonalAffine(double sx, double sy, double sz) {
        return new double[][] {{sx, 0, 0, 0}, {0, sy, 0, 0}, {0, 0, sz, 0}, {0, 0, 0, 1}};
    }

    /** The voxel values (shared, not copied). */
    public Tensor data() {
        return data;
    }

    /** A copy of the 4×4 voxel-to-world affine. */
    public double[][] affine() {
        double[][] c = new double[4][];
        for (int r = 0; r < 4; r++) c[r] = affine[r].clone();
        return c;
    }

    /** Grid size {@code [nx, ny, nz]} (and {@code nt} for a series). */
    public int[] shape() {
        return data.shape();
    }

    /** Voxel sizes in mm along i, j, k: the lengths of the affine's first three columns. */
    public double[] spacing() {
        double[] s = new double[3];
        for (int c = 0; c < 3; c++) {
            s[c] = Math.sqrt(affine[0][c] * affine[0][c] + affine[1][c] * affine[1][c] + affine[2][c] * affine[2][c]);
        }
        return s;
    }

    /** The same grid with other values. */
    public Volume withData(Tensor newData) {
        int[] a = Arrays.copyOf(newData.shape(), 3), b = Arrays.copyOf(data.shape(), 3);
        if (newData.dim() < 3 || !Arrays.equals(a, b)) {
            throw new InputException("volume: new data " + Arrays.toString(newData.shape()) + " does not match grid "
                    + Arrays.toString(data.shape()));
        }
        return new Volume(newData, affine);
    }

    /** Values on another grid given by its affine. */
    public Volume withGrid(Tensor newData, double[][] newAffine) {
        return of(newData, newAffine);
    }

    /**
     * The affine of a grid {@code factors[a]} times finer along each axis (factor &lt; 1 = coarser),
     * keeping the volume's extent: voxel {@code i'} of the new grid is centred at old index
     * {@code (i' + 0.5)/f − 0.5}.
     */
    public static double[][] resampledAffine(double[][] affine, double[] factors) {
        if (factors.length != 3) throw new InputException("volume: need 3 resampling factors, got " + factors.length);
        double[][] out = new double[4][4];
        for (int r = 0; r < 4; r++) {
            out[r][3] = affine[r][3];
            for (int c = 0; c < 3; c++) {
                double f = factors[c];
                if (!(f > 0)) throw new InputException("volume: resampling factor must be > 0, got " + f);
                out[r][c] = affine[r][c] / f;
                out[r][3] += affine[r][c] * (0.5 / f - 0.5);
            }
        }
        out[3][3] = affine[3][3];
        return out;
    }

    /** Maps voxel index {@code (i, j, k)} to world millimetres. */
    public double[] toWorld(double i, double j, double k) {
        double[] w = new double[3];
        for (int r = 0; r < 3; r++) w[r] = affine[r][0] * i + affine[r][1] * j + affine[r][2] * k + affine[r][3];
        return w;
    }

    @Override
    public String toString() {
        double[] s = spacing();
        return "Volume" + Arrays.toString(data.shape()) + String.format(java.util.Locale.ROOT, " spacing %.3gx%.3gx%.3g mm", s[0], s[1], s[2]);
    }
}
