package mrisr.engine;

/** Where a tensor's storage lives. Mixing devices in one op is an error. */
public enum Device {
    CPU,
    CUDA;

    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
