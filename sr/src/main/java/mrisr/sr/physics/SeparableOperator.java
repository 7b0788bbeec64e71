package mrisr.sr.physics;

import java.util.ArrayList;
import java.util.List;
import mrisr.engine.Shape;
import mrisr.engine.Tensor;

/**
 * A separable linear operator on volumes: one sparse 1-D matrix {@code M_a} per axis, applied
 * along axis 0, then 1, then 2: {@code A = M₂ ⊗ M₁ ⊗ M₀} (a Kronecker product), so
 * {@code y[j₀,j₁,j₂] = Σ M₀[j₀,i₀] M₁[j₁,i₁] M₂[j₂,i₂] x[i₀,i₁,i₂]}. Its adjoint applies the
 * transposed matrices and is exact; its spectral norm is the product of the per-axis norms.
 *
 * <p>Blur ({@link Blur}), decimation, area-weighted and profile-weighted sampling
 * ({@link Downsampling}) are all instances, built by those factories.
 *
 * <pre>{@code
 * SeparableOperator blur = Blur.gaussian(shape, spacing, new double[] {2, 2, 0}, Boundary.SYMMETRIC);
 * Tensor y = blur.apply(x);   // same shape as x
 * }</pre>
 */
public final class SeparableOperator implements LinearOperator {
    private final String name;
    private final int[] inShape, outShape;
    private final AxisMatrix[] forward = new AxisMatrix[3], backward = new AxisMatrix[3];

    /**
     * An operator applying {@code matrices[a]} along each axis {@code a}.
     *
     * @param matrices one matrix per axis, {@code null} (or an identity) where the axis is left
     *                 unchanged; {@code matrices[a].cols} must equal {@code inShape[a]}
     */
    SeparableOperator(String name, int[] inShape, AxisMatrix[] matrices) {
        this.name = name;
        this.inShape = Checks.volumeShape(name, inShape);
        this.outShape = inShape.clone();
        for (int a = 0; a < 3; a++) {
            AxisMatrix m = matrices[a];
            if (m == null || m.isIdentity()) continue;
            if (m.cols != inShape[a]) throw new IllegalStateException(name + ": axis " + a + " matrix has " + m.cols + " columns, volume has " + inShape[a]);
            forward[a] = m;
            backward[a] = m.transpose();
            outShape[a] = m.rows;
        }
    }

    @Override
    public Tensor apply(Tensor x) {
        Checks.shape(name, "input", x, inShape);
        return run(x.toArray(), inShape, forward, outShape);
    }

    @Override
    public Tensor adjoint(Tensor y) {
        Checks.shape(name + " adjoint", "input", y, outShape);
        return run(y.toArray(), outShape, backward, inShape);
    }

    private Tensor run(float[] v, int[] shape, AxisMatrix[] ms, int[] resultShape) {
        int[] cur = shape.clone();
        for (int a = 0; a < 3; a++) {
            if (ms[a] == null) continue;
            v = ms[a].applyAlong(name, v, cur, a);
            cur[a] = ms[a].rows;
        }
        return Tensor.fromArray(v, resultShape);
    }

    /** The axes this operator acts on (the others pass through unchanged). */
    public int[] activeAxes() {
        List<Integer> axes = new ArrayList<>();
        for (int a = 0; a < 3; a++) if (forward[a] != null) axes.add(a);
        return axes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The matrix along {@code axis}, or null when the axis passes through unchanged. */
    AxisMatrix matrix(int axis) {
        return forward[axis];
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

    @Override
    public String toString() {
        return name + " " + Shape.format(inShape) + " -> " + Shape.format(outShape);
    }
}
