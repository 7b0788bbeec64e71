package mrisr.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import java.util.List;
import mrisr.bench.KernelSuite.KernelCase;
import org.junit.jupiter.api.Test;

class KernelSuiteTest {
    static final List<String> IDS = List.of("sgemm-1024", "sgemm-2048", "conv3d-1x32-64-fwd", "conv3d-1x32-64-fwdbwd",
            "conv3d-32x32-64-fwd", "conv3d-32x32-64-fwdbwd", "conv3d-64x64-32-fwd", "conv3d-64x64-32-fwdbwd",
            "conv2d-16x64x64-64-fwdbwd", "attn-256x4x64x32-fwdbwd", "attn-1x4x4096x32-fwd", "trilinear2x-128",
            "fft3d-128-c64", "srnet-train-step");

    @Test
    void bothScalesHaveTheStableIdsInOrder() {
        assertThat(KernelSuite.cases(KernelSuite.Scale.FULL)).extracting(KernelCase::id).isEqualTo(IDS);
        assertThat(KernelSuite.cases(KernelSuite.Scale.SMOKE)).extracting(KernelCase::id).isEqualTo(IDS);
    }

    /** Work of the full shapes, computed by hand from the conventions. */
    @Test
    void workFollowsTheStatedConventions() {
        List<KernelCase> c = KernelSuite.cases(KernelSuite.Scale.FULL);
        assertThat(c.get(0).spec().flops()).isEqualTo(2.0 * 1024 * 1024 * 1024);
        assertThat(c.get(1).spec().flops()).isEqualTo(17_179_869_184.0);
        // conv3d 1→32 on 64³: 262144 voxels × 32 × 1 × 27 MACs = 226 492 416; ×2 FLOP; fwd+bwd ×3.
        assertThat(c.get(2).spec().flops()).isEqualTo(452_984_832.0);
        assertThat(c.get(3).spec().flops()).isEqualTo(1_358_954_496.0);
        assertThat(c.get(4).spec().flops()).isEqualTo(2.0 * 262_144 * 32 * 32 * 27);
        assertThat(c.get(6).spec().flops()).isEqualTo(2.0 * 32_768 * 64 * 64 * 27);
        // conv2d: 16 images × 4096 pixels × 64 × 64 × 9 MACs, ×2 ×3.
        assertThat(c.get(8).spec().flops()).isEqualTo(6.0 * 16 * 4096 * 64 * 64 * 9);
        // attention: 4·B·H·L·S·d, ×3.5 with backward.
        assertThat(c.get(9).spec().flops()).isEqualTo(3.5 * 4 * 256 * 4 * 64 * 64 * 32);
        assertThat(c.get(10).spec().flops()).isEqualTo(4.0 * 4 * 4096 * 4096 * 32);
        // trilinear: 128³ floats read, 256³ written.
        assertThat(c.get(11).spec().flops()).isZero();
        assertThat(c.get(11).spec().bytes()).isEqualTo(4.0 * (2_097_152 + 16_777_216));
        // FFT: 5·N·log2 N with N = 2^21.
        assertThat(c.get(12).spec().flops()).isCloseTo(5.0 * 2_097_152 * 21, offset(1e-3));
        // srnet: MACs per voxel 27·(32 + 8·32·32 + 32) on 64³, ×2 ×3.
        assertThat(c.get(13).spec().flops()).isEqualTo(6.0 * 262_144 * 27 * (32 + 8 * 1024 + 32));
    }

    @Test
    void shapesAreReadable() {
        List<KernelCase> c = KernelSuite.cases(KernelSuite.Scale.FULL);
        assertThat(c.get(5).spec().shape()).isEqualTo("x[1,32,64^3] w[32,32,3^3] pad 1");
        assertThat(c.get(5).spec().op()).isEqualTo("conv3d fwd+bwd");
        assertThat(c.get(8).spec().shape()).isEqualTo("x[16,64,64^2] w[64,64,3^2] pad 1");
        assertThat(c.get(9).spec().shape()).isEqualTo("q,k,v[256,4,64,32]");
    }
}
