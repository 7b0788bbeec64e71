package mrisr.sr.io;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Encodes 8-bit RGB images as PNG (filter type 0 per row, zlib-compressed IDAT), with no dependency on
 * AWT so that it works on headless machines without a font or display stack.
 */
public final class PngWriter {
    private PngWriter() {}

    /**
     * PNG bytes of an RGB image.
     *
     * @param rgb    {@code width·height·3} bytes, row-major, top row first (not modified)
     */
    public static byte[] encodeRgb(byte[] rgb, int width, int height) {
        if (width < 1 || height < 1 || rgb.length != Math.multiplyExact(Math.multiplyExact(width, height), 3)) {
            throw new IllegalArgumentException("png: " + rgb.length + " bytes for a " + width + "x" + height + " RGB image");
        }
        try {
            ByteArrayOutputStream file = new ByteArrayOutputStream();
            file.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
            DataOutputStream h = new DataOutputStream(ihdr);
            h.writeInt(width);
            h.writeInt(height);
            h.writeByte(8); // bit depth
            h.writeByte(2); // colour type: truecolour
            h.writeByte(0); // compression
            h.writeByte(0); // filter method
            h.writeByte(0); // no interlace
            chunk(file, "IHDR", ihdr.toByteArray());

            ByteArrayOutputStream idat = new ByteArrayOutputStream();
            Deflater deflater = new Deflater(6);
            try (DeflaterOutputStream z = new DeflaterOutputStream(idat, deflater)) {
                int stride = width * 3;
                for (int y = 0; y < height; y++) {
                    z.write(0);
                    z.write(rgb, y * stride, stride);
                }
            } finally {
                deflater.end();
            }
            chunk(file, "IDAT", idat.toByteArray());
            chunk(file, "IEND", new byte[0]);
            return file.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException("png: in-memory encoding failed", e);
        }
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        d.writeInt(data.length);
        d.write(t);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }
}
