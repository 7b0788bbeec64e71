package mrisr.sr.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;

/**
 * Test files built byte by byte from the NIfTI-1/2 layouts (independently of the writer under
 * test), the malformed variants the reader must refuse, and the parser of the nibabel fixtures.
 */
public final class NiftiTestFiles {
    private NiftiTestFiles() {}

    /** Grid of the hand-built files. */
    public static final int NX = 3, NY = 2, NZ = 2;

    /** The value of voxel (i, j, k) in the hand-built files. */
    public static float value(int i, int j, int k) {
        return i + 10 * j + 100 * k + 0.5f;
    }

    /**
     * A valid single-file NIfTI-1 of {@code NX×NY×NZ} float32 voxels {@link #value}, identity sform
     * (code 1), no qform, unit pixdim, scl_slope 1.
     */
    public static ByteBuffer nifti1(ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(352 + NX * NY * NZ * 4).order(order);
        b.putInt(0, 348);
        short[] dim = {3, NX, NY, NZ, 1, 1, 1, 1};
        for (int i = 0; i < 8; i++) b.putShort(40 + 2 * i, dim[i]);
        b.putShort(70, (short) 16).putShort(72, (short) 32);
        for (int i = 0; i < 8; i++) b.putFloat(76 + 4 * i, 1f);
        b.putFloat(108, 352f).putFloat(112, 1f).putFloat(116, 0f);
        b.put(123, (byte) 2);
        b.putShort(252, (short) 0).putShort(254, (short) 1);
        for (int r = 0; r < 3; r++) b.putFloat(280 + 4 * (4 * r + r), 1f);
        b.put(344, new byte[] {'n', '+', '1', 0});
        int p = 352;
        for (int k = 0; k < NZ; k++) {
            for (int j = 0; j < NY; j++) {
                for (int i = 0; i < NX; i++, p += 4) b.putFloat(p, value(i, j, k));
            }
        }
        return b;
    }

    /** The same image as {@link #nifti1} in NIfTI-2 layout (data at 544). */
    public static ByteBuffer nifti2(ByteOrder order) {
        ByteBuffer b = ByteBuffer.allocate(544 + NX * NY * NZ * 4).order(order);
        b.putInt(0, 540);
        b.put(4, new byte[] {'n', '+', '2', 0, '\r', '\n', 032, '\n'});
        b.putShort(12, (short) 16).putShort(14, (short) 32);
        long[] dim = {3, NX, NY, NZ, 1, 1, 1, 1};
        for (int i = 0; i < 8; i++) b.putLong(16 + 8 * i, dim[i]);
        for (int i = 0; i < 8; i++) b.putDouble(104 + 8 * i, 1);
        b.putLong(168, 544).putDouble(176, 1).putDouble(184, 0);
        b.putInt(344, 0).putInt(348, 1);
        for (int r = 0; r < 3; r++) b.putDouble(400 + 8 * (4 * r + r), 1);
        b.putInt(500, 2);
        int p = 544;
        for (int k = 0; k < NZ; k++) {
            for (int j = 0; j < NY; j++) {
                for (int i = 0; i < NX; i++, p += 4) b.putFloat(p, value(i, j, k));
            }
        }
        return b;
    }

    /** {@code bytes} gzip-compressed. */
    public static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Asserts bit-for-bit equal values, naming the first difference (AssertJ's array diff is
     * quadratic: too slow for volumes).
     */
    public static void assertSameValues(float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            throw new AssertionError("length " + actual.length + ", expected " + expected.length);
        }
        int bad = Arrays.mismatch(actual, expected);
        if (bad >= 0) {
            throw new AssertionError("value " + bad + " is " + actual[bad] + ", expected " + expected[bad]);
        }
    }

    /** A malformed file: its name, its bytes, and a fragment the reader's message must contain. */
    public record Case(String name, String fileName, byte[] bytes, String message) {
        public Path writeTo(Path dir) {
            try {
                return Files.write(dir.resolve(fileName), bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static Case v1(String name, String message, Consumer<ByteBuffer> corrupt) {
        ByteBuffer b = nifti1(ByteOrder.LITTLE_ENDIAN);
        corrupt.accept(b);
        return new Case(name, fileName(name, ".nii"), b.array(), message);
    }

    private static Case v2(String name, String message, Consumer<ByteBuffer> corrupt) {
        ByteBuffer b = nifti2(ByteOrder.LITTLE_ENDIAN);
        corrupt.accept(b);
        return new Case(name, fileName(name, ".nii"), b.array(), message);
    }

    private static String fileName(String name, String ext) {
        return name.replaceAll("[^A-Za-z0-9]+", "_") + ext;
    }

    /** Qform instead of sform: the quaternion and pixdim then make the affine. */
    private static void useQform(ByteBuffer b) {
        b.putShort(252, (short) 1).putShort(254, (short) 0);
    }

    /**
     * Every malformed-input case the reader must refuse with a {@link NiftiException}, one corrupted
     * field (or byte range) each. None depends on the memory budget.
     */
    public static List<Case> malformed() {
        List<Case> cases = new ArrayList<>();
        byte[] valid = nifti1(ByteOrder.LITTLE_ENDIAN).array();
        cases.add(new Case("empty file", "empty.nii", new byte[0], "file has only 0 bytes, shorter than a NIfTI header"));
        cases.add(new Case("shorter than header", "short.nii", Arrays.copyOf(valid, 100),
                "file has only 100 bytes, shorter than the 348-byte NIfTI-1 header"));
        cases.add(new Case("NIfTI-2 shorter than header", "short2.nii", Arrays.copyOf(nifti2(ByteOrder.BIG_ENDIAN).array(), 400),
                "file has only 400 bytes, shorter than the 540-byte NIfTI-2 header"));
        cases.add(new Case("text file", "notes.nii", "hello, this is not an image\n".repeat(20).getBytes(StandardCharsets.US_ASCII),
                "sizeof_hdr = 1819043176"));
        cases.add(v1("bad sizeof_hdr", "sizeof_hdr = 349 (byte-swapped 1560346624), expected 348 (NIfTI-1) or 540 (NIfTI-2)",
                b -> b.putInt(0, 349)));
        cases.add(v1("bad magic", "magic = \"n+3\\0\", expected \"n+1\\0\"", b -> b.put(346, (byte) '3')));
        cases.add(v1("Analyze magic", "magic = \"\\0\\0\\0\\0\"", b -> b.putInt(344, 0)));
        cases.add(v1("pair magic", "marks a .hdr/.img pair", b -> b.put(345, (byte) 'i')));
        cases.add(v2("NIfTI-2 bad magic", "magic = \"n+1\\0\", expected \"n+2\\0\"", b -> b.put(6, (byte) '1')));
        cases.add(v2("NIfTI-2 EOL conversion", "bytes 8..11 = \"\\x0a\\x0a\\x1a\\x0a\"", b -> b.put(8, (byte) '\n')));
        cases.add(v1("dim0 zero", "dim[0] = 0, must be in 1..7", b -> b.putShort(40, (short) 0)));
        cases.add(v1("dim0 eight", "dim[0] = 8, must be in 1..7", b -> b.putShort(40, (short) 8)));
        cases.add(v1("dim0 negative", "dim[0] = -3, must be in 1..7", b -> b.putShort(40, (short) -3)));
        cases.add(v2("NIfTI-2 dim0 200", "dim[0] = 200, must be in 1..7", b -> b.putLong(16, 200)));
        cases.add(v1("dim2 negative", "NIfTI header: dim[2] = -8, must be >= 1", b -> b.putShort(44, (short) -8)));
        cases.add(v1("dim3 zero", "dim[3] = 0, must be >= 1", b -> b.putShort(46, (short) 0)));
        cases.add(v2("NIfTI-2 dim1 zero", "dim[1] = 0, must be >= 1", b -> b.putLong(24, 0)));
        cases.add(v1("five dimensions", "dim[5] = 2: images with more than 4 dimensions are not supported",
                b -> b.putShort(40, (short) 5).putShort(50, (short) 2)));
        cases.add(v2("voxel count overflow", "dims 1099511627776x1099511627776x2 overflow a 64-bit voxel count",
                b -> b.putLong(24, 1L << 40).putLong(32, 1L << 40)));
        cases.add(v2("byte count overflow", "dims 2147483648x1073741824x2 of float64 overflow a 64-bit byte count",
                b -> b.putShort(12, (short) 64).putShort(14, (short) 64).putLong(24, 1L << 31).putLong(32, 1L << 30)));
        cases.add(v1("dims of 4096 cubed", "68719476736 elements exceed the limit of one tensor",
                b -> b.putShort(42, (short) 4096).putShort(44, (short) 4096).putShort(46, (short) 4096)));
        cases.add(v1("complex datatype", "datatype 32 (complex64) is not supported; supported: uint8 (2)",
                b -> b.putShort(70, (short) 32).putShort(72, (short) 64)));
        cases.add(v1("rgb datatype", "datatype 128 (rgb24) is not supported", b -> b.putShort(70, (short) 128).putShort(72, (short) 24)));
        cases.add(v1("unknown datatype", "datatype 1234 (unknown) is not supported", b -> b.putShort(70, (short) 1234)));
        cases.add(v1("bitpix mismatch", "bitpix = 16 does not match datatype float32 (32 bits)", b -> b.putShort(72, (short) 16)));
        cases.add(v1("vox_offset zero", "vox_offset = 0, must be >= 352", b -> b.putFloat(108, 0f)));
        cases.add(v1("vox_offset inside header", "vox_offset = 100, must be >= 352", b -> b.putFloat(108, 100f)));
        cases.add(v1("vox_offset fractional", "vox_offset = 352.5, must be a whole number of bytes >= 352", b -> b.putFloat(108, 352.5f)));
        cases.add(v1("vox_offset NaN", "vox_offset = NaN", b -> b.putFloat(108, Float.NaN)));
        cases.add(v2("NIfTI-2 vox_offset inside header", "vox_offset = 540, must be >= 544", b -> b.putLong(168, 540)));
        cases.add(v1("vox_offset beyond file", "vox_offset = 100000 is beyond the end of the file (400 bytes)",
                b -> b.putFloat(108, 100000f)));
        cases.add(new Case("truncated data", "truncated.nii", Arrays.copyOf(valid, valid.length - 10),
                "truncated data: 3x2x2 float32 voxels need 48 bytes at offset 352, the file has only 38 after it"));
        cases.add(new Case("truncated data in gzip", "truncated.nii.gz", gzip(Arrays.copyOf(valid, valid.length - 10)),
                "truncated data: 3x2x2 float32 voxels need 48 bytes at offset 352, the decompressed data have only 38"));
        cases.add(new Case("short header in gzip", "short.nii.gz", gzip(Arrays.copyOf(valid, 200)),
                "decompressed data have only 200 bytes, shorter than the 348-byte NIfTI-1 header"));
        byte[] gz = gzip(valid);
        byte[] badBlock = gz.clone();
        badBlock[10] = (byte) 0x07; // first deflate block: BFINAL = 1, BTYPE = 11 (reserved)
        cases.add(new Case("corrupt gzip", "corrupt.nii.gz", badBlock, "corrupt or truncated gzip data (invalid block type)"));
        cases.add(new Case("truncated gzip", "cut.nii.gz", Arrays.copyOf(gz, gz.length - 20), "corrupt or truncated gzip data"));
        byte[] badCrc = gz.clone();
        badCrc[gz.length - 6] ^= 1;
        cases.add(new Case("gzip CRC mismatch", "crc.nii.gz", badCrc, "corrupt or truncated gzip data"));
        cases.add(new Case("gzip header only", "hdr.nii.gz", Arrays.copyOf(gz, 10), "corrupt or truncated gzip data"));
        cases.add(v1("qform pixdim zero", "pixdim[2] = 0.0 (voxel size used by the qform affine), must be finite and non-zero",
                b -> {
                    useQform(b);
                    b.putFloat(84, 0f);
                }));
        cases.add(v1("qform pixdim NaN", "pixdim[1] = NaN (voxel size used by the qform affine)", b -> {
            useQform(b);
            b.putFloat(80, Float.NaN);
        }));
        cases.add(v1("fallback pixdim infinite", "pixdim[3] = Infinity (voxel size used by the fallback", b -> {
            b.putShort(254, (short) 0);
            b.putFloat(88, Float.POSITIVE_INFINITY);
        }));
        cases.add(v1("quaternion too long", "b^2 + c^2 + d^2 = 1.25, must be <= 1", b -> {
            useQform(b);
            b.putFloat(256, 1f).putFloat(260, 0.5f);
        }));
        cases.add(v1("qoffset NaN", "qoffset_y = NaN (qform_code 1), must be finite", b -> {
            useQform(b);
            b.putFloat(272, Float.NaN);
        }));
        cases.add(v1("srow infinite", "srow_y[3] = Infinity (sform_code 1), must be finite",
                b -> b.putFloat(296 + 12, Float.POSITIVE_INFINITY)));
        cases.add(v1("singular sform", "the sform affine is singular (determinant 0.0)", b -> b.putFloat(312 + 8, 0f)));
        cases.add(v1("scl_inter NaN", "scl_slope = 2.0 but scl_inter = NaN, must be finite",
                b -> b.putFloat(112, 2f).putFloat(116, Float.NaN)));
        return cases;
    }

    // ------------------------------------------------------------------ nibabel fixtures

    /** One record of {@code expected.txt} or {@code writer_header.txt}: key → values. */
    public record Record(String name, Map<String, String[]> fields) {
        public String text(String key) {
            return String.join(" ", values(key));
        }

        public String[] values(String key) {
            String[] v = fields.get(key);
            if (v == null) throw new IllegalArgumentException(name + ": no field " + key);
            return v;
        }

        public double[] numbers(String key) {
            String[] v = values(key);
            double[] d = new double[v.length];
            for (int i = 0; i < v.length; i++) d[i] = v[i].equals("nan") ? Double.NaN : Double.parseDouble(v[i]);
            return d;
        }

        public int[] ints(String key) {
            return Arrays.stream(values(key)).mapToInt(Integer::parseInt).toArray();
        }

        /** A 16-number field as a 4×4 matrix. */
        public double[][] matrix(String key) {
            double[] a = numbers(key);
            double[][] m = new double[4][4];
            for (int r = 0; r < 4; r++) System.arraycopy(a, 4 * r, m[r], 0, 4);
            return m;
        }
    }

    /** Path of a committed fixture under {@code src/test/resources/nifti/}. */
    public static Path fixture(String name) {
        return Path.of("src/test/resources/nifti", name);
    }

    /** The records of a fixture text file, in file order. */
    public static List<Record> records(String resource) {
        String text;
        try (InputStream in = NiftiTestFiles.class.getResourceAsStream("/nifti/" + resource)) {
            if (in == null) throw new IllegalStateException("missing test resource nifti/" + resource);
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Record> out = new ArrayList<>();
        String name = null;
        Map<String, String[]> fields = null;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            if (line.startsWith("[")) {
                if (name != null) out.add(new Record(name, fields));
                name = line.substring(1, line.length() - 1);
                fields = new LinkedHashMap<>();
            } else {
                String[] parts = line.split(" ");
                fields.put(parts[0], Arrays.copyOfRange(parts, 1, parts.length));
            }
        }
        if (name != null) out.add(new Record(name, fields));
        return out;
    }
}
