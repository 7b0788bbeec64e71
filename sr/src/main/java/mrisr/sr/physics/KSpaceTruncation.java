package mrisr.sr.physics;

import java.util.ArrayList;
import java.util.List;
import mrisr.engine.Shape;
import mrisr.engine.Tensor;

/**
 * Resolution loss by k-space truncation, as a scanner acquires a smaller matrix over the same field
 * of view: keep the central {@code m_a} of {@code n_a} frequencies along each axis, optionally
 * windowed and masked, and reconstruct on the {@code [m₀, m₁, m₂]} grid.
 *
 * <p>{@code y = Re( F_m⁻¹ · M · ⊗_a (s_a W_a Φ_a C_a F_{n_a}) x )}, where {@code F} is the orthonormal
 * centred DFT ({@link CenteredDft}), {@code C_a} keeps frequencies {@code ν ∈ [−⌊m/2⌋, ⌈m/2⌉ − 1]},
 * {@code W_a} is the window (Hamming {@code 0.54 + 0.46 cos(πu)} or Tukey(α) over
 * {@code u = ν/(m/2) ∈ [−1, 1)}, applied along truncated axes) times the partial-Fourier mask
 * (the first {@code m − ⌈φm⌉} samples of the kept band set to zero for acquired fraction
 * {@code φ}), {@code M} the optional elliptical mask {@code Σ_a (ν_a/(m_a/2))² ≤ 1},
 * {@code s_a = √(m_a/n_a)} keeps intensities (a constant stays the same constant), and
 * {@code Φ_a = exp(2πiνδ_a/n_a)} shifts the output so that voxel {@code j} lands at input index
 * {@code j·f + (f − 1)/2} with {@code f = n/m}, the {@code Volume.resampledAffine} grid, instead
 * of the DFT's own centring ({@code δ = (f − 1)/2 − ⌊n/2⌋ + ⌊m/2⌋·f}).
 *
 * <p>The output is the real part of the reconstruction (an R-linear map on real volumes); its exact
 * adjoint is {@code Re(⊗_a F_{n_a}^H C_aᵀ Φ_a^* W_a s_a · M · F_m y)}, the zero-filled inverse. With
 * partial Fourier the real part equals that of the zero-filled reconstruction: the unacquired side
 * comes back at half amplitude by conjugate symmetry. The spectral norm is {@code Π_a √(m_a/n_a)}
 * (the zero frequency passes with weight 1).
 *
 * <pre>{@code
 * KSpaceTruncation k = KSpaceTruncation.builder(new int[] {128, 128, 128}, new int[] {128, 128, 32})
 *         .window(KSpaceTruncation.Window.HAMMING).build();
 * Tensor lr = k.apply(hr);   // [128, 128, 32], voxel 4 times larger along z
 * }</pre>
 */
public final class KSpaceTruncation implements LinearOperator {

    /** Apodisation of the kept band along each truncated axis. */
    public enum Window { NONE, HAMMING, TUKEY }

    private final String name;
    private final int[] inShape, outShape;
    private final int[] activeAxes;
    private final CenteredDft.Matrix[] toKSpace, toKSpaceAdjoint, toImage, toImageAdjoint;
    private final double[] ellipse; // null when not used; over the kept band [m0, m1, m2]

    private KSpaceTruncation(Builder b) {
        inShape = b.inShape;
        outShape = b.outShape;
        name = "k-space truncation " + Shape.format(inShape) + " -> " + Shape.format(outShape) + describe(b);
        List<Integer> active = new ArrayList<>();
        toKSpace = new CenteredDft.Matrix[3];
        toKSpaceAdjoint = new CenteredDft.Matrix[3];
        toImage = new CenteredDft.Matrix[3];
        toImageAdjoint = new CenteredDft.Matrix[3];
        for (int a = 0; a < 3; a++) {
            int n = inShape[a], m = outShape[a];
            boolean isActive = m != n || b.partialFourierAxis == a || (b.elliptical && m > 1);
            if (!isActive) continue;
            active.add(a);
            toKSpace[a] = bandMatrix(n, m, m != n ? b.window : Window.NONE, b.tukeyAlpha,
                    b.partialFourierAxis == a ? b.partialFourierFraction : 1);
            toKSpaceAdjoint[a] = toKSpace[a].adjoint();
            toImage[a] = CenteredDft.matrix(m, true);
            toImageAdjoint[a] = toImage[a].adjoint();
        }
        activeAxes = active.stream().mapToInt(Integer::intValue).toArray();
        ellipse = b.elliptical ? ellipseMask(outShape) : null;
    }

    /** A builder for a truncation from {@code shape} to {@code outShape} (each {@code 1 ≤ m_a ≤ n_a}). */
    public static Builder builder(int[] shape, int[] outShape) {
        return new Builder(shape, outShape);
    }

    /** Plain centred truncation from {@code shape} to {@code outShape}: no window, no masks. */
    public static KSpaceTruncation of(int[] shape, int[] outShape) {
        return builder(shape, outShape).build();
    }

    /** Low-resolution matrix size for factor {@code f} over the same field of view: {@code max(1, round(n/f))}. */
    public static int outputSize(int n, double f) {
        return (int) Math.max(1, Math.round(n / f));
    }

    /** Rows {@code s·w(ν)·pf(ν)·Φ(ν)·F_n[ν + ⌊n/2⌋, :]} for the kept frequencies {@code ν}. */
    private static CenteredDft.Matrix bandMatrix(int n, int m, Window window, double alpha, double pfFraction) {
        CenteredDft.Matrix f = CenteredDft.matrix(n, false);
        CenteredDft.Matrix out = new CenteredDft.Matrix(m, n);
        int cn = n / 2, cm = m / 2;
        double fEff = (double) n / m;
        double delta = (fEff - 1) / 2 - cn + cm * fEff;
        double s = Math.sqrt((double) m / n);
        int firstKept = m - (int) Math.ceil(pfFraction * m - 1e-9);
        for (int k = 0; k < m; k++) {
            int nu = k - cm;
            double w = k < firstKept ? 0 : s * window(window, alpha, nu, m);
            double ph = 2 * Math.PI * nu * delta / n, pr = Math.cos(ph), pi = Math.sin(ph);
            int row = nu + cn;
            for (int j = 0; j < n; j++) {
                double fr = f.re[row * n + j], fi = f.im[row * n + j];
                out.re[k * n + j] = w * (pr * fr - pi * fi);
                out.im[k * n + j] = w * (pr * fi + pi * fr);
            }
        }
        return out;
    }

    /** The window at frequency {@code ν} of a band of {@code m} samples. */
    static double window(Window window, double alpha, int nu, int m) {
        double u = m > 1 ? nu / (m / 2.0) : 0;
        return switch (window) {
            case NONE -> 1;
            case HAMMING -> 0.54 + 0.46 * Math.cos(Math.PI * u);
            case TUKEY -> {
                double au = Math.abs(u);
                if (alpha == 0 || au <= 1 - alpha) yield 1;
                yield 0.5 * (1 + Math.cos(Math.PI * (au - 1 + alpha) / alpha));
            }
        };
    }

    private static double[] ellipseMask(int[] m) {
        double[] mask = new double[m[0] * m[1] * m[2]];
        int p = 0;
        for (int i = 0; i < m[0]; i++) {
            for (int j = 0; j < m[1]; j++) {
                for (int k = 0; k < m[2]; k++) {
                    double r = sq(i - m[0] / 2, m[0]) + sq(j - m[1] / 2, m[1]) + sq(k - m[2] / 2, m[2]);
                    mask[p++] = r <= 1 + 1e-12 ? 1 : 0;
                }
            }
        }
        return mask;
    }

    private static double sq(int nu, int m) {
        if (m <= 1) return 0;
        double u = nu / (m / 2.0);
        return u * u;
    }

    @Override
    public Tensor apply(Tensor x) {
        Checks.shape(name, "input", x, inShape);
        return run(x.toArray(), inShape, toKSpace, toImage);
    }

    @Override
    public Tensor adjoint(Tensor y) {
        Checks.shape(name + " adjoint", "input", y, outShape);
        return run(y.toArray(), outShape, toImageAdjoint, toKSpaceAdjoint);
    }

    /** {@code Re(second · mask · first · v)}, each stage along the active axes. */
    private Tensor run(float[] v, int[] shape, CenteredDft.Matrix[] first, CenteredDft.Matrix[] second) {
        int[] cur = shape.clone();
        double[] re = Checks.allocateDouble(name, v.length), im = Checks.allocateDouble(name, v.length);
        for (int i = 0; i < v.length; i++) re[i] = v[i];
        for (int a : activeAxes) {
            double[][] z = first[a].applyAlong(name, re, im, cur, a);
            re = z[0];
            im = z[1];
            cur[a] = first[a].rows;
        }
        if (ellipse != null) {
            for (int i = 0; i < re.length; i++) {
                re[i] *= ellipse[i];
                im[i] *= ellipse[i];
            }
        }
        for (int a : activeAxes) {
            double[][] z = second[a].applyAlong(name, re, im, cur, a);
            re = z[0];
            im = z[1];
            cur[a] = second[a].rows;
        }
        float[] out = Checks.allocate(name, cur);
        for (int i = 0; i < out.length; i++) out[i] = (float) re[i];
        return Tensor.fromArray(out, cur);
    }

    /** Output voxel size over input voxel size per axis: {@code n_a / m_a}. */
    public double[] effectiveFactors() {
        return new double[] {(double) inShape[0] / outShape[0], (double) inShape[1] / outShape[1], (double) inShape[2] / outShape[2]};
    }

    @Override
    public int[] inputShape() {
        return inShape.clone();
    }

    @Override
    public int[] outputShape() {
        return outShape.clone();
    }

    @Override
    public String name() {
        return name;
    }

    private static String describe(Builder b) {
        StringBuilder s = new StringBuilder();
        if (b.window == Window.HAMMING) s.append(", Hamming window");
        if (b.window == Window.TUKEY) s.append(", Tukey window alpha ").append(Checks.number(b.tukeyAlpha));
        if (b.partialFourierAxis >= 0) {
            s.append(", partial Fourier ").append(Checks.number(b.partialFourierFraction)).append(" along axis ").append(b.partialFourierAxis);
        }
        if (b.elliptical) s.append(", elliptical mask");
        return s.toString();
    }

    /** Options of a {@link KSpaceTruncation}; defaults: no window, full sampling, box-shaped band. */
    public static final class Builder {
        private final int[] inShape, outShape;
        private Window window = Window.NONE;
        private double tukeyAlpha = 0.5;
        private int partialFourierAxis = -1;
        private double partialFourierFraction = 1;
        private boolean elliptical;

        private Builder(int[] shape, int[] outShape) {
            this.inShape = Checks.volumeShape("k-space truncation", shape);
            this.outShape = Checks.volumeShape("k-space truncation output", outShape);
            for (int a = 0; a < 3; a++) {
                if (outShape[a] > shape[a]) {
                    throw new PhysicsException("k-space truncation: output size " + outShape[a] + " along axis " + a
                            + " exceeds the input size " + shape[a]);
                }
            }
        }

        /** Hamming or Tukey apodisation of each truncated axis (Tukey's α set by {@link #tukeyAlpha}). */
        public Builder window(Window w) {
            this.window = w;
            return this;
        }

        /** Tukey taper fraction α ∈ [0, 1] (0 = box, 1 = Hann); default 0.5. */
        public Builder tukeyAlpha(double alpha) {
            if (!(alpha >= 0 && alpha <= 1)) throw new PhysicsException("k-space truncation: Tukey alpha is " + alpha + ", must be in [0, 1]");
            this.tukeyAlpha = alpha;
            return this;
        }

        /**
         * Partial Fourier along {@code axis}: only the fraction {@code acquired ∈ (0.5, 1]} of the
         * kept band is sampled, the negative-frequency end is zero.
         */
        public Builder partialFourier(int axis, double acquired) {
            Checks.axis("k-space truncation partial Fourier", axis);
            if (!(acquired > 0.5 && acquired <= 1)) {
                throw new PhysicsException("k-space truncation: partial Fourier fraction is " + acquired + ", must be in (0.5, 1]");
            }
            this.partialFourierAxis = axis;
            this.partialFourierFraction = acquired;
            return this;
        }

        /** Keep only the ellipsoid inscribed in the kept band (the corners of k-space are not acquired). */
        public Builder ellipticalMask(boolean on) {
            this.elliptical = on;
            return this;
        }

        public KSpaceTruncation build() {
            return new KSpaceTruncation(this);
        }
    }
}
