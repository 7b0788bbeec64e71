package mrisr.sr.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import mrisr.engine.Rng;
import org.junit.jupiter.api.Test;

class AffinesTest {

    /** A random rotation: the quaternion of 4 Gaussian numbers, normalised (uniform on SO(3)). */
    static double[][] randomRotation(Rng rng) {
        double w = rng.nextGaussian(), x = rng.nextGaussian(), y = rng.nextGaussian(), z = rng.nextGaussian();
        double n = Math.sqrt(w * w + x * x + y * y + z * z);
        w /= n;
        x /= n;
        y /= n;
        z /= n;
        // the textbook rotation matrix of a unit quaternion, written out independently of Affines
        return new double[][] {
            {1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)},
            {2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)},
            {2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)}};
    }

    @Test
    void quaternionAndRotationAreInverse() {
        Rng rng = new Rng(42);
        for (int trial = 0; trial < 200; trial++) {
            double[][] r = randomRotation(rng);
            double[] q = Affines.quaternionOf(r);
            assertThat(q[0]).isGreaterThanOrEqualTo(0);
            assertThat(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]).isCloseTo(1, within(1e-12));
            double[][] back = Affines.rotationOf(q[0], q[1], q[2], q[3]);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) assertThat(back[i][j]).isCloseTo(r[i][j], within(1e-12));
            }
        }
    }

    @Test
    void polarFactorOfRotationTimesSymmetricIsTheRotation() {
        Rng rng = new Rng(9);
        for (int trial = 0; trial < 50; trial++) {
            double[][] r = randomRotation(rng);
            // symmetric positive definite P = diag(d) + small symmetric shear
            double[][] p = {{1 + rng.nextDouble(), 0.1, -0.05}, {0.1, 0.5 + rng.nextDouble(), 0.2}, {-0.05, 0.2, 2 + rng.nextDouble()}};
            double[][] m = new double[3][3];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    for (int k = 0; k < 3; k++) m[i][j] += r[i][k] * p[k][j];
                }
            }
            double[][] q = Affines.polar(m);
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) assertThat(q[i][j]).isCloseTo(r[i][j], within(1e-12));
            }
        }
    }

    @Test
    void axisCodesNameTheDominantDirection() {
        assertThat(Affines.axisCodes(new double[][] {{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}})).isEqualTo("RAS");
        assertThat(Affines.axisCodes(new double[][] {{-2, 0, 0}, {0, -1, 0}, {0, 0, 3}})).isEqualTo("LPS");
        // sagittal slices: i runs anterior, j superior, k left
        assertThat(Affines.axisCodes(new double[][] {{0, 0, -1}, {1, 0, 0}, {0, 1, 0}})).isEqualTo("ASL");
        // a 30° tilt about x keeps the dominant directions
        double c = Math.cos(Math.PI / 6), s = Math.sin(Math.PI / 6);
        assertThat(Affines.axisCodes(new double[][] {{1, 0, 0}, {0, c, -s}, {0, s, c}})).isEqualTo("RAS");
        assertThat(Affines.axisCodes(new double[][] {{1, 0, 0}, {0, 0, 0}, {0, 0, 1}})).isEqualTo("R?S");
    }
}
