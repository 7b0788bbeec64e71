package mrisr.sr.io;

import java.nio.file.Path;
import mrisr.sr.volume.Volume;

/** Placeholder for the NIfTI reader and writer built on the nifti branch (replaced at merge). */
public final class Nifti {
    private Nifti() {}

    /** Reads a 3-D volume. */
    public static Volume read(Path file) {
        throw new UnsupportedOperationException("NIfTI reading is not merged into this branch");
    }

    /** Writes a volume. */
    public static void write(Volume volume, Path file) {
        throw new UnsupportedOperationException("NIfTI writing is not merged into this branch");
    }
}
