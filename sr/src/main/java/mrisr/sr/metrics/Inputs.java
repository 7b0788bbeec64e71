package mrisr.sr.metrics;

import java.util.Arrays;
import mrisr.engine.Memory;
import mrisr.kernels.Parallel;
import mrisr.sr.volume.Volume;

/** Validation and conversion shared by the metrics: shapes, finiteness, masks, data range. */
final class Inputs {
    /** Values per chunk of the parallel scans: fixed, so results do not depend on the thread count. */
    private static final int GRAIN = 1 << 16;

    private Inputs() {}

    /**
     * Checks a reference/test pair on a grid and returns a copy of the shape.
     *
     * @param mask may be {@code null} (every voxel counts); otherwise must select at least one voxel
     */
    static int[] checkPair(float[] ref, float[] test, int[] shape, boolean[] mask) {
        int[] s = checkShape(shape);
        int n = SeparableFilter.numel(s);
        checkLength(ref, n, s, "reference");
        checkLength(test, n, s, "test");
        checkFinite(ref, s, "reference");
        checkFinite(test, s, "test");
        if (mask != null) checkMask(mask, n, s);
        return s;
    }

    static int[] checkShape(int[] shape) {
        if (shape == null || shape.length == 0) throw new MetricException("image shape must have at least one axis");
        for (int a = 0; a < shape.length; a++) {
            if (shape[a] < 1) throw new MetricException("image shape " + Arrays.toString(shape) + ": axis " + a + " has size " + shape[a] + ", must be >= 1");
        }
        int[] s = shape.clone();
        long n = 1;
        for (int v : s) n = Math.multiplyExact(n, (long) v);
        if (n > Integer.MAX_VALUE - 16) throw new MetricException("image shape " + Arrays.toString(shape) + " has " + n + " voxels, more than one array can hold");
        return s;
    }

    private static void checkLength(float[] a, int n, int[] shape, String name) {
        if (a == null) throw new MetricException(name + " image is missing");
        if (a.length != n) throw new MetricException(name + " image has " + a.length + " values, shape " + Arrays.toString(shape) + " needs " + n);
    }

    static void checkMask(boolean[] mask, int n, int[] shape) {
        if (mask.length != n) throw new MetricException("mask has " + mask.length + " values, shape " + Arrays.toString(shape) + " needs " + n);
        for (boolean b : mask) if (b) return;
        throw new MetricException("mask selects no voxel");
    }

    /** Rejects NaN and ±∞, naming the first offending voxel by its grid index. */
    static void checkFinite(float[] a, int[] shape, String name) {
        int chunks = (a.length + GRAIN - 1) / GRAIN;
        int[] firstBad = new int[chunks];
        Parallel.forRange(chunks, 1, (lo, hi) -> {
            for (int c = lo; c < hi; c++) {
                firstBad[c] = -1;
                for (int i = c * GRAIN, end = Math.min(a.length, i + GRAIN); i < end; i++) {
                    if (!Float.isFinite(a[i])) {
                        firstBad[c] = i;
                        break;
                    }
                }
            }
        });
        for (int i : firstBad) {
            if (i >= 0) throw new MetricException(name + " image has " + a[i] + " at voxel " + Arrays.toString(unravel(i, shape)) + ", values must be finite");
        }
    }

    static int[] unravel(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int a = shape.length - 1; a >= 0; a--) {
            idx[a] = flat % shape[a];
            flat /= shape[a];
        }
        return idx;
    }

    /** The shape without its length-1 axes (at least one axis kept): a single slice is a 2-D image. */
    static int[] squeeze(int[] shape) {
        int[] out = Arrays.stream(shape).filter(v -> v != 1).toArray();
        return out.length == 0 ? new int[] {1} : out;
    }

    /** {@code max − min} of the reference: the default data range. */
    static double dataRange(float[] ref) {
        int chunks = (ref.length + GRAIN - 1) / GRAIN;
        float[] lo = new float[chunks], hi = new float[chunks];
        Parallel.forRange(chunks, 1, (c0, c1) -> {
            for (int c = c0; c < c1; c++) {
                float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
                for (int i = c * GRAIN, end = Math.min(ref.length, i + GRAIN); i < end; i++) {
                    min = Math.min(min, ref[i]);
                    max = Math.max(max, ref[i]);
                }
                lo[c] = min;
                hi[c] = max;
            }
        });
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < chunks; c++) {
            min = Math.min(min, lo[c]);
            max = Math.max(max, hi[c]);
        }
        return max - min;
    }

    static void checkDataRange(double r) {
        if (!(r > 0) || !Double.isFinite(r)) throw new MetricException("data range must be finite and > 0, got " + r);
    }

    /** A checked, explicit range, or the reference's {@code max − min}. */
    static double rangeOrDefault(double explicit, float[] ref) {
        double r = Double.isNaN(explicit) ? dataRange(ref) : explicit;
        if (Double.isNaN(explicit) && !(r > 0)) {
            throw new MetricException("the reference is constant (max − min = 0): give the data range explicitly");
        }
        checkDataRange(r);
        return r;
    }

    /** The voxel values of a 3-D volume, row-major {@code [i, j, k]}. */
    static float[] values(Volume v, String name) {
        if (v == null) throw new MetricException(name + " volume is missing");
        if (v.shape().length != 3) throw new MetricException(name + " volume has shape " + Arrays.toString(v.shape()) + ", metrics need a 3-D volume");
        return v.data().toArray();
    }

    /** A validated reference/test pair (and optional mask) taken from volumes. */
    record Pair(float[] ref, float[] test, int[] shape, boolean[] mask) {}

    /** Checks the volumes (3-D, same shape, finite, mask selecting something) and extracts their values. */
    static Pair pair(Volume ref, Volume test, Volume mask) {
        float[] r = values(ref, "reference");
        float[] t = values(test, "test");
        sameShape(ref, test, "test");
        boolean[] m = mask(mask, ref);
        int[] shape = checkPair(r, t, ref.shape(), m);
        return new Pair(r, t, shape, m);
    }

    /** Checks that two volumes share a grid size. */
    static void sameShape(Volume ref, Volume other, String otherName) {
        if (!Arrays.equals(ref.shape(), other.shape())) {
            throw new MetricException("reference shape " + Arrays.toString(ref.shape()) + " and " + otherName + " shape "
                    + Arrays.toString(other.shape()) + " differ");
        }
    }

    /** Voxels of {@code mask} that are {@code > 0}; {@code null} for no mask. */
    static boolean[] mask(Volume mask, Volume ref) {
        if (mask == null) return null;
        sameShape(ref, mask, "mask");
        float[] m = values(mask, "mask");
        checkFinite(m, mask.shape(), "mask");
        boolean[] b = new boolean[m.length];
        for (int i = 0; i < m.length; i++) b[i] = m[i] > 0;
        checkMask(b, b.length, mask.shape());
        return b;
    }

    /** Budget check for {@code arrays} work arrays of doubles of {@code n} values each. */
    static void checkMemory(int arrays, int n, String what) {
        Memory.check(Math.multiplyExact(2L * arrays, (long) n), what);
    }
}
