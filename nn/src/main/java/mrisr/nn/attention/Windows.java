package mrisr.nn.attention;

import java.util.Arrays;
import mrisr.engine.Index;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;

/**
 * The tensor plumbing of window attention (Swin, Video Swin) on channels-last feature maps
 * {@code [B, S₁, …, S_r, C]} with {@code r} = 2 or 3 spatial axes, all differentiable:
 * <ul>
 *   <li>{@link #roll}: PyTorch's {@code torch.roll}, {@code out[i] = x[(i − shift) mod n]} along each
 *       rolled axis, built from two narrow views and one {@code cat}.</li>
 *   <li>{@link #partition} / {@link #merge}: cut a map whose sizes are multiples of the window
 *       {@code M} into non-overlapping windows {@code [B·nW, ΠM, C]} (windows in row-major grid order,
 *       tokens row-major inside a window) and put them back.</li>
 *   <li>{@link #relativePositionIndex}: Swin's index into the {@code Π(2M_d − 1)}-row bias table,
 *       {@code idx(i, j) = Σ_d (c_i[d] − c_j[d] + M_d − 1)·Π_{e>d}(2M_e − 1)} for tokens {@code i, j}
 *       of one window with coordinates {@code c}.</li>
 *   <li>{@link #shiftedWindowMask}: Swin's additive mask for shifted windows. After rolling by
 *       {@code −s}, a window at the high end of an axis holds tokens from both ends of the map; each
 *       position gets a region label per axis ({@code 0} below {@code P − M}, {@code 1} below
 *       {@code P − s}, {@code 2} above) and two tokens of a window may attend to each other only when
 *       all their labels agree: the mask is 0 there and {@link #MASKED} elsewhere.</li>
 * </ul>
 *
 * <pre>{@code
 * Tensor shifted = Windows.roll(x, new int[] {-2, -2}, new int[] {1, 2});     // x [B, H, W, C]
 * Tensor windows = Windows.partition(shifted, new int[] {4, 4});              // [B·HW/16, 16, C]
 * Tensor mask = Windows.shiftedWindowMask(new int[] {H, W}, new int[] {4, 4}, new int[] {2, 2});
 * }</pre>
 */
public final class Windows {
    /**
     * The score added for token pairs from different regions of a shifted window: Swin's −100,
     * large enough that {@code exp(−100)} vanishes next to any unmasked score, and finite, so a
     * masked pair keeps a (negligible) gradient path as in PyTorch.
     */
    public static final float MASKED = -100f;

    private Windows() {}

    /**
     * Rolls {@code x} along each axis {@code dims[i]} by {@code shifts[i]} (PyTorch's {@code torch.roll}):
     * {@code out[…, i, …] = x[…, (i − shift) mod n, …]}, so a positive shift moves values to higher
     * indices and wraps the tail around to the front.
     *
     * @param x      not modified
     * @param shifts any integers (taken modulo the axis size)
     * @param dims   distinct axes of {@code x}, as many as shifts
     * @return a tensor of {@code x}'s shape ({@code x} itself when every shift is a multiple of its size)
     */
    public static Tensor roll(Tensor x, int[] shifts, int[] dims) {
        if (shifts.length != dims.length) {
            throw new ShapeException("roll", "shifts " + Arrays.toString(shifts) + " and dims " + Arrays.toString(dims)
                    + " must have the same length");
        }
        int[] axes = Shape.dims("roll", dims, x.dim());
        Tensor y = x;
        for (int i = 0; i < axes.length; i++) {
            int n = x.size(axes[i]);
            if (n == 0) continue;
            int s = Math.floorMod(shifts[i], n);
            if (s == 0) continue;
            // the last s entries move to the front
            y = Index.cat(new Tensor[] {y.narrow(axes[i], n - s, s), y.narrow(axes[i], 0, n - s)}, axes[i]);
        }
        return y;
    }

    /**
     * Cuts a channels-last map into non-overlapping windows.
     *
     * @param x      {@code [B, P₁, …, P_r, C]} with each {@code P_d} a multiple of {@code window[d]} (not modified)
     * @param window {@code r} window sizes {@code M_d ≥ 1}
     * @return {@code [B·Π(P_d/M_d), ΠM_d, C]}: batch-major, then windows in row-major grid order
     */
    public static Tensor partition(Tensor x, int[] window) {
        int r = window.length;
        int[] shape = x.shape();
        checkMap("window partition", shape, window);
        int[] split = new int[2 * r + 2];
        split[0] = shape[0];
        for (int d = 0; d < r; d++) {
            split[1 + 2 * d] = shape[1 + d] / window[d];
            split[2 + 2 * d] = window[d];
        }
        split[2 * r + 1] = shape[r + 1];
        // [B, G₁, M₁, …, G_r, M_r, C] → [B, G₁, …, G_r, M₁, …, M_r, C]
        int[] order = new int[2 * r + 2];
        for (int d = 0; d < r; d++) {
            order[1 + d] = 1 + 2 * d;
            order[1 + r + d] = 2 + 2 * d;
        }
        order[2 * r + 1] = 2 * r + 1;
        return x.reshape(split).permute(order).reshape(-1, Shape.numel(window), shape[r + 1]);
    }

    /**
     * Puts windows back into a channels-last map: the inverse of {@link #partition}.
     *
     * @param windows {@code [B·Π(P_d/M_d), ΠM_d, C]} (not modified)
     * @param window  the {@code r} window sizes
     * @param size    the {@code r} map sizes {@code P_d}, multiples of the window sizes
     * @return {@code [B, P₁, …, P_r, C]}
     */
    public static Tensor merge(Tensor windows, int[] window, int[] size) {
        int r = window.length;
        int[] ws = windows.shape();
        if (size.length != r) {
            throw new ShapeException("window merge", "map size " + Shape.format(size) + " and window " + Shape.format(window)
                    + " must have the same number of axes");
        }
        int perBatch = 1;
        for (int d = 0; d < r; d++) {
            if (window[d] < 1 || size[d] < 1 || size[d] % window[d] != 0) {
                throw new ShapeException("window merge", "map size " + Shape.format(size) + " is not a multiple of window "
                        + Shape.format(window));
            }
            perBatch *= size[d] / window[d];
        }
        if (ws.length != 3 || ws[1] != Shape.numel(window) || ws[0] % perBatch != 0) {
            throw new ShapeException("window merge", "windows " + Shape.format(ws) + " must be [B·" + perBatch + ", "
                    + Shape.numel(window) + ", C] for map size " + Shape.format(size) + " and window " + Shape.format(window));
        }
        int[] grid = new int[2 * r + 2];
        grid[0] = ws[0] / perBatch;
        for (int d = 0; d < r; d++) {
            grid[1 + d] = size[d] / window[d];
            grid[1 + r + d] = window[d];
        }
        grid[2 * r + 1] = ws[2];
        // [B, G₁, …, G_r, M₁, …, M_r, C] → [B, G₁, M₁, …, G_r, M_r, C]
        int[] order = new int[2 * r + 2];
        for (int d = 0; d < r; d++) {
            order[1 + 2 * d] = 1 + d;
            order[2 + 2 * d] = 1 + r + d;
        }
        order[2 * r + 1] = 2 * r + 1;
        int[] out = new int[r + 2];
        out[0] = grid[0];
        System.arraycopy(size, 0, out, 1, r);
        out[r + 1] = ws[2];
        return windows.reshape(grid).permute(order).reshape(out);
    }

    /**
     * Swin's relative position index for one window: entry {@code (i, j)} is the row of the bias
     * table that holds the bias of token {@code i} attending to token {@code j} (tokens row-major).
     *
     * @param window {@code r ≥ 1} sizes {@code M_d ≥ 1}
     * @return {@code ΠM × ΠM} integers in {@code [0, Π(2M_d − 1))}, row-major
     */
    public static int[] relativePositionIndex(int[] window) {
        checkWindow("relative position index", window);
        int r = window.length, n = Shape.numel(window);
        int[][] coords = coordinates(window);
        int[] out = new int[Math.multiplyExact(n, n)];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int index = 0;
                for (int d = 0; d < r; d++) index = index * (2 * window[d] - 1) + coords[i][d] - coords[j][d] + window[d] - 1;
                out[i * n + j] = index;
            }
        }
        return out;
    }

    /** Rows of the relative position bias table for a window: {@code Π(2M_d − 1)}. */
    public static int tableSize(int[] window) {
        checkWindow("relative position bias table", window);
        int size = 1;
        for (int m : window) size = Math.multiplyExact(size, 2 * m - 1);
        return size;
    }

    /**
     * Swin's attention mask for shifted windows over a (padded) map of size {@code size}: for window
     * {@code w} (row-major grid order) and tokens {@code i, j} of it, 0 when both lie in the same
     * region of the rolled map, {@link #MASKED} otherwise. An axis with shift 0 has one region.
     *
     * @param size   the {@code r} map sizes, multiples of the window sizes
     * @param window the {@code r} window sizes
     * @param shift  the {@code r} shifts, each in {@code [0, M_d)}
     * @return {@code [nW, ΠM, ΠM]}, not requiring a gradient
     */
    public static Tensor shiftedWindowMask(int[] size, int[] window, int[] shift) {
        checkWindow("shifted window mask", window);
        int r = window.length;
        if (size.length != r || shift.length != r) {
            throw new ShapeException("shifted window mask", "map size " + Shape.format(size) + ", window " + Shape.format(window)
                    + " and shift " + Shape.format(shift) + " must have the same number of axes");
        }
        int[] grid = new int[r];
        for (int d = 0; d < r; d++) {
            if (size[d] < 1 || size[d] % window[d] != 0) {
                throw new ShapeException("shifted window mask", "map size " + Shape.format(size) + " is not a multiple of window "
                        + Shape.format(window));
            }
            if (shift[d] < 0 || shift[d] >= window[d]) {
                throw new ShapeException("shifted window mask", "shift " + Shape.format(shift) + " must lie in [0, window) for window "
                        + Shape.format(window));
            }
            grid[d] = size[d] / window[d];
        }
        int windows = Shape.numel(grid), n = Shape.numel(window);
        int[][] inWindow = coordinates(window), ofWindow = coordinates(grid);
        float[] mask = new float[Math.multiplyExact(windows, Math.multiplyExact(n, n))];
        int[] label = new int[n];
        for (int w = 0; w < windows; w++) {
            for (int i = 0; i < n; i++) {
                int l = 0;
                for (int d = 0; d < r; d++) {
                    int p = ofWindow[w][d] * window[d] + inWindow[i][d];
                    int region = shift[d] == 0 || p < size[d] - window[d] ? 0 : p < size[d] - shift[d] ? 1 : 2;
                    l = 3 * l + region;
                }
                label[i] = l;
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) mask[(w * n + i) * n + j] = label[i] == label[j] ? 0f : MASKED;
            }
        }
        return Tensor.fromArray(mask, windows, n, n);
    }

    /** Row-major coordinates of every cell of a box of the given sizes. */
    private static int[][] coordinates(int[] sizes) {
        int n = Shape.numel(sizes), r = sizes.length;
        int[][] c = new int[n][r];
        for (int i = 0; i < n; i++) {
            int rest = i;
            for (int d = r - 1; d >= 0; d--) {
                c[i][d] = rest % sizes[d];
                rest /= sizes[d];
            }
        }
        return c;
    }

    private static void checkWindow(String op, int[] window) {
        if (window.length < 1) throw new ShapeException(op, "window size must have at least one axis");
        for (int m : window) {
            if (m < 1) throw new ShapeException(op, "window size " + Shape.format(window) + " must be >= 1 on every axis");
        }
    }

    private static void checkMap(String op, int[] shape, int[] window) {
        checkWindow(op, window);
        int r = window.length;
        boolean ok = shape.length == r + 2;
        for (int d = 0; ok && d < r; d++) ok = shape[1 + d] % window[d] == 0;
        if (!ok) {
            throw new ShapeException(op, "map " + Shape.format(shape) + " must be [B, spatial…, C] with " + r
                    + " spatial sizes that are multiples of window " + Shape.format(window));
        }
    }
}
