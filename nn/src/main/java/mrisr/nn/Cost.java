package mrisr.nn;

import java.util.Arrays;
import mrisr.engine.Shape;

/**
 * The static cost of one forward pass for a given input shape, computed from shapes alone (nothing
 * is allocated or run): the output shape and the number of multiply-accumulate operations (MACs).
 *
 * <p>Counting convention (the one of ptflops/thop for the layers that dominate): one MAC per
 * multiply-add of a linear map — {@code N·in·out} for a linear layer, {@code N·outVoxels·C_out·(C_in/groups)·Πk}
 * for a convolution, {@code N·inVoxels·C_in·(C_out/groups)·Πk} for a transposed one; one MAC per
 * element for the affine step of a normalisation layer; bias additions, pointwise nonlinearities,
 * pooling, resampling and residual additions count zero.
 *
 * @param outputShape the forward pass's output shape
 * @param macs        multiply-accumulate operations
 */
public record Cost(int[] outputShape, long macs) {
    public Cost {
        outputShape = outputShape.clone();
        if (macs < 0) throw new IllegalArgumentException("negative MAC count " + macs);
    }

    @Override
    public int[] outputShape() {
        return outputShape.clone();
    }

    /** This cost followed by {@code next}: {@code next}'s output shape, the MACs added. */
    public Cost then(Cost next) {
        return new Cost(next.outputShape, Math.addExact(macs, next.macs));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cost c && c.macs == macs && Arrays.equals(c.outputShape, outputShape);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(outputShape) + Long.hashCode(macs);
    }

    @Override
    public String toString() {
        return "Cost[output=" + Shape.format(outputShape) + ", macs=" + macs + "]";
    }
}
