package mrisr.sr.physics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.sr.volume.Volume;

/**
 * The full degradation of survey Eq. 1–2, {@code y = H x + n} with {@code H = D_s ∘ K ∘ B ∘ Γ}:
 * simulates a low-resolution acquisition of a high-resolution volume and exposes the linear part
 * {@code H} for solvers and data-consistency checks.
 *
 * <p>Pinned defaults and conventions:
 * <ul>
 *   <li>Factors per axis (≥ 1, real). Low-resolution voxel {@code j} is centred at high-resolution
 *       index {@code j·f + (f − 1)/2}; the result's affine is {@code Volume.resampledAffine(affine, 1/f)}.</li>
 *   <li>Image-space mode (default): blur and sampling are fused per axis
 *       ({@link Downsampling#withProfiles}) with a symmetric boundary. The slice axis (default: the
 *       axis with the largest factor; ties go to the larger low-resolution voxel, then the last axis)
 *       gets the slice profile ({@code gaussian} by default) with FWHM = slice thickness = LR slice
 *       spacing − gap. Other axes with a factor above 1 get the same profile kind with FWHM = their
 *       LR voxel size; with {@link Builder#inPlanePsf} every non-slice axis instead gets the
 *       slice-to-volume Gaussian PSF of FWHM 1.2 × its LR pixel size. Axes with factor 1 are left alone.
 *       Output size {@code ⌊n/f⌋}.</li>
 *   <li>k-space mode: {@link KSpaceTruncation} to {@code round(n/f)} samples over the same field of
 *       view (so the effective factor is {@code n/round(n/f)}); no slice profile.</li>
 *   <li>Optional rigid motion {@code Γ} and smooth bias field {@code B} (order-3 polynomial, from the seed).</li>
 *   <li>Noise: Gaussian, or Rician, with {@code σ = noise · (max − min)} of the clean
 *       low-resolution image; default none.</li>
 *   <li>Randomness: {@code Rng(seed)} is split once for the bias field, then once for the noise.</li>
 * </ul>
 *
 * <pre>{@code
 * Degradation d = Degradation.builder().factors(1, 1, 4).profile(SliceProfile.Kind.RECT).noise(0.01).rician(true).seed(7).build();
 * Volume lr = d.apply(hr);                                        // 4× thicker slices, 1 % Rician noise
 * LinearOperator h = d.operator(hr.shape(), hr.spacing());        // the noise-free forward model
 * }</pre>
 */
public final class Degradation {
    /** Polynomial order of the bias field. */
    public static final int BIAS_ORDER = 3;

    private final double[] factors;
    private final SliceProfile.Kind profile;
    private final boolean profileSet;
    private final int sliceAxis; // -1 = default
    private final double thickness, gap; // NaN = default
    private final boolean inPlanePsf, kspace, rician;
    private final KSpaceTruncation.Window window;
    private final double noise, biasStrength;
    private final double[] euler, translation;
    private final long seed;

    private Degradation(Builder b) {
        factors = b.factors.clone();
        profile = b.profile;
        profileSet = b.profileSet;
        sliceAxis = b.sliceAxis;
        thickness = b.thickness;
        gap = b.gap;
        inPlanePsf = b.inPlanePsf;
        kspace = b.kspace;
        rician = b.rician;
        window = b.window;
        noise = b.noise;
        biasStrength = b.biasStrength;
        euler = b.euler;
        translation = b.translation;
        seed = b.seed;
        if (kspace) {
            if (profileSet) throw new PhysicsException("degradation: a slice profile applies to image-space degradation, not to k-space truncation");
            if (!Double.isNaN(thickness) || !Double.isNaN(gap)) {
                throw new PhysicsException("degradation: slice thickness and gap apply to image-space degradation, not to k-space truncation");
            }
            if (inPlanePsf) throw new PhysicsException("degradation: the in-plane PSF applies to image-space degradation, not to k-space truncation");
        } else if (window != KSpaceTruncation.Window.NONE) {
            throw new PhysicsException("degradation: a k-space window needs k-space mode");
        }
        if (!Double.isNaN(thickness) && !Double.isNaN(gap)) {
            throw new PhysicsException("degradation: give either the slice thickness or the slice gap (thickness = slice spacing - gap)");
        }
        if (rician && noise == 0) throw new PhysicsException("degradation: Rician noise needs a noise level > 0");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The requested factors per axis (a copy). */
    public double[] factors() {
        return factors.clone();
    }

    /** The slice profile of image-space sampling (Gaussian unless set; not used by k-space truncation). */
    public SliceProfile.Kind profile() {
        return profile;
    }

    /** Whether the acquisition is k-space truncation rather than image-space slice sampling. */
    public boolean kspace() {
        return kspace;
    }

    /**
     * The through-plane axis of a low-resolution volume: the one with the largest voxel size (ties:
     * the last such axis).
     */
    public static int throughPlaneAxis(double[] voxelSizesMm) {
        Checks.spacing("through-plane axis", voxelSizesMm);
        int best = 2;
        for (int a = 1; a >= 0; a--) if (voxelSizesMm[a] > voxelSizesMm[best] * (1 + 1e-9)) best = a;
        return best;
    }

    /** The slice axis for a high-resolution grid of the given spacing (explicit, else as documented on the class). */
    public int sliceAxis(double[] hrSpacingMm) {
        if (sliceAxis >= 0) return sliceAxis;
        int best = 2;
        for (int a = 1; a >= 0; a--) {
            double fa = factors[a], fb = factors[best];
            if (fa > fb * (1 + 1e-9) || (Math.abs(fa - fb) <= 1e-9 * fb && fa * hrSpacingMm[a] > fb * hrSpacingMm[best] * (1 + 1e-9))) best = a;
        }
        return best;
    }

    /** The low-resolution grid size for a high-resolution grid {@code hrShape} ({@code [nx, ny, nz]}). */
    public int[] lrShape(int[] hrShape) {
        int[] s = Checks.volumeShape("degradation", hrShape);
        int[] m = new int[3];
        for (int a = 0; a < 3; a++) {
            m[a] = kspace ? KSpaceTruncation.outputSize(s[a], factors[a]) : Downsampling.outputSize(s[a], factors[a]);
            if (m[a] < 1) {
                throw new PhysicsException("degradation: factor " + fmt(factors[a]) + " along axis " + a + " exceeds the size " + s[a]);
            }
        }
        return m;
    }

    /** Low-resolution voxel size over high-resolution voxel size per axis ({@code n/m} in k-space mode). */
    public double[] effectiveFactors(int[] hrShape) {
        if (!kspace) return factors.clone();
        int[] m = lrShape(hrShape);
        return new double[] {(double) hrShape[0] / m[0], (double) hrShape[1] / m[1], (double) hrShape[2] / m[2]};
    }

    /** The affine of the low-resolution grid: voxel {@code j} centred at high-resolution index {@code j·f + (f − 1)/2}. */
    public double[][] lrAffine(double[][] hrAffine, int[] hrShape) {
        double[] f = effectiveFactors(hrShape);
        return Volume.resampledAffine(hrAffine, new double[] {1 / f[0], 1 / f[1], 1 / f[2]});
    }

    /**
     * The noise-free forward model {@code H = D_s ∘ K ∘ B ∘ Γ} from {@code hrShape} to
     * {@link #lrShape}; the same operator {@link #apply} uses (the bias field comes from the seed).
     */
    public LinearOperator operator(int[] hrShape, double[] hrSpacingMm) {
        int[] s = Checks.volumeShape("degradation", hrShape);
        double[] sp = Checks.spacing("degradation", hrSpacingMm);
        int[] m = lrShape(s);
        List<LinearOperator> chain = new ArrayList<>(); // applied first to last
        if (euler != null) chain.add(new RigidTransform(s, sp, euler, translation));
        if (biasStrength > 0) chain.add(BiasField.random(s, BIAS_ORDER, biasStrength, rngs()[0]));
        chain.add(kspace ? KSpaceTruncation.builder(s, m).window(window).build() : imageSpace(s, sp));
        LinearOperator h = chain.get(0);
        for (int i = 1; i < chain.size(); i++) h = chain.get(i).compose(h);
        return h;
    }

    private SeparableOperator imageSpace(int[] s, double[] sp) {
        int axis = sliceAxis(sp);
        SliceProfile[] profiles = new SliceProfile[3];
        for (int a = 0; a < 3; a++) {
            double lrSize = factors[a] * sp[a];
            if (a == axis) {
                if (factors[a] == 1 && Double.isNaN(thickness) && Double.isNaN(gap)) continue;
                double t = !Double.isNaN(thickness) ? thickness : lrSize - (Double.isNaN(gap) ? 0 : gap);
                if (!(t > 0)) {
                    throw new PhysicsException("degradation: slice thickness is " + fmt(t) + " mm (slice spacing " + fmt(lrSize)
                            + " mm - gap " + fmt(gap) + " mm), must be > 0");
                }
                profiles[a] = SliceProfile.of(profile, t);
            } else if (inPlanePsf) {
                profiles[a] = SliceProfile.gaussian(Blur.IN_PLANE_FWHM_PER_PIXEL * lrSize);
            } else if (factors[a] != 1) {
                profiles[a] = SliceProfile.of(profile, lrSize);
            }
        }
        return Downsampling.withProfiles(s, sp, factors, profiles, Boundary.SYMMETRIC);
    }

    /** {bias rng, noise rng}, split from {@code Rng(seed)} in that order. */
    private Rng[] rngs() {
        Rng root = new Rng(seed);
        Rng bias = root.split();
        return new Rng[] {bias, root.split()};
    }

    /**
     * Simulates the low-resolution acquisition of {@code hr} ({@code [nx, ny, nz]}, or a series
     * {@code [nx, ny, nz, nt]} whose frames share {@code H} and one noise level; not modified).
     */
    public Volume apply(Volume hr) {
        int[] shape = hr.shape();
        int[] s3 = {shape[0], shape[1], shape[2]};
        int nt = shape.length == 4 ? shape[3] : 1;
        LinearOperator h = operator(s3, hr.spacing());
        int[] m = h.outputShape();
        Tensor[] clean = new Tensor[nt];
        if (nt == 1 && shape.length == 3) {
            clean[0] = h.apply(hr.data());
        } else {
            float[] all = hr.data().toArray();
            int nv = s3[0] * s3[1] * s3[2];
            for (int t = 0; t < nt; t++) {
                float[] frame = new float[nv];
                for (int i = 0; i < nv; i++) frame[i] = all[i * nt + t];
                clean[t] = h.apply(Tensor.fromArray(frame, s3));
            }
        }
        Tensor[] out = clean;
        if (noise > 0) {
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (Tensor c : clean) {
                for (float v : c.toArray()) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            double sigma = noise * (hi - lo);
            Rng rng = rngs()[1];
            out = new Tensor[nt];
            for (int t = 0; t < nt; t++) out[t] = rician ? Noise.rician(clean[t], sigma, rng) : Noise.gaussian(clean[t], sigma, rng);
        }
        double[][] affine = lrAffine(hr.affine(), s3);
        if (shape.length == 3) return Volume.of(out[0], affine);
        int nl = m[0] * m[1] * m[2];
        float[] series = Checks.allocate("degradation", new int[] {m[0], m[1], m[2], nt});
        for (int t = 0; t < nt; t++) {
            float[] f = out[t].toArray();
            for (int i = 0; i < nl; i++) series[i * nt + t] = f[i];
        }
        return Volume.of(Tensor.fromArray(series, m[0], m[1], m[2], nt), affine);
    }

    /** One line describing the degradation for a grid of the given spacing, e.g. for the CLI. */
    public String describe(double[] hrSpacingMm) {
        StringBuilder sb = new StringBuilder("factors ").append(Blur.format(factors));
        if (kspace) {
            sb.append(", k-space truncation");
            if (window != KSpaceTruncation.Window.NONE) sb.append(" with ").append(window.name().toLowerCase(Locale.ROOT)).append(" window");
        } else {
            int axis = sliceAxis(hrSpacingMm);
            sb.append(", slice axis ").append(axis).append(", ").append(profile.cliName()).append(" profile");
            if (!Double.isNaN(thickness)) sb.append(", thickness ").append(fmt(thickness)).append(" mm");
            if (!Double.isNaN(gap)) sb.append(", gap ").append(fmt(gap)).append(" mm");
            if (inPlanePsf) sb.append(", in-plane PSF");
        }
        if (euler != null) sb.append(", rigid motion");
        if (biasStrength > 0) sb.append(", bias field ").append(fmt(biasStrength));
        if (noise > 0) sb.append(", ").append(rician ? "Rician" : "Gaussian").append(" noise ").append(fmt(100 * noise)).append("% of range");
        return sb.append(", seed ").append(seed).toString();
    }

    private static String fmt(double v) {
        return Checks.number(v);
    }

    /** Options of a {@link Degradation}. Only {@link #factors} is required. */
    public static final class Builder {
        private double[] factors;
        private SliceProfile.Kind profile = SliceProfile.Kind.GAUSSIAN;
        private boolean profileSet;
        private int sliceAxis = -1;
        private double thickness = Double.NaN, gap = Double.NaN;
        private boolean inPlanePsf, kspace, rician;
        private KSpaceTruncation.Window window = KSpaceTruncation.Window.NONE;
        private double noise, biasStrength;
        private double[] euler, translation;
        private long seed;

        private Builder() {}

        /** Downsampling factor per axis (three values ≥ 1). */
        public Builder factors(double... f) {
            if (f == null || f.length != 3) {
                throw new PhysicsException("degradation: need 3 factors (one per axis), got " + (f == null ? 0 : f.length));
            }
            for (int a = 0; a < 3; a++) {
                if (!(f[a] >= 1) || Double.isInfinite(f[a])) {
                    throw new PhysicsException("degradation: factor along axis " + a + " is " + f[a] + ", must be >= 1");
                }
            }
            this.factors = f.clone();
            return this;
        }

        /** Slice-profile shape (default {@code GAUSSIAN}). */
        public Builder profile(SliceProfile.Kind kind) {
            this.profile = kind;
            this.profileSet = true;
            return this;
        }

        /** The slice-selection axis (default: the axis with the largest factor). */
        public Builder sliceAxis(int axis) {
            this.sliceAxis = Checks.axis("degradation slice axis", axis);
            return this;
        }

        /** Slice thickness in mm (default: slice spacing − gap). */
        public Builder sliceThicknessMm(double mm) {
            if (!(mm > 0) || Double.isInfinite(mm)) throw new PhysicsException("degradation: slice thickness is " + mm + " mm, must be > 0");
            this.thickness = mm;
            return this;
        }

        /** Gap between slices in mm (negative = overlapping slices); thickness becomes slice spacing − gap. */
        public Builder sliceGapMm(double mm) {
            if (!Double.isFinite(mm)) throw new PhysicsException("degradation: slice gap is " + mm + " mm, must be finite");
            this.gap = mm;
            return this;
        }

        /** Blur non-slice axes with the slice-to-volume PSF (FWHM 1.2 × LR pixel size). */
        public Builder inPlanePsf(boolean on) {
            this.inPlanePsf = on;
            return this;
        }

        /** Downsample by k-space truncation instead of profile blur and sampling. */
        public Builder kspace(boolean on) {
            this.kspace = on;
            return this;
        }

        /** Window of the kept k-space band (k-space mode only). */
        public Builder kspaceWindow(KSpaceTruncation.Window w) {
            this.window = w;
            return this;
        }

        /** Noise σ as a fraction of the clean image's intensity range (0.01 = 1 %; default 0). */
        public Builder noise(double sigmaFraction) {
            if (!(sigmaFraction >= 0) || Double.isInfinite(sigmaFraction)) {
                throw new PhysicsException("degradation: noise is " + sigmaFraction + " of the intensity range, must be finite and >= 0");
            }
            this.noise = sigmaFraction;
            return this;
        }

        /** Rician instead of Gaussian noise. */
        public Builder rician(boolean on) {
            this.rician = on;
            return this;
        }

        /** Smooth multiplicative bias field with coefficients in {@code [−strength, strength]} (0 = none). */
        public Builder biasField(double strength) {
            if (!(strength >= 0) || Double.isInfinite(strength)) {
                throw new PhysicsException("degradation: bias field strength is " + strength + ", must be finite and >= 0");
            }
            this.biasStrength = strength;
            return this;
        }

        /** Rigid motion before acquisition (see {@link RigidTransform}). */
        public Builder rigid(double[] eulerDeg, double[] translationMm) {
            if (eulerDeg == null || eulerDeg.length != 3 || translationMm == null || translationMm.length != 3) {
                throw new PhysicsException("degradation: rigid motion needs 3 angles and 3 translations");
            }
            this.euler = eulerDeg.clone();
            this.translation = translationMm.clone();
            return this;
        }

        /** Seed of all random draws (bias field, noise); default 0. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Degradation build() {
            if (factors == null) throw new PhysicsException("degradation: factors are required");
            return new Degradation(this);
        }
    }
}
