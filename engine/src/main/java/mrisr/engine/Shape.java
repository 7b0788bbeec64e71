package mrisr.engine;

import java.util.Arrays;

/** Shape arithmetic: element counts, strides, broadcasting, dimension normalisation. */
public final class Shape {
    private Shape() {}

    /** Number of elements; fails on overflow past {@code int}. */
    public static int numel(int[] shape) {
        long n = numelLong(shape);
        if (n > Integer.MAX_VALUE) throw new MemoryBudgetException("shape " + format(shape) + " has " + n + " elements, over 2^31-1");
        return (int) n;
    }

    /** Number of elements as a long; negative dimensions are rejected. */
    public static long numelLong(int[] shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) throw new ShapeException("shape", "negative dimension in " + format(shape));
            try {
                n = Math.multiplyExact(n, (long) s);
            } catch (ArithmeticException e) {
                throw new MemoryBudgetException("shape " + format(shape) + " overflows a 64-bit element count");
            }
        }
        return n;
    }

    /** Row-major strides for {@code shape}. */
    public static int[] contiguousStrides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            st[d] = s;
            s *= Math.max(shape[d], 1);
        }
        return st;
    }

    /** {@code [1,2,8]}. */
    public static String format(int[] shape) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) b.append(',');
            b.append(shape[i]);
        }
        return b.append(']').toString();
    }

    /** The NumPy/PyTorch broadcast of two shapes. */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i < n - a.length ? 1 : a[i - (n - a.length)];
            int db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new ShapeException(op, "shapes " + format(a) + " and " + format(b) + " cannot be broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Maps a possibly negative dimension index into {@code [0, ndim)}. */
    public static int dim(String op, int dim, int ndim) {
        int d = dim < 0 ? dim + ndim : dim;
        if (d < 0 || d >= ndim) {
            throw new ShapeException(op, "dimension " + dim + " out of range for a " + ndim + "-d tensor");
        }
        return d;
    }

    /** Normalised, sorted, duplicate-free dimensions; an empty array means all dimensions. */
    public static int[] dims(String op, int[] dims, int ndim) {
        if (dims.length == 0) {
            int[] all = new int[ndim];
            for (int i = 0; i < ndim; i++) all[i] = i;
            return all;
        }
        int[] d = new int[dims.length];
        for (int i = 0; i < dims.length; i++) d[i] = dim(op, dims[i], ndim);
        Arrays.sort(d);
        for (int i = 1; i < d.length; i++) {
            if (d[i] == d[i - 1]) throw new ShapeException(op, "dimension " + d[i] + " repeated in " + Arrays.toString(dims));
        }
        return d;
    }
}
