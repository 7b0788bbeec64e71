package mrisr.sr.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;

class FigureTest {
    /** Decodes our PNG independently: checks signature, chunk CRCs, and returns the raw RGB rows. */
    static int[][] decode(byte[] png) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(png));
        byte[] sig = in.readNBytes(8);
        assertThat(sig).containsExactly(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
        int w = 0, h = 0;
        java.io.ByteArrayOutputStream idat = new java.io.ByteArrayOutputStream();
        while (true) {
            int len = in.readInt();
            byte[] type = in.readNBytes(4);
            byte[] data = in.readNBytes(len);
            int crc = in.readInt();
            CRC32 c = new CRC32();
            c.update(type);
            c.update(data);
            assertThat(crc).isEqualTo((int) c.getValue());
            String t = new String(type, java.nio.charset.StandardCharsets.US_ASCII);
            if (t.equals("IHDR")) {
                DataInputStream d = new DataInputStream(new ByteArrayInputStream(data));
                w = d.readInt();
                h = d.readInt();
                assertThat(d.readByte()).isEqualTo((byte) 8);
                assertThat(d.readByte()).isEqualTo((byte) 2);
            } else if (t.equals("IDAT")) {
                idat.write(data);
            } else if (t.equals("IEND")) {
                break;
            }
        }
        byte[] raw = new InflaterInputStream(new ByteArrayInputStream(idat.toByteArray())).readAllBytes();
        assertThat(raw.length).isEqualTo(h * (1 + 3 * w));
        int[][] gray = new int[h][w];
        for (int y = 0; y < h; y++) {
            assertThat(raw[y * (1 + 3 * w)]).as("filter byte").isZero();
            for (int x = 0; x < w; x++) gray[y][x] = raw[y * (1 + 3 * w) + 1 + 3 * x] & 0xff;
        }
        return gray;
    }

    @Test
    void rendersPanelsWithTheirWindowAndLabels() throws IOException {
        Figure f = new Figure("T", List.of("A"), 1);
        float[] ramp = {0f, 0.5f, 1f, 2f}; // 2x2, window [0,1] clamps 2 to white
        f.addRow("R", List.of(Figure.Panel.gray(ramp, 2, 2, 0, 1)));
        int[][] img = decode(f.toPng());
        // find the panel: the only 2x2 block whose pixels are 0,128,255,255 in row-major order
        boolean found = false;
        for (int y = 0; y + 1 < img.length && !found; y++) {
            for (int x = 0; x + 1 < img[0].length; x++) {
                if (img[y][x] == 0 && img[y][x + 1] == 128 && img[y + 1][x] == 255 && img[y + 1][x + 1] == 255) {
                    found = true;
                    break;
                }
            }
        }
        assertThat(found).as("panel pixels windowed to 0,128,255,255").isTrue();
        // the title glyph 'T' draws a bright horizontal bar at the top-left
        int bright = 0;
        for (int x = 0; x < 20; x++) if (img[4][x] == 235) bright++;
        assertThat(bright).isGreaterThanOrEqualTo(8);
    }

    @Test
    void rowWithWrongPanelCountIsRejected() {
        Figure f = new Figure("T", List.of("A", "B"), 1);
        assertThatThrownBy(() -> f.addRow("R", List.of(Figure.Panel.gray(new float[1], 1, 1, 0, 1))))
                .hasMessageContaining("1 panels for 2 columns");
    }
}
