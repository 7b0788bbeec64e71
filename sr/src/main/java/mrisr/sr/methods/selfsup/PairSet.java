package mrisr.sr.methods.selfsup;

import java.util.ArrayList;
import java.util.List;
import mrisr.engine.Rng;

/**
 * Training pairs of 2-D images (a degraded, re-interpolated input and the image it came from) and
 * seeded sampling of augmented square patches from them.
 *
 * <p>Sampling: a patch picks a pair uniformly, then a top-left corner uniformly; a patch whose
 * target has no value at or above {@link #FOREGROUND} of the largest target value (pure
 * background) is redrawn, up to {@link #TRIES} times. The same transform is then applied to input
 * and target: one of the 4 flips (vertical, horizontal, both, none), or with {@code rotations} one
 * of the 8 symmetries of the square (flips and transposes, which include the rotations by 90°).
 * Flips keep the degraded direction of an image; transposes swap it, so they are only for pairs
 * degraded alike along both axes.
 */
final class PairSet {
    /** Fraction of the largest target value a patch must reach somewhere to count as foreground. */
    static final double FOREGROUND = 0.1;
    /** Draws per patch before a background patch is accepted. */
    static final int TRIES = 16;

    private final List<float[]> inputs = new ArrayList<>(), targets = new ArrayList<>();
    private final List<int[]> sizes = new ArrayList<>();
    private final boolean rotations;
    private double maxTarget = Double.NEGATIVE_INFINITY;

    /** @param rotations whether patches may also be transposed (8 symmetries instead of 4 flips) */
    PairSet(boolean rotations) {
        this.rotations = rotations;
    }

    /**
     * Adds a pair of row-major {@code h × w} images (kept, not copied).
     *
     * @param input  the degraded, re-interpolated image
     * @param target the image the network should produce from it
     */
    void add(float[] input, float[] target, int h, int w) {
        if (input.length != h * w || target.length != h * w) throw new IllegalArgumentException("pair images must be " + h + " x " + w);
        inputs.add(input);
        targets.add(target);
        sizes.add(new int[] {h, w});
        for (float v : target) maxTarget = Math.max(maxTarget, v);
    }

    /** Pixels over all target images. */
    long pixels() {
        long n = 0;
        for (int[] s : sizes) n += (long) s[0] * s[1];
        return n;
    }

    int count() {
        return inputs.size();
    }

    /** The input image of pair {@code i}. */
    float[] input(int i) {
        return inputs.get(i);
    }

    /** The target image of pair {@code i}. */
    float[] target(int i) {
        return targets.get(i);
    }

    /** {@code {h, w}} of pair {@code i}. */
    int[] size(int i) {
        return sizes.get(i).clone();
    }

    /** The side of the square patches: {@code requested}, or the smallest image side when that is smaller. */
    int patchSide(int requested) {
        int p = requested;
        for (int[] s : sizes) p = Math.min(p, Math.min(s[0], s[1]));
        return p;
    }

    /**
     * Fills {@code batch} patches of side {@code p} into {@code in} and {@code out}, each laid out
     * {@code [batch, 1, p, p]}.
     *
     * @param rng draws the pairs, corners and transforms (advanced)
     * @param in  receives the input patches (modified)
     * @param out receives the target patches (modified)
     */
    void sample(Rng rng, int batch, int p, float[] in, float[] out) {
        double threshold = FOREGROUND * maxTarget;
        float[] srcIn = new float[p * p], srcOut = new float[p * p];
        for (int b = 0; b < batch; b++) {
            for (int attempt = 0; ; attempt++) {
                int i = rng.nextInt(inputs.size());
                int h = sizes.get(i)[0], w = sizes.get(i)[1];
                int y0 = rng.nextInt(h - p + 1), x0 = rng.nextInt(w - p + 1);
                float[] tIn = inputs.get(i), tOut = targets.get(i);
                float peak = Float.NEGATIVE_INFINITY;
                for (int y = 0; y < p; y++) {
                    int row = (y0 + y) * w + x0;
                    for (int x = 0; x < p; x++) {
                        srcIn[y * p + x] = tIn[row + x];
                        srcOut[y * p + x] = tOut[row + x];
                        peak = Math.max(peak, tOut[row + x]);
                    }
                }
                if (peak >= threshold || attempt + 1 >= TRIES) break;
            }
            int transform = rng.nextInt(rotations ? 8 : 4);
            transform(srcIn, p, transform, in, b * p * p);
            transform(srcOut, p, transform, out, b * p * p);
        }
    }

    /**
     * Writes {@code src} ({@code p × p}) transformed into {@code dst} from {@code offset}: bit 0 flips
     * rows, bit 1 flips columns, bit 2 transposes (applied first).
     */
    static void transform(float[] src, int p, int transform, float[] dst, int offset) {
        boolean flipRows = (transform & 1) != 0, flipCols = (transform & 2) != 0, transpose = (transform & 4) != 0;
        for (int y = 0; y < p; y++) {
            for (int x = 0; x < p; x++) {
                int sy = transpose ? x : y, sx = transpose ? y : x;
                if (flipRows) sy = p - 1 - sy;
                if (flipCols) sx = p - 1 - sx;
                dst[offset + y * p + x] = src[sy * p + sx];
            }
        }
    }
}
