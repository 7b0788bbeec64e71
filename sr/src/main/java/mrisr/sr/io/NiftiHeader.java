package mrisr.sr.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * A validated NIfTI-1 or NIfTI-2 header: the fields a reader needs, and the voxel-to-world affine
 * chosen from them.
 *
 * <p>Layouts: NIfTI-1 has a 348-byte header (magic {@code "n+1\0"} at byte 344, int16 dims, float32
 * fields) and its data at {@code vox_offset ≥ 352}; NIfTI-2 has a 540-byte header (magic
 * {@code "n+2\0\r\n\032\n"} at byte 4, int64 dims, float64 fields) and data at {@code vox_offset ≥ 544}.
 * The four bytes after the header are the extension flag; extensions, if any, are skipped.
 * The byte order is the one in which {@code sizeof_hdr} reads 348 or 540.
 *
 * <p>The affine follows nibabel's {@code get_best_affine}:
 * <ul>
 *   <li>{@code sform_code > 0}: the rows {@code srow_x, srow_y, srow_z};</li>
 *   <li>else {@code qform_code > 0}: {@code [R·diag(p₁, p₂, qfac·p₃) | qoffset]} with {@code R} the
 *       rotation of the quaternion {@code (a, b, c, d)}, {@code a = √(1 − b² − c² − d²)}, {@code pᵢ = |pixdim[i]|}
 *       and {@code qfac = −1} if {@code pixdim[0] = −1}, else 1;</li>
 *   <li>else the centred, x-flipped diagonal {@code diag(−p₁, p₂, p₃)} with the translation
 *       {@code −(n − 1)/2 · zoom} per axis (Analyze convention).</li>
 * </ul>
 * Codes outside 0..5 count as 0 (nibabel resets them). The affine maps voxel indices to millimetres
 * whatever {@code xyzt_units} says (as nibabel does). Scaling: stored value {@code v} means
 * {@code v·scl_slope + scl_inter}, except that a slope of 0 or a non-finite slope means no scaling.
 *
 * <pre>{@code
 * NiftiHeader h = Nifti.readHeader(Path.of("t1.nii.gz"));
 * long[] dims = h.dims();            // e.g. [181, 217, 181]
 * double[][] affine = h.affine();    // 4x4, voxel index -> mm (RAS+)
 * }</pre>
 */
public final class NiftiHeader {
    /** Size of the NIfTI-1 header, the value of its {@code sizeof_hdr}. */
    public static final int NIFTI1_HEADER_SIZE = 348;
    /** Size of the NIfTI-2 header, the value of its {@code sizeof_hdr}. */
    public static final int NIFTI2_HEADER_SIZE = 540;

    /** Which header fields the affine came from. */
    public enum AffineSource {
        /** {@code srow_x/y/z} ({@code sform_code > 0}). */
        SFORM,
        /** The quaternion, {@code qoffset} and {@code pixdim} ({@code qform_code > 0}, {@code sform_code = 0}). */
        QFORM,
        /** {@code pixdim} alone, centred and x-flipped (both codes 0). */
        PIXDIM
    }

    private static final byte[] MAGIC1 = {'n', '+', '1', 0};
    private static final byte[] PAIR_MAGIC1 = {'n', 'i', '1', 0};
    private static final byte[] MAGIC2 = {'n', '+', '2', 0};
    private static final byte[] PAIR_MAGIC2 = {'n', 'i', '2', 0};
    private static final byte[] EOL_CHECK = {'\r', '\n', 032, '\n'};
    private static final String[] XFORM_NAMES = {"unknown", "scanner", "aligned", "talairach", "mni", "template"};

    private final int version;
    private final ByteOrder byteOrder;
    private final boolean gzipped;
    private final long[] dims;
    private final NiftiDatatype datatype;
    private final double[] pixdim;
    private final long voxOffset;
    private final double sclSlope;
    private final double sclInter;
    private final int qformCode;
    private final int sformCode;
    private final int xyztUnits;
    private final String description;
    private final double[][] affine;
    private final AffineSource affineSource;

    private NiftiHeader(Fields f, double[][] affine, AffineSource source) {
        this.version = f.version;
        this.byteOrder = f.order;
        this.gzipped = f.gzipped;
        this.dims = f.dims;
        this.datatype = f.datatype;
        this.pixdim = f.pixdim;
        this.voxOffset = f.voxOffset;
        this.sclSlope = f.sclSlope;
        this.sclInter = f.sclInter;
        this.qformCode = f.qformCode;
        this.sformCode = f.sformCode;
        this.xyztUnits = f.xyztUnits;
        this.description = f.description;
        this.affine = affine;
        this.affineSource = source;
    }

    /** 1 for NIfTI-1, 2 for NIfTI-2. */
    public int version() {
        return version;
    }

    /** The file's byte order. */
    public ByteOrder byteOrder() {
        return byteOrder;
    }

    /** Whether the file was gzip-compressed (detected from its first two bytes, not its name). */
    public boolean gzipped() {
        return gzipped;
    }

    /** The image dimensions {@code dim[1..dim[0]]}, each ≥ 1 (length 1 to 4). */
    public long[] dims() {
        return dims.clone();
    }

    /** Number of voxels, the product of {@link #dims()} (fits in a long: checked). */
    public long voxelCount() {
        long n = 1;
        for (long d : dims) n *= d;
        return n;
    }

    /** The voxel datatype. */
    public NiftiDatatype datatype() {
        return datatype;
    }

    /** {@code pixdim[0..7]} as stored ({@code pixdim[0]} is qfac, {@code pixdim[1..3]} voxel sizes). */
    public double[] pixdim() {
        return pixdim.clone();
    }

    /** Byte offset of the voxel data in the (uncompressed) stream. */
    public long voxOffset() {
        return voxOffset;
    }

    /** {@code scl_slope} as stored. */
    public double sclSlope() {
        return sclSlope;
    }

    /** {@code scl_inter} as stored. */
    public double sclInter() {
        return sclInter;
    }

    /** Whether stored values are scaled: {@code scl_slope} finite and non-zero (nibabel's rule). */
    public boolean hasScaling() {
        return sclSlope != 0 && Double.isFinite(sclSlope);
    }

    /** {@code qform_code} as stored. */
    public int qformCode() {
        return qformCode;
    }

    /** {@code sform_code} as stored. */
    public int sformCode() {
        return sformCode;
    }

    /** The standard's name of an xform code (0..5), or {@code "invalid (ignored)"}. */
    public static String xformName(int code) {
        return code >= 0 && code < XFORM_NAMES.length ? XFORM_NAMES[code] : "invalid (ignored)";
    }

    /** {@code xyzt_units} as stored (bits 0-2 space, 3-5 time). */
    public int xyztUnits() {
        return xyztUnits;
    }

    /** The spatial unit named by {@code xyzt_units}: {@code unknown}, {@code m}, {@code mm} or {@code um}. */
    public String spatialUnit() {
        return switch (xyztUnits & 7) {
            case 1 -> "m";
            case 2 -> "mm";
            case 3 -> "um";
            default -> "unknown";
        };
    }

    /** The temporal unit named by {@code xyzt_units}: {@code s}, {@code ms}, {@code us}, or {@code unknown}. */
    public String timeUnit() {
        return switch (xyztUnits & 0x38) {
            case 8 -> "s";
            case 16 -> "ms";
            case 24 -> "us";
            default -> "unknown";
        };
    }

    /** The {@code descrip} text (up to 80 ASCII characters). */
    public String description() {
        return description;
    }

    /** A copy of the 4×4 voxel-to-world affine (mm), chosen as the class comment says. */
    public double[][] affine() {
        double[][] c = new double[4][];
        for (int r = 0; r < 4; r++) c[r] = affine[r].clone();
        return c;
    }

    /** Which fields {@link #affine()} came from. */
    public AffineSource affineSource() {
        return affineSource;
    }

    /** A short description such as {@code NIfTI-1, gzip-compressed, little-endian}. */
    public String formatDescription() {
        return "NIfTI-" + version + (gzipped ? ", gzip-compressed, " : ", uncompressed, ")
                + (byteOrder == ByteOrder.LITTLE_ENDIAN ? "little-endian" : "big-endian");
    }

    // ------------------------------------------------------------------ parsing

    /** Raw fields as read, before the affine is chosen. */
    private static final class Fields {
        int version;
        ByteOrder order;
        boolean gzipped;
        long[] dims;
        NiftiDatatype datatype;
        double[] pixdim = new double[8];
        long voxOffset;
        double sclSlope;
        double sclInter;
        int qformCode;
        int sformCode;
        double[] quatern = new double[3];
        double[] qoffset = new double[3];
        double[][] srow = new double[3][4];
        int xyztUnits;
        String description;
    }

    /**
     * Parses and validates a whole header block.
     *
     * @param block the first 348 (NIfTI-1) or 540 (NIfTI-2) bytes of the uncompressed stream; not modified
     * @param version 1 or 2, from {@code sizeof_hdr}
     * @param order the byte order in which {@code sizeof_hdr} was read
     * @param file names the file in messages
     * @throws NiftiException naming the first invalid field
     */
    static NiftiHeader parse(byte[] block, int version, ByteOrder order, boolean gzipped, String file) {
        String where = file + ": NIfTI header: ";
        ByteBuffer b = ByteBuffer.wrap(block).order(order);
        boolean v2 = version == 2;
        Fields f = new Fields();
        f.version = version;
        f.order = order;
        f.gzipped = gzipped;

        checkMagic(block, v2, where);

        long ndim = v2 ? b.getLong(16) : b.getShort(40);
        if (ndim < 1 || ndim > 7) throw new NiftiException(where + "dim[0] = " + ndim + ", must be in 1..7");
        f.dims = new long[(int) ndim];
        for (int i = 1; i <= ndim; i++) {
            long d = v2 ? b.getLong(16 + 8 * i) : b.getShort(40 + 2 * i);
            if (d < 1) throw new NiftiException(where + "dim[" + i + "] = " + d + ", must be >= 1");
            if (i > 4 && d > 1) {
                throw new NiftiException(where + "dim[" + i + "] = " + d
                        + ": images with more than 4 dimensions are not supported (need dim[5..7] = 1)");
            }
            f.dims[i - 1] = d;
        }
        long nvox = 1;
        for (long d : f.dims) {
            try {
                nvox = Math.multiplyExact(nvox, d);
            } catch (ArithmeticException e) {
                throw new NiftiException(where + "dims " + formatDims(f.dims) + " overflow a 64-bit voxel count");
            }
        }

        int code = v2 ? b.getShort(12) : b.getShort(70);
        f.datatype = NiftiDatatype.ofCode(code);
        if (f.datatype == null) {
            throw new NiftiException(where + "datatype " + code + " (" + NiftiDatatype.describeCode(code)
                    + ") is not supported; supported: " + NiftiDatatype.supportedList());
        }
        int bitpix = v2 ? b.getShort(14) : b.getShort(72);
        if (bitpix != f.datatype.bitpix()) {
            throw new NiftiException(where + "bitpix = " + bitpix + " does not match datatype " + f.datatype + " ("
                    + f.datatype.bitpix() + " bits)");
        }
        try {
            Math.multiplyExact(nvox, f.datatype.bytes());
        } catch (ArithmeticException e) {
            throw new NiftiException(where + "dims " + formatDims(f.dims) + " of " + f.datatype
                    + " overflow a 64-bit byte count");
        }

        for (int i = 0; i < 8; i++) f.pixdim[i] = v2 ? b.getDouble(104 + 8 * i) : b.getFloat(76 + 4 * i);

        int minOffset = (v2 ? NIFTI2_HEADER_SIZE : NIFTI1_HEADER_SIZE) + 4;
        if (v2) {
            f.voxOffset = b.getLong(168);
        } else {
            float off = b.getFloat(108);
            if (!Float.isFinite(off) || off != Math.rint(off) || off > Long.MAX_VALUE / 2) {
                throw new NiftiException(where + "vox_offset = " + off + ", must be a whole number of bytes >= " + minOffset);
            }
            f.voxOffset = (long) off;
        }
        if (f.voxOffset < minOffset) {
            throw new NiftiException(where + "vox_offset = " + f.voxOffset + ", must be >= " + minOffset
                    + " (the " + (minOffset - 4) + "-byte header and the 4-byte extension flag)");
        }

        f.sclSlope = v2 ? b.getDouble(176) : b.getFloat(112);
        f.sclInter = v2 ? b.getDouble(184) : b.getFloat(116);
        if (f.sclSlope != 0 && Double.isFinite(f.sclSlope) && !Double.isFinite(f.sclInter)) {
            throw new NiftiException(where + "scl_slope = " + f.sclSlope + " but scl_inter = " + f.sclInter
                    + ", must be finite");
        }

        f.qformCode = v2 ? b.getInt(344) : b.getShort(252);
        f.sformCode = v2 ? b.getInt(348) : b.getShort(254);
        for (int k = 0; k < 3; k++) {
            f.quatern[k] = v2 ? b.getDouble(352 + 8 * k) : b.getFloat(256 + 4 * k);
            f.qoffset[k] = v2 ? b.getDouble(376 + 8 * k) : b.getFloat(268 + 4 * k);
        }
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) f.srow[r][c] = v2 ? b.getDouble(400 + 8 * (4 * r + c)) : b.getFloat(280 + 4 * (4 * r + c));
        }
        f.xyztUnits = v2 ? b.getInt(500) : block[123] & 0xff;
        f.description = text(block, v2 ? 240 : 148, 80);

        AffineSource source;
        double[][] affine;
        if (validCode(f.sformCode)) {
            source = AffineSource.SFORM;
            affine = sformAffine(f, where);
        } else if (validCode(f.qformCode)) {
            source = AffineSource.QFORM;
            affine = qformAffine(f, where);
        } else {
            source = AffineSource.PIXDIM;
            affine = pixdimAffine(f, where);
        }
        double det = Affines.det(affine);
        if (det == 0 || !Double.isFinite(det)) {
            throw new NiftiException(where + "the " + sourceName(source) + " affine is singular (determinant " + det
                    + "): voxel axes must span 3-D space");
        }
        return new NiftiHeader(f, affine, source);
    }

    private static void checkMagic(byte[] block, boolean v2, String where) {
        byte[] magic = Arrays.copyOfRange(block, v2 ? 4 : 344, v2 ? 8 : 348);
        if (Arrays.equals(magic, v2 ? PAIR_MAGIC2 : PAIR_MAGIC1)) {
            throw new NiftiException(where + "magic \"" + printable(magic) + "\" marks a .hdr/.img pair, which is not "
                    + "supported; convert it to a single .nii file");
        }
        if (!Arrays.equals(magic, v2 ? MAGIC2 : MAGIC1)) {
            throw new NiftiException(where + "magic = \"" + printable(magic) + "\", expected \""
                    + (v2 ? "n+2\\0" : "n+1\\0") + "\"");
        }
        if (v2) {
            byte[] eol = Arrays.copyOfRange(block, 8, 12);
            if (!Arrays.equals(eol, EOL_CHECK) && !Arrays.equals(eol, new byte[4])) {
                throw new NiftiException(where + "bytes 8..11 = \"" + printable(eol) + "\", expected \"\\r\\n\\032\\n\": "
                        + "the file was probably corrupted by a text-mode (end-of-line) conversion");
            }
        }
    }

    private static boolean validCode(int code) {
        return code > 0 && code < XFORM_NAMES.length;
    }

    private static String sourceName(AffineSource s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    private static double[][] sformAffine(Fields f, String where) {
        double[][] a = new double[4][4];
        String[] names = {"srow_x", "srow_y", "srow_z"};
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 4; c++) {
                if (!Double.isFinite(f.srow[r][c])) {
                    throw new NiftiException(where + names[r] + "[" + c + "] = " + f.srow[r][c] + " (sform_code "
                            + f.sformCode + "), must be finite");
                }
                a[r][c] = f.srow[r][c];
            }
        }
        a[3][3] = 1;
        return a;
    }

    private static double[][] qformAffine(Fields f, String where) {
        String[] qnames = {"quatern_b", "quatern_c", "quatern_d"};
        String[] onames = {"qoffset_x", "qoffset_y", "qoffset_z"};
        double q2 = 0;
        for (int k = 0; k < 3; k++) {
            if (!Double.isFinite(f.quatern[k])) {
                throw new NiftiException(where + qnames[k] + " = " + f.quatern[k] + " (qform_code " + f.qformCode
                        + "), must be finite");
            }
            if (!Double.isFinite(f.qoffset[k])) {
                throw new NiftiException(where + onames[k] + " = " + f.qoffset[k] + " (qform_code " + f.qformCode
                        + "), must be finite");
            }
            q2 += f.quatern[k] * f.quatern[k];
        }
        double w2 = 1 - q2;
        // The stored b, c, d are rounded to the header's precision: allow that much excess over 1.
        double tolerance = 3 * (f.version == 2 ? Math.ulp(1.0) : Math.ulp(1.0f));
        if (w2 < -tolerance) {
            throw new NiftiException(where + String.format(Locale.ROOT,
                    "quatern_b, quatern_c, quatern_d = %s, %s, %s give b^2 + c^2 + d^2 = %s, must be <= 1",
                    f.quatern[0], f.quatern[1], f.quatern[2], q2));
        }
        double[][] rot = Affines.rotationOf(Math.sqrt(Math.max(w2, 0)), f.quatern[0], f.quatern[1], f.quatern[2]);
        double[] zoom = spatialZooms(f, where, "qform");
        double qfac = f.pixdim[0] == -1 ? -1 : 1;
        zoom[2] *= qfac;
        double[][] a = new double[4][4];
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++) a[r][c] = rot[r][c] * zoom[c];
            a[r][3] = f.qoffset[r];
        }
        a[3][3] = 1;
        return a;
    }

    private static double[][] pixdimAffine(Fields f, String where) {
        double[] zoom = spatialZooms(f, where, "fallback (qform_code = sform_code = 0)");
        double[][] a = new double[4][4];
        for (int c = 0; c < 3; c++) {
            // nibabel's shape_zoom_affine: axes beyond dim[0] have size 1 and zoom 1
            boolean used = c < f.dims.length;
            double z = used ? zoom[c] : 1;
            double n = used ? f.dims[c] : 1;
            if (c == 0) z = -z;
            a[c][c] = z;
            a[c][3] = -(n - 1) / 2.0 * z;
        }
        a[3][3] = 1;
        return a;
    }

    /**
     * {@code |pixdim[1..3]|}; for axes the image has (index ≤ dim[0]) they must be finite and
     * non-zero, for the others a bad value is read as 1 (nibabel resets zero voxel sizes to 1).
     */
    private static double[] spatialZooms(Fields f, String where, String use) {
        double[] z = new double[3];
        for (int c = 0; c < 3; c++) {
            double p = f.pixdim[c + 1];
            boolean ok = Double.isFinite(p) && p != 0;
            if (!ok && c < f.dims.length) {
                throw new NiftiException(where + "pixdim[" + (c + 1) + "] = " + p + " (voxel size used by the " + use
                        + " affine), must be finite and non-zero");
            }
            z[c] = ok ? Math.abs(p) : 1;
        }
        return z;
    }

    private static String text(byte[] block, int offset, int length) {
        int end = offset;
        while (end < offset + length && block[end] != 0) end++;
        return new String(block, offset, end - offset, StandardCharsets.ISO_8859_1).strip();
    }

    /** Bytes as text with non-printable bytes escaped, for messages. */
    static String printable(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte x : bytes) {
            int v = x & 0xff;
            if (v == 0) sb.append("\\0");
            else if (v >= 0x20 && v < 0x7f && v != '"' && v != '\\') sb.append((char) v);
            else sb.append(String.format(Locale.ROOT, "\\x%02x", v));
        }
        return sb.toString();
    }

    static String formatDims(long[] dims) {
        StringBuilder sb = new StringBuilder();
        for (long d : dims) {
            if (!sb.isEmpty()) sb.append('x');
            sb.append(d);
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ encoding

    /**
     * The header and the 4-byte (empty) extension flag for a single-file NIfTI of {@code dims},
     * little-endian, with data following at {@code vox_offset} = 352 (NIfTI-1) or 544 (NIfTI-2).
     *
     * <p>Both sform and qform get code 1 (scanner). The sform is the affine itself; the qform is
     * nibabel's {@code set_qform}: zooms = column lengths of the 3×3 part {@code M}, {@code R = M/zooms},
     * {@code qfac = −1} and the last column of {@code R} negated when {@code det R < 0}, then the
     * quaternion of the closest rotation to {@code R} (shears dropped). {@code pixdim[1..3]} are the
     * zooms, {@code pixdim[4..7]} are 1, {@code xyzt_units} says mm.
     *
     * @param dims 3 or 4 dimensions, each in 1..32767 for NIfTI-1
     * @param affine 4×4 voxel-to-world matrix with non-zero columns; not modified
     */
    static byte[] encode(int version, int[] dims, NiftiDatatype datatype, double slope, double inter,
            double[][] affine, String description) {
        boolean v2 = version == 2;
        int size = (v2 ? NIFTI2_HEADER_SIZE : NIFTI1_HEADER_SIZE) + 4;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);

        double[] zoom = new double[3];
        double[][] r = new double[3][3];
        for (int c = 0; c < 3; c++) {
            zoom[c] = Math.sqrt(affine[0][c] * affine[0][c] + affine[1][c] * affine[1][c] + affine[2][c] * affine[2][c]);
            for (int k = 0; k < 3; k++) r[k][c] = affine[k][c] / zoom[c];
        }
        double qfac = 1;
        if (Affines.det(r) < 0) {
            qfac = -1;
            for (int k = 0; k < 3; k++) r[k][2] = -r[k][2];
        }
        double[] q = Affines.quaternionOf(Affines.polar(r));

        double[] pixdim = {qfac, zoom[0], zoom[1], zoom[2], 1, 1, 1, 1};
        b.putInt(0, v2 ? NIFTI2_HEADER_SIZE : NIFTI1_HEADER_SIZE);
        if (v2) {
            b.put(4, MAGIC2).put(8, EOL_CHECK);
            b.putShort(12, (short) datatype.code()).putShort(14, (short) datatype.bitpix());
            b.putLong(16, dims.length);
            for (int i = 0; i < 7; i++) b.putLong(24 + 8 * i, i < dims.length ? dims[i] : 1);
            for (int i = 0; i < 8; i++) b.putDouble(104 + 8 * i, pixdim[i]);
            b.putLong(168, size);
            b.putDouble(176, slope).putDouble(184, inter);
            b.putInt(344, 1).putInt(348, 1);
            for (int k = 0; k < 3; k++) {
                b.putDouble(352 + 8 * k, q[k + 1]);
                b.putDouble(376 + 8 * k, affine[k][3]);
                for (int c = 0; c < 4; c++) b.putDouble(400 + 8 * (4 * k + c), affine[k][c]);
            }
            b.putInt(500, 2);
        } else {
            b.putShort(40, (short) dims.length);
            for (int i = 0; i < 7; i++) b.putShort(42 + 2 * i, (short) (i < dims.length ? dims[i] : 1));
            b.putShort(70, (short) datatype.code()).putShort(72, (short) datatype.bitpix());
            for (int i = 0; i < 8; i++) b.putFloat(76 + 4 * i, (float) pixdim[i]);
            b.putFloat(108, size);
            b.putFloat(112, (float) slope).putFloat(116, (float) inter);
            b.put(123, (byte) 2);
            b.putShort(252, (short) 1).putShort(254, (short) 1);
            for (int k = 0; k < 3; k++) {
                b.putFloat(256 + 4 * k, (float) q[k + 1]);
                b.putFloat(268 + 4 * k, (float) affine[k][3]);
                for (int c = 0; c < 4; c++) b.putFloat(280 + 4 * (4 * k + c), (float) affine[k][c]);
            }
            b.put(344, MAGIC1);
        }
        byte[] text = description.getBytes(StandardCharsets.US_ASCII);
        b.put(v2 ? 240 : 148, text, 0, Math.min(text.length, 79));
        return b.array();
    }
}
