package mrisr.sr.io;

import java.io.IOException;
import java.nio.file.Path;
import mrisr.sr.volume.Volume;

/**
 * Placeholder for the NIfTI reader and writer, which are built on another branch; it keeps the
 * callers compiling and is replaced at merge.
 */
public final class Nifti {
    private Nifti() {}

    /** Reads a NIfTI-1/2 file ({@code .nii} or {@code .nii.gz}). */
    public static Volume read(Path path) throws IOException {
        throw new UnsupportedOperationException("NIfTI reading is not available in this build");
    }

    /** Writes a volume as NIfTI ({@code .nii} or {@code .nii.gz}, chosen by the file name). */
    public static void write(Volume volume, Path path) throws IOException {
        throw new UnsupportedOperationException("NIfTI writing is not available in this build");
    }
}
