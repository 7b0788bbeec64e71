package mrisr.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineInfoTest {
    @Test
    void cpuModelComesFromTheFirstModelName(@TempDir Path dir) throws IOException {
        Path cpuinfo = dir.resolve("cpuinfo");
        Files.writeString(cpuinfo, "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel\t\t: 85\n"
                + "model name\t: Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz\n\nprocessor\t: 1\nmodel name\t: other\n");
        assertThat(MachineInfo.cpuModel(cpuinfo)).isEqualTo("Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz");
    }

    @Test
    void withoutCpuinfoTheArchitectureIsNamed(@TempDir Path dir) throws IOException {
        assertThat(MachineInfo.cpuModel(dir.resolve("missing"))).isEqualTo(System.getProperty("os.arch") + " CPU");
        Path arm = dir.resolve("arm");
        Files.writeString(arm, "processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\n");
        assertThat(MachineInfo.cpuModel(arm)).isEqualTo(System.getProperty("os.arch") + " CPU");
    }

    @Test
    void lineNamesEveryField() {
        MachineInfo m = new MachineInfo("AMD EPYC", 2, 2, 256, 8, "25.0.1", "kernels: Vector API for GEMM; vector API 256-bit");
        assertThat(m.line()).isEqualTo(
                "machine: AMD EPYC; 2 cores; 2 threads; vector 256-bit (8 float lanes); JDK 25.0.1; kernels: Vector API for GEMM");
    }
}
