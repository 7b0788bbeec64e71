package mrisr.sr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.sr.data.Phantoms;
import mrisr.sr.io.Nifti;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.SliceProfile;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mrisr eval --lr ... --dc-map ...}: data consistency from the command line. */
class EvalDataConsistencyCommandTest {
    private static final int[] HR = {24, 20, 32};

    @TempDir
    Path dir;

    private Path hr, lr, sr;
    private Volume hrVolume, lrVolume, srVolume;

    @BeforeEach
    void volumes() {
        hrVolume = Phantoms.brain(HR, new double[] {1, 1, 1}, 3).image();
        lrVolume = Degradation.builder().factors(1, 1, 4).profile(SliceProfile.Kind.RECT).build().apply(hrVolume);
        float[] x = hrVolume.data().toArray();
        Rng rng = new Rng(6);
        for (int i = 0; i < x.length; i++) x[i] += (float) (0.03 * rng.nextGaussian());
        srVolume = hrVolume.withData(Tensor.fromArray(x, HR));
        hr = dir.resolve("hr.nii.gz");
        lr = dir.resolve("lr.nii.gz");
        sr = dir.resolve("sr.nii");
        Nifti.write(hrVolume, hr);
        Nifti.write(lrVolume, lr);
        Nifti.write(srVolume, sr);
    }

    private List<String> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static double jsonNumber(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": ([-0-9.eE]+)").matcher(json);
        assertThat(m.find()).as(key + " in " + json).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void theGroundTruthIsConsistentWithItsOwnMeasurement() throws IOException {
        Path map = dir.resolve("dc.nii.gz");
        CliRunner r = CliRunner.run("eval", "--test", hr.toString(), "--lr", lr.toString(), "--factor", "1,1,4", "--profile", "rect",
                "--dc-map", map.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("{\"shape\": [24, 20, 32]").contains("\"dc_residual\": 0.0").contains("\"dc_rms\": 0.0")
                .contains("\"lr_shape\": [24, 20, 8]").contains("\"psnr\": null").contains("\"data_range\": null");
        assertThat(r.err()).contains("computing data consistency").contains("writing " + map);
        assertThat(files()).containsExactly("dc.nii.gz", "hr.nii.gz", "lr.nii.gz", "sr.nii");
        Volume written = Nifti.read(map);
        assertThat(written.shape()).containsExactly(24, 20, 8);
        for (float v : written.data().toArray()) assertThat(v).isZero();
        double[][] expected = lrVolume.affine(), actual = written.affine();
        for (int row = 0; row < 4; row++) assertThat(actual[row]).containsExactly(expected[row], within(1e-6));
    }

    @Test
    void aNoisyOutputReportsItsResidualNextToTheReferenceMetrics() throws IOException {
        Path map = dir.resolve("dc.nii");
        CliRunner r = CliRunner.run("eval", "--ref", hr.toString(), "--test", sr.toString(), "--lr", lr.toString(), "--factor", "1,1,4",
                "--profile", "rect", "--dc-map", map.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        double relative = jsonNumber(r.out(), "dc_residual"), rms = jsonNumber(r.out(), "dc_rms");
        assertThat(jsonNumber(r.out(), "psnr")).isBetween(20.0, 40.0);

        // expected: H applied to the noisy volume, compared with the stored LR in double precision
        Degradation d = Degradation.builder().factors(1, 1, 4).profile(SliceProfile.Kind.RECT).build();
        Volume srRead = Nifti.read(sr), lrRead = Nifti.read(lr);
        float[] hx = d.operator(srRead.shape(), srRead.spacing()).apply(srRead.data()).toArray();
        float[] y = lrRead.data().toArray();
        double rr = 0, yy = 0;
        for (int i = 0; i < y.length; i++) {
            double res = (double) hx[i] - y[i];
            rr += res * res;
            yy += (double) y[i] * y[i];
        }
        assertThat(relative).isCloseTo(Math.sqrt(rr / yy), within(1e-9));
        assertThat(rms).isCloseTo(Math.sqrt(rr / y.length), within(1e-9));
        // averaging 4 slices of noise with sigma 0.03 leaves about 0.015
        assertThat(rms).isBetween(0.01, 0.02);
        float[] written = Nifti.read(map).data().toArray();
        double sq = 0;
        for (float v : written) sq += (double) v * v;
        assertThat(Math.sqrt(sq / written.length)).isCloseTo(rms, within(1e-6));

        CliRunner table = CliRunner.run("eval", "--ref", hr.toString(), "--test", sr.toString(), "--lr", lr.toString(), "--factor", "1,1,4",
                "--profile", "rect");
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("psnr").contains("data consistency with the low-resolution input, grid [24, 20, 8]")
                .containsPattern("dc_residual +0\\.0\\d+").contains("dc_rms");
    }

    @Test
    void theWrongForwardModelShowsUpAsAResidual() {
        CliRunner right = CliRunner.run("eval", "--test", hr.toString(), "--lr", lr.toString(), "--factor", "1,1,4", "--profile", "rect", "--json");
        CliRunner wrong = CliRunner.run("eval", "--test", hr.toString(), "--lr", lr.toString(), "--factor", "1,1,4", "--json");
        assertThat(right.exitCode()).isZero();
        assertThat(wrong.exitCode()).as(wrong.err()).isZero();
        assertThat(jsonNumber(wrong.out(), "dc_residual")).isGreaterThan(1e-3);
        assertThat(jsonNumber(right.out(), "dc_residual")).isZero();
    }

    @Test
    void aMisplacedLowResolutionGridIsReportedButStillChecked() {
        double[][] a = lrVolume.affine();
        a[2][3] += 2; // 2 mm along the slice axis
        Path shifted = dir.resolve("shifted.nii");
        Nifti.write(Volume.of(lrVolume.data(), a), shifted);
        CliRunner r = CliRunner.run("eval", "--test", hr.toString(), "--lr", shifted.toString(), "--factor", "1,1,4", "--profile", "rect");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("warning: --lr voxel [0, 0, 0]").contains("2.00 mm apart");
        assertThat(r.out()).contains("no reference volume").containsPattern("dc_residual +0\\.00000 ");
    }

    @Test
    void badCombinationsExitWithTwoAndLeaveNoMap() throws IOException {
        Path map = dir.resolve("dc.nii.gz");
        String[][] cases = {
            {"give --ref HR", "--test", "SR", "--dc-map", "MAP"},
            {"--factor 1,1,4: forward-model options describe", "--ref", "HR", "--test", "SR", "--factor", "1,1,4"},
            {"--dc-map needs --lr", "--ref", "HR", "--test", "SR", "--dc-map", "MAP"},
            {"--lr needs --factor", "--test", "SR", "--lr", "LR", "--dc-map", "MAP"},
            {"--mask applies to the reference metrics", "--test", "SR", "--lr", "LR", "--factor", "1,1,4", "--mask", "HR"},
            {"--data-range applies", "--test", "SR", "--lr", "LR", "--factor", "1,1,4", "--data-range", "1"},
            {"--factor '1,1,0': value 0 along axis 2 must be >= 1", "--test", "SR", "--lr", "LR", "--factor", "1,1,0", "--dc-map", "MAP"},
            {"slice profile 'box' is unknown", "--test", "SR", "--lr", "LR", "--factor", "1,1,4", "--profile", "box", "--dc-map", "MAP"},
            {"--dc-map: '", "--test", "SR", "--lr", "LR", "--factor", "1,1,4", "--dc-map", "BADMAP"},
            {"is an input file", "--test", "SR", "--lr", "LR", "--factor", "1,1,4", "--dc-map", "LR"},
            {"--lr: no such file", "--test", "SR", "--lr", "MISSING", "--factor", "1,1,4", "--dc-map", "MAP"},
            // the LR was made with factor 4 along k; a factor of 2 makes the test grid too fine for it
            {"--test grid [24, 20, 32] is not the high-resolution grid of --lr grid [24, 20, 8] with --factor 1,1,2: the LR grid "
                + "times the factors is about [24, 20, 16], and degrading the test grid gives [24, 20, 16], not [24, 20, 8]", "--test", "SR", "--lr", "LR", "--factor", "1,1,2",
                "--dc-map", "MAP"},
        };
        for (String[] c : cases) {
            String[] args = new String[c.length];
            args[0] = "eval";
            for (int i = 1; i < c.length; i++) {
                args[i] = switch (c[i]) {
                    case "HR" -> hr.toString();
                    case "SR" -> sr.toString();
                    case "LR" -> lr.toString();
                    case "MAP" -> map.toString();
                    case "BADMAP" -> dir.resolve("dc.png").toString();
                    case "MISSING" -> dir.resolve("missing.nii").toString();
                    default -> c[i];
                };
            }
            CliRunner r = CliRunner.run(args);
            assertThat(r.exitCode()).as(String.join(" ", args) + "\n" + r.err()).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", args)).contains(c[0]);
            assertThat(r.out()).isEmpty();
            assertThat(files()).containsExactly("hr.nii.gz", "lr.nii.gz", "sr.nii");
        }
    }

    @Test
    void degradeReadsTheSameForwardModelOptions() throws IOException {
        Path out = dir.resolve("lr2.nii.gz");
        CliRunner r = CliRunner.run("degrade", "--in", hr.toString(), "--out", out.toString(), "--factor", "1,1,4", "--profile", "rect");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Nifti.read(out).data().toArray()).isEqualTo(Nifti.read(lr).data().toArray());
        CliRunner missing = CliRunner.run("degrade", "--in", hr.toString(), "--out", dir.resolve("lr3.nii").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--factor FX,FY,FZ is required");
        assertThat(files()).doesNotContain("lr3.nii");
    }
}
