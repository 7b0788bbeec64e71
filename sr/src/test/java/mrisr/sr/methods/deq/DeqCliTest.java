package mrisr.sr.methods.deq;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import mrisr.sr.cli.CliRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeqCliTest {
    @Test
    void mrisrSrRunsDeqAndReportsIterationsAndResidualOnStderr(@TempDir Path dir) {
        String hr = dir.resolve("hr.nii.gz").toString(), lr = dir.resolve("lr.nii.gz").toString();
        String sr = dir.resolve("sr.nii.gz").toString();
        assertThat(CliRunner.run("phantom", "--out", hr, "--size", "24,24,24").exitCode()).isZero();
        assertThat(CliRunner.run("degrade", "--in", hr, "--out", lr, "--factor", "1,1,4").exitCode()).isZero();
        CliRunner r = CliRunner.run("sr", "--in", lr, "--out", sr, "--method", "deq", "--factor", "1,1,4");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).containsPattern("deq: anderson\\(m=5, beta=1, lambda=1e-08\\): converged in \\d+ iterations, "
                + "relative residual [0-9.e-]+");
        assertThat(Files.exists(Path.of(sr))).isTrue();
        assertThat(CliRunner.run("sr", "--help").out()).contains("deq", "deep equilibrium (Eq. 5)");
    }
}
