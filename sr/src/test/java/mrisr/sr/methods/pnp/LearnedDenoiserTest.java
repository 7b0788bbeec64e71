package mrisr.sr.methods.pnp;

import static mrisr.sr.methods.pnp.PnpTesting.rand;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import mrisr.engine.Grad;
import mrisr.engine.Rng;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.nn.Conv3d;
import mrisr.nn.Parameter;
import mrisr.nn.io.SafeTensors;
import mrisr.sr.methods.BundledModels;
import mrisr.sr.nets.DnCnn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearnedDenoiserTest {
    @TempDir
    Path dir;

    private static DnCnn tiny(long salt) {
        return new DnCnn(3, 4, new Rng(PnpTesting.SEED + salt));
    }

    /** The network on the whole volume at once, input built by hand. */
    private static float[] direct(DnCnn net, float[] v, int[] s, float sigma) {
        float[] in = new float[2 * v.length];
        System.arraycopy(v, 0, in, 0, v.length);
        java.util.Arrays.fill(in, v.length, in.length, sigma);
        try (var _ = Grad.off()) {
            Tensor y = net.forward(Tensor.fromArray(in, 1, 2, s[0], s[1], s[2]));
            assertThat(y.shape()).containsExactly(1, 1, s[0], s[1], s[2]);
            return y.toArray();
        }
    }

    @Test
    void runsARandomTinyDnCnnWithTheRightShapesAndMatchesOneWholeVolumePass() {
        DnCnn net = tiny(40);
        int[] shape = {9, 7, 6};
        float[] v = rand(41, shape);
        float[] expected = direct(net, v, shape, 0.05f);
        // slabs of 2 planes with the 3-plane halo give the same voxels as one pass
        Tensor out = new LearnedDenoiser(net).withSlabPlanes(2).denoise(Tensor.fromArray(v, shape), 0.05);
        assertThat(out.shape()).containsExactly(shape);
        float[] got = out.toArray();
        for (int i = 0; i < got.length; i++) assertThat(got[i]).as("voxel %d", i).isCloseTo(expected[i], within(1e-6f));
        assertThat(new LearnedDenoiser(net).denoise(Tensor.fromArray(v, shape), 0.05).toArray()).containsExactly(got);
    }

    @Test
    void noiseLevelIsTheSecondInputChannel() {
        DnCnn net = tiny(42);
        int[] shape = {5, 4, 6};
        float[] v = rand(43, shape);
        LearnedDenoiser d = new LearnedDenoiser(net);
        float[] a = d.denoise(Tensor.fromArray(v, shape), 0.01).toArray(), b = d.denoise(Tensor.fromArray(v, shape), 0.3).toArray();
        assertThat(a).containsExactly(direct(net, v, shape, 0.01f));
        assertThat(b).containsExactly(direct(net, v, shape, 0.3f));
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void residualLearningAnUntrainedLastLayerIsTheIdentity() {
        DnCnn net = tiny(44);
        Conv3d last = (Conv3d) ((mrisr.nn.Sequential) net.namedChildren().get("body")).get(4);
        for (Parameter p : last.parameters()) p.data().copyFrom_(Tensor.zeros(p.data().shape()));
        int[] shape = {4, 5, 3};
        float[] v = rand(45, shape);
        assertThat(new LearnedDenoiser(net).denoise(Tensor.fromArray(v, shape), 0.1).toArray()).containsExactly(v);
    }

    @Test
    void dnCnnLayoutCostAndInputChecks() {
        DnCnn net = DnCnn.small(new Rng(1));
        assertThat(net.depth()).isEqualTo(6);
        assertThat(net.width()).isEqualTo(16);
        assertThat(net.receptiveRadius()).isEqualTo(6);
        // 27·(2·16 + 4·16·16 + 16·1) weights + (5·16 + 1) biases
        assertThat(net.parameterCount()).isEqualTo(27L * (2 * 16 + 4 * 16 * 16 + 16) + 5 * 16 + 1);
        assertThat(net.stateDict().keySet()).startsWith("body.0.weight", "body.0.bias", "body.2.weight").endsWith("body.10.bias");
        assertThat(net.macs(1, 2, 4, 5, 6)).isEqualTo(120L * 27 * (2 * 16 + 4 * 16 * 16 + 16));
        assertThatThrownBy(() -> net.forward(Tensor.zeros(1, 1, 4, 4, 4))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("[N, 2, D, H, W]");
        assertThatThrownBy(() -> new DnCnn(1, 8, new Rng(1))).hasMessageContaining("depth is 1");
    }

    @Test
    void savedModelLoadsBackWithTheSameOutputs() throws IOException {
        DnCnn net = new DnCnn(4, 3, new Rng(PnpTesting.SEED + 46));
        Path file = dir.resolve("dncnn.safetensors");
        net.save(file, Map.of("sigma_max", "0.1"));
        assertThat(SafeTensors.readHeader(file).metadata()).containsEntry("architecture", "dncnn3d").containsEntry("depth", "4")
                .containsEntry("width", "3").containsEntry("sigma_max", "0.1");
        LearnedDenoiser loaded = LearnedDenoiser.load(file);
        assertThat(loaded.network()).isInstanceOf(DnCnn.class);
        assertThat(((DnCnn) loaded.network()).depth()).isEqualTo(4);
        int[] shape = {6, 5, 4};
        float[] v = rand(47, shape);
        assertThat(loaded.denoise(Tensor.fromArray(v, shape), 0.07).toArray())
                .containsExactly(new LearnedDenoiser(net).denoise(Tensor.fromArray(v, shape), 0.07).toArray());
        assertThat(DenoiserOption.parse(file.toString(), BundledModels.in(dir)).describe())
                .startsWith("learned denoiser (dncnn.safetensors, DnCNN 4x3, slabs of 16 planes + ");
        assertThat(loaded.origin()).isEqualTo("dncnn.safetensors");
        assertThat(new LearnedDenoiser(net).origin()).isNull();
    }

    @Test
    void unusableModelFilesAreInputErrorsNamingTheFile() throws IOException {
        Path missing = dir.resolve("none.safetensors");
        assertThatThrownBy(() -> LearnedDenoiser.load(missing)).isInstanceOf(DenoiserException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("no such file");
        Path garbage = dir.resolve("garbage.safetensors");
        Files.write(garbage, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> LearnedDenoiser.load(garbage)).isInstanceOf(DenoiserException.class)
                .hasMessageContaining(garbage.toString());
        Path other = dir.resolve("other.safetensors");
        Map<String, Tensor> wrong = new LinkedHashMap<>();
        wrong.put("body.0.weight", Tensor.zeros(4, 1, 3, 3, 3));
        SafeTensors.write(other, wrong);
        assertThatThrownBy(() -> LearnedDenoiser.load(other)).isInstanceOf(DenoiserException.class)
                .hasMessageContaining("not a 3-D DnCNN").hasMessageContaining("[width, 2, 3, 3, 3]");
        Path truncated = dir.resolve("truncated.safetensors");
        Map<String, Tensor> partial = new LinkedHashMap<>(tiny(48).stateDict());
        partial.remove("body.2.bias");
        SafeTensors.write(truncated, partial);
        assertThatThrownBy(() -> LearnedDenoiser.load(truncated)).isInstanceOf(DenoiserException.class)
                .hasMessageContaining("body.2.bias");
    }

    @Test
    void aNetworkReturningTheWrongShapeIsReported() {
        LearnedDenoiser d = new LearnedDenoiser(new Conv3d(2, 2, 3, 1, 1, new Rng(1)), 1);
        assertThatThrownBy(() -> d.denoise(Tensor.zeros(4, 4, 4), 0.1)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("returned [1,2,4,4,4]").hasMessageContaining("expected [1,1,4,4,4]");
    }
}
