package mrisr.sr.physics;

import java.util.Arrays;
import mrisr.kernels.Parallel;

/**
 * A sparse {@code rows × cols} matrix applied along one axis of a row-major volume: the 1-D
 * building block of every separable operator (blur, decimation, area and profile sampling).
 *
 * <p>Stored as compressed rows (column indices and double weights). Out-of-range taps are folded
 * onto in-range columns by a {@link Boundary} while the matrix is built, so applying the transpose
 * gives the exact adjoint whatever the boundary. Along an axis of a volume {@code [n₀, n₁, n₂]},
 * output line {@code y[o, j, :] = Σ_k w_jk · x[o, col_jk, :]}, accumulated in double; rows are
 * independent, so the parallel split gives the same bits for every thread count.
 */
final class AxisMatrix {
    final int rows, cols;
    private final int[] rowStart, col;
    private final double[] weight;

    private AxisMatrix(int rows, int cols, int[] rowStart, int[] col, double[] weight) {
        this.rows = rows;
        this.cols = cols;
        this.rowStart = rowStart;
        this.col = col;
        this.weight = weight;
    }

    /** Weight of entry {@code (row, column)} (0 when absent); for tests and small checks. */
    double get(int row, int column) {
        double s = 0;
        for (int k = rowStart[row]; k < rowStart[row + 1]; k++) if (col[k] == column) s += weight[k];
        return s;
    }

    /** True when this is the identity matrix (square, one unit weight on the diagonal of each row). */
    boolean isIdentity() {
        if (rows != cols) return false;
        for (int j = 0; j < rows; j++) {
            if (rowStart[j + 1] - rowStart[j] != 1 || col[rowStart[j]] != j || weight[rowStart[j]] != 1.0) return false;
        }
        return true;
    }

    /** The transpose (a {@code cols × rows} matrix with the same weights). */
    AxisMatrix transpose() {
        int nnz = rowStart[rows];
        int[] tStart = new int[cols + 1];
        for (int k = 0; k < nnz; k++) tStart[col[k] + 1]++;
        for (int c = 0; c < cols; c++) tStart[c + 1] += tStart[c];
        int[] fill = Arrays.copyOf(tStart, cols);
        int[] tCol = new int[nnz];
        double[] tWeight = new double[nnz];
        for (int j = 0; j < rows; j++) {
            for (int k = rowStart[j]; k < rowStart[j + 1]; k++) {
                int p = fill[col[k]]++;
                tCol[p] = j;
                tWeight[p] = weight[k];
            }
        }
        return new AxisMatrix(cols, rows, tStart, tCol, tWeight);
    }

    /**
     * Applies the matrix along {@code axis} of {@code x} (shape {@code shape}, row-major, not
     * modified); the result has {@code shape[axis]} replaced by {@link #rows}.
     */
    float[] applyAlong(String op, float[] x, int[] shape, int axis) {
        if (shape[axis] != cols) {
            throw new IllegalStateException(op + ": axis " + axis + " has " + shape[axis] + " samples, matrix expects " + cols);
        }
        int outer = 1, inner = 1;
        for (int a = 0; a < axis; a++) outer *= shape[a];
        for (int a = axis + 1; a < shape.length; a++) inner *= shape[a];
        int[] outShape = shape.clone();
        outShape[axis] = rows;
        float[] y = Checks.allocate(op, outShape);
        int tasks = Math.multiplyExact(outer, rows);
        long costPerTask = Math.max(1L, (long) inner * Math.max(1, rowStart[rows] / Math.max(1, rows)));
        final int in = inner;
        Parallel.forRange(tasks, Parallel.grain(tasks, costPerTask), (lo, hi) -> {
            double[] acc = new double[in];
            for (int q = lo; q < hi; q++) {
                int o = q / rows, j = q % rows;
                Arrays.fill(acc, 0);
                int xBase = o * cols * in;
                for (int k = rowStart[j]; k < rowStart[j + 1]; k++) {
                    double w = weight[k];
                    int b = xBase + col[k] * in;
                    for (int t = 0; t < in; t++) acc[t] += w * x[b + t];
                }
                int yBase = (o * rows + j) * in;
                for (int t = 0; t < in; t++) y[yBase + t] = (float) acc[t];
            }
        });
        return y;
    }

    /**
     * Builds a matrix row by row from unfolded taps: {@code add(i, w)} adds {@code w} at sample
     * {@code i}, which may lie outside {@code [0, cols)} and is then folded by the boundary.
     */
    static final class Builder {
        private final int rows, cols;
        private final Boundary boundary;
        private final double[] acc;
        private final boolean[] used;
        private int[] touched;
        private int nTouched, row;
        private final int[] rowStart;
        private int[] col;
        private double[] weight;
        private int nnz;

        Builder(int rows, int cols, Boundary boundary) {
            this.rows = rows;
            this.cols = cols;
            this.boundary = boundary;
            this.acc = new double[cols];
            this.used = new boolean[cols];
            this.touched = new int[16];
            this.rowStart = new int[rows + 1];
            this.col = new int[Math.max(16, rows)];
            this.weight = new double[col.length];
        }

        /** Adds weight {@code w} at (unfolded) sample {@code i} of the current row. */
        Builder add(long i, double w) {
            int c = boundary.map(i, cols);
            if (c < 0 || w == 0) return this;
            if (!used[c]) {
                used[c] = true;
                if (nTouched == touched.length) touched = Arrays.copyOf(touched, 2 * nTouched);
                touched[nTouched++] = c;
            }
            acc[c] += w;
            return this;
        }

        /** Finishes the current row (columns in increasing order) and starts the next. */
        Builder endRow() {
            if (row >= rows) throw new IllegalStateException("matrix already has " + rows + " rows");
            Arrays.sort(touched, 0, nTouched);
            for (int t = 0; t < nTouched; t++) {
                int c = touched[t];
                if (acc[c] != 0) {
                    if (nnz == col.length) {
                        col = Arrays.copyOf(col, 2 * nnz);
                        weight = Arrays.copyOf(weight, 2 * nnz);
                    }
                    col[nnz] = c;
                    weight[nnz++] = acc[c];
                }
                acc[c] = 0;
                used[c] = false;
            }
            nTouched = 0;
            rowStart[++row] = nnz;
            return this;
        }

        AxisMatrix build() {
            if (row != rows) throw new IllegalStateException("matrix has " + row + " of " + rows + " rows");
            return new AxisMatrix(rows, cols, rowStart, Arrays.copyOf(col, nnz), Arrays.copyOf(weight, nnz));
        }
    }
}
