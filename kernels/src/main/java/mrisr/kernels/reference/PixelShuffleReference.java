package mrisr.kernels.reference;

import mrisr.kernels.Parallel;

/**
 * Pixel shuffle (depth-to-space) and its inverse over three spatial axes, contiguous arrays.
 *
 * <p>With per-axis factors {@code (rD, rH, rW)} and {@code R = rD·rH·rW}, the low-resolution
 * tensor {@code [B, C·R, D, H, W]} and the high-resolution tensor
 * {@code [B, C, D·rD, H·rH, W·rW]} hold the same values under
 * <pre>
 *   high[b, c, d·rD + sd, h·rH + sh, w·rW + sw] = low[b, c·R + sd·rH·rW + sh·rW + sw, d, h, w]
 * </pre>
 * which is PyTorch's {@code pixel_shuffle} for {@code rD = 1} and the usual 3-D generalisation
 * ({@code view(B,C,r,r,r,D,H,W).permute(0,1,5,2,6,3,7,4)}) for {@code rD = rH = rW = r}. Both
 * directions are a pure permutation: every output element is written exactly once, parallel over
 * high-resolution rows.
 *
 * <pre>{@code
 * // [1, 4, 1, 2, 3] -> [1, 1, 1, 4, 6] with r = 2 in H and W
 * PixelShuffleReference.shuffle(1, 1, new int[] {1, 2, 3}, new int[] {1, 2, 2}, low, high);
 * }</pre>
 */
public final class PixelShuffleReference {
    private PixelShuffleReference() {}

    /**
     * Low resolution to high resolution: fills {@code high} (overwritten) from {@code low}.
     *
     * @param batch    B
     * @param channels C (channels of the high-resolution tensor)
     * @param lowSize  {@code {D, H, W}} of the low-resolution tensor
     * @param factors  {@code {rD, rH, rW}}
     */
    public static void shuffle(int batch, int channels, int[] lowSize, int[] factors, float[] low, float[] high) {
        permute(batch, channels, lowSize, factors, low, high, true);
    }

    /** High resolution to low resolution, the inverse of {@link #shuffle}: fills {@code low} (overwritten). */
    public static void unshuffle(int batch, int channels, int[] lowSize, int[] factors, float[] high, float[] low) {
        permute(batch, channels, lowSize, factors, low, high, false);
    }

    private static void permute(int batch, int channels, int[] lowSize, int[] factors, float[] low, float[] high,
            boolean toHigh) {
        int d = lowSize[0], h = lowSize[1], w = lowSize[2];
        int rD = factors[0], rH = factors[1], rW = factors[2];
        int r = rD * rH * rW;
        int highD = d * rD, highH = h * rH, highW = w * rW;
        int lowPlane = d * h * w;
        int rows = batch * channels * highD * highH;
        Parallel.forRange(rows, Parallel.grain(rows, highW), (lo, hi) -> {
            for (int row = lo; row < hi; row++) {
                int bc = row / (highD * highH), od = row / highH % highD, oh = row % highH;
                int lowBase = bc * r * lowPlane + (od / rD) * h * w + (oh / rH) * w;
                int sub = ((od % rD) * rH + oh % rH) * rW;
                int highBase = row * highW;
                for (int ow = 0; ow < highW; ow++) {
                    int lowIndex = lowBase + (sub + ow % rW) * lowPlane + ow / rW;
                    if (toHigh) high[highBase + ow] = low[lowIndex];
                    else low[lowIndex] = high[highBase + ow];
                }
            }
        });
    }
}
