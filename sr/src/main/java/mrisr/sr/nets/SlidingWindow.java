package mrisr.sr.nets;

import java.util.Arrays;
import java.util.function.Consumer;
import mrisr.engine.Grad;
import mrisr.engine.Memory;
import mrisr.engine.Tensor;
import mrisr.nn.Module;

/**
 * Sliding-window inference of a fully convolutional network on a volume of any size in bounded
 * memory: overlapping tiles of {@code P} input voxels per axis are run one at a time and their
 * outputs blended with separable weights into the output volume.
 *
 * <p>Tiles start every {@code P − O} voxels ({@code O} = overlap) from 0, the last one flush with the
 * far edge ({@code n − P}); an axis shorter than {@code P} gets one tile of its full length, so no
 * padding is ever added and the network's own zero padding at the volume's borders is exactly that
 * of whole-volume inference. Inside the volume, a tile's outputs within {@code h·s} output voxels of
 * its edge ({@code h} = the network's receptive-field radius {@link Architecture#halo()}, {@code s} =
 * output voxels per input voxel) see the tile's zero padding instead of the neighbouring voxels. The
 * blending weight along an axis, at distance {@code d} (output voxels) from a tile edge that is not a
 * volume border, is
 * <pre>
 *   w(d) = 0                                        d &lt; h'
 *   w(d) = sin²(π/2 · (d − h' + 1)/(O·s − 2h' + 1))   h' ≤ d &lt; O·s − h'
 *   w(d) = 1                                        otherwise,        h' = min(h·s, ⌊O·s/2⌋)
 * </pre>
 * and 1 at volume borders; the tile weight is the product over the axes, and the result is
 * {@code Σ w·out / Σ w}. Two neighbouring ramps add up to 1 (sin² + cos²), so the smooth window hides
 * seams; with {@code O ≥ 2h} (the default overlap is {@code 2h}) every weighted output is one a
 * whole-volume pass would produce, so the result equals whole-volume inference up to float rounding
 * — and bit for bit when one tile covers the volume.
 *
 * <p>Memory bound: besides the input ({@code 4·N_in} bytes) and the output accumulator
 * ({@code 4·N_out} bytes, normalised in place; the weight sums are separable and kept per axis), one
 * tile needs its input ({@code P³} floats), the network's activations for that tile — for EDSR-3D
 * about {@code 4·C·P³} floats at a time, for SRCNN-3D about {@code (C₁ + C₂ + r³)·P³} — and its output
 * ({@code (sP)³}). With {@code P = 64}, {@code C = 16} that is under 100 MB whatever the volume size.
 *
 * <pre>{@code
 * SlidingWindow w = new SlidingWindow(64, 2 * arch.halo(), arch.halo(), arch.scale());
 * float[] out = w.apply(net, lrValues, new int[] {80, 96, 80});     // [160, 192, 160] for r = 2
 * }</pre>
 */
public final class SlidingWindow {
    private final int patch, overlap, halo, scale;

    /**
     * @param patch   tile edge {@code P} in input voxels (≥ 1)
     * @param overlap {@code O}, in {@code [0, P)}
     * @param halo    the network's receptive-field radius {@code h} in input voxels (≥ 0)
     * @param scale   output voxels per input voxel along each axis (≥ 1)
     * @throws ModelException when the values are out of range (named as the CLI options)
     */
    public SlidingWindow(int patch, int overlap, int halo, int scale) {
        if (patch < 1) throw new ModelException("--patch " + patch + " must be >= 1");
        if (overlap < 0 || overlap >= patch) {
            throw new ModelException("--overlap " + overlap + " must be >= 0 and smaller than --patch " + patch);
        }
        if (halo < 0 || scale < 1) throw new IllegalArgumentException("halo " + halo + " and scale " + scale + " must be >= 0 and >= 1");
        this.patch = patch;
        this.overlap = overlap;
        this.halo = halo;
        this.scale = scale;
    }

    public int patch() {
        return patch;
    }

    public int overlap() {
        return overlap;
    }

    /** Where the tiles along an axis of {@code n} input voxels start. */
    int[] starts(int n) {
        int p = Math.min(patch, n);
        if (p == n) return new int[] {0};
        int step = patch - overlap;
        int count = (n - p + step - 1) / step + 1;
        int[] s = new int[count];
        for (int i = 0; i < count; i++) s[i] = Math.min(i * step, n - p);
        return s;
    }

    /**
     * The blending weights (output voxels) of a tile of {@code length} input voxels starting at
     * {@code start} on an axis of {@code n} input voxels.
     */
    double[] weights(int start, int length, int n) {
        int len = length * scale;
        double[] w = new double[len];
        int hPrime = Math.min(halo * scale, overlap * scale / 2);
        int ramp = overlap * scale - 2 * hPrime;
        for (int x = 0; x < len; x++) {
            double v = 1;
            if (start > 0) v = Math.min(v, edgeWeight(x, hPrime, ramp));
            if (start + length < n) v = Math.min(v, edgeWeight(len - 1 - x, hPrime, ramp));
            w[x] = v;
        }
        return w;
    }

    private static double edgeWeight(int d, int hPrime, int ramp) {
        if (d < hPrime) return 0;
        if (d >= hPrime + ramp) return 1;
        double s = Math.sin(Math.PI / 2 * (d - hPrime + 1) / (ramp + 1));
        return s * s;
    }

    /** {@link #apply(Module, float[], int[], Consumer)} without progress messages. */
    public float[] apply(Module net, float[] input, int[] shape) {
        return apply(net, input, shape, line -> {});
    }

    /**
     * Runs {@code net} over {@code input} tile by tile, with gradient recording off.
     *
     * @param net      maps {@code [1, 1, a, b, c]} to {@code [1, 1, s·a, s·b, s·c]}; should be in eval mode
     * @param input    row-major {@code [nx, ny, nz]} values (not modified)
     * @param shape    {@code [nx, ny, nz]}
     * @param progress receives a line such as {@code tile 12/48} about every tenth of the tiles
     * @return row-major {@code [s·nx, s·ny, s·nz]}
     * @throws mrisr.engine.MemoryBudgetException before allocating an output over the budget
     */
    public float[] apply(Module net, float[] input, int[] shape, Consumer<String> progress) {
        if (shape.length != 3 || (long) shape[0] * shape[1] * shape[2] != input.length) {
            throw new IllegalArgumentException("input of " + input.length + " values does not fill " + Arrays.toString(shape));
        }
        int[] outShape = new int[3];
        long outSize = 1;
        for (int a = 0; a < 3; a++) {
            outShape[a] = Math.multiplyExact(shape[a], scale);
            outSize = Math.multiplyExact(outSize, (long) outShape[a]);
        }
        Memory.check(outSize, "sliding-window output " + Arrays.toString(outShape));
        float[] out = new float[(int) outSize];
        int[][] starts = new int[3][];
        double[][] weightSums = new double[3][];
        for (int a = 0; a < 3; a++) {
            starts[a] = starts(shape[a]);
            weightSums[a] = new double[outShape[a]];
            int len = Math.min(patch, shape[a]);
            for (int s : starts[a]) {
                double[] w = weights(s, len, shape[a]);
                for (int x = 0; x < w.length; x++) weightSums[a][s * scale + x] += w[x];
            }
        }
        int[] tile = {Math.min(patch, shape[0]), Math.min(patch, shape[1]), Math.min(patch, shape[2])};
        float[] tileInput = new float[tile[0] * tile[1] * tile[2]];
        int tiles = starts[0].length * starts[1].length * starts[2].length, done = 0;
        int every = Math.max(1, tiles / 10);
        try (var _ = Grad.off()) {
            for (int si : starts[0]) {
                double[] wi = weights(si, tile[0], shape[0]);
                for (int sj : starts[1]) {
                    double[] wj = weights(sj, tile[1], shape[1]);
                    for (int sk : starts[2]) {
                        double[] wk = weights(sk, tile[2], shape[2]);
                        crop(input, shape, si, sj, sk, tile, tileInput);
                        Tensor y = net.forward(Tensor.fromArray(tileInput, 1, 1, tile[0], tile[1], tile[2]));
                        int[] ys = y.shape();
                        if (ys.length != 5 || ys[2] != tile[0] * scale || ys[3] != tile[1] * scale || ys[4] != tile[2] * scale) {
                            throw new IllegalStateException("network output " + Arrays.toString(ys) + " for a tile "
                                    + Arrays.toString(tile) + " is not " + scale + "x the tile");
                        }
                        accumulate(out, outShape, y.toArray(), si * scale, sj * scale, sk * scale, wi, wj, wk);
                        if (++done % every == 0 || done == tiles) progress.accept("tile " + done + "/" + tiles);
                    }
                }
            }
        }
        normalise(out, outShape, weightSums);
        return out;
    }

    private static void crop(float[] in, int[] shape, int si, int sj, int sk, int[] tile, float[] dst) {
        int o = 0;
        for (int i = 0; i < tile[0]; i++) {
            for (int j = 0; j < tile[1]; j++) {
                System.arraycopy(in, ((si + i) * shape[1] + sj + j) * shape[2] + sk, dst, o, tile[2]);
                o += tile[2];
            }
        }
    }

    private static void accumulate(float[] out, int[] outShape, float[] y, int oi, int oj, int ok, double[] wi,
            double[] wj, double[] wk) {
        int o = 0;
        for (int i = 0; i < wi.length; i++) {
            for (int j = 0; j < wj.length; j++) {
                double wij = wi[i] * wj[j];
                int base = ((oi + i) * outShape[1] + oj + j) * outShape[2] + ok;
                for (int k = 0; k < wk.length; k++, o++) {
                    double w = wij * wk[k];
                    if (w != 0) out[base + k] += (float) (w * y[o]);
                }
            }
        }
    }

    private static void normalise(float[] out, int[] s, double[][] sums) {
        for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < s[1]; j++) {
                double sij = sums[0][i] * sums[1][j];
                int base = (i * s[1] + j) * s[2];
                for (int k = 0; k < s[2]; k++) {
                    double total = sij * sums[2][k];
                    if (total != 1) out[base + k] = (float) (out[base + k] / total);
                }
            }
        }
    }
}
