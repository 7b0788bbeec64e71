package mrisr.nn.io;

import static mrisr.nn.io.SafeTensorsException.Kind.DUPLICATE_KEY;
import static mrisr.nn.io.SafeTensorsException.Kind.HEADER_BEYOND_FILE;
import static mrisr.nn.io.SafeTensorsException.Kind.HEADER_TOO_LARGE;
import static mrisr.nn.io.SafeTensorsException.Kind.HOLE_IN_DATA;
import static mrisr.nn.io.SafeTensorsException.Kind.INVALID_HEADER;
import static mrisr.nn.io.SafeTensorsException.Kind.INVALID_JSON;
import static mrisr.nn.io.SafeTensorsException.Kind.INVALID_NAME;
import static mrisr.nn.io.SafeTensorsException.Kind.OFFSET_OUT_OF_BOUNDS;
import static mrisr.nn.io.SafeTensorsException.Kind.OVERLAPPING_DATA;
import static mrisr.nn.io.SafeTensorsException.Kind.SHAPE_MISMATCH;
import static mrisr.nn.io.SafeTensorsException.Kind.TRUNCATED;
import static mrisr.nn.io.SafeTensorsException.Kind.UNKNOWN_DTYPE;
import static mrisr.nn.io.SafeTensorsException.Kind.UNSUPPORTED_DTYPE;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mrisr.engine.DType;
import mrisr.engine.Memory;
import mrisr.engine.Shape;
import mrisr.engine.Tensor;
import mrisr.nn.Module;

/**
 * Reads and writes the <a href="https://github.com/huggingface/safetensors">safetensors</a> format:
 * an 8-byte little-endian {@code u64} header length {@code n}, {@code n} bytes of UTF-8 JSON
 * <pre>
 *   {"__metadata__": {"format": "pt"}, "conv.weight": {"dtype": "F32", "shape": [8,1,3,3], "data_offsets": [0, 288]}, …}
 * </pre>
 * (trailing spaces allowed), then the data region, where each tensor's little-endian, row-major
 * bytes occupy {@code [begin, end)} relative to the region's start.
 *
 * <p>The reader trusts nothing: the header length is checked against {@link #MAX_HEADER_BYTES} and
 * the file size before any allocation; the JSON is parsed strictly (duplicate keys refused); every
 * dtype name, shape and byte range is validated ({@code Πshape·dtypeSize == end − begin} with overflow
 * checks, ranges inside the region); and the ranges must tile the data region exactly, without
 * overlaps, gaps or trailing bytes. Each violation is a {@link SafeTensorsException} of its own
 * {@link SafeTensorsException.Kind}. Values are converted to float32: F32, F16 and BF16 exactly; F64
 * rounded; integer and BOOL types by value (exact up to 2²⁴). FP8 types are recognised but refused.
 *
 * <p>The writer stores F32, F16 (IEEE half, round-to-nearest-even) or BF16 (round-to-nearest-even),
 * pads the header with spaces to a multiple of 8 bytes, writes to a temporary file in the target
 * directory, forces it to disk, then renames it over the target atomically, so a reader never sees a
 * partial file and a failed write leaves no file behind.
 *
 * <pre>{@code
 * SafeTensors.save(path, model, Map.of("epoch", "12"));
 * SafeTensors.load(path, model, true);              // or model.loadStateDict(SafeTensors.read(path).tensors())
 * }</pre>
 */
public final class SafeTensors {
    /** The largest header a reader accepts (100 MB, the reference implementation's limit). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final String METADATA = "__metadata__";
    private static final int CHUNK_BYTES = 1 << 20;

    private SafeTensors() {}

    /** One tensor's entry in a header. */
    public record TensorInfo(String name, String dtype, int[] shape, long begin, long end) {
        public TensorInfo {
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TensorInfo t && t.name.equals(name) && t.dtype.equals(dtype) && Arrays.equals(t.shape, shape)
                    && t.begin == begin && t.end == end;
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return name + " " + dtype + Shape.format(shape) + " [" + begin + ", " + end + ")";
        }
    }

    /**
     * A validated header.
     *
     * @param tensors    entries in the header's key order
     * @param metadata   the {@code __metadata__} map (empty when absent)
     * @param dataOffset file position of the data region ({@code 8 + n})
     */
    public record Header(List<TensorInfo> tensors, Map<String, String> metadata, long dataOffset) {
        public Header {
            tensors = List.copyOf(tensors);
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    /** A file's tensors (float32, header order) and metadata. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
        public Contents {
            tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
            metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        }
    }

    /** The dtypes of the format: file name, bytes per element, whether this reader converts it. */
    private enum FileType {
        BOOL(1, true), U8(1, true), I8(1, true), F8_E5M2(1, false), F8_E4M3(1, false), I16(2, true), U16(2, true),
        F16(2, true), BF16(2, true), I32(4, true), U32(4, true), F32(4, true), F64(8, true), I64(8, true), U64(8, true);

        final int size;
        final boolean readable;

        FileType(int size, boolean readable) {
            this.size = size;
            this.readable = readable;
        }

        static FileType of(String name) {
            for (FileType t : values()) if (t.name().equals(name)) return t;
            return null;
        }

        static FileType of(DType t) {
            return switch (t) {
                case FLOAT32 -> F32;
                case FLOAT16 -> F16;
                case BFLOAT16 -> BF16;
            };
        }
    }

    // ------------------------------------------------------------------ reading

    /**
     * Reads every tensor (as float32) and the metadata.
     *
     * @throws SafeTensorsException when the file breaks a rule of the format (see the kinds)
     * @throws IOException          when the file cannot be read
     */
    public static Contents read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Header h = header(ch, file);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (TensorInfo t : h.tensors()) {
                FileType type = FileType.of(t.dtype());
                if (!type.readable) {
                    throw new SafeTensorsException(UNSUPPORTED_DTYPE, file + ": tensor '" + t.name() + "' has dtype "
                            + t.dtype() + ", which this reader does not convert");
                }
            }
            for (TensorInfo t : h.tensors()) tensors.put(t.name(), readTensor(ch, file, h.dataOffset(), t));
            return new Contents(tensors, h.metadata());
        }
    }

    /** Reads and validates only the header (no tensor data is read). */
    public static Header readHeader(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return header(ch, file);
        }
    }

    private static Header header(FileChannel ch, Path file) throws IOException {
        long fileSize = ch.size();
        if (fileSize < 8) {
            throw new SafeTensorsException(TRUNCATED, file + ": " + fileSize + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lengthBytes, 0, file);
        long n = lengthBytes.getLong(0); // a u64: negative here means ≥ 2^63
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new SafeTensorsException(HEADER_TOO_LARGE, file + ": header length " + Long.toUnsignedString(n)
                    + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (n > fileSize - 8) {
            throw new SafeTensorsException(HEADER_BEYOND_FILE, file + ": header length " + n + " exceeds the "
                    + (fileSize - 8) + " bytes after the length field");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) n);
        readFully(ch, headerBytes, 8, file);
        headerBytes.flip();
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(headerBytes).toString();
        } catch (CharacterCodingException e) {
            throw new SafeTensorsException(INVALID_JSON, file + ": header is not valid UTF-8");
        }
        Object root;
        try {
            root = Json.parse(text);
        } catch (Json.ParseException e) {
            throw new SafeTensorsException(e.duplicateKey ? DUPLICATE_KEY : INVALID_JSON, file + ": header JSON: " + e.getMessage());
        }
        return validate(root, fileSize - 8 - n, 8 + n, file);
    }

    private static Header validate(Object root, long dataLength, long dataOffset, Path file) throws SafeTensorsException {
        if (!(root instanceof Map<?, ?> entries)) {
            throw new SafeTensorsException(INVALID_HEADER, file + ": header must be a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> infos = new ArrayList<>();
        for (var e : entries.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(METADATA)) {
                if (!(e.getValue() instanceof Map<?, ?> m)) {
                    throw new SafeTensorsException(INVALID_HEADER, file + ": __metadata__ must be an object of strings");
                }
                for (var me : m.entrySet()) {
                    if (!(me.getValue() instanceof String v)) {
                        throw new SafeTensorsException(INVALID_HEADER, file + ": __metadata__ value for '" + me.getKey()
                                + "' must be a string, got " + me.getValue());
                    }
                    metadata.put((String) me.getKey(), v);
                }
                continue;
            }
            infos.add(tensorInfo(name, e.getValue(), dataLength, file));
        }
        checkCoverage(infos, dataLength, file);
        return new Header(infos, metadata, dataOffset);
    }

    private static TensorInfo tensorInfo(String name, Object value, long dataLength, Path file) throws SafeTensorsException {
        String where = file + ": tensor '" + name + "'";
        if (!(value instanceof Map<?, ?> m)) throw new SafeTensorsException(INVALID_HEADER, where + " must be an object");
        for (Object k : m.keySet()) {
            if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets")) {
                throw new SafeTensorsException(INVALID_HEADER, where + " has an unknown field '" + k + "'");
            }
        }
        if (!(m.get("dtype") instanceof String dtype)) {
            throw new SafeTensorsException(INVALID_HEADER, where + " needs a string field 'dtype'");
        }
        FileType type = FileType.of(dtype);
        if (type == null) {
            throw new SafeTensorsException(UNKNOWN_DTYPE, where + " has unknown dtype '" + dtype + "'");
        }
        if (!(m.get("shape") instanceof List<?> shapeList)) {
            throw new SafeTensorsException(INVALID_HEADER, where + " needs an array field 'shape'");
        }
        if (!(m.get("data_offsets") instanceof List<?> offsets) || offsets.size() != 2) {
            throw new SafeTensorsException(INVALID_HEADER, where + " needs a field 'data_offsets' of two integers");
        }
        int[] shape = new int[shapeList.size()];
        long bytes = type.size;
        for (int i = 0; i < shape.length; i++) {
            long d = nonNegativeInteger(shapeList.get(i), where + " shape entry " + i, SHAPE_MISMATCH);
            if (d > Integer.MAX_VALUE) {
                throw new SafeTensorsException(SHAPE_MISMATCH, where + " dimension " + d + " exceeds 2^31-1");
            }
            shape[i] = (int) d;
            try {
                bytes = Math.multiplyExact(bytes, d);
            } catch (ArithmeticException ex) {
                throw new SafeTensorsException(SHAPE_MISMATCH, where + " shape " + shapeList + " overflows a 64-bit byte count");
            }
        }
        long begin = nonNegativeInteger(offsets.get(0), where + " data_offsets[0]", OFFSET_OUT_OF_BOUNDS);
        long end = nonNegativeInteger(offsets.get(1), where + " data_offsets[1]", OFFSET_OUT_OF_BOUNDS);
        if (end < begin) {
            throw new SafeTensorsException(OFFSET_OUT_OF_BOUNDS, where + " data_offsets [" + begin + ", " + end + "] end before they begin");
        }
        if (end > dataLength) {
            throw new SafeTensorsException(OFFSET_OUT_OF_BOUNDS, where + " data_offsets [" + begin + ", " + end
                    + "] run past the data region of " + dataLength + " bytes");
        }
        if (bytes != end - begin) {
            throw new SafeTensorsException(SHAPE_MISMATCH, where + " has shape " + shapeList + " of " + dtype + " = " + bytes
                    + " bytes, but data_offsets [" + begin + ", " + end + "] hold " + (end - begin));
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    /** A JSON integer literal ≥ 0 (no fraction, no exponent); {@code tooLarge} when it passes 2^63−1. */
    private static long nonNegativeInteger(Object v, String what, SafeTensorsException.Kind tooLarge)
            throws SafeTensorsException {
        if (!(v instanceof BigInteger i) || i.signum() < 0) {
            throw new SafeTensorsException(INVALID_HEADER, what + " must be a non-negative integer, got " + v);
        }
        if (i.bitLength() > 63) throw new SafeTensorsException(tooLarge, what + " = " + i + " is too large");
        return i.longValue();
    }

    /** The ranges, sorted, must follow each other from 0 to the end of the data region. */
    private static void checkCoverage(List<TensorInfo> infos, long dataLength, Path file) throws SafeTensorsException {
        List<TensorInfo> sorted = new ArrayList<>(infos);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long covered = 0;
        TensorInfo previous = null;
        for (TensorInfo t : sorted) {
            if (t.begin() < covered) {
                throw new SafeTensorsException(OVERLAPPING_DATA, file + ": tensor '" + t.name() + "' [" + t.begin() + ", "
                        + t.end() + ") overlaps tensor '" + previous.name() + "' [" + previous.begin() + ", " + previous.end() + ")");
            }
            if (t.begin() > covered) {
                throw new SafeTensorsException(HOLE_IN_DATA, file + ": bytes [" + covered + ", " + t.begin()
                        + ") of the data region belong to no tensor (before '" + t.name() + "')");
            }
            covered = t.end();
            previous = t;
        }
        if (covered != dataLength) {
            throw new SafeTensorsException(HOLE_IN_DATA, file + ": bytes [" + covered + ", " + dataLength
                    + ") at the end of the data region belong to no tensor");
        }
    }

    private static Tensor readTensor(FileChannel ch, Path file, long dataOffset, TensorInfo t) throws IOException {
        FileType type = FileType.of(t.dtype());
        long count = (t.end() - t.begin()) / type.size;
        Memory.check(count, "safetensors " + t.name() + " " + Shape.format(t.shape()));
        float[] values = new float[(int) count];
        int perChunk = CHUNK_BYTES / type.size;
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, t.end() - t.begin())).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i += perChunk) {
            int k = Math.min(perChunk, values.length - i);
            buf.clear().limit(k * type.size);
            readFully(ch, buf, dataOffset + t.begin() + (long) i * type.size, file);
            buf.flip();
            decode(type, buf, values, i, k);
        }
        return Tensor.fromArray(values, t.shape());
    }

    private static void decode(FileType type, ByteBuffer b, float[] out, int at, int count) {
        if (type == FileType.F32) {
            b.asFloatBuffer().get(out, at, count);
            return;
        }
        for (int j = 0; j < count; j++) {
            out[at + j] = switch (type) {
                case F16 -> Float.float16ToFloat(b.getShort());
                case BF16 -> Float.intBitsToFloat((b.getShort() & 0xFFFF) << 16);
                case F64 -> (float) b.getDouble();
                case I64 -> (float) b.getLong();
                case U64 -> unsignedLongToFloat(b.getLong());
                case I32 -> (float) b.getInt();
                case U32 -> (float) Integer.toUnsignedLong(b.getInt());
                case I16 -> b.getShort();
                case U16 -> b.getShort() & 0xFFFF;
                case I8 -> b.get();
                case U8 -> b.get() & 0xFF;
                case BOOL -> b.get() != 0 ? 1f : 0f;
                case F32, F8_E5M2, F8_E4M3 -> throw new IllegalStateException("unreachable: " + type);
            };
        }
    }

    private static float unsignedLongToFloat(long v) {
        // halve with a sticky low bit so the one rounding (long → float) is still to nearest even
        return v >= 0 ? (float) v : (float) ((v >>> 1) | (v & 1)) * 2f;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, Path file) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new SafeTensorsException(TRUNCATED, file + ": unexpected end of file at byte " + pos);
            }
            pos += r;
        }
    }

    // ------------------------------------------------------------------ modules

    /**
     * Saves {@code module}'s state dict as float32 with {@code metadata}.
     *
     * @param module not modified
     */
    public static void save(Path file, Module module, Map<String, String> metadata) throws IOException {
        write(file, module.stateDict(), metadata, DType.FLOAT32);
    }

    /**
     * Loads a state dict from {@code file} into {@code module} (see {@link Module#loadStateDict}).
     *
     * @param module modified in place
     * @return the missing and unexpected keys
     * @throws SafeTensorsException for a malformed file
     * @throws mrisr.nn.StateDictException when the tensors do not fit the module
     */
    public static Module.LoadResult load(Path file, Module module, boolean strict) throws IOException {
        return module.loadStateDict(read(file).tensors(), strict);
    }

    // ------------------------------------------------------------------ writing

    /** Writes float32 tensors with no metadata. */
    public static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        write(file, tensors, Map.of(), DType.FLOAT32);
    }

    /**
     * Writes {@code tensors} (in the map's order) and {@code metadata} to {@code file} atomically.
     *
     * @param tensors  tensors by name (not modified); names must not be {@code __metadata__}
     * @param metadata string pairs stored under {@code __metadata__} (omitted when empty)
     * @param dtype    storage type: FLOAT32, FLOAT16 or BFLOAT16 (values rounded to nearest even)
     * @throws SafeTensorsException for an invalid name or a header over {@link #MAX_HEADER_BYTES}
     * @throws IOException          when writing fails; no file is left behind
     */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata, DType dtype)
            throws IOException {
        FileType type = FileType.of(dtype);
        byte[] header = headerBytes(tensors, metadata, type);
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
                writeFully(ch, length);
                writeFully(ch, ByteBuffer.wrap(header));
                ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
                int perChunk = CHUNK_BYTES / type.size;
                for (Tensor t : tensors.values()) {
                    float[] v = t.toArray();
                    for (int i = 0; i < v.length; i += perChunk) {
                        int k = Math.min(perChunk, v.length - i);
                        buf.clear();
                        encode(type, v, i, k, buf);
                        buf.flip();
                        writeFully(ch, buf);
                    }
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            syncDirectory(dir);
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
    }

    private static byte[] headerBytes(Map<String, Tensor> tensors, Map<String, String> metadata, FileType type)
            throws SafeTensorsException {
        StringBuilder b = new StringBuilder("{");
        boolean first = true;
        if (!metadata.isEmpty()) {
            Json.quote(b, METADATA);
            b.append(":{");
            boolean firstEntry = true;
            for (var e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new SafeTensorsException(INVALID_NAME, "metadata keys and values must not be null: " + e);
                }
                if (!firstEntry) b.append(',');
                Json.quote(b, e.getKey());
                b.append(':');
                Json.quote(b, e.getValue());
                firstEntry = false;
            }
            b.append('}');
            first = false;
        }
        long offset = 0;
        for (var e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.equals(METADATA)) {
                throw new SafeTensorsException(INVALID_NAME, "tensor name " + (name == null ? "null" : "'" + METADATA + "'")
                        + " cannot be written");
            }
            if (e.getValue() == null) throw new SafeTensorsException(INVALID_NAME, "tensor '" + name + "' is null");
            int[] shape = e.getValue().shape();
            long bytes = Math.multiplyExact(Shape.numelLong(shape), (long) type.size);
            if (!first) b.append(',');
            Json.quote(b, name);
            b.append(":{\"dtype\":\"").append(type.name()).append("\",\"shape\":[");
            for (int i = 0; i < shape.length; i++) b.append(i > 0 ? "," : "").append(shape[i]);
            b.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
            first = false;
        }
        b.append('}');
        byte[] json = b.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // 8 + n stays 8-byte aligned
        if (padded > MAX_HEADER_BYTES) {
            throw new SafeTensorsException(HEADER_TOO_LARGE, "header of " + padded + " bytes exceeds the limit of "
                    + MAX_HEADER_BYTES);
        }
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static void encode(FileType type, float[] v, int at, int count, ByteBuffer b) {
        switch (type) {
            case F32 -> {
                b.asFloatBuffer().put(v, at, count);
                b.position(count * 4);
            }
            case F16 -> {
                for (int j = 0; j < count; j++) b.putShort(Float.floatToFloat16(v[at + j]));
            }
            case BF16 -> {
                for (int j = 0; j < count; j++) b.putShort(toBfloat16(v[at + j]));
            }
            default -> throw new IllegalStateException("unreachable: writer dtype " + type);
        }
    }

    /** float32 → bfloat16 bits, rounding to nearest even; NaN stays a (quiet) NaN. */
    static short toBfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x0040);
        int rounded = bits + 0x7FFF + ((bits >>> 16) & 1);
        return (short) (rounded >>> 16);
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) ch.write(buf);
    }

    /** Makes the rename durable where the platform allows opening a directory (Linux, macOS). */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a directory as a channel; the rename itself has already happened
        }
    }
}
