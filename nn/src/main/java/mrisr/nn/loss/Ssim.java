package mrisr.nn.loss;

import java.util.Arrays;
import java.util.List;
import mrisr.engine.Conv;
import mrisr.engine.Index;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;

/**
 * Differentiable SSIM (Wang et al. 2004) with a separable Gaussian window and valid filtering, as
 * in the reference implementations: per sample and channel, the mean over positions of
 * <pre>
 *   SSIM = (2μ_xμ_y + C₁)(2σ_xy + C₂) / ((μ_x² + μ_y² + C₁)(σ_x² + σ_y² + C₂)),   CS = (2σ_xy + C₂)/(σ_x² + σ_y² + C₂)
 * </pre>
 * with local statistics from the window, {@code C₁ = (k₁L)²}, {@code C₂ = (k₂L)²}.
 */
final class Ssim {
    final int window;
    final double sigma, dataRange, k1, k2;

    Ssim(int window, double sigma, double dataRange, double k1, double k2) {
        if (window < 1 || window % 2 == 0) throw new IllegalArgumentException("SSIM window must be odd and >= 1, got " + window);
        if (!(sigma > 0)) throw new IllegalArgumentException("SSIM sigma must be > 0, got " + sigma);
        if (!(dataRange > 0)) throw new IllegalArgumentException("SSIM data range must be > 0, got " + dataRange);
        this.window = window;
        this.sigma = sigma;
        this.dataRange = dataRange;
        this.k1 = k1;
        this.k2 = k2;
    }

    /** The normalised 1-D Gaussian window. */
    float[] gaussian() {
        double[] g = new double[window];
        double sum = 0, centre = (window - 1) / 2.0;
        for (int i = 0; i < window; i++) {
            g[i] = Math.exp(-(i - centre) * (i - centre) / (2 * sigma * sigma));
            sum += g[i];
        }
        float[] out = new float[window];
        for (int i = 0; i < window; i++) out[i] = (float) (g[i] / sum);
        return out;
    }

    void checkFits(String loss, Tensor x, int downsamplings) {
        for (int a = 2; a < x.dim(); a++) {
            long smallest = x.size(a) >> downsamplings;
            if (smallest < window) {
                throw new ShapeException(loss, "input " + Shape.format(x.shape()) + " is too small for a " + window
                        + "-wide window" + (downsamplings > 0 ? " after " + downsamplings + " halvings" : "")
                        + "; use a smaller window" + (downsamplings > 0 ? " or fewer scales" : ""));
            }
        }
    }

    /** {@code {ssim, cs}}, each {@code [N, C]}: the per-sample, per-channel means of the two maps. */
    Tensor[] ssimAndCs(Tensor x, Tensor y) {
        int n = x.size(0), spatial = x.dim() - 2;
        double c1 = Math.pow(k1 * dataRange, 2), c2 = Math.pow(k2 * dataRange, 2);
        // one filtering pass over the five statistics stacked along the batch
        Tensor stacked = Index.cat(List.of(x, y, x.mul(x), y.mul(y), x.mul(y)), 0);
        Tensor filtered = filter(stacked);
        Tensor muX = filtered.narrow(0, 0, n), muY = filtered.narrow(0, n, n);
        Tensor xx = filtered.narrow(0, 2 * n, n), yy = filtered.narrow(0, 3 * n, n), xy = filtered.narrow(0, 4 * n, n);
        Tensor muXY = muX.mul(muY), muX2 = muX.mul(muX), muY2 = muY.mul(muY);
        Tensor sigmaX = xx.sub(muX2), sigmaY = yy.sub(muY2), sigmaXY = xy.sub(muXY);
        Tensor cs = sigmaXY.mul(2).add(c2).div(sigmaX.add(sigmaY).add(c2));
        Tensor luminance = muXY.mul(2).add(c1).div(muX2.add(muY2).add(c1));
        int[] dims = new int[spatial];
        for (int a = 0; a < spatial; a++) dims[a] = 2 + a;
        return new Tensor[] {luminance.mul(cs).mean(dims, false), cs.mean(dims, false)};
    }

    /** Valid separable Gaussian filtering of each channel of {@code [N, C, …]}. */
    private Tensor filter(Tensor t) {
        int[] shape = t.shape();
        int spatial = shape.length - 2;
        int[] flat = new int[shape.length];
        flat[0] = shape[0] * shape[1];
        flat[1] = 1;
        System.arraycopy(shape, 2, flat, 2, spatial);
        Tensor out = t.reshape(flat);
        float[] g = gaussian();
        for (int a = 0; a < spatial; a++) {
            int[] ks = new int[spatial + 2];
            Arrays.fill(ks, 1);
            ks[2 + a] = window;
            Tensor w = Tensor.wrap(t.backend().upload(g, "SSIM window"), ks);
            out = spatial == 2 ? Conv.conv2d(out, w, null) : Conv.conv3d(out, w, null);
        }
        int[] back = out.shape();
        back[0] = shape[0];
        back[1] = shape[1];
        return out.reshape(back);
    }
}
