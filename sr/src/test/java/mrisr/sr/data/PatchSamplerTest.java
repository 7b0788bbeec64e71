package mrisr.sr.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.sr.io.Nifti;
import mrisr.sr.methods.baseline.Interpolation;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.SliceProfile;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PatchSamplerTest {
    private static final TrainingDegradation X2 = new TrainingDegradation(new int[] {2, 2, 2}, SliceProfile.Kind.GAUSSIAN, 0, false);

    /** A smooth object with edges: sines plus a bright ball, values in about [0, 2]. */
    static Volume object(int nx, int ny, int nz) {
        float[] v = new float[nx * ny * nz];
        for (int i = 0, p = 0; i < nx; i++) {
            for (int j = 0; j < ny; j++) {
                for (int k = 0; k < nz; k++, p++) {
                    double r = Math.sqrt((i - nx / 2.0) * (i - nx / 2.0) + (j - ny / 3.0) * (j - ny / 3.0) + (k - nz / 2.0) * (k - nz / 2.0));
                    v[p] = (float) (0.5 + 0.3 * Math.sin(0.4 * i + 0.2 * j) * Math.cos(0.3 * k) + (r < 9 ? 1 : 0) + 0.01 * (i % 3));
                }
            }
        }
        return Volume.of(Tensor.fromArray(v, nx, ny, nz), Volume.diagonalAffine(1, 1, 1));
    }

    private static float at(float[] v, int[] shape, int i, int j, int k) {
        return v[(i * shape[1] + j) * shape[2] + k];
    }

    /** The margins make a patch what degrading and interpolating the whole volume gives at the same place. */
    @Test
    void patchesEqualWholeVolumeDegradationAndInterpolationAtTheSamePlace() {
        Volume hr = object(60, 58, 56);
        PatchSampler s = new PatchSampler(List.of(hr), X2, new int[] {4, 4, 4}, false);
        assertThat(X2.margin(0, 1.0)).isEqualTo(12); // ⌈(5σ + ½)/2⌉ + 1 + 8 with σ = 2/2.355 mm
        int[] start = {4, 2, 0};
        PatchSampler.Sample x = s.sampleAt(0, start, new int[] {0, 1, 2}, new boolean[3], new Rng(1));
        assertThat(x.lrShape()).containsExactly(4, 4, 4);
        assertThat(x.hrShape()).containsExactly(8, 8, 8);

        Degradation d = Degradation.builder().factors(2, 2, 2).build(); // mrisr degrade's defaults
        Volume lr = d.apply(hr);
        Volume up = Interpolation.bspline().resample(lr, 2, 2, 2);
        float[] hrData = hr.data().toArray(), lrData = lr.data().toArray(), upData = up.data().toArray();
        int[] lrShape = lr.shape(), upShape = up.shape();
        double scale = at(hrData, hr.shape(), start[0] + 24, start[1] + 24, start[2] + 24) / x.hr()[0];
        for (int i = 0, p = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) {
                for (int k = 0; k < 8; k++, p++) {
                    int gi = start[0] + 24 + i, gj = start[1] + 24 + j, gk = start[2] + 24 + k;
                    assertThat(x.hr()[p] * scale).isCloseTo(at(hrData, hr.shape(), gi, gj, gk), within(1e-5));
                    assertThat(x.upsampled()[p] * scale).as("U at %d,%d,%d", i, j, k)
                            .isCloseTo(at(upData, upShape, gi, gj, gk), within(2e-4));
                }
            }
        }
        for (int i = 0, p = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                for (int k = 0; k < 4; k++, p++) {
                    assertThat(x.lr()[p] * scale).as("y at %d,%d,%d", i, j, k)
                            .isCloseTo(at(lrData, lrShape, start[0] / 2 + 12 + i, start[1] / 2 + 12 + j, start[2] / 2 + 12 + k), within(1e-5));
                }
            }
        }
    }

    /** {@code Simulation.PATCH}: no margins, {@code y = H(patch)} as {@code mrisr degrade} gives for the patch as a volume. */
    @Test
    void patchSimulationDegradesThePatchAlone() {
        Volume hr = object(14, 12, 20); // too small for the margins of WINDOW sampling
        TrainingDegradation z4 = new TrainingDegradation(new int[] {1, 1, 4}, SliceProfile.Kind.GAUSSIAN, 0, false);
        assertThatThrownBy(() -> new PatchSampler(List.of(hr), z4, new int[] {6, 6, 3}, false)).isInstanceOf(TrainingDataException.class);
        PatchSampler s = new PatchSampler(List.of(hr), z4, new int[] {6, 6, 3}, false, PatchSampler.Simulation.PATCH);
        int[] start = {5, 2, 7};
        PatchSampler.Sample x = s.sampleAt(0, start, new int[] {0, 1, 2}, new boolean[3], new Rng(1));
        assertThat(x.hrShape()).containsExactly(6, 6, 12);
        float[] crop = new float[6 * 6 * 12];
        float[] data = hr.data().toArray();
        for (int i = 0, p = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) {
                for (int k = 0; k < 12; k++, p++) crop[p] = at(data, hr.shape(), start[0] + i, start[1] + j, start[2] + k);
            }
        }
        Volume patch = Volume.of(Tensor.fromArray(crop, 6, 6, 12), Volume.diagonalAffine(1, 1, 1));
        Volume lr = Degradation.builder().factors(1, 1, 4).build().apply(patch);
        float[] y = lr.data().toArray(), up = Interpolation.bspline().resample(lr, 1, 1, 4).data().toArray();
        double scale = crop[0] / x.hr()[0];
        for (int p = 0; p < crop.length; p++) {
            assertThat(x.hr()[p] * scale).isCloseTo(crop[p], within(1e-5));
            assertThat(x.upsampled()[p] * scale).isCloseTo(up[p], within(1e-4));
        }
        assertThat(x.lr()).hasSize(y.length);
        for (int p = 0; p < y.length; p++) assertThat(x.lr()[p] * scale).isCloseTo(y[p], within(1e-5));
    }

    /** Flipping and swapping axes of the high-resolution region before degrading = flipping and swapping the sample. */
    @Test
    void augmentationCommutesWithTheDegradation() {
        PatchSampler s = new PatchSampler(List.of(object(58, 58, 58)), X2, new int[] {3, 3, 3}, true);
        int[] start = {1, 2, 3};
        PatchSampler.Sample plain = s.sampleAt(0, start, new int[] {0, 1, 2}, new boolean[3], new Rng(1));
        int[] perm = {1, 0, 2};
        boolean[] flip = {true, false, true};
        PatchSampler.Sample aug = s.sampleAt(0, start, perm, flip, new Rng(1));
        assertTransformed(aug.lr(), plain.lr(), 3, perm, flip);
        assertTransformed(aug.upsampled(), plain.upsampled(), 6, perm, flip);
        assertTransformed(aug.hr(), plain.hr(), 6, perm, flip);
    }

    /** {@code actual[x] = base[y]} with {@code y[perm[a]] = flip[a] ? n−1−x[a] : x[a]} on an {@code n³} cube. */
    private static void assertTransformed(float[] actual, float[] base, int n, int[] perm, boolean[] flip) {
        int[] x = new int[3], y = new int[3];
        for (x[0] = 0; x[0] < n; x[0]++) {
            for (x[1] = 0; x[1] < n; x[1]++) {
                for (x[2] = 0; x[2] < n; x[2]++) {
                    for (int a = 0; a < 3; a++) y[perm[a]] = flip[a] ? n - 1 - x[a] : x[a];
                    assertThat(actual[(x[0] * n + x[1]) * n + x[2]]).isCloseTo(base[(y[0] * n + y[1]) * n + y[2]], within(1e-5f));
                }
            }
        }
    }

    @Test
    void permutationsMayOnlyMixAxesWithTheSameFactorAndSpacing() {
        TrainingDegradation z4 = new TrainingDegradation(new int[] {1, 1, 4}, SliceProfile.Kind.RECT, 0, false);
        PatchSampler s = new PatchSampler(List.of(object(20, 20, 100)), z4, new int[] {4, 4, 4}, true);
        assertThat(s.hrPatch()).containsExactly(4, 4, 16);
        assertThatThrownBy(() -> s.sampleAt(0, new int[] {0, 0, 0}, new int[] {2, 1, 0}, new boolean[3], new Rng(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mixes axes of different factor or spacing");
        PatchSampler.Sample swapped = s.sampleAt(0, new int[] {0, 0, 0}, new int[] {1, 0, 2}, new boolean[3], new Rng(1));
        assertThat(swapped.lrShape()).containsExactly(4, 4, 4);
        for (int i = 0; i < 20; i++) assertThat(s.sample(new Rng(i)).hr()).hasSize(4 * 4 * 16);
    }

    @Test
    void samplesAreAPureFunctionOfTheGenerator() {
        PatchSampler s = new PatchSampler(List.of(object(58, 58, 58), object(60, 58, 56)),
                new TrainingDegradation(new int[] {2, 2, 2}, SliceProfile.Kind.GAUSSIAN, 0.02, true), new int[] {3, 3, 3}, true);
        PatchSampler.Sample a = s.sample(new Rng(9)), b = s.sample(new Rng(9)), c = s.sample(new Rng(10));
        assertThat(a.lr()).containsExactly(b.lr());
        assertThat(a.hr()).containsExactly(b.hr());
        assertThat(a.lr()).isNotEqualTo(c.lr());
    }

    /** σ = noise·(max − min) of the clean low-resolution volume, as {@code mrisr degrade} adds it. */
    @Test
    void noiseHasTheStandardDeviationOfMrisrDegrade() {
        Volume hr = object(76, 60, 64);
        double noise = 0.05;
        PatchSampler clean = new PatchSampler(List.of(hr), X2, new int[] {6, 6, 6}, false);
        PatchSampler noisy = new PatchSampler(List.of(hr), new TrainingDegradation(new int[] {2, 2, 2}, SliceProfile.Kind.GAUSSIAN, noise, false),
                new int[] {6, 6, 6}, false);
        float[] lr = Degradation.builder().factors(2, 2, 2).build().apply(hr).data().toArray();
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (float v : lr) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double sumSq = 0;
        long n = 0;
        double scale = 0;
        for (int t = 0; t < 8; t++) {
            int[] start = {2 * t, 0, 4};
            PatchSampler.Sample a = clean.sampleAt(0, start, new int[] {0, 1, 2}, new boolean[3], new Rng(t));
            PatchSampler.Sample b = noisy.sampleAt(0, start, new int[] {0, 1, 2}, new boolean[3], new Rng(t));
            scale = at(hr.data().toArray(), hr.shape(), start[0] + 24, start[1] + 24, start[2] + 24) / a.hr()[0];
            for (int i = 0; i < a.lr().length; i++, n++) sumSq += Math.pow((b.lr()[i] - a.lr()[i]) * scale, 2);
        }
        assertThat(Math.sqrt(sumSq / n)).isCloseTo(noise * (hi - lo), within(0.08 * noise * (hi - lo)));
    }

    @Test
    void mostSamplesAvoidEmptyBackground() {
        Volume half = object(80, 58, 58);
        float[] v = half.data().toArray();
        for (int p = 0; p < v.length / 2; p++) v[p] = 0; // i < 40 is empty
        PatchSampler s = new PatchSampler(List.of(Volume.of(Tensor.fromArray(v, half.shape()), half.affine())), X2, new int[] {3, 3, 3}, false);
        int bright = 0;
        for (int t = 0; t < 20; t++) {
            double sum = 0;
            for (float x : s.sample(new Rng(t)).hr()) sum += x;
            if (sum / 216 > PatchSampler.FOREGROUND_FRACTION) bright++;
        }
        assertThat(bright).isGreaterThanOrEqualTo(18);
    }

    @Test
    void slicePatchesStackAsTwoDimensionalBatches() {
        TrainingDegradation inPlane = new TrainingDegradation(new int[] {2, 2, 1}, SliceProfile.Kind.GAUSSIAN, 0, false);
        PatchSampler s = new PatchSampler(List.of(object(60, 60, 3)), inPlane, new int[] {5, 5, 1}, true);
        PatchSampler.Sample a = s.sample(new Rng(1)), b = s.sample(new Rng(2));
        assertThat(a.hrShape()).containsExactly(10, 10, 1);
        Tensor batch = PatchSampler.stack(List.of(a.hr(), b.hr()), a.hrShape(), 2);
        assertThat(batch.shape()).containsExactly(2, 1, 10, 10);
        assertThat(batch.toArray()).startsWith(a.hr()).endsWith(b.hr());
        assertThat(PatchSampler.stack(List.of(a.lr()), a.lrShape(), 3).shape()).containsExactly(1, 1, 5, 5, 1);
    }

    @Test
    void aVolumeTooSmallForPatchAndMarginIsRefused() {
        assertThatThrownBy(() -> new PatchSampler(List.of(object(40, 60, 60)), X2, new int[] {4, 4, 4}, true))
                .isInstanceOf(TrainingDataException.class)
                .hasMessage("training volume 0 has 40 voxels along axis 0, a patch of 4 low-resolution voxels needs 56 with its margin; "
                        + "use a smaller --patch or larger volumes");
    }

    @Test
    void directoriesHoldOutTheLastVolume(@TempDir Path dir) throws IOException {
        Nifti.write(object(8, 8, 8), dir.resolve("b.nii.gz"));
        Nifti.write(object(9, 8, 8), dir.resolve("a.nii"));
        Files.writeString(dir.resolve("notes.txt"), "not a volume");
        TrainingSet set = TrainingSet.directory(dir, m -> {});
        assertThat(set.training()).hasSize(1);
        assertThat(set.training().getFirst().shape()).containsExactly(9, 8, 8);
        assertThat(set.validation().shape()).containsExactly(8, 8, 8);
        assertThat(set.notes()).isEmpty();
        assertThat(set.trainingVoxels()).isEqualTo(9 * 64);
        Files.delete(dir.resolve("a.nii"));
        assertThat(TrainingSet.directory(dir, m -> {}).notes().getFirst()).contains("validation uses the training volume");
        Files.delete(dir.resolve("b.nii.gz"));
        assertThatThrownBy(() -> TrainingSet.directory(dir, m -> {})).isInstanceOf(TrainingDataException.class)
                .hasMessage("--data: no .nii or .nii.gz files in " + dir);
        assertThatThrownBy(() -> TrainingSet.directory(dir.resolve("missing"), m -> {}))
                .hasMessageContaining("is neither 'phantom' nor a directory");
    }

    @Test
    void phantomSeedsStayClearOfSmallTestSeeds() {
        TrainingSet set = TrainingSet.phantoms(2, 0, new int[] {16, 18, 16}, m -> {});
        assertThat(set.training()).hasSize(2);
        assertThat(set.description()).isEqualTo("phantom: 2 brain phantoms 16x18x16 (seeds 1001-1002), validation seed 1003");
        assertThat(set.validation().data().toArray()).isEqualTo(Phantoms.brain(new int[] {16, 18, 16}, new double[] {1, 1, 1}, 1003)
                .image().data().toArray());
    }
}
