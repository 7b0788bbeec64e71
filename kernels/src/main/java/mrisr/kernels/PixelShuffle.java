package mrisr.kernels;

import mrisr.kernels.reference.PixelShuffleReference;

/**
 * Pixel shuffle (depth-to-space) and its inverse as row copies: the fast twin of
 * {@link PixelShuffleReference}, same arguments and layout (see the twin for the index map). Every
 * high-resolution row {@code (b, c, od, oh)} interleaves {@code rW} rows of the low-resolution tensor,
 * so the row's sources are found once and the inner loops only step pointers: a plain
 * {@link System#arraycopy} when {@code rW = 1}, a strided copy otherwise. A pure permutation, so the
 * result equals the twin's exactly; parallel over high-resolution rows, each written by one task.
 * Runs the twin under {@code -Dmrisr.kernels=scalar}.
 *
 * <pre>{@code
 * // [1, 4, 1, 2, 3] -> [1, 1, 1, 4, 6] with r = 2 in H and W
 * PixelShuffle.shuffle(1, 1, new int[] {1, 2, 3}, new int[] {1, 2, 2}, low, high);
 * }</pre>
 */
public final class PixelShuffle {
    private PixelShuffle() {}

    /**
     * Low resolution to high resolution.
     *
     * @param batch    B
     * @param channels C (channels of the high-resolution tensor)
     * @param lowSize  {@code {D, H, W}} of the low-resolution tensor
     * @param factors  {@code {rD, rH, rW}}
     * @param low      {@code [B, C·rD·rH·rW, D, H, W]} (not modified)
     * @param high     {@code [B, C, D·rD, H·rH, W·rW]} (overwritten)
     */
    public static void shuffle(int batch, int channels, int[] lowSize, int[] factors, float[] low, float[] high) {
        if (KernelInfo.scalarForced()) {
            PixelShuffleReference.shuffle(batch, channels, lowSize, factors, low, high);
            return;
        }
        permute(batch, channels, lowSize, factors, low, high, true);
    }

    /**
     * High resolution to low resolution, the inverse of {@link #shuffle}.
     *
     * @param high not modified
     * @param low  overwritten
     */
    public static void unshuffle(int batch, int channels, int[] lowSize, int[] factors, float[] high, float[] low) {
        if (KernelInfo.scalarForced()) {
            PixelShuffleReference.unshuffle(batch, channels, lowSize, factors, high, low);
            return;
        }
        permute(batch, channels, lowSize, factors, low, high, false);
    }

    private static void permute(int batch, int channels, int[] lowSize, int[] factors, float[] low, float[] high,
            boolean toHigh) {
        int d = lowSize[0], h = lowSize[1], w = lowSize[2];
        int rD = factors[0], rH = factors[1], rW = factors[2];
        int r = Math.multiplyExact(rD, rH * rW);
        int highD = Math.multiplyExact(d, rD), highH = Math.multiplyExact(h, rH), highW = Math.multiplyExact(w, rW);
        int lowPlane = Math.multiplyExact(d, h * w);
        int rows = Math.multiplyExact(Math.multiplyExact(batch, channels), highD * highH);
        Parallel.forRange(rows, Parallel.grain(rows, highW), (lo, hi) -> {
            for (int row = lo; row < hi; row++) {
                int bc = row / (highD * highH), od = row / highH % highD, oh = row % highH;
                int lowRow = bc * r * lowPlane + (od / rD) * h * w + (oh / rH) * w;
                int sub = ((od % rD) * rH + oh % rH) * rW;
                int highRow = row * highW;
                for (int sw = 0; sw < rW; sw++) {
                    int src = lowRow + (sub + sw) * lowPlane;
                    if (rW == 1) {
                        if (toHigh) System.arraycopy(low, src, high, highRow, w);
                        else System.arraycopy(high, highRow, low, src, w);
                    } else if (toHigh) {
                        for (int i = 0, at = highRow + sw; i < w; i++, at += rW) high[at] = low[src + i];
                    } else {
                        for (int i = 0, at = highRow + sw; i < w; i++, at += rW) low[src + i] = high[at];
                    }
                }
            }
        });
    }
}
