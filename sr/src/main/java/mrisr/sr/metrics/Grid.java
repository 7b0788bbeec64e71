package mrisr.sr.metrics;

/**
 * Read-only image values for the filtering metrics, stored as float32 (the volumes as loaded) or
 * float64 (coarser scales the metrics compute). The kernels copy short runs of values into
 * double-precision tiles with {@link #copy}, so a float32 volume is filtered in double precision
 * without first being copied whole to doubles; widening float to double is exact, so both storages
 * give the same results for the same values.
 */
abstract sealed class Grid permits Grid.Float32, Grid.Float64 {
    /** Values of a float32 array (not copied; never modified). */
    static Grid of(float[] values) {
        return new Float32(values);
    }

    /** Values of a float64 array (not copied; never modified). */
    static Grid of(double[] values) {
        return new Float64(values);
    }

    /** The number of values. */
    abstract int length();

    /** The value at flat index {@code i}, widened to double. */
    abstract double get(int i);

    /** {@code dst[dstOffset + k] = value(from + k)} for {@code k < length}. */
    abstract void copy(int from, double[] dst, int dstOffset, int length);

    static final class Float32 extends Grid {
        private final float[] values;

        private Float32(float[] values) {
            this.values = values;
        }

        @Override
        int length() {
            return values.length;
        }

        @Override
        double get(int i) {
            return values[i];
        }

        @Override
        void copy(int from, double[] dst, int dstOffset, int length) {
            for (int k = 0; k < length; k++) dst[dstOffset + k] = values[from + k];
        }
    }

    static final class Float64 extends Grid {
        private final double[] values;

        private Float64(double[] values) {
            this.values = values;
        }

        @Override
        int length() {
            return values.length;
        }

        @Override
        double get(int i) {
            return values[i];
        }

        @Override
        void copy(int from, double[] dst, int dstOffset, int length) {
            System.arraycopy(values, from, dst, dstOffset, length);
        }
    }
}
