package mrisr.sr.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Properties;

/**
 * The golden files written by {@code sr/src/test/python/make_metric_fixtures.py} (scikit-image,
 * SciPy, NumPy): raw little-endian arrays in row-major order and {@code expected.properties}.
 */
final class Fixtures {
    private static Properties expected;

    private Fixtures() {}

    static byte[] bytes(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/metrics/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource metrics/" + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static float[] f32(String name) {
        ByteBuffer b = ByteBuffer.wrap(bytes(name)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    static double[] f64(String name) {
        ByteBuffer b = ByteBuffer.wrap(bytes(name)).order(ByteOrder.LITTLE_ENDIAN);
        double[] out = new double[b.remaining() / 8];
        b.asDoubleBuffer().get(out);
        return out;
    }

    /** 8-bit codes as the float32 image {@code u / 255}, as the script computes it. */
    static float[] u8Image(String name) {
        byte[] b = bytes(name);
        float[] out = new float[b.length];
        for (int i = 0; i < b.length; i++) out[i] = (b[i] & 0xff) / 255f;
        return out;
    }

    static boolean[] mask(String name) {
        byte[] b = bytes(name);
        boolean[] out = new boolean[b.length];
        for (int i = 0; i < b.length; i++) out[i] = b[i] != 0;
        return out;
    }

    static synchronized double expected(String key) {
        if (expected == null) {
            Properties p = new Properties();
            try (InputStream in = Fixtures.class.getResourceAsStream("/metrics/expected.properties")) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            expected = p;
        }
        String v = expected.getProperty(key);
        if (v == null) throw new IllegalStateException("no expected value " + key);
        return Double.parseDouble(v);
    }
}
