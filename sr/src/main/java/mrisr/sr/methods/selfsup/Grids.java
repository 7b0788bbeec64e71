package mrisr.sr.methods.selfsup;

import java.util.ArrayList;
import java.util.List;
import mrisr.engine.Memory;
import mrisr.engine.Tensor;
import mrisr.sr.InputException;
import mrisr.sr.methods.baseline.Interpolation;
import mrisr.sr.volume.Volume;

/**
 * Row-major 3-D arrays {@code [n0, n1, n2]} (index {@code (i·n1 + j)·n2 + k}): frames of a volume,
 * 2-D planes, crops and B-spline resampling along chosen axes.
 */
final class Grids {
    private Grids() {}

    /** Voxels of {@code shape}, checked against the memory budget. */
    static int size(int[] shape, String what) {
        long n = 1;
        for (int s : shape) n = Math.multiplyExact(n, (long) s);
        Memory.check(n, what);
        return (int) n;
    }

    /**
     * The 3-D frames of {@code v}: one for {@code [nx, ny, nz]}, {@code nt} for a series
     * {@code [nx, ny, nz, nt]}.
     *
     * @throws InputException naming the first voxel that is NaN or infinite
     */
    static List<float[]> frames(Volume v, String method) {
        int[] shape = v.shape();
        float[] all = v.data().toArray();
        for (int i = 0; i < all.length; i++) {
            if (!Float.isFinite(all[i])) {
                throw new InputException(method + ": the input has the value " + all[i] + " at flat voxel index " + i
                        + "; every voxel must be finite (replace NaN and infinities first)");
            }
        }
        if (shape.length == 3) return List.of(all);
        int nt = shape[3], nv = all.length / nt;
        List<float[]> frames = new ArrayList<>();
        for (int t = 0; t < nt; t++) {
            float[] f = new float[nv];
            for (int i = 0; i < nv; i++) f[i] = all[i * nt + t];
            frames.add(f);
        }
        return frames;
    }

    /** The inverse of {@link #frames}: one array of {@code shape3} (+ the frame count for a series). */
    static Tensor assemble(List<float[]> frames, int[] shape3, boolean series) {
        if (!series) return Tensor.fromArray(frames.get(0), shape3);
        int nt = frames.size();
        int[] shape = {shape3[0], shape3[1], shape3[2], nt};
        float[] all = new float[size(shape, "output series")];
        int nv = all.length / nt;
        for (int t = 0; t < nt; t++) {
            float[] f = frames.get(t);
            for (int i = 0; i < nv; i++) all[i * nt + t] = f[i];
        }
        return Tensor.fromArray(all, shape);
    }

    /** Row-major strides of a 3-D shape. */
    static int[] strides(int[] shape) {
        return new int[] {shape[1] * shape[2], shape[2], 1};
    }

    /**
     * The plane at {@code index} along the third axis (the one that is neither {@code hAxis} nor
     * {@code wAxis}), as a row-major {@code [shape[hAxis], shape[wAxis]]} image.
     */
    static float[] plane(float[] volume, int[] shape, int hAxis, int wAxis, int index) {
        int sAxis = 3 - hAxis - wAxis;
        int[] st = strides(shape);
        int h = shape[hAxis], w = shape[wAxis];
        float[] img = new float[h * w];
        int base = index * st[sAxis];
        for (int y = 0; y < h; y++) {
            int row = base + y * st[hAxis];
            for (int x = 0; x < w; x++) img[y * w + x] = volume[row + x * st[wAxis]];
        }
        return img;
    }

    /** Adds {@code image} (laid out as {@link #plane} returns it) into the plane at {@code index} of {@code volume} (modified). */
    static void addPlane(float[] volume, int[] shape, int hAxis, int wAxis, int index, float[] image, int imageOffset) {
        int sAxis = 3 - hAxis - wAxis;
        int[] st = strides(shape);
        int h = shape[hAxis], w = shape[wAxis];
        int base = index * st[sAxis];
        for (int y = 0; y < h; y++) {
            int row = base + y * st[hAxis];
            for (int x = 0; x < w; x++) volume[row + x * st[wAxis]] += image[imageOffset + y * w + x];
        }
    }

    /** The first {@code length} voxels along {@code axis} (a new array of the cropped shape). */
    static float[] crop(float[] volume, int[] shape, int axis, int length) {
        int[] out = shape.clone();
        out[axis] = length;
        float[] c = new float[size(out, "cropped copy")];
        int[] st = strides(shape);
        int outer = 1;
        for (int a = 0; a < axis; a++) outer *= shape[a];
        int block = length * st[axis];
        for (int o = 0; o < outer; o++) System.arraycopy(volume, o * shape[axis] * st[axis], c, o * block, block);
        return c;
    }

    /**
     * Cubic B-spline resampling ({@link Interpolation#bspline()}) by {@code factors} along i, j, k
     * (1 leaves an axis alone); the new shape is written into {@code shape} (modified).
     */
    static float[] bspline(float[] volume, int[] shape, double[] factors) {
        Volume v = Volume.of(Tensor.fromArray(volume, shape.clone()), Volume.diagonalAffine(1, 1, 1));
        Volume up = Interpolation.bspline().resample(v, factors);
        System.arraycopy(up.shape(), 0, shape, 0, 3);
        return up.data().toArray();
    }

    /** {@code factors} with every axis but {@code axis} set to 1. */
    static double[] along(int axis, double factor) {
        double[] f = {1, 1, 1};
        f[axis] = factor;
        return f;
    }

    /** {@code max |v|} over all frames. */
    static double largestMagnitude(List<float[]> frames) {
        double m = 0;
        for (float[] f : frames) for (float v : f) m = Math.max(m, Math.abs(v));
        return m;
    }

    /** Multiplies every value by {@code s} in place. */
    static void scale(float[] values, double s) {
        for (int i = 0; i < values.length; i++) values[i] = (float) (values[i] * s);
    }
}
