package mrisr.kernels.reference;

/**
 * Scalar twin of {@link mrisr.kernels.BatchedFft}: the plain O(n²) discrete Fourier transform of
 * every line along one axis, in double precision, as the test oracle.
 *
 * <p>The array is complex, row-major, viewed as {@code [outer, n, inner]} with interleaved
 * (re, im): complex element {@code (o, j, i)} sits at float index {@code 2·((o·n + j)·inner + i)}.
 * Each line becomes {@code X_k = scale · Σ_j x_j e^{∓2πi jk/n}} (minus sign forward, plus inverse),
 * with the phase {@code jk mod n} reduced exactly before the double-precision cosine and sine, so
 * the only float rounding is the final store.
 *
 * <pre>{@code
 * float[] a = ...;                                       // complex [outer, n, inner, 2]
 * FftReference.complexAlong(a, outer, n, inner, false, 1f);  // forward DFT along the middle axis
 * }</pre>
 */
public final class FftReference {
    private FftReference() {}

    /**
     * In-place DFT of every line along the middle axis.
     *
     * @param a       complex {@code [outer, n, inner, 2]} (modified)
     * @param inverse {@code e^{+2πi jk/n}} when true, {@code e^{-2πi jk/n}} when false
     * @param scale   factor applied to every output value
     */
    public static void complexAlong(float[] a, int outer, int n, int inner, boolean inverse, float scale) {
        double sign = inverse ? 1 : -1;
        double[] cos = new double[n], sin = new double[n];
        for (int t = 0; t < n; t++) {
            double phase = 2 * Math.PI * t / n;
            cos[t] = Math.cos(phase);
            sin[t] = sign * Math.sin(phase);
        }
        double[] re = new double[n], im = new double[n];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                int base = 2 * (o * n * inner + i), step = 2 * inner;
                for (int j = 0; j < n; j++) {
                    re[j] = a[base + j * step];
                    im[j] = a[base + j * step + 1];
                }
                for (int k = 0; k < n; k++) {
                    double sr = 0, si = 0;
                    for (int j = 0; j < n; j++) {
                        int t = (int) ((long) j * k % n);
                        sr += re[j] * cos[t] - im[j] * sin[t];
                        si += re[j] * sin[t] + im[j] * cos[t];
                    }
                    a[base + k * step] = (float) (sr * scale);
                    a[base + k * step + 1] = (float) (si * scale);
                }
            }
        }
    }
}
