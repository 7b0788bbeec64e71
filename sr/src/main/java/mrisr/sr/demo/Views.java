package mrisr.sr.demo;

import mrisr.sr.io.Figure;

/**
 * Orthogonal slices through the centre of a volume, oriented for display: axial (i across, j up),
 * coronal (i across, k up) and sagittal (j across, k up), with the top row of each panel at the
 * highest index of the vertical axis — anterior and superior up for a RAS volume.
 */
final class Views {
    private Views() {}

    enum Plane {
        AXIAL("axial"),
        CORONAL("coronal"),
        SAGITTAL("sagittal");

        final String label;

        Plane(String label) {
            this.label = label;
        }
    }

    /** The slice of {@code data} ({@code [nx, ny, nz]} row-major) through the centre in {@code plane}. */
    static Figure.Panel slice(float[] data, int[] shape, Plane plane, double lo, double hi, Figure.Colormap map) {
        int nx = shape[0], ny = shape[1], nz = shape[2];
        int w, h;
        float[] out;
        switch (plane) {
            case AXIAL -> {
                w = nx;
                h = ny;
                out = new float[w * h];
                int k = nz / 2;
                for (int y = 0; y < h; y++) {
                    int j = ny - 1 - y;
                    for (int i = 0; i < w; i++) out[y * w + i] = data[(i * ny + j) * nz + k];
                }
            }
            case CORONAL -> {
                w = nx;
                h = nz;
                out = new float[w * h];
                int j = ny / 2;
                for (int y = 0; y < h; y++) {
                    int k = nz - 1 - y;
                    for (int i = 0; i < w; i++) out[y * w + i] = data[(i * ny + j) * nz + k];
                }
            }
            default -> {
                w = ny;
                h = nz;
                out = new float[w * h];
                int i = nx / 2;
                for (int y = 0; y < h; y++) {
                    int k = nz - 1 - y;
                    for (int j = 0; j < w; j++) out[y * w + j] = data[(i * ny + j) * nz + k];
                }
            }
        }
        return new Figure.Panel(out, w, h, lo, hi, map);
    }

    /** {@code |a − b|} elementwise. */
    static float[] absDiff(float[] a, float[] b) {
        float[] d = new float[a.length];
        for (int i = 0; i < a.length; i++) d[i] = Math.abs(a[i] - b[i]);
        return d;
    }

    /** The value below which a fraction {@code q} of the voxels lie (from a 4096-bin histogram). */
    static double quantile(float[] v, double q) {
        float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
        for (float x : v) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        if (!(max > min)) return min;
        int bins = 4096;
        long[] hist = new long[bins];
        double scale = (bins - 1) / (double) (max - min);
        for (float x : v) hist[(int) ((x - min) * scale)]++;
        long target = (long) Math.ceil(q * v.length), seen = 0;
        for (int b = 0; b < bins; b++) {
            seen += hist[b];
            if (seen >= target) return min + (b + 1) / scale;
        }
        return max;
    }
}
