package mrisr.sr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void versionNamesTheKernelBackend() {
        CliRunner r = CliRunner.run("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).startsWith("mrisr ").contains("kernels:").contains("threads:").contains("JDK");
    }

    @Test
    void helpListsOptionsAndExitCodes() {
        CliRunner r = CliRunner.run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: mrisr").contains("--threads").contains("Exit codes");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void unknownOptionIsAUsageErrorWithExitCode2() {
        CliRunner r = CliRunner.run("--no-such-option");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option").contains("--help");
    }

    @Test
    void badMemorySizeIsRejected() {
        CliRunner r = CliRunner.run("--max-memory", "lots", "--version");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--max-memory");
    }
}
