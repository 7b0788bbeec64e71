package mrisr.engine.cpu;

import mrisr.engine.Backend;
import mrisr.engine.Storage;

/** A heap {@code float[]} buffer. */
public final class CpuStorage implements Storage {
    private final float[] data;

    CpuStorage(float[] data) {
        this.data = data;
    }

    /** The backing array (shared by every view onto this storage). */
    public float[] data() {
        return data;
    }

    @Override
    public int size() {
        return data.length;
    }

    @Override
    public Backend backend() {
        return CpuBackend.INSTANCE;
    }
}
