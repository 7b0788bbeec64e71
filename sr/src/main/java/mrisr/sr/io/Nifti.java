package mrisr.sr.io;

import java.nio.file.Path;
import mrisr.sr.volume.Volume;

/**
 * Placeholder for the NIfTI reader/writer that lands from its own branch; it only fixes the two
 * signatures that the {@code eval} and {@code phantom} commands call, and is replaced at merge.
 */
public final class Nifti {
    private Nifti() {}

    /** Reads a NIfTI-1/2 volume ({@code .nii} or {@code .nii.gz}). */
    public static Volume read(Path path) {
        throw new UnsupportedOperationException("NIfTI reading is provided by mrisr.sr.io on its own branch");
    }

    /** Writes a volume as NIfTI ({@code .nii} or {@code .nii.gz}, chosen by the file name). */
    public static void write(Volume volume, Path path) {
        throw new UnsupportedOperationException("NIfTI writing is provided by mrisr.sr.io on its own branch");
    }
}
