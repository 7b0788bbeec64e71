package mrisr.sr.methods.deq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mrisr.engine.DType;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.Parameter;
import mrisr.nn.deq.Anderson;
import mrisr.nn.io.SafeTensors;
import mrisr.sr.methods.SrContext;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeqPriorTest {

    /**
     * Independent reference in double: u − α·h∗u with h the averaged [−1, 2, −1]/4 second difference
     * along the smoothed axes and replicate (clamped-index) boundaries.
     */
    private static double[] smoothingReference(float[] u, int[] s, boolean[] axes, double alpha) {
        int count = 0;
        for (boolean a : axes) if (a) count++;
        double[] out = new double[u.length];
        for (int i = 0; i < s[0]; i++) {
            for (int j = 0; j < s[1]; j++) {
                for (int k = 0; k < s[2]; k++) {
                    int[] p = {i, j, k};
                    double centre = u[(i * s[1] + j) * s[2] + k], hp = 0;
                    for (int a = 0; a < 3; a++) {
                        if (!axes[a]) continue;
                        int[] lo = p.clone(), hi = p.clone();
                        lo[a] = Math.max(p[a] - 1, 0);
                        hi[a] = Math.min(p[a] + 1, s[a] - 1);
                        double l = u[(lo[0] * s[1] + lo[1]) * s[2] + lo[2]], h = u[(hi[0] * s[1] + hi[1]) * s[2] + hi[2]];
                        hp += (0.5 * centre - 0.25 * l - 0.25 * h) / count;
                    }
                    out[(i * s[1] + j) * s[2] + k] = centre - alpha * hp;
                }
            }
        }
        return out;
    }

    @Test
    void smoothingPriorIsTheDocumentedLinearFilterAlongTheSuperResolvedAxes() {
        int[] s = {5, 6, 7};
        Tensor u = Tensor.randn(new Rng(3), 1, 1, 5, 6, 7);
        float[] uv = u.toArray();
        double[][] cases = {{1, 2, 4}, {1, 1, 4}, {3, 1, 1}, {1, 1, 1}};
        for (double[] f : cases) {
            boolean[] axes = {f[0] > 1, f[1] > 1, f[2] > 1};
            float[] got = DeqPrior.smoothing(f, 0.3).forward(u).toArray();
            double[] want = smoothingReference(uv, s, axes, 0.3);
            for (int i = 0; i < got.length; i++) assertThat((double) got[i]).isCloseTo(want[i], offset(1e-5));
        }
    }

    @Test
    void smoothingKeepsConstantsAndContracts() {
        DeqPrior r = DeqPrior.smoothing(new double[] {1, 1, 4}, 1);
        float[] c = r.forward(Tensor.full(2.5f, 1, 1, 4, 4, 9)).toArray();
        for (float v : c) assertThat(v).isCloseTo(2.5f, offset(1e-6f));
        Tensor a = Tensor.randn(new Rng(1), 1, 1, 4, 4, 9), b = Tensor.randn(new Rng(2), 1, 1, 4, 4, 9);
        assertThat(norm(r.forward(a).sub(r.forward(b)))).isLessThan(norm(a.sub(b)));
    }

    private static double norm(Tensor t) {
        double s = 0;
        for (float v : t.toArray()) s += (double) v * v;
        return Math.sqrt(s);
    }

    @Test
    void trainableInitialisationStartsAsTheSmoothingPriorWithEveryWeightLive() {
        double[] f = {1, 1, 4};
        Tensor u = Tensor.randn(new Rng(4), 1, 1, 6, 5, 8);
        DeqPrior t = DeqPrior.trainable(8, f, 0.25, new Rng(7));
        float[] a = t.forward(u).toArray(), b = DeqPrior.smoothing(f, 0.25).forward(u).toArray();
        for (int i = 0; i < a.length; i++) assertThat(a[i]).isCloseTo(b[i], offset(1e-5f));
        t.forward(u).sum().backward();
        for (Map.Entry<String, Parameter> e : t.namedParameters().entrySet()) {
            assertThat(norm(e.getValue().grad())).as(e.getKey()).isGreaterThan(0);
        }
        assertThat(t.hidden()).isEqualTo(8);
        assertThat(t.macs(1, 1, 6, 5, 8)).isEqualTo(2L * 8 * 27 * 6 * 5 * 8);
    }

    @Test
    void savedModelLoadsAndRunsThroughTheMethod(@TempDir Path dir) throws Exception {
        DeqPrior p = DeqPrior.trainable(4, new double[] {1, 1, 2}, 0.25, new Rng(2));
        Path file = dir.resolve("deq.safetensors");
        p.save(file);
        assertThat(SafeTensors.read(file).metadata()).containsEntry("method", "deq").containsEntry("hidden", "4");
        DeqPrior q = DeqPrior.load(file);
        Tensor u = Tensor.randn(new Rng(9), 1, 1, 4, 5, 6);
        assertThat(q.forward(u).toArray()).containsExactly(p.forward(u).toArray());

        Volume lr = Volume.of(Tensor.rand(new Rng(1), 6, 6, 4), Volume.diagonalAffine(1, 1, 2));
        SrContext ctx = SrContext.of(1, 1, 2);
        List<String> log = new ArrayList<>();
        float[] viaFile = DeqMethod.withModel(file).run(lr, ctx.withProgress(log::add)).data().toArray();
        float[] direct = new DeqMethod(p, new Anderson(5, 1, 1e-8, DeqMethod.TOLERANCE, DeqMethod.MAX_ITERATIONS))
                .run(lr, ctx).data().toArray();
        assertThat(viaFile).containsExactly(direct);
        assertThat(DeqMethod.withModel(file).description()).contains("trained R DeqPrior(hidden=4)");
        assertThat(log).hasSize(2);
        assertThat(log.getFirst()).isEqualTo("deq: prior R trained DeqPrior(hidden=4)");
    }

    @Test
    void unusableModelFilesAreTypedErrorsNamingTheFile(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("none.safetensors");
        assertThatThrownBy(() -> DeqPrior.load(missing)).isInstanceOf(DeqModelException.class)
                .hasMessage("--model " + missing + ": no such file");

        Path garbage = dir.resolve("garbage.safetensors");
        Files.write(garbage, new byte[] {1, 2, 3});
        assertThatThrownBy(() -> DeqMethod.withModel(garbage)).isInstanceOf(DeqModelException.class)
                .hasMessageStartingWith("--model " + garbage + ": ");

        DeqPrior p = DeqPrior.smoothing(new double[] {1, 1, 2}, 0.25);
        Path other = dir.resolve("other.safetensors");
        SafeTensors.write(other, p.stateDict(), Map.of("method", "pnp"), DType.FLOAT32);
        assertThatThrownBy(() -> DeqPrior.load(other)).hasMessageContaining("a model for method 'pnp', expected 'deq'");

        Path noConv = dir.resolve("noconv.safetensors");
        SafeTensors.write(noConv, Map.of("weight", Tensor.zeros(2, 1, 3, 3, 3)));
        assertThatThrownBy(() -> DeqPrior.load(noConv)).hasMessageContaining("no tensor 'conv1.weight'");

        Map<String, Tensor> bad = new LinkedHashMap<>(p.stateDict());
        bad.put("conv1.weight", Tensor.zeros(2, 1, 3, 3, 5));
        Path badShape = dir.resolve("badshape.safetensors");
        SafeTensors.write(badShape, bad);
        assertThatThrownBy(() -> DeqPrior.load(badShape)).hasMessageContaining("conv1.weight has shape [2,1,3,3,5], expected [C,1,3,3,3]");

        Map<String, Tensor> extra = new LinkedHashMap<>(p.stateDict());
        extra.put("conv3.weight", Tensor.zeros(1));
        Path extraKey = dir.resolve("extra.safetensors");
        SafeTensors.write(extraKey, extra);
        assertThatThrownBy(() -> DeqPrior.load(extraKey)).isInstanceOf(DeqModelException.class).hasMessageContaining("conv3.weight");
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> DeqPrior.smoothing(new double[] {1, 1, 2}, 1.5)).hasMessageContaining("strength = 1.5, must be in [0, 1]");
        assertThatThrownBy(() -> DeqPrior.trainable(1, new double[] {1, 1, 2}, 0.2, new Rng(0))).hasMessageContaining(">= 2 hidden channels");
        assertThatThrownBy(() -> new DeqPrior(0, new Rng(0))).hasMessageContaining("hidden channels = 0");
        assertThatThrownBy(() -> DeqPrior.smoothing(new double[] {1, 1, 2}, 0.2).forward(Tensor.zeros(1, 2, 3, 3, 3)))
                .hasMessageContaining("must be [N, 1, D, H, W]");
    }
}
