package mrisr.sr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import mrisr.sr.io.Nifti;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
    @Test
    void smallPhantomRunWritesVolumesFigureAndReport(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("demo");
        CliRunner r = CliRunner.run("demo", "--no-real", "--size", "32,36,32", "--methods", "nearest,bspline",
                "--out", out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("method").contains("PSNR dB").contains("nearest").contains("bspline");
        Path phantom = out.resolve("phantom");
        for (String f : new String[] {"hr.nii.gz", "lr.nii.gz", "nearest.nii.gz", "bspline.nii.gz", "figure.png"}) {
            assertThat(phantom.resolve(f)).exists();
        }
        Volume hr = Nifti.read(phantom.resolve("hr.nii.gz"));
        Volume lr = Nifti.read(phantom.resolve("lr.nii.gz"));
        Volume sr = Nifti.read(phantom.resolve("bspline.nii.gz"));
        assertThat(lr.shape()).containsExactly(32, 36, 8);
        assertThat(sr.shape()).containsExactly(hr.shape());
        // the super-resolved volume overlays the truth: same voxel-to-world mapping
        double[][] a = hr.affine(), b = sr.affine();
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) assertThat(b[i][j]).isCloseTo(a[i][j], org.assertj.core.data.Offset.offset(1e-5));
        String report = Files.readString(out.resolve("report.md"));
        assertThat(report).contains("| bspline").contains("![phantom](phantom/figure.png)");
        byte[] png = Files.readAllBytes(phantom.resolve("figure.png"));
        assertThat(png[1]).isEqualTo((byte) 'P');
        assertThat(r.err()).contains("demo: phantom: running bspline").doesNotContain("Exception");
    }

    @Test
    void unknownMethodIsABadInput(@TempDir Path dir) {
        CliRunner r = CliRunner.run("demo", "--no-real", "--size", "32,32,32", "--methods", "magic", "--out",
                dir.resolve("d").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("magic");
        assertThat(dir.resolve("d")).doesNotExist();
    }

    @Test
    void absurdSizeIsRejected(@TempDir Path dir) {
        CliRunner r = CliRunner.run("demo", "--size", "4,4,4", "--out", dir.resolve("d").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--size");
    }
}
