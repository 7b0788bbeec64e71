package mrisr.sr.physics;

import mrisr.engine.Shape;
import mrisr.engine.Tensor;

/**
 * The orthonormal centred 3-D DFT of a real volume, as a real linear map
 * {@code [nx, ny, nz] → [nx, ny, nz, 2]} (last axis: real and imaginary part of k-space).
 *
 * <p>{@code X[k] = N^{-1/2} Σ_j x[j] exp(−2πi Σ_a (k_a − c_a)(j_a − c_a)/n_a)}, {@code c_a = ⌊n_a/2⌋}
 * (zero frequency at the centre, numpy's {@code fftshift(fftn(ifftshift(x), norm="ortho"))}). It is
 * an isometry, so its spectral norm is 1; its adjoint is {@code Re(F^H X)}, which inverts it on the
 * spectra of real volumes.
 *
 * <pre>{@code
 * FourierTransform f = new FourierTransform(new int[] {32, 32, 16});
 * Tensor k = f.apply(image);    // [32, 32, 16, 2]
 * Tensor back = f.adjoint(k);   // == image up to rounding
 * }</pre>
 */
public final class FourierTransform implements LinearOperator {
    private final int[] shape, outShape;
    private final CenteredDft.Matrix[] forward = new CenteredDft.Matrix[3], inverse = new CenteredDft.Matrix[3];

    /** The transform of volumes of shape {@code [nx, ny, nz]}. */
    public FourierTransform(int[] shape) {
        this.shape = Checks.volumeShape("Fourier transform", shape);
        this.outShape = new int[] {shape[0], shape[1], shape[2], 2};
        for (int a = 0; a < 3; a++) {
            if (shape[a] == 1) continue;
            forward[a] = CenteredDft.matrix(shape[a], false);
            inverse[a] = CenteredDft.matrix(shape[a], true);
        }
    }

    @Override
    public Tensor apply(Tensor x) {
        Checks.shape(name(), "input", x, shape);
        float[] v = x.toArray();
        double[] re = Checks.allocateDouble(name(), v.length), im = Checks.allocateDouble(name(), v.length);
        for (int i = 0; i < v.length; i++) re[i] = v[i];
        double[][] z = transform(re, im, forward);
        float[] out = Checks.allocate(name(), outShape);
        for (int i = 0; i < v.length; i++) {
            out[2 * i] = (float) z[0][i];
            out[2 * i + 1] = (float) z[1][i];
        }
        return Tensor.fromArray(out, outShape);
    }

    @Override
    public Tensor adjoint(Tensor y) {
        Checks.shape(name() + " adjoint", "input", y, outShape);
        float[] v = y.toArray();
        int n = v.length / 2;
        double[] re = Checks.allocateDouble(name(), n), im = Checks.allocateDouble(name(), n);
        for (int i = 0; i < n; i++) {
            re[i] = v[2 * i];
            im[i] = v[2 * i + 1];
        }
        double[][] z = transform(re, im, inverse);
        float[] out = Checks.allocate(name(), shape);
        for (int i = 0; i < n; i++) out[i] = (float) z[0][i];
        return Tensor.fromArray(out, shape);
    }

    private double[][] transform(double[] re, double[] im, CenteredDft.Matrix[] ms) {
        double[][] z = {re, im};
        for (int a = 0; a < 3; a++) if (ms[a] != null) z = ms[a].applyAlong(name(), z[0], z[1], shape, a);
        return z;
    }

    @Override
    public int[] inputShape() {
        return shape.clone();
    }

    @Override
    public int[] outputShape() {
        return outShape.clone();
    }

    @Override
    public String name() {
        return "centred DFT " + Shape.format(shape);
    }
}
