package mrisr.sr.io;

import java.util.HashMap;
import java.util.Map;

/**
 * A 5×7 pixel bitmap font (upper-case letters, digits, × and common punctuation; lower case is drawn as
 * upper case). Figures are labelled with it so that rendering needs no system fonts, which headless
 * servers and scanner consoles often lack.
 */
final class BitmapFont {
    static final int WIDTH = 5, HEIGHT = 7;
    private static final Map<Character, Long> GLYPHS = new HashMap<>();

    private BitmapFont() {}

    private static void put(char c, long bits) {
        GLYPHS.put(c, bits);
    }

    static {
        put('A', 0x3A31FC631L);
        put('B', 0x7A31F463EL);
        put('C', 0x3A308422EL);
        put('D', 0x7A318C63EL);
        put('E', 0x7E10F421FL);
        put('F', 0x7E10F4210L);
        put('G', 0x3A30BC62FL);
        put('H', 0x4631FC631L);
        put('I', 0x38842108EL);
        put('J', 0x1C4210A4CL);
        put('K', 0x4654C5251L);
        put('L', 0x42108421FL);
        put('M', 0x4775AC631L);
        put('N', 0x4639ACE31L);
        put('O', 0x3A318C62EL);
        put('P', 0x7A31F4210L);
        put('Q', 0x3A318D64DL);
        put('R', 0x7A31F5251L);
        put('S', 0x3E107043EL);
        put('T', 0x7C8421084L);
        put('U', 0x46318C62EL);
        put('V', 0x46318C544L);
        put('W', 0x4631AD6AAL);
        put('X', 0x462A22A31L);
        put('Y', 0x462A21084L);
        put('Z', 0x7C222221FL);
        put('0', 0x3A33AE62EL);
        put('1', 0x11842108EL);
        put('2', 0x3A211111FL);
        put('3', 0x7C441062EL);
        put('4', 0x08CA97C42L);
        put('5', 0x7E1E0862EL);
        put('6', 0x1910F462EL);
        put('7', 0x7C2222108L);
        put('8', 0x3A317462EL);
        put('9', 0x3A317844CL);
        put(' ', 0x000000000L);
        put('-', 0x0000F8000L);
        put('+', 0x0084F9080L);
        put('.', 0x00000018CL);
        put(',', 0x000003088L);
        put(':', 0x018C03180L);
        put('(', 0x088842082L);
        put(')', 0x208210888L);
        put('/', 0x002222200L);
        put('%', 0x632222263L);
        put('_', 0x00000001FL);
        put('=', 0x001F07C00L);
        put('|', 0x108421084L);
        put('×', 0x001151151L);

    }

    /** Whether pixel (x, y) of the glyph for {@code c} is set; unknown characters draw blank. */
    static boolean pixel(char c, int x, int y) {
        Long bits = GLYPHS.get(Character.toUpperCase(c));
        if (bits == null) return false;
        int bit = (HEIGHT - 1 - y) * WIDTH + (WIDTH - 1 - x);
        return ((bits >>> bit) & 1L) != 0;
    }

    /** Width in pixels of {@code text} at {@code scale}, with one blank column between glyphs. */
    static int textWidth(String text, int scale) {
        return text.isEmpty() ? 0 : (text.length() * (WIDTH + 1) - 1) * scale;
    }
}
