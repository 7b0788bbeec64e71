package mrisr.sr.methods.selfsup;

import mrisr.engine.Tensor;
import mrisr.nn.Module;
import mrisr.sr.volume.Volume;

/** Shared inputs and independent references for the self-supervised tests. */
final class SelfSupTesting {
    /** The seed every test here derives its random inputs from. */
    static final long SEED = 20250301L;

    private SelfSupTesting() {}

    /** An oblique affine with voxel sizes (0.9, 1.1, 3.3) mm: rotated about k by 30° and shifted. */
    static double[][] obliqueAffine() {
        double c = Math.cos(Math.PI / 6), s = Math.sin(Math.PI / 6);
        return new double[][] {{0.9 * c, -1.1 * s, 0, -40}, {0.9 * s, 1.1 * c, 0, 12.5}, {0, 0, 3.3, 7}, {0, 0, 0, 1}};
    }

    /**
     * A smooth-edged test object on {@code shape}: a bright ellipsoid with a darker inner ellipsoid
     * and a bright bar, values in [0, 1].
     */
    static Volume blobs(int[] shape, double[][] affine) {
        float[] v = new float[shape[0] * shape[1] * shape[2]];
        double[] c = new double[3];
        for (int a = 0; a < 3; a++) c[a] = (shape[a] - 1) / 2.0;
        for (int i = 0, p = 0; i < shape[0]; i++) {
            for (int j = 0; j < shape[1]; j++) {
                for (int k = 0; k < shape[2]; k++, p++) {
                    double x = (i - c[0]) / (0.45 * shape[0]), y = (j - c[1]) / (0.45 * shape[1]), z = (k - c[2]) / (0.45 * shape[2]);
                    double outer = edge(1 - Math.sqrt(x * x + y * y + z * z), 0.08);
                    double inner = edge(0.5 - Math.sqrt(x * x / 0.6 + y * y + z * z / 0.8), 0.08);
                    double bar = edge(0.15 - Math.abs(x - 0.3 * z), 0.05) * edge(0.6 - Math.abs(y), 0.05);
                    v[p] = (float) Math.min(1, 0.8 * outer - 0.4 * inner + 0.5 * bar);
                }
            }
        }
        return Volume.of(Tensor.fromArray(v, shape), affine);
    }

    private static double edge(double d, double width) {
        return 1 / (1 + Math.exp(-d / width));
    }

    /** {@code erf(x)}, Abramowitz &amp; Stegun 7.1.26 (absolute error ≤ 1.5e−7). */
    static double erf(double x) {
        double t = 1 / (1 + 0.3275911 * Math.abs(x));
        double y = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
                * Math.exp(-x * x);
        return x >= 0 ? y : -y;
    }

    /** The Gaussian of FWHM {@code fwhm} integrated over {@code [lo, hi]}. */
    static double gaussianMass(double fwhm, double lo, double hi) {
        double sigma = fwhm / (2 * Math.sqrt(2 * Math.log(2)));
        return 0.5 * (erf(hi / (sigma * Math.sqrt(2))) - erf(lo / (sigma * Math.sqrt(2))));
    }

    /** A "network" that adds the row index {@code h} to every pixel of {@code [N, 1, H, W]}. */
    static final class RowRamp extends Module {
        @Override
        public Tensor forward(Tensor x) {
            int[] s = x.shape();
            float[] ramp = new float[x.numel()];
            for (int n = 0, p = 0; n < s[0] * s[1]; n++) {
                for (int h = 0; h < s[2]; h++) for (int w = 0; w < s[3]; w++, p++) ramp[p] = h;
            }
            return x.add(Tensor.fromArray(ramp, s));
        }
    }
}
