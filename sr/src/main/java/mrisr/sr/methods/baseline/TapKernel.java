package mrisr.sr.methods.baseline;

/**
 * Interpolation kernels with a finite number of taps, and how each extends a line past its ends.
 *
 * <p>For output position {@code x} (in input samples), {@link #weights} gives the input indices and
 * weights with {@code value(x) = Σ_t w_t · in[index_t]}. Boundary extensions:
 * <ul>
 *   <li><b>clamp</b> (nearest, linear): positions are clamped to {@code [0, n−1]}; for these
 *       kernels this equals half-sample symmetric extension {@code in[−1] = in[0]} (scipy
 *       {@code mode='nearest'}).
 *   <li><b>mirror</b> (Catmull–Rom, B-spline, Lanczos): whole-sample symmetric extension
 *       {@code in[−j] = in[j]}, {@code in[n−1+j] = in[n−1−j]} (scipy {@code mode='mirror'}, Unser's
 *       mirror boundary conditions), period {@code 2n − 2}.
 * </ul>
 */
enum TapKernel {
    /** The input voxel that contains the output voxel's centre. */
    NEAREST(1),
    /** Linear interpolation between the two neighbours (piecewise linear, C⁰). */
    LINEAR(2),
    /** Keys' cubic convolution with {@code a = −0.5} (Catmull–Rom): interpolating, exact for quadratics. */
    CATMULL_ROM(4),
    /** The cubic B-spline β³; interpolating only after {@link BSplinePrefilter} (exact for cubics). */
    BSPLINE(4),
    /** {@code sinc(x)·sinc(x/3)} on {@code |x| < 3}, weights normalised to sum to 1. */
    LANCZOS3(6);

    /** Number of taps per output sample. */
    final int taps;

    TapKernel(int taps) {
        this.taps = taps;
    }

    /**
     * Writes the {@link #taps} indices and weights for output index {@code i} into
     * {@code index[off..off+taps)} and {@code weight[off..off+taps)}.
     *
     * @param i output index
     * @param f resampling factor (output voxels per input voxel)
     * @param n input length (≥ 1)
     */
    void weights(int i, double f, int n, int[] index, double[] weight, int off) {
        switch (this) {
            case NEAREST -> {
                // Output centre at (i + 0.5)/f in voxel-edge coordinates lies in input voxel floor of it;
                // a centre exactly on an edge goes to the higher voxel (voxels are half-open [j, j+1)).
                index[off] = (int) Math.min(n - 1, (long) Math.floor((i + 0.5) / f));
                weight[off] = 1;
            }
            case LINEAR -> {
                double x = Math.clamp(LineResampler.position(i, f), 0.0, n - 1.0);
                int j0 = Math.max(0, Math.min((int) Math.floor(x), n - 2));
                double t = x - j0;
                index[off] = j0;
                index[off + 1] = Math.min(j0 + 1, n - 1);
                weight[off] = 1 - t;
                weight[off + 1] = t;
            }
            default -> {
                double x = LineResampler.position(i, f);
                int radius = taps / 2;
                long first = (long) Math.floor(x) - radius + 1;
                double sum = 0;
                for (int t = 0; t < taps; t++) {
                    long j = first + t;
                    double w = profile(x - j);
                    index[off + t] = mirror(j, n);
                    weight[off + t] = w;
                    sum += w;
                }
                if (this == LANCZOS3) for (int t = 0; t < taps; t++) weight[off + t] /= sum;
            }
        }
    }

    /** The continuous kernel at distance {@code d} (in input samples); cubic and Lanczos kernels only. */
    double profile(double d) {
        double a = Math.abs(d);
        return switch (this) {
            // Keys (1981), a = −0.5: (a+2)|d|³ − (a+3)|d|² + 1 and a|d|³ − 5a|d|² + 8a|d| − 4a.
            case CATMULL_ROM -> a <= 1 ? (1.5 * a - 2.5) * a * a + 1
                    : a < 2 ? ((-0.5 * a + 2.5) * a - 4) * a + 2 : 0;
            case BSPLINE -> a < 1 ? 2.0 / 3.0 - a * a + 0.5 * a * a * a
                    : a < 2 ? (2 - a) * (2 - a) * (2 - a) / 6 : 0;
            case LANCZOS3 -> {
                if (a >= 3) yield 0;
                if (a == Math.rint(a)) yield a == 0 ? 1 : 0; // exact zeros at the other integers
                double px = Math.PI * a;
                yield 3 * Math.sin(px) * Math.sin(px / 3) / (px * px);
            }
            default -> throw new IllegalStateException(this + " has no continuous profile");
        };
    }

    /** Whole-sample symmetric folding of index {@code j} into {@code [0, n)}: period {@code 2n − 2}. */
    static int mirror(long j, int n) {
        if (n == 1) return 0;
        long period = 2L * n - 2;
        long r = Math.floorMod(j, period);
        return (int) (r < n ? r : period - r);
    }
}
