package mrisr.sr.methods.baseline;

/**
 * Resampling with a finite-tap kernel: {@code out[i] = Σ_t w[i,t] · c[idx[i,t]]}, where {@code c}
 * is the input line (or its B-spline coefficients for {@link TapKernel#BSPLINE}). Indices and
 * weights are computed once per (n, m, f) and shared by every line.
 */
final class TapResampler implements LineResampler {
    private final TapKernel kernel;
    private final int n, m, taps;
    private final int[] index;
    private final double[] weight;

    TapResampler(TapKernel kernel, int n, int m, double f) {
        this.kernel = kernel;
        this.n = n;
        this.m = m;
        this.taps = kernel.taps;
        this.index = new int[Math.multiplyExact(m, taps)];
        this.weight = new double[index.length];
        for (int i = 0; i < m; i++) kernel.weights(i, f, n, index, weight, i * taps);
    }

    @Override
    public int inputLength() {
        return n;
    }

    @Override
    public int outputLength() {
        return m;
    }

    @Override
    public Worker worker() {
        boolean prefilter = kernel == TapKernel.BSPLINE;
        return (in, out) -> {
            if (prefilter) BSplinePrefilter.apply(in, n);
            for (int i = 0, p = 0; i < m; i++) {
                double acc = 0;
                for (int t = 0; t < taps; t++, p++) acc += weight[p] * in[index[p]];
                out[i] = acc;
            }
        };
    }
}
