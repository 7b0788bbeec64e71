package mrisr.sr.methods.baseline;

import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.sr.volume.Volume;

/** Test volumes built from formulas. */
final class Volumes {
    private Volumes() {}

    /** Voxel function {@code (i, j, k) → value}. */
    @FunctionalInterface
    interface Field {
        double at(double i, double j, double k);
    }

    /** A volume of shape {@code [nx, ny, nz]} sampled from {@code f} at integer indices, unit spacing. */
    static Volume of(int[] shape, Field f) {
        return of(shape, f, Volume.diagonalAffine(1, 1, 1));
    }

    static Volume of(int[] shape, Field f, double[][] affine) {
        float[] v = new float[shape[0] * shape[1] * shape[2]];
        for (int i = 0, p = 0; i < shape[0]; i++)
            for (int j = 0; j < shape[1]; j++)
                for (int k = 0; k < shape[2]; k++) v[p++] = (float) f.at(i, j, k);
        return Volume.of(Tensor.fromArray(v, shape), affine);
    }

    /** Uniform random values in [−1, 1) from a seed; shape 3-D or 4-D. */
    static Volume random(long seed, int... shape) {
        float[] v = Tensor.rand(new Rng(seed), shape).toArray();
        for (int p = 0; p < v.length; p++) v[p] = v[p] * 2 - 1;
        return Volume.of(Tensor.fromArray(v, shape), Volume.diagonalAffine(1, 1, 1));
    }

    /** Value at {@code (i, j, k)} of a 3-D volume. */
    static double at(Volume v, int i, int j, int k) {
        return v.data().get(i, j, k);
    }

    /** Input coordinate of output index {@code i} for factor {@code f} (the voxel-centre convention). */
    static double position(int i, double f) {
        return (i + 0.5) / f - 0.5;
    }
}
