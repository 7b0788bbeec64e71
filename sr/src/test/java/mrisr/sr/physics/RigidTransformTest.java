package mrisr.sr.physics;

import static mrisr.sr.physics.PhysicsTesting.idx;
import static mrisr.sr.physics.PhysicsTesting.randn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import mrisr.engine.Tensor;
import org.junit.jupiter.api.Test;

class RigidTransformTest {

    @Test
    void identityCopiesTheVolume() {
        Tensor x = randn(1, 5, 6, 7);
        float[] y = new RigidTransform(new int[] {5, 6, 7}, new double[] {1, 2, 3}, new double[3], new double[3]).apply(x).toArray();
        assertThat(y).isEqualTo(x.toArray());
    }

    @Test
    void translationMovesTheObjectByWholeVoxels() {
        int[] s = {6, 5, 7};
        Tensor x = randn(2, s);
        float[] v = x.toArray();
        // +3 mm along x on 1.5 mm voxels = 2 voxels; −2 mm along z on 1 mm voxels
        float[] y = new RigidTransform(s, new double[] {1.5, 1, 1}, new double[3], new double[] {3, 0, -2}).apply(x).toArray();
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 5; j++) {
                for (int k = 0; k < 7; k++) {
                    boolean inside = i - 2 >= 0 && k + 2 < 7;
                    double expected = inside ? v[idx(s, i - 2, j, k + 2)] : 0;
                    assertThat((double) y[idx(s, i, j, k)]).isCloseTo(expected, within(1e-5));
                }
            }
        }
    }

    @Test
    void halfVoxelShiftAveragesNeighbours() {
        int[] s = {1, 1, 8};
        Tensor x = randn(3, s);
        float[] v = x.toArray();
        float[] y = new RigidTransform(s, new double[] {1, 1, 2}, new double[3], new double[] {0, 0, 1}).apply(x).toArray();
        assertThat((double) y[0]).isCloseTo(0.5 * v[0], within(1e-6));
        for (int k = 1; k < 8; k++) assertThat((double) y[k]).isCloseTo(0.5 * (v[k - 1] + v[k]), within(1e-6));
    }

    /** 90° about z maps (x, y) to (−y, x) about the centre: out[i, j, k] = in[j, n − 1 − i, k]. */
    @Test
    void quarterTurnAboutZPermutesVoxels() {
        int n = 5;
        int[] s = {n, n, 3};
        Tensor x = randn(4, s);
        float[] v = x.toArray();
        float[] y = new RigidTransform(s, new double[] {1.2, 1.2, 3}, new double[] {0, 0, 90}, new double[3]).apply(x).toArray();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < 3; k++) assertThat(y[idx(s, i, j, k)]).isCloseTo(v[idx(s, j, n - 1 - i, k)], within(1e-5f));
            }
        }
    }

    /** Rotating about x by 90° with anisotropic voxels works in millimetres: (y, z) → (−z, y). */
    @Test
    void rotationIsInMillimetresNotVoxels() {
        // y: 6 voxels of 1 mm, z: 3 voxels of 2 mm, both 6 mm long
        int[] s = {1, 6, 3};
        float[] x = new float[18];
        x[idx(s, 0, 5, 1)] = 1; // y = +2.5 mm, z = 0 mm from the centre
        float[] y = new RigidTransform(s, new double[] {1, 1, 2}, new double[] {90, 0, 0}, new double[3])
                .apply(Tensor.fromArray(x, s)).toArray();
        // the point moves to y = 0 mm (index 2.5), z = +2.5 mm (index 2.25). Output (y=2, z=2) is at
        // (−0.5, 2) mm and reads the input at R^T of it, (2, 0.5) mm = index (4.5, 1.25): weight 0.5 · 0.75.
        // Output columns sample input z every 0.5 index (0.25, 0.75, 0.75, 0.25 around z = 1) and input y
        // every 2 indices (0.5 at y = 4.5): the output sums to 0.5 · 2 = 1.
        double total = 0;
        for (float f : y) total += f;
        assertThat(total).isCloseTo(1.0, within(1e-6));
        assertThat((double) y[idx(s, 0, 2, 2)]).isCloseTo(0.5 * 0.75, within(1e-6));
        assertThat((double) y[idx(s, 0, 3, 2)]).isCloseTo(0.5 * 0.75, within(1e-6));
    }

    @Test
    void rotationMatrixIsZyxAndOrthonormal() {
        double[][] r = RigidTransform.rotation(new double[] {20, -35, 70});
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                double d = 0;
                for (int c = 0; c < 3; c++) d += r[c][a] * r[c][b];
                assertThat(d).isCloseTo(a == b ? 1 : 0, within(1e-12));
            }
        }
        double[][] rz = RigidTransform.rotation(new double[] {0, 0, 30});
        assertThat(rz[0][1]).isCloseTo(-0.5, within(1e-12));
        assertThat(rz[1][0]).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void nonFiniteParametersAreRejected() {
        assertThatThrownBy(() -> new RigidTransform(new int[] {2, 2, 2}, new double[] {1, 1, 1}, new double[] {0, Double.NaN, 0}, new double[3]))
                .isInstanceOf(PhysicsException.class).hasMessageContaining("rotation angles must be finite");
        assertThatThrownBy(() -> new RigidTransform(new int[] {2, 2, 2}, new double[] {1, 0, 1}, new double[3], new double[3]))
                .isInstanceOf(PhysicsException.class).hasMessageContaining("axis 1 is 0.0 mm");
    }
}
