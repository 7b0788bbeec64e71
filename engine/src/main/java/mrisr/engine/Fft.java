package mrisr.engine;

import java.util.Arrays;

/**
 * Differentiable discrete Fourier transforms with torch.fft semantics.
 *
 * <p><b>Complex tensors</b> are real tensors whose last dimension has size 2 holding (re, im): a
 * complex {@code [4, 5]} array is a {@code Tensor} of shape {@code [4, 5, 2]}. Dimension arguments of
 * the complex transforms index the dimensions <i>before</i> that trailing pair (negative values
 * count from the last of them); an empty (or null) {@code dims} means all of them.
 *
 * <p><b>Math.</b> Along each transformed dimension of size {@code n},
 * {@code X_k = Σ_j x_j e^{-2πi jk/n}} (forward) and {@code x_j = Σ_k X_k e^{+2πi jk/n}} (inverse),
 * then the result is multiplied by the {@link Norm} factor for {@code N = Π n} (the product over all
 * transformed dimensions of the signal sizes): {@link Norm#BACKWARD} (the default) scales only the
 * inverse, by {@code 1/N}; {@link Norm#ORTHO} scales both by {@code 1/√N}, making the transforms
 * unitary; {@link Norm#FORWARD} scales only the forward, by {@code 1/N}.
 *
 * <p><b>Gradients</b> follow PyTorch: a complex value is its (re, im) pair, and each backward rule is
 * the transpose of the real Jacobian of that representation. For a complex-linear map that is the
 * conjugate transpose, so the backward of {@code fftn} is the opposite-sign transform with the same
 * factor (norm {@code BACKWARD}: {@code N·ifftn}; {@code ORTHO}: {@code ifftn} ortho). The
 * half-spectrum maps are only real-linear; their rules are written at {@link #rfftn} and
 * {@link #irfftn}.
 *
 * <pre>{@code
 * Tensor image = Fft.complex(magnitude, Tensor.zeros(256, 256));           // [256, 256, 2]
 * Tensor kspace = Fft.fftshift(Fft.fftn(image, null, Fft.Norm.ORTHO), 0, 1); // DC at [128, 128]
 * Tensor back = Fft.real(Fft.ifftn(Fft.ifftshift(kspace, 0, 1), null, Fft.Norm.ORTHO)); // = magnitude
 * }</pre>
 */
public final class Fft {
    private Fft() {}

    /** Normalisation modes, as torch.fft's {@code norm} argument; {@code null} means {@link #BACKWARD}. */
    public enum Norm {
        /** Forward unscaled, inverse scaled by {@code 1/N} (torch's default {@code "backward"}). */
        BACKWARD,
        /** Both directions scaled by {@code 1/√N}: the transforms are unitary. */
        ORTHO,
        /** Forward scaled by {@code 1/N}, inverse unscaled. */
        FORWARD;

        double scale(long n, boolean inverse) {
            return switch (this) {
                case BACKWARD -> inverse ? 1.0 / n : 1.0;
                case ORTHO -> 1.0 / Math.sqrt(n);
                case FORWARD -> inverse ? 1.0 : 1.0 / n;
            };
        }
    }

    // ------------------------------------------------------------------ complex ↔ complex

    /**
     * N-dimensional forward DFT of a complex tensor.
     *
     * @param x    complex {@code [s…, 2]} (not modified)
     * @param dims complex dimensions to transform, in any order; empty or null = all
     * @param norm normalisation; null = {@link Norm#BACKWARD} (no scaling)
     * @return complex, same shape as {@code x}
     */
    public static Tensor fftn(Tensor x, int[] dims, Norm norm) {
        return complexTransform("fftn", x, dims, norm, false);
    }

    /**
     * N-dimensional inverse DFT of a complex tensor; {@code ifftn(fftn(x)) = x} for equal norms.
     *
     * @param x    complex {@code [s…, 2]} (not modified)
     * @param dims complex dimensions to transform; empty or null = all
     * @param norm normalisation; null = {@link Norm#BACKWARD} (scaled by {@code 1/N})
     * @return complex, same shape as {@code x}
     */
    public static Tensor ifftn(Tensor x, int[] dims, Norm norm) {
        return complexTransform("ifftn", x, dims, norm, true);
    }

    private static Tensor complexTransform(String op, Tensor x, int[] dims, Norm norm, boolean inverse) {
        int[] d = complexDims(op, x, dims);
        double scale = normOrDefault(norm).scale(signalSize(x.shape(), d), inverse);
        FftBackend f = x.backend().fft();
        Tensor y = f.fft(x, d, inverse, scale);
        if (!Autograd.needsGrad(x)) return y;
        // y = scale·F x is complex-linear; its real Jacobian-transpose is scale·F^H, the opposite-sign
        // transform with the same factor.
        return Autograd.record(op, y, g -> new Tensor[] {f.fft(g, d, !inverse, scale)}, x);
    }

    // ------------------------------------------------------------------ real ↔ half spectrum

    /**
     * N-dimensional DFT of a real tensor, keeping the non-redundant half of the spectrum along the
     * last of {@code dims} (as given, not sorted), like torch.fft.rfftn.
     *
     * <p>Math: with {@code R} the real-to-half-spectrum DFT along that dimension (size {@code n},
     * bins {@code k < n/2 + 1}) and {@code F} the complex DFT along the others,
     * {@code y = scale·F R x}. Backward: {@code scale·Rᵀ F^H g} where
     * {@code (Rᵀ z)_j = Re Σ_{k≤n/2} z_k e^{+2πi jk/n}}; that equals the Hermitian inverse
     * ({@link FftBackend#irfft}) of {@code z} with the bins other than 0 and {@code n/2} halved,
     * because the Hermitian inverse counts each of those bins twice.
     *
     * @param x    real {@code [s…]} (not modified)
     * @param dims dimensions of {@code x} to transform; empty or null = all
     * @param norm normalisation over {@code N = Π s_d}; null = {@link Norm#BACKWARD}
     * @return complex {@code [s…, 2]} with {@code s_last/2 + 1} along the last transformed dimension
     */
    public static Tensor rfftn(Tensor x, int[] dims, Norm norm) {
        String op = "rfftn";
        if (x.dim() == 0) throw new ShapeException(op, "needs at least one dimension, got a 0-d tensor");
        int[] d = normaliseDims(op, dims, x.shape(), x.dim());
        int last = d[d.length - 1], n = x.size(last);
        int[] others = Arrays.copyOf(d, d.length - 1);
        double scale = normOrDefault(norm).scale(signalSize(x.shape(), d), false);
        FftBackend f = x.backend().fft();
        Tensor y = others.length == 0 ? f.rfft(x, last, scale) : f.fft(f.rfft(x, last, 1), others, false, scale);
        if (!Autograd.needsGrad(x)) return y;
        Tensor halve = binWeights(x.backend(), y.shape(), last, n, 0.5f, 0.5f);
        return Autograd.record(op, y, g -> {
            Tensor h = others.length == 0 ? g : f.fft(g, others, true, 1);
            return new Tensor[] {f.irfft(h.mul(halve), last, n, scale)};
        }, x);
    }

    /**
     * Inverse of {@link #rfftn}: a real signal from the half spectrum along the last of {@code dims},
     * like torch.fft.irfftn. The input is treated as Hermitian (the imaginary parts of the bin 0 and,
     * for even output length, of the Nyquist bin are ignored).
     *
     * <p>Sizes: the output has {@code outSizes[i]} along {@code dims[i]}. Before the transform the
     * input is trimmed or zero-padded at the end of each dimension to that size, except the last
     * dimension, which is trimmed or padded to {@code outSizes[last]/2 + 1} bins. Without
     * {@code outSizes} the other dimensions keep their sizes and the last becomes {@code 2(m − 1)}
     * for {@code m} input bins, so odd lengths need an explicit size.
     *
     * <p>Math: with {@code C} the Hermitian half-to-real inverse along the last dimension,
     * {@code y = scale·C F^H z}. Backward: {@code scale·F Cᵀ g} where {@code Cᵀ g} is the half
     * spectrum {@code R g} with bins other than 0 and {@code n/2} doubled (they appear twice in the
     * signal) and zero imaginary part at bins 0 and {@code n/2} (which the forward ignores).
     *
     * @param x        complex {@code [s…, 2]} (not modified)
     * @param dims     complex dimensions to transform; empty or null = all
     * @param outSizes output length per entry of {@code dims} (each ≥ 1), or null for the defaults
     * @param norm     normalisation over {@code N = Π outSizes}; null = {@link Norm#BACKWARD} ({@code 1/N})
     * @return real {@code [s…]} with {@code outSizes} along {@code dims}
     */
    public static Tensor irfftn(Tensor x, int[] dims, int[] outSizes, Norm norm) {
        String op = "irfftn";
        int[] d = complexDims(op, x, dims);
        int k = d.length, last = d[k - 1];
        int[] sizes = new int[k];
        if (outSizes == null) {
            for (int i = 0; i < k; i++) sizes[i] = x.size(d[i]);
            sizes[k - 1] = 2 * (x.size(last) - 1);
            if (sizes[k - 1] < 1) {
                throw new ShapeException(op, "input " + Shape.format(x.shape()) + " has 1 bin along dimension " + last
                        + ", so the default output length 2·(1−1) is 0; pass outSizes");
            }
        } else {
            if (outSizes.length != k) {
                throw new ShapeException(op, "outSizes " + Arrays.toString(outSizes) + " has " + outSizes.length
                        + " entries for " + k + " transformed dimensions " + Arrays.toString(d));
            }
            for (int i = 0; i < k; i++) {
                if (outSizes[i] < 1) {
                    throw new ShapeException(op, "outSizes " + Arrays.toString(outSizes) + " must be >= 1 for input "
                            + Shape.format(x.shape()));
                }
                sizes[i] = outSizes[i];
            }
        }
        int n = sizes[k - 1];
        int[] others = Arrays.copyOf(d, k - 1);
        Tensor z = x;
        for (int i = 0; i < k - 1; i++) z = resize(op, z, d[i], sizes[i]);
        z = resize(op, z, last, n / 2 + 1);
        double scale = normOrDefault(norm).scale(product(sizes), true);
        FftBackend f = x.backend().fft();
        Tensor y = others.length == 0 ? f.irfft(z, last, n, scale) : f.irfft(f.fft(z, others, true, 1), last, n, scale);
        if (!Autograd.needsGrad(z)) return y;
        Tensor weights = binWeights(x.backend(), z.shape(), last, n, 2f, 0f);
        return Autograd.record(op, y, g -> {
            Tensor r = f.rfft(g, last, others.length == 0 ? scale : 1).mul(weights);
            return new Tensor[] {others.length == 0 ? r : f.fft(r, others, false, scale)};
        }, z);
    }

    /**
     * Per-bin factors along complex dimension {@code dim} of a half spectrum for length {@code n},
     * broadcastable to {@code complexShape}: {@code (mid, mid)} for bins strictly between 0 and
     * {@code n/2}, {@code (1, edgeImag)} for bin 0 and, for even {@code n}, bin {@code n/2}.
     */
    private static Tensor binWeights(Backend backend, int[] complexShape, int dim, int n, float mid, float edgeImag) {
        int m = n / 2 + 1;
        float[] w = new float[2 * m];
        for (int k = 0; k < m; k++) {
            boolean edge = k == 0 || 2 * k == n;
            w[2 * k] = edge ? 1f : mid;
            w[2 * k + 1] = edge ? edgeImag : mid;
        }
        int[] shape = new int[complexShape.length];
        Arrays.fill(shape, 1);
        shape[dim] = m;
        shape[shape.length - 1] = 2;
        return Tensor.wrap(backend.upload(w, "fft bin weights"), shape);
    }

    /**
     * {@code z} trimmed, or zero-padded at the end, to {@code size} along complex dimension
     * {@code dim}; differentiable (the padding's backward keeps the first entries of the gradient).
     */
    private static Tensor resize(String op, Tensor z, int dim, int size) {
        int current = z.size(dim);
        if (size == current) return z;
        if (size < current) return z.narrow(dim, 0, size);
        int[] shape = z.shape();
        shape[dim] = size;
        Tensor padded = z.backend().full(shape, 0f);
        padded.narrow(dim, 0, current).copyFrom_(z);
        return Autograd.record(op, padded, g -> new Tensor[] {g.narrow(dim, 0, current)}, z);
    }

    // ------------------------------------------------------------------ shifts

    /**
     * Moves the zero frequency to the centre: a circular shift by {@code ⌊n/2⌋} along each of
     * {@code dims}, like torch.fft.fftshift. Backward is the opposite shift.
     *
     * <p>The dimensions are those of {@code x} itself: for a complex {@code [H, W, 2]} tensor pass the
     * spatial ones ({@code 0, 1}); shifting the trailing (re, im) pair would swap them.
     *
     * @param x    any tensor (not modified)
     * @param dims dimensions to shift; none = all dimensions
     * @return same shape as {@code x}
     */
    public static Tensor fftshift(Tensor x, int... dims) {
        return shift("fftshift", x, dims, false);
    }

    /**
     * Inverse of {@link #fftshift}: a circular shift by {@code −⌊n/2⌋} (equal to {@code ⌈n/2⌉} modulo
     * {@code n}) along each of {@code dims}; differs from fftshift only for odd sizes.
     *
     * @param x    any tensor (not modified)
     * @param dims dimensions to shift (of {@code x} itself, see {@link #fftshift}); none = all
     * @return same shape as {@code x}
     */
    public static Tensor ifftshift(Tensor x, int... dims) {
        return shift("ifftshift", x, dims, true);
    }

    private static Tensor shift(String op, Tensor x, int[] dims, boolean inverse) {
        int[] d = Shape.dims(op, dims == null ? new int[0] : dims, x.dim());
        int[] shifts = new int[d.length], back = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            int half = x.size(d[i]) / 2;
            shifts[i] = inverse ? -half : half;
            back[i] = -shifts[i];
        }
        FftBackend f = x.backend().fft();
        Tensor y = f.roll(x, d, shifts);
        if (!Autograd.needsGrad(x)) return y;
        return Autograd.record(op, y, g -> new Tensor[] {f.roll(g, d, back)}, x);
    }

    // ------------------------------------------------------------------ complex helpers

    /**
     * A complex tensor from real and imaginary parts, broadcasting them like torch.complex.
     * Differentiable (a composition of {@code mul} and {@code add}).
     *
     * @param re real parts (not modified)
     * @param im imaginary parts (not modified)
     * @return complex {@code [broadcast(re, im)…, 2]}
     */
    public static Tensor complex(Tensor re, Tensor im) {
        Shape.broadcast("complex", re.shape(), im.shape());
        re.checkSameDevice("complex", im);
        Tensor unitRe = Tensor.wrap(re.backend().upload(new float[] {1f, 0f}, "complex"), new int[] {2});
        Tensor unitIm = Tensor.wrap(re.backend().upload(new float[] {0f, 1f}, "complex"), new int[] {2});
        return re.unsqueeze(-1).mul(unitRe).add(im.unsqueeze(-1).mul(unitIm));
    }

    /**
     * The real parts of a complex tensor: a view, differentiable.
     *
     * @param z complex {@code [s…, 2]} (not modified; the result shares its storage)
     * @return real {@code [s…]}
     */
    public static Tensor real(Tensor z) {
        checkComplex("real", z);
        return z.narrow(-1, 0, 1).squeeze(-1);
    }

    /**
     * The imaginary parts of a complex tensor, differentiable.
     *
     * @param z complex {@code [s…, 2]} (not modified)
     * @return real {@code [s…]}
     */
    public static Tensor imag(Tensor z) {
        checkComplex("imag", z);
        return z.narrow(-1, 1, 1).squeeze(-1);
    }

    /**
     * Magnitude {@code |z| = sqrt(re² + im²)} of a complex tensor, like torch.abs on complex input.
     * Gradient {@code g·z/|z|}, and 0 where {@code z = 0} (PyTorch's choice at the kink).
     *
     * @param z complex {@code [s…, 2]} (not modified)
     * @return real {@code [s…]}
     */
    public static Tensor abs(Tensor z) {
        checkComplex("abs", z);
        Tensor a = z.backend().fft().magnitude(z);
        if (!Autograd.needsGrad(z)) return a;
        return Autograd.record("abs", a, g -> {
            Tensor zero = Tensor.fullLike(a, 0f);
            // g/|z| is infinite where |z| = 0, but where() keeps only the finite branch there
            Tensor ratio = Ops.where(Ops.gt(a, zero), g.div(a), zero);
            return new Tensor[] {z.mul(ratio.unsqueeze(-1))};
        }, z);
    }

    // ------------------------------------------------------------------ argument checks

    private static Norm normOrDefault(Norm norm) {
        return norm == null ? Norm.BACKWARD : norm;
    }

    private static void checkComplex(String op, Tensor z) {
        if (z.dim() == 0 || z.size(-1) != 2) {
            throw new ShapeException(op, "input " + Shape.format(z.shape())
                    + " is not complex: the last dimension must have size 2 (re, im)");
        }
    }

    /** Normalised complex dimensions of {@code x} (which must be complex with at least one of them). */
    private static int[] complexDims(String op, Tensor x, int[] dims) {
        checkComplex(op, x);
        if (x.dim() < 2) {
            throw new ShapeException(op, "input " + Shape.format(x.shape()) + " is a single complex number; it needs at"
                    + " least one dimension before the trailing (re, im) pair");
        }
        return normaliseDims(op, dims, x.shape(), x.dim() - 1);
    }

    /**
     * {@code dims} mapped into {@code [0, rank)} in the given order (empty or null = all), with
     * duplicates and empty dimensions rejected.
     */
    private static int[] normaliseDims(String op, int[] dims, int[] shape, int rank) {
        int[] d;
        if (dims == null || dims.length == 0) {
            d = new int[rank];
            for (int i = 0; i < rank; i++) d[i] = i;
        } else {
            d = new int[dims.length];
            boolean[] seen = new boolean[rank];
            for (int i = 0; i < dims.length; i++) {
                d[i] = Shape.dim(op, dims[i], rank);
                if (seen[d[i]]) {
                    throw new ShapeException(op, "dimension " + d[i] + " repeated in " + Arrays.toString(dims));
                }
                seen[d[i]] = true;
            }
        }
        for (int dim : d) {
            if (shape[dim] < 1) {
                throw new ShapeException(op, "cannot transform dimension " + dim + " of size 0 in input "
                        + Shape.format(shape));
            }
        }
        return d;
    }

    private static long signalSize(int[] shape, int[] dims) {
        long n = 1;
        for (int d : dims) n *= shape[d];
        return n;
    }

    private static long product(int[] sizes) {
        long n = 1;
        for (int s : sizes) n *= s;
        return n;
    }
}
