package mrisr.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import mrisr.engine.Resample;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.io.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two small networks covering every layer type, loaded from PyTorch 1.13 state dicts written with
 * huggingface safetensors ({@code nn/src/test/python/make_network_fixtures.py}), compared with
 * PyTorch's outputs (evaluation and training mode), running statistics and gradients.
 */
class NetworkParityTest {
    @TempDir
    Path dir;

    static int[] same(int v) {
        return new int[] {v, v, v};
    }

    /** The Java twin of the script's Net3d; registration names are PyTorch's attribute names. */
    static final class Net3d extends Module {
        final Conv3d head;
        final Sequential body;
        final ConvTranspose3d up;
        final Conv3d tail;
        final Upsample skip;

        Net3d(Rng rng) {
            head = registerModule("head", new Conv3d(1, 8, 3, 1, 1, rng));
            body = registerModule("body", new Sequential(
                    new Conv3d(8, 8, same(3), same(1), same(1), same(1), 1, true, ConvNd.PaddingMode.REFLECT, rng),
                    new BatchNorm3d(8),
                    new LeakyReLU(0.2),
                    new Conv3d(8, 8, new int[] {1, 3, 3}, same(1), new int[] {0, 2, 2}, new int[] {1, 2, 2}, 4, false, rng),
                    new GroupNorm(2, 8),
                    new GELU()));
            up = registerModule("up", new ConvTranspose3d(8, 4, 2, 2, 0, 0, rng));
            tail = registerModule("tail", new Conv3d(4, 1, same(3), same(1), same(1), same(1), 1, true,
                    ConvNd.PaddingMode.REPLICATE, rng));
            skip = registerModule("skip", Upsample.byScale(new double[] {2}, Resample.Mode.LINEAR, false));
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor h = head.forward(x);
            h = h.add(body.forward(h));
            return tail.forward(up.forward(h)).add(skip.forward(x));
        }

        @Override
        public Cost cost(int... in) {
            Cost h = head.cost(in);
            Cost b = body.cost(h.outputShape());
            Cost u = up.cost(b.outputShape());
            Cost t = tail.cost(u.outputShape());
            return new Cost(t.outputShape(), h.macs() + b.macs() + u.macs() + t.macs());
        }
    }

    static final class Net2d extends Module {
        final Sequential features;
        final LayerNorm norm;
        final Linear head;
        final ReLU act;

        Net2d(Rng rng) {
            features = registerModule("features", new Sequential(
                    new Conv2d(2, 8, 3, 2, 1, rng),
                    new SiLU(),
                    new BatchNorm2d(8, 1e-5, 0.3, true, true),
                    new ConvTranspose2d(8, 8, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 1}, 2, true,
                            new int[] {1, 1}, rng),
                    new Tanh(),
                    new Conv2d(8, 12, 1, rng),
                    new PixelShuffle2d(2),
                    new Sigmoid()));
            norm = registerModule("norm", new LayerNorm(12));
            head = registerModule("head", new Linear(12, 5, rng));
            act = registerModule("act", new ReLU());
        }

        @Override
        public Tensor forward(Tensor x) {
            return act.forward(head.forward(norm.forward(features.forward(x))));
        }
    }

    @Test
    void net3dMatchesPyTorch() throws IOException {
        check("net3d", new Net3d(new Rng(0)), 2e-5);
    }

    @Test
    void net2dMatchesPyTorch() throws IOException {
        check("net2d", new Net2d(new Rng(0)), 2e-5);
    }

    @Test
    void net3dCostCountsEveryConvolution() {
        Net3d net = new Net3d(new Rng(0));
        long voxels = 4 * 5 * 6;
        long want = voxels * 8 * 27            // head
                + voxels * 8 * 8 * 27              // body.0
                + voxels * 8                       // body.1 batch norm: one MAC per element (affine)
                + voxels * 8 * 2 * 9               // body.3: groups 4 → 2 input channels per output, 1×3×3 taps
                + voxels * 8                       // body.4 group norm
                + voxels * 8 * 4 * 8               // up: per input voxel C_in·C_out·taps
                + 8 * voxels * 4 * 27;             // tail on the doubled grid
        assertThat(net.cost(1, 1, 4, 5, 6)).isEqualTo(new Cost(new int[] {1, 1, 8, 10, 12}, want));
        assertThat(net.parameterCount()).isEqualTo(
                8 * 27 + 8 + 8 * 8 * 27 + 8 + 16 + 8 * 2 * 9 + 16 + 8 * 4 * 8 + 4 + 4 * 27 + 1);
    }

    private void check(String name, Module net, double tol) throws IOException {
        Map<String, Tensor> state = SafeTensors.read(resource(name + ".safetensors")).tensors();
        Map<String, Tensor> io = SafeTensors.read(resource(name + "_io.safetensors")).tensors();
        assertThat(net.stateDict().keySet()).containsExactlyInAnyOrderElementsOf(state.keySet());
        net.loadStateDict(state);

        net.eval();
        Tensor x = io.get("input").detach().mul(1.0).requiresGrad(true);
        Tensor y = net.forward(x);
        assertClose(name + " eval output", y, io.get("output_eval"), tol);
        y.backward(io.get("projection"), false);
        assertClose(name + " input gradient", x.grad(), io.get("grad.input"), tol);
        for (var e : net.namedParameters().entrySet()) {
            assertClose(name + " gradient of " + e.getKey(), e.getValue().grad(), io.get("grad." + e.getKey()), tol);
        }

        net.train();
        assertClose(name + " train output", net.forward(io.get("input")), io.get("output_train"), tol);
        for (var e : io.entrySet()) {
            if (e.getKey().startsWith("after_train.")) {
                String key = e.getKey().substring("after_train.".length());
                assertClose(name + " " + key, net.stateDict().get(key), e.getValue(), tol);
            }
        }
    }

    /** |got − want| ≤ tol·max(1, max|want|) element-wise. */
    private static void assertClose(String what, Tensor got, Tensor want, double tol) {
        assertThat(got).as(what).isNotNull();
        assertThat(got.shape()).as(what).containsExactly(want.shape());
        float[] g = got.toArray(), w = want.toArray();
        double scale = 1;
        for (float v : w) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < w.length; i++) {
            assertThat((double) Math.abs(g[i] - w[i])).as("%s[%d]: %s vs PyTorch %s", what, i, g[i], w[i]).isLessThanOrEqualTo(tol * scale);
        }
    }

    private Path resource(String name) throws IOException {
        Path p = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream(name)) {
            Files.write(p, in.readAllBytes());
        }
        return p;
    }
}
