package mrisr.sr.io;

/**
 * The NIfTI voxel datatypes this package reads and writes, with their header {@code datatype}
 * codes and {@code bitpix}.
 *
 * <p>Other codes of the standard (binary, complex, RGB, 64-bit integers, float128) are refused with
 * a {@link NiftiException} that names them; {@link #describeCode(int)} gives the name of any code.
 *
 * <pre>{@code
 * Nifti.write(volume, Path.of("mask.nii.gz"), NiftiDatatype.UINT8);
 * }</pre>
 */
public enum NiftiDatatype {
    UINT8(2, 8, "uint8", 0, 255),
    INT8(256, 8, "int8", -128, 127),
    INT16(4, 16, "int16", Short.MIN_VALUE, Short.MAX_VALUE),
    UINT16(512, 16, "uint16", 0, 65535),
    INT32(8, 32, "int32", Integer.MIN_VALUE, Integer.MAX_VALUE),
    UINT32(768, 32, "uint32", 0, 4294967295.0),
    FLOAT32(16, 32, "float32", Double.NaN, Double.NaN),
    FLOAT64(64, 64, "float64", Double.NaN, Double.NaN);

    private final int code;
    private final int bitpix;
    private final String label;
    private final double min;
    private final double max;

    NiftiDatatype(int code, int bitpix, String label, double min, double max) {
        this.code = code;
        this.bitpix = bitpix;
        this.label = label;
        this.min = min;
        this.max = max;
    }

    /** The header's {@code datatype} code, e.g. 16 for float32. */
    public int code() {
        return code;
    }

    /** Bits per voxel, the header's {@code bitpix}. */
    public int bitpix() {
        return bitpix;
    }

    /** Bytes per voxel. */
    public int bytes() {
        return bitpix / 8;
    }

    /** Whether voxels are integers (stored values then usually carry {@code scl_slope/scl_inter}). */
    public boolean isInteger() {
        return this != FLOAT32 && this != FLOAT64;
    }

    /** Smallest stored value of an integer type (NaN for floating-point types). */
    public double minValue() {
        return min;
    }

    /** Largest stored value of an integer type (NaN for floating-point types). */
    public double maxValue() {
        return max;
    }

    /** The numpy-style name, e.g. {@code int16}. */
    @Override
    public String toString() {
        return label;
    }

    /** The supported datatype with header code {@code code}, or null. */
    public static NiftiDatatype ofCode(int code) {
        for (NiftiDatatype d : values()) if (d.code == code) return d;
        return null;
    }

    /** The name the NIfTI standard gives a datatype code ({@code "unknown"} for codes it does not define). */
    public static String describeCode(int code) {
        NiftiDatatype d = ofCode(code);
        if (d != null) return d.label;
        return switch (code) {
            case 0 -> "none";
            case 1 -> "binary";
            case 32 -> "complex64";
            case 128 -> "rgb24";
            case 1024 -> "int64";
            case 1280 -> "uint64";
            case 1536 -> "float128";
            case 1792 -> "complex128";
            case 2048 -> "complex256";
            case 2304 -> "rgba32";
            default -> "unknown";
        };
    }

    /** The supported datatypes as {@code "uint8 (2), int8 (256), ..."} for error messages. */
    static String supportedList() {
        StringBuilder sb = new StringBuilder();
        for (NiftiDatatype d : values()) {
            if (!sb.isEmpty()) sb.append(", ");
            sb.append(d.label).append(" (").append(d.code).append(')');
        }
        return sb.toString();
    }
}
