package mrisr.sr.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.LinearOperator;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;

class ExperimentsTest {
    static Volume ramp(int nx, int ny, int nz) {
        float[] v = new float[nx * ny * nz];
        for (int i = 0; i < v.length; i++) v[i] = i;
        double[][] affine = Volume.diagonalAffine(1, 2, 3);
        affine[0][3] = -7;
        return Volume.of(Tensor.fromArray(v, nx, ny, nz), affine);
    }

    @Test
    void cropsTheFarEndToAMultipleOfEachFactorAndKeepsTheAffine() {
        Volume v = ramp(7, 6, 13);
        Volume c = Experiments.cropToMultiple(v, new double[] {2, 1, 4});
        assertThat(c.shape()).containsExactly(6, 6, 12);
        assertThat(c.affine()).isDeepEqualTo(v.affine());
        float[] src = v.data().toArray(), out = c.data().toArray();
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) {
                for (int k = 0; k < 12; k++) assertThat(out[(i * 6 + j) * 12 + k]).isEqualTo(src[(i * 6 + j) * 13 + k]);
            }
        }
        assertThat(Experiments.cropToMultiple(v, new double[] {7, 3, 1})).isSameAs(v);
    }

    @Test
    void dataRangeIsMaxMinusMin() {
        assertThat(Experiments.dataRange(new float[] {3, -2, 5.5f, 0})).isEqualTo(7.5);
        assertThat(Experiments.dataRange(new float[] {4})).isZero();
    }

    @Test
    void dataConsistencyMatchesTheNaiveFormula() {
        int[] shape = {8, 6, 12};
        Rng rng = new Rng(11);
        Tensor x = Tensor.rand(rng, shape);
        LinearOperator h = Degradation.builder().factors(1, 2, 4).build().operator(shape, new double[] {1, 1, 1});
        float[] y = Tensor.rand(rng, h.outputShape()).toArray();
        float[] hx = h.apply(x).toArray();
        double num = 0, den = 0;
        for (int i = 0; i < y.length; i++) {
            num += ((double) hx[i] - y[i]) * ((double) hx[i] - y[i]);
            den += (double) y[i] * y[i];
        }
        double expected = Math.sqrt(num / den);
        assertThat(Experiments.dataConsistency(h, x, y)).isCloseTo(expected, within(1e-12 * expected));
        assertThat(Experiments.dataConsistency(h, x, hx)).isZero();
    }
}
