package mrisr.nn.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import mrisr.engine.DType;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.BatchNorm2d;
import mrisr.nn.Conv2d;
import mrisr.nn.Module;
import mrisr.nn.ReLU;
import mrisr.nn.Sequential;
import mrisr.nn.StateDictException;
import mrisr.nn.io.SafeTensorsException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsTest {
    @TempDir
    Path dir;

    // ------------------------------------------------------------------ reading the reference implementation's output

    @Test
    @SuppressWarnings("unchecked")
    void readsTheFileWrittenByHuggingFaceSafetensors() throws Exception {
        Path golden = resource("golden.safetensors");
        Map<String, Object> expected;
        try (InputStream in = getClass().getResourceAsStream("golden.json")) {
            expected = (Map<String, Object>) Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        SafeTensors.Contents c = SafeTensors.read(golden);
        assertThat(c.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("format", "pt", "note", "µ \"quoted\""));
        assertThat(c.tensors().keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (var e : expected.entrySet()) {
            Map<String, Object> want = (Map<String, Object>) e.getValue();
            Tensor got = c.tensors().get(e.getKey());
            int[] shape = ((List<Object>) want.get("shape")).stream().mapToInt(v -> ((Number) v).intValue()).toArray();
            assertThat(got.shape()).as(e.getKey()).containsExactly(shape);
            float[] values = got.toArray();
            List<Object> wantValues = (List<Object>) want.get("values");
            for (int i = 0; i < values.length; i++) {
                assertThat(values[i]).as(e.getKey() + "[" + i + "]").isEqualTo(new BigDecimal(wantValues.get(i).toString()).floatValue());
            }
        }
        SafeTensors.Header h = SafeTensors.readHeader(golden);
        assertThat(h.tensors()).extracting(SafeTensors.TensorInfo::dtype).contains("I64", "F32", "BF16", "F16", "BOOL");
    }

    // ------------------------------------------------------------------ writing

    @Test
    void float32RoundTripIsExactAndKeepsOrderAndMetadata() throws IOException {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("z.last", Tensor.randn(new Rng(1), 3, 5, 7));
        t.put("a.first", Tensor.fromArray(new float[] {Float.NaN, Float.POSITIVE_INFINITY, -0f, Float.MIN_VALUE}, 4));
        t.put("scalar", Tensor.scalar(2.5f));
        t.put("empty", Tensor.zeros(0, 4));
        t.put("strided", Tensor.arange(12).reshape(3, 4).transpose(0, 1));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("epoch", "12");
        meta.put("tricky \"key\"\n", "tab\t, µ, 🧠, \u0001");
        Path f = dir.resolve("model.safetensors");
        SafeTensors.write(f, t, meta, DType.FLOAT32);

        SafeTensors.Contents c = SafeTensors.read(f);
        assertThat(c.metadata()).containsExactlyEntriesOf(meta);
        assertThat(c.tensors().keySet()).containsExactly("z.last", "a.first", "scalar", "empty", "strided");
        for (var e : t.entrySet()) {
            Tensor got = c.tensors().get(e.getKey());
            assertThat(got.shape()).containsExactly(e.getValue().shape());
            int[] gotBits = bits(got.toArray()), wantBits = bits(e.getValue().toArray());
            assertThat(gotBits).as(e.getKey()).containsExactly(wantBits);
        }
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat((8 + n) % 8).isZero();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"__metadata__\":{\"epoch\":\"12\"")
                .contains("\"z.last\":{\"dtype\":\"F32\",\"shape\":[3,5,7],\"data_offsets\":[0,420]}");
        assertThat(bytes.length).isEqualTo(8 + n + 4 * (105 + 4 + 1 + 12));
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model.safetensors");
        }
    }

    @Test
    void float16AndBfloat16RoundToNearestEven() throws IOException {
        float one = 1f;
        float[] v = {
            one + 0x1p-8f,              // halfway between bf16 1 and 1+2^-7: ties to even → 1
            one + 0x1p-8f + 0x1p-20f,   // just above halfway → 1+2^-7
            one + 3 * 0x1p-8f,          // halfway between 1+2^-7 and 1+2^-6: ties to even → 1+2^-6
            one + 0x1p-11f,             // halfway between fp16 1 and 1+2^-10 → 1
            65520f,                      // fp16 overflows to +inf; bf16 rounds to 65536
            -3.5f, Float.NaN, 1e-8f};
        Tensor t = Tensor.fromArray(v, v.length);
        Path h = dir.resolve("h.safetensors"), b = dir.resolve("b.safetensors");
        SafeTensors.write(h, Map.of("x", t), Map.of(), DType.FLOAT16);
        SafeTensors.write(b, Map.of("x", t), Map.of(), DType.BFLOAT16);
        float[] half = SafeTensors.read(h).tensors().get("x").toArray();
        float[] bf = SafeTensors.read(b).tensors().get("x").toArray();
        // fp16 has 10 fraction bits: the first three are exact or round to the nearest step of 2^-10
        assertThat(half).containsExactly(1f + 0x1p-8f, 1f + 0x1p-8f, 1f + 3 * 0x1p-8f, 1f, Float.POSITIVE_INFINITY, -3.5f,
                Float.NaN, 0f);
        assertThat(bf[0]).isEqualTo(1f);
        assertThat(bf[1]).isEqualTo(1f + 0x1p-7f);
        assertThat(bf[2]).isEqualTo(1f + 0x1p-6f);
        assertThat(bf[3]).isEqualTo(1f);
        assertThat(bf[4]).isEqualTo(65536f);
        assertThat(bf[5]).isEqualTo(-3.5f);
        assertThat(bf[6]).isNaN();
        assertThat(bf[7]).isCloseTo(1e-8f, org.assertj.core.data.Percentage.withPercentage(0.4));
        assertThat(SafeTensors.readHeader(b).tensors().get(0).dtype()).isEqualTo("BF16");
        assertThat(Files.size(h)).isEqualTo(8 + SafeTensors.readHeader(h).dataOffset() - 8 + 2L * v.length);
    }

    @Test
    void refusedWriteLeavesTheExistingFileAndNoTemporaryFile() throws IOException {
        Path f = dir.resolve("keep.safetensors");
        SafeTensors.write(f, Map.of("w", Tensor.ones(2)));
        byte[] before = Files.readAllBytes(f);
        assertThatThrownBy(() -> SafeTensors.write(f, Map.of("__metadata__", Tensor.ones(2))))
                .isInstanceOf(SafeTensorsException.class)
                .satisfies(e -> assertThat(((SafeTensorsException) e).kind()).isEqualTo(Kind.INVALID_NAME));
        assertThat(Files.readAllBytes(f)).isEqualTo(before);
        assertThatThrownBy(() -> SafeTensors.write(dir.resolve("missing/x.safetensors"), Map.of("w", Tensor.ones(2))))
                .isInstanceOf(IOException.class);
        SafeTensors.write(f, Map.of("w", Tensor.zeros(3)));
        assertThat(SafeTensors.read(f).tensors().get("w").shape()).containsExactly(3);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("keep.safetensors");
        }
    }

    @Test
    void moduleRoundTrip() throws IOException {
        Rng rng = new Rng(40);
        Sequential a = new Sequential(new Conv2d(1, 3, 3, 1, 1, rng), new BatchNorm2d(3), new ReLU());
        a.forward(Tensor.randn(rng, 2, 1, 4, 4)); // moves the running statistics
        Path f = dir.resolve("model.safetensors");
        SafeTensors.save(f, a, Map.of("arch", "tiny"));
        Sequential b = new Sequential(new Conv2d(1, 3, 3, 1, 1, new Rng(41)), new BatchNorm2d(3), new ReLU());
        Module.LoadResult r = SafeTensors.load(f, b, true);
        assertThat(r.missingKeys()).isEmpty();
        a.eval();
        b.eval();
        Tensor x = Tensor.randn(rng, 1, 1, 4, 4);
        assertThat(b.forward(x).toArray()).containsExactly(a.forward(x).toArray());
        assertThat(SafeTensors.readHeader(f).metadata()).containsEntry("arch", "tiny");
        assertThatThrownBy(() -> SafeTensors.load(f, new Sequential(new Conv2d(1, 4, 3, 1, 1, rng)), false))
                .isInstanceOf(StateDictException.class).hasMessageContaining("size mismatch for 0.weight");
    }

    // ------------------------------------------------------------------ malformed files, one rule each

    @Test
    void fileShorterThanTheLengthFieldIsTruncated() throws IOException {
        Path f = dir.resolve("short");
        Files.write(f, new byte[] {2, 0, 0});
        expect(f, Kind.TRUNCATED, "shorter than the 8-byte header length");
    }

    @Test
    void oneGigabyteHeaderClaimIsRefusedWithoutAllocating() throws IOException {
        Path f = dir.resolve("huge");
        Files.write(f, bytes(1L << 30, "{}".getBytes(StandardCharsets.UTF_8), 0));
        long allocated = allocatedBytesDuring(() -> expect(f, Kind.HEADER_TOO_LARGE, "1073741824 exceeds the limit"));
        assertThat(allocated).isLessThan(1 << 20);
        Path g = dir.resolve("u64");
        Files.write(g, bytes(-1L, "{}".getBytes(StandardCharsets.UTF_8), 0));
        expect(g, Kind.HEADER_TOO_LARGE, "18446744073709551615");
    }

    @Test
    void headerClaimBeyondTheFileIsRefusedWithoutAllocating() throws IOException {
        Path f = dir.resolve("beyond");
        Files.write(f, bytes(99_000_000L, "{}".getBytes(StandardCharsets.UTF_8), 0));
        long allocated = allocatedBytesDuring(() -> expect(f, Kind.HEADER_BEYOND_FILE, "header length 99000000 exceeds the 2 bytes"));
        assertThat(allocated).isLessThan(1 << 20);
    }

    @Test
    void invalidJsonSyntax() throws IOException {
        String[] bad = {
            "", "{", "{\"a\":1,}", "{'a':1}", "{\"a\":01}", "{\"a\":[1,]}", "{\"a\":\"x\ty\"}", "{\"a\":\"\\x\"}",
            "{\"a\":\"\\ud800\"}", "{\"a\":1} x", "{\"a\" 1}", "{\"a\":tru}", "{\"a\":-}", "{\"a\":1.}", "{\"a\":1e}",
            "[".repeat(100) + "]".repeat(100), "{\"a\":NaN}", "{\"a\":\"unterminated}"};
        for (String s : bad) expect(write(s, 0), Kind.INVALID_JSON, "header JSON");
        Path utf = dir.resolve("utf8");
        Files.write(utf, bytes(4, new byte[] {'{', '"', (byte) 0xC3, '}'}, 0));
        expect(utf, Kind.INVALID_JSON, "not valid UTF-8");
    }

    @Test
    void wellFormedJsonThatIsNotAHeader() throws IOException {
        String[] bad = {
            "[]",
            "{\"w\":[]}",
            "{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}",
            "{\"w\":{\"dtype\":\"F32\",\"shape\":1,\"data_offsets\":[0,4]}}",
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}",
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}}",
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4e0]}}",
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":1}}",
            "{\"__metadata__\":{\"k\":1}}",
            "{\"__metadata__\":[]}"};
        for (String s : bad) expect(write(s, 4), Kind.INVALID_HEADER, "");
    }

    @Test
    void duplicateKeys() throws IOException {
        expect(write("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), Kind.DUPLICATE_KEY, "duplicate key \"w\"");
        expect(write("{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4),
                Kind.DUPLICATE_KEY, "duplicate key \"dtype\"");
    }

    @Test
    void unknownDtype() throws IOException {
        expect(write("{\"w\":{\"dtype\":\"F33\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), Kind.UNKNOWN_DTYPE, "'F33'");
        expect(write("{\"w\":{\"dtype\":\"f32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4), Kind.UNKNOWN_DTYPE, "'f32'");
    }

    @Test
    void fp8IsRecognisedButNotConverted() throws IOException {
        Path f = write("{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[4],\"data_offsets\":[0,4]}}", 4);
        assertThat(SafeTensors.readHeader(f).tensors()).hasSize(1);
        expect(f, Kind.UNSUPPORTED_DTYPE, "F8_E4M3");
    }

    @Test
    void shapeDisagreeingWithTheByteRange() throws IOException {
        expect(write("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", 20), Kind.SHAPE_MISMATCH,
                "= 24 bytes, but data_offsets [0, 20] hold 20");
        expect(write("{\"w\":{\"dtype\":\"F64\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,8]}}", 8),
                Kind.SHAPE_MISMATCH, "overflows");
        expect(write("{\"w\":{\"dtype\":\"F32\",\"shape\":[0,4294967296],\"data_offsets\":[0,0]}}", 0),
                Kind.SHAPE_MISMATCH, "exceeds 2^31-1");
    }

    @Test
    void offsetsOutOfBounds() throws IOException {
        expect(write("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 4), Kind.OFFSET_OUT_OF_BOUNDS,
                "run past the data region of 4 bytes");
        expect(write("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,4]}}", 8), Kind.OFFSET_OUT_OF_BOUNDS,
                "end before they begin");
        expect(write("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999]}}", 4),
                Kind.OFFSET_OUT_OF_BOUNDS, "too large");
    }

    @Test
    void overlappingTensors() throws IOException {
        expect(write("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), Kind.OVERLAPPING_DATA,
                "tensor 'b' [4, 12) overlaps tensor 'a' [0, 8)");
        expect(write("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8), Kind.OVERLAPPING_DATA, "overlaps");
    }

    @Test
    void holesAndTrailingBytes() throws IOException {
        expect(write("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12), Kind.HOLE_IN_DATA,
                "bytes [4, 8) of the data region belong to no tensor");
        expect(write("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), Kind.HOLE_IN_DATA, "[0, 4)");
        expect(write("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 6), Kind.HOLE_IN_DATA,
                "bytes [4, 6) at the end");
    }

    @Test
    void validHandWrittenFileWithPaddingAndOutOfOrderRanges() throws IOException {
        Path f = write("{\"b\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[4,8]},"
                + "\"a\":{\"dtype\":\"I32\",\"shape\":[],\"data_offsets\":[0,4]}}   ", 8);
        byte[] all = Files.readAllBytes(f);
        ByteBuffer data = ByteBuffer.wrap(all, all.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN);
        data.putInt(-7).putShort(Float.floatToFloat16(0.5f)).putShort(Float.floatToFloat16(-2f));
        Files.write(f, all);
        SafeTensors.Contents c = SafeTensors.read(f);
        assertThat(c.tensors().keySet()).containsExactly("b", "a");
        assertThat(c.tensors().get("a").item()).isEqualTo(-7f);
        assertThat(c.tensors().get("b").toArray()).containsExactly(0.5f, -2f);
    }

    // ------------------------------------------------------------------ helpers

    private Path resource(String name) throws IOException {
        Path p = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream(name)) {
            Files.write(p, in.readAllBytes());
        }
        return p;
    }

    private int counter;

    private Path write(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path f = dir.resolve("case" + counter++ + ".safetensors");
        Files.write(f, bytes(h.length, h, dataBytes));
        return f;
    }

    private static byte[] bytes(long claimedLength, byte[] header, int dataBytes) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(claimedLength).put(header);
        return b.array();
    }

    private static void expect(Path f, Kind kind, String messagePart) {
        assertThatThrownBy(() -> SafeTensors.read(f))
                .as(f.getFileName().toString())
                .isInstanceOf(SafeTensorsException.class)
                .hasMessageContaining(messagePart)
                .satisfies(e -> assertThat(((SafeTensorsException) e).kind()).as(e.getMessage()).isEqualTo(kind));
    }

    private static long allocatedBytesDuring(Runnable r) {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().threadId();
        long before = bean.getThreadAllocatedBytes(id);
        r.run();
        return bean.getThreadAllocatedBytes(id) - before;
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Float.floatToRawIntBits(v[i]);
        return b;
    }
}
