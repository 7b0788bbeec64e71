package mrisr.sr.io;

import java.nio.file.Path;
import mrisr.sr.volume.Volume;

/**
 * Reads and writes NIfTI-1 and NIfTI-2 volumes ({@code .nii}, and {@code .nii.gz} detected by the
 * gzip magic bytes, not the name), in either byte order, with the voxel values nibabel's
 * {@code img.get_fdata()} gives and the affine nibabel's {@code img.affine} gives.
 *
 * <p><b>Layout.</b> NIfTI stores voxel {@code (i, j, k, t)} at position
 * {@code i + nx·(j + ny·(k + nz·t))} ({@code i} fastest). The volume's tensor is row-major
 * {@code [i, j, k(, t)]} (last index fastest), so reading and writing transpose, in one pass.
 *
 * <p><b>Values.</b> Supported datatypes are listed in {@link NiftiDatatype}. A stored value
 * {@code v} becomes {@code v·scl_slope + scl_inter} (computed in double, kept as float32) unless
 * {@code scl_slope} is 0 or not finite. The affine is chosen as {@link NiftiHeader} describes
 * (sform, else qform, else pixdim).
 *
 * <p><b>Safety.</b> Every header field is validated before anything is allocated, sizes are computed
 * with overflow checks and compared with the file size and the memory budget
 * ({@link mrisr.engine.Memory}); any problem raises a {@link NiftiException} naming the file, the
 * field, its value and what was expected. Writing goes through {@link AtomicFiles}: an interrupted
 * or failed write leaves no partial file.
 *
 * <pre>{@code
 * Volume t1 = Nifti.read(Path.of("t1.nii.gz"));                 // [nx, ny, nz], affine in mm
 * Volume bold = Nifti.readSeries(Path.of("bold.nii.gz"));       // [nx, ny, nz, nt]
 * Nifti.write(t1.withData(t1.data().mul(2)), Path.of("out.nii.gz"));
 * }</pre>
 */
public final class Nifti {
    private Nifti() {}

    /**
     * Reads a 3-D volume {@code [nx, ny, nz]}. Images with fewer dimensions get size-1 axes; a
     * series with more than one volume ({@code dim[4] > 1}) is refused: use {@link #readSeries}.
     *
     * @throws NiftiException if the file is missing, malformed, unsupported, or over the memory budget
     */
    public static Volume read(Path file) {
        Volume v = NiftiReader.load(file).volume();
        int[] s = v.shape();
        if (s.length == 4) {
            if (s[3] != 1) {
                throw new NiftiException(file + ": is a 4-D series of " + s[3] + " volumes (" + s[0] + "x" + s[1] + "x"
                        + s[2] + "x" + s[3] + "), expected a single 3-D volume");
            }
            v = v.withGrid(v.data().reshape(s[0], s[1], s[2]), v.affine());
        }
        return v;
    }

    /**
     * Reads a series as {@code [nx, ny, nz, nt]}; a 3-D file gives {@code nt = 1}.
     *
     * @throws NiftiException as {@link #read}
     */
    public static Volume readSeries(Path file) {
        Volume v = NiftiReader.load(file).volume();
        int[] s = v.shape();
        if (s.length == 3) v = v.withGrid(v.data().reshape(s[0], s[1], s[2], 1), v.affine());
        return v;
    }

    /**
     * Reads the header and the data: the volume is {@code [nx, ny, nz]} when {@code dim[0] ≤ 3} and
     * {@code [nx, ny, nz, nt]} when {@code dim[0] = 4}.
     *
     * @throws NiftiException as {@link #read}
     */
    public static NiftiImage load(Path file) {
        return NiftiReader.load(file);
    }

    /**
     * Reads and validates only the header (the data are not read, so neither their length nor the
     * memory budget is checked).
     *
     * @throws NiftiException if the file is missing or its header is malformed or unsupported
     */
    public static NiftiHeader readHeader(Path file) {
        return NiftiReader.readHeader(file);
    }

    /**
     * Writes {@code volume} as float32 NIfTI-1 ({@code .nii}, or gzip-compressed when the name ends in
     * {@code .gz}); NIfTI-2 when a dimension exceeds NIfTI-1's limit of 32767. See
     * {@link #write(Volume, Path, NiftiDatatype)}.
     */
    public static void write(Volume volume, Path file) {
        write(volume, file, NiftiDatatype.FLOAT32);
    }

    /**
     * Writes {@code volume} ({@code [nx, ny, nz]} or {@code [nx, ny, nz, nt]}; not modified) with
     * voxels of type {@code datatype}, little-endian, {@code vox_offset} 352 (NIfTI-1) or 544 (NIfTI-2)
     * after an empty extension flag. Both sform and qform are set from the affine with code 1
     * (scanner), {@code pixdim[1..3]} are the voxel sizes, {@code xyzt_units} is mm. Integer types
     * store whole numbers within range as they are and otherwise get {@code scl_slope/scl_inter}
     * mapping the value range onto the type's range. The file appears atomically: a temporary file in
     * the same directory is renamed over {@code file} once complete.
     *
     * @throws NiftiException if the affine has a zero column, or an integer type is asked to store NaN
     *     or infinite values
     * @throws mrisr.sr.InputException if the target directory does not exist
     * @throws java.io.UncheckedIOException if the file system refuses the write (the target is unchanged)
     */
    public static void write(Volume volume, Path file, NiftiDatatype datatype) {
        NiftiWriter.write(volume, file, datatype);
    }
}
