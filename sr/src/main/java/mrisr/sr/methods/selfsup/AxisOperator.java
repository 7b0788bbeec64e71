package mrisr.sr.methods.selfsup;

import java.util.Arrays;
import java.util.Optional;
import mrisr.engine.Memory;
import mrisr.engine.Tensor;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.LinearOperator;
import mrisr.sr.physics.PhysicsException;

/**
 * The acquisition's 1-D forward operator along one axis, measured from the {@link Degradation}
 * itself: an {@code m × n} matrix {@code H} with {@code H[j, p]} = low-resolution sample {@code j}
 * of a high-resolution line that is 1 at voxel {@code p} and 0 elsewhere.
 *
 * <p>Probing instead of rebuilding the slice profile keeps the self-supervised methods in step with
 * whatever the forward model does along that axis (Gaussian, rect or trapezoid profile, explicit
 * thickness or gap, k-space truncation), without access to its internals. Each probe is a bright
 * plane: 1 at index {@code p} of the probed axis and at every index of the other axes (one voxel,
 * or {@code ⌈f⌉} voxels where their factor {@code f > 1}); because the model is separable and
 * preserves constants along the other axes, the response at index 0 of the other axes is column
 * {@code p}. Bias fields and rigid motion in the model are not part of a slice profile and would
 * distort the probe; {@code mrisr sr} never passes them.
 *
 * <p>{@link #upFactor()} is the resampling factor that brings the {@code m} samples back onto the
 * {@code n}-voxel grid: the factor itself in image-space mode ({@code m = ⌊n/f⌋}, sample {@code j}
 * centred at {@code j·f + (f − 1)/2}), {@code n/m} in k-space mode.
 */
final class AxisOperator {
    private final int n, m;
    private final double upFactor;
    private final double[] weights; // row-major m × n
    private final int[] first, end; // per row, the non-zero band [first, end)

    private AxisOperator(int n, int m, double upFactor, double[] weights) {
        this.n = n;
        this.m = m;
        this.upFactor = upFactor;
        this.weights = weights;
        first = new int[m];
        end = new int[m];
        for (int j = 0; j < m; j++) {
            int lo = 0, hi = n;
            while (lo < n && weights[j * n + lo] == 0) lo++;
            while (hi > lo && weights[j * n + hi - 1] == 0) hi--;
            first[j] = lo;
            end[j] = hi;
        }
    }

    /**
     * Measures the forward model along {@code axis} for a line of {@code n} voxels.
     *
     * @param d         the acquisition model (its factors give the other axes' probe sizes)
     * @param axis      the probed axis, 0..2
     * @param n         voxels along the line, ≥ 1
     * @param hrSpacing the high-resolution voxel size in mm along i, j, k (sets the profile's width in voxels)
     * @return the operator, or empty when {@code n} voxels are too few for one low-resolution sample
     */
    static Optional<AxisOperator> probe(Degradation d, int axis, int n, double[] hrSpacing) {
        double[] factors = d.factors();
        int[] q = new int[3];
        for (int a = 0; a < 3; a++) q[a] = a == axis ? n : (int) Math.ceil(factors[a] - 1e-9);
        int m;
        try {
            m = d.lrShape(q)[axis];
        } catch (PhysicsException tooSmall) {
            return Optional.empty();
        }
        Memory.check(Math.multiplyExact((long) m, (long) n), "slice-profile matrix " + m + " x " + n);
        LinearOperator h = d.operator(q, hrSpacing);
        int[] outShape = h.outputShape();
        int outerIn = q[(axis + 1) % 3] * q[(axis + 2) % 3];
        float[] impulse = new float[n * outerIn];
        double[] weights = new double[m * n];
        for (int p = 0; p < n; p++) {
            Arrays.fill(impulse, 0f);
            for (int o = 0; o < outerIn; o++) impulse[index(q, axis, p, o)] = 1f;
            float[] response = h.apply(Tensor.fromArray(impulse, q)).toArray();
            for (int j = 0; j < m; j++) weights[j * n + p] = response[index(outShape, axis, j, 0)];
        }
        return Optional.of(new AxisOperator(n, m, d.effectiveFactors(q)[axis], weights));
    }

    /** Row-major index of voxel {@code t} along {@code axis} and the {@code o}-th position over the other two axes. */
    private static int index(int[] shape, int axis, int t, int o) {
        int[] idx = new int[3];
        idx[axis] = t;
        int b = (axis + 1) % 3, c = (axis + 2) % 3;
        idx[b] = o / shape[c];
        idx[c] = o % shape[c];
        return (idx[0] * shape[1] + idx[1]) * shape[2] + idx[2];
    }

    /** High-resolution voxels {@code n}. */
    int inSize() {
        return n;
    }

    /** Low-resolution samples {@code m}. */
    int outSize() {
        return m;
    }

    /** The factor that maps the {@code m} samples back onto the {@code n}-voxel grid (see the class comment). */
    double upFactor() {
        return upFactor;
    }

    /** {@code H[j, p]}. */
    double weight(int j, int p) {
        return weights[j * n + p];
    }

    /**
     * Applies {@code H} along {@code axis} of a row-major volume, in double precision.
     *
     * @param volume values of {@code shape} (not modified); {@code shape[axis]} must be {@link #inSize()}
     * @return a new array of {@code shape} with {@code shape[axis]} replaced by {@link #outSize()}
     */
    float[] apply(float[] volume, int[] shape, int axis) {
        if (shape[axis] != n) throw new IllegalArgumentException("axis " + axis + " has " + shape[axis] + " voxels, the operator takes " + n);
        int stride = 1;
        for (int a = axis + 1; a < shape.length; a++) stride *= shape[a];
        int outer = 1;
        for (int a = 0; a < axis; a++) outer *= shape[a];
        long size = Math.multiplyExact(Math.multiplyExact((long) outer, (long) m), (long) stride);
        Memory.check(size, "slice-profile degraded copy");
        float[] out = new float[(int) size];
        double[] acc = new double[stride];
        for (int o = 0; o < outer; o++) {
            int inBase = o * n * stride, outBase = o * m * stride;
            for (int j = 0; j < m; j++) {
                Arrays.fill(acc, 0);
                for (int p = first[j]; p < end[j]; p++) {
                    double w = weights[j * n + p];
                    int row = inBase + p * stride;
                    for (int s = 0; s < stride; s++) acc[s] += w * volume[row + s];
                }
                int row = outBase + j * stride;
                for (int s = 0; s < stride; s++) out[row + s] = (float) acc[s];
            }
        }
        return out;
    }
}
