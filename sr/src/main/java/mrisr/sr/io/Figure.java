package mrisr.sr.io;

import java.util.ArrayList;
import java.util.List;

/**
 * A labelled grid of image panels rendered to PNG: a title, one header per column, one label per row.
 * Each panel is a 2-D slice with its own display window; callers pass the same window to panels that
 * must be compared (all intensity images share one, all error maps another).
 *
 * <pre>{@code
 * Figure f = new Figure("4x through-plane", List.of("axial", "coronal", "sagittal"), 2);
 * f.addRow("HR", List.of(Figure.Panel.gray(axial, w, h, lo, hi), ...));
 * Files.write(path, f.toPng());
 * }</pre>
 */
public final class Figure {
    /** How values map to colours. */
    public enum Colormap {
        /** Black to white. */
        GRAY,
        /** Black, red, yellow, white: for error magnitudes. */
        HOT
    }

    /**
     * One image: {@code values[y·width + x]}, top row first, displayed with {@code lo} as black and
     * {@code hi} as white (or the top of the colour map).
     */
    public record Panel(float[] values, int width, int height, double lo, double hi, Colormap colormap) {
        public Panel {
            if (values.length != width * height) {
                throw new IllegalArgumentException("figure panel: " + values.length + " values for " + width + "x" + height);
            }
        }

        public static Panel gray(float[] values, int width, int height, double lo, double hi) {
            return new Panel(values, width, height, lo, hi, Colormap.GRAY);
        }

        public static Panel hot(float[] values, int width, int height, double lo, double hi) {
            return new Panel(values, width, height, lo, hi, Colormap.HOT);
        }
    }

    private static final int GAP = 4, FONT_SCALE = 2;
    private final String title;
    private final List<String> columns;
    private final int scale;
    private final List<String> rowLabels = new ArrayList<>();
    private final List<List<Panel>> rows = new ArrayList<>();

    /**
     * @param scale integer zoom applied to every panel (nearest neighbour)
     */
    public Figure(String title, List<String> columnTitles, int scale) {
        if (scale < 1) throw new IllegalArgumentException("figure: scale must be >= 1");
        this.title = title;
        this.columns = List.copyOf(columnTitles);
        this.scale = scale;
    }

    /** Appends a row; it must have one panel per column. */
    public void addRow(String label, List<Panel> panels) {
        if (panels.size() != columns.size()) {
            throw new IllegalArgumentException("figure: row '" + label + "' has " + panels.size() + " panels for "
                    + columns.size() + " columns");
        }
        rowLabels.add(label);
        rows.add(List.copyOf(panels));
    }

    /** Renders the grid as PNG bytes. */
    public byte[] toPng() {
        int glyphH = BitmapFont.HEIGHT * FONT_SCALE;
        int labelW = 0;
        for (String l : rowLabels) labelW = Math.max(labelW, BitmapFont.textWidth(l, FONT_SCALE));
        labelW += 2 * GAP;
        int[] colW = new int[columns.size()];
        for (int c = 0; c < columns.size(); c++) {
            colW[c] = BitmapFont.textWidth(columns.get(c), FONT_SCALE);
            for (List<Panel> r : rows) colW[c] = Math.max(colW[c], r.get(c).width() * scale);
        }
        int[] rowH = new int[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
            rowH[r] = glyphH;
            for (Panel p : rows.get(r)) rowH[r] = Math.max(rowH[r], p.height() * scale);
        }
        int width = labelW + GAP;
        for (int w : colW) width += w + GAP;
        width = Math.max(width, BitmapFont.textWidth(title, FONT_SCALE) + 2 * GAP);
        int top = GAP + glyphH + 2 * GAP + glyphH + GAP;
        int height = top;
        for (int h : rowH) height += h + GAP;

        byte[] rgb = new byte[width * height * 3];
        java.util.Arrays.fill(rgb, (byte) 24); // dark grey background
        drawText(rgb, width, title, GAP, GAP);
        int x = labelW + GAP;
        for (int c = 0; c < columns.size(); c++) {
            int tx = x + (colW[c] - BitmapFont.textWidth(columns.get(c), FONT_SCALE)) / 2;
            drawText(rgb, width, columns.get(c), tx, GAP + glyphH + 2 * GAP);
            x += colW[c] + GAP;
        }
        int y = top;
        for (int r = 0; r < rows.size(); r++) {
            drawText(rgb, width, rowLabels.get(r), GAP, y + (rowH[r] - glyphH) / 2);
            x = labelW + GAP;
            for (int c = 0; c < columns.size(); c++) {
                Panel p = rows.get(r).get(c);
                int ox = x + (colW[c] - p.width() * scale) / 2, oy = y + (rowH[r] - p.height() * scale) / 2;
                drawPanel(rgb, width, p, ox, oy);
                x += colW[c] + GAP;
            }
            y += rowH[r] + GAP;
        }
        return PngWriter.encodeRgb(rgb, width, height);
    }

    private void drawPanel(byte[] rgb, int width, Panel p, int ox, int oy) {
        double span = p.hi() - p.lo();
        for (int py = 0; py < p.height(); py++) {
            for (int px = 0; px < p.width(); px++) {
                float v = p.values()[py * p.width() + px];
                double t = span > 0 ? (v - p.lo()) / span : 0;
                if (!(t >= 0)) t = 0; // NaN and below-window values
                if (t > 1) t = 1;
                int[] c = colour(p.colormap(), t);
                for (int sy = 0; sy < scale; sy++) {
                    int row = oy + py * scale + sy;
                    for (int sx = 0; sx < scale; sx++) {
                        int o = (row * width + ox + px * scale + sx) * 3;
                        rgb[o] = (byte) c[0];
                        rgb[o + 1] = (byte) c[1];
                        rgb[o + 2] = (byte) c[2];
                    }
                }
            }
        }
    }

    private static int[] colour(Colormap map, double t) {
        if (map == Colormap.GRAY) {
            int g = (int) Math.round(t * 255);
            return new int[] {g, g, g};
        }
        int r = (int) Math.round(255 * Math.min(1, 3 * t));
        int g = (int) Math.round(255 * Math.min(1, Math.max(0, 3 * t - 1)));
        int b = (int) Math.round(255 * Math.min(1, Math.max(0, 3 * t - 2)));
        return new int[] {r, g, b};
    }

    private static void drawText(byte[] rgb, int width, String text, int x0, int y0) {
        int height = rgb.length / 3 / width;
        for (int i = 0; i < text.length(); i++) {
            int gx = x0 + i * (BitmapFont.WIDTH + 1) * FONT_SCALE;
            for (int y = 0; y < BitmapFont.HEIGHT; y++) {
                for (int x = 0; x < BitmapFont.WIDTH; x++) {
                    if (!BitmapFont.pixel(text.charAt(i), x, y)) continue;
                    for (int sy = 0; sy < FONT_SCALE; sy++) {
                        for (int sx = 0; sx < FONT_SCALE; sx++) {
                            int px = gx + x * FONT_SCALE + sx, py = y0 + y * FONT_SCALE + sy;
                            if (px < 0 || px >= width || py < 0 || py >= height) continue;
                            int o = (py * width + px) * 3;
                            rgb[o] = rgb[o + 1] = rgb[o + 2] = (byte) 235;
                        }
                    }
                }
            }
        }
    }
}
