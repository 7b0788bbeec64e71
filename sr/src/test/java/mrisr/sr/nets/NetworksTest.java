package mrisr.sr.nets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.Module;
import mrisr.sr.data.IntensityScale;
import org.junit.jupiter.api.Test;

class NetworksTest {
    @Test
    void shapesFollowTheUpsampling() {
        Tensor x = Tensor.randn(new Rng(1), 2, 1, 5, 4, 3);
        for (String method : Architecture.METHODS) {
            Module pre = Architecture.defaults(method, Upsampling.PRE, new int[] {1, 1, 4}).build(new Rng(2));
            assertThat(pre.forward(x).shape()).as(method).containsExactly(2, 1, 5, 4, 3);
            Module sub = Architecture.defaults(method, Upsampling.SUBPIXEL, new int[] {3, 3, 3}).build(new Rng(2));
            assertThat(sub.forward(x).shape()).as(method).containsExactly(2, 1, 15, 12, 9);
        }
    }

    @Test
    void untrainedNetworksPredictAZeroResidual() {
        Tensor x = Tensor.randn(new Rng(1), 1, 1, 4, 4, 4);
        for (String method : Architecture.METHODS) {
            for (float v : Architecture.defaults(method, Upsampling.SUBPIXEL, new int[] {2, 2, 2}).build(new Rng(3)).forward(x).toArray()) {
                assertThat(v).as(method).isZero();
            }
        }
    }

    /** Bias-free with ReLUs: R(α·x) = α·R(x) for α > 0, so an empty region gets an exactly zero residual. */
    @Test
    void networksArePositivelyHomogeneous() {
        for (Architecture arch : new Architecture[] {
                Architecture.srcnn3d(Upsampling.PRE, new int[] {2, 2, 2}, 4),
                Architecture.edsr3d(Upsampling.SUBPIXEL, new int[] {2, 2, 2}, 4, 2)}) {
            Module net = NetTesting.randomNetwork(arch, 9);
            int[] shape = {5, 6, 4};
            float[] x = NetTesting.randomVolume(shape, 10), scaled = x.clone();
            for (int i = 0; i < x.length; i++) scaled[i] = 8 * x[i]; // a power of two: the scaling itself is exact
            float[] y = NetTesting.wholeVolume(net, x, shape), ys = NetTesting.wholeVolume(net, scaled, shape);
            for (int i = 0; i < y.length; i++) assertThat((double) ys[i]).as("%s %d", arch, i).isCloseTo(8.0 * y[i], within(1e-4 * (1 + Math.abs(8.0 * y[i]))));
            for (float v : NetTesting.wholeVolume(net, new float[x.length], shape)) assertThat(v).isZero();
        }
    }

    /** Perturbing one input voxel changes exactly the outputs within the receptive-field radius {@link Architecture#halo()}. */
    @Test
    void haloIsTheReceptiveFieldRadius() {
        for (Architecture arch : new Architecture[] {
                Architecture.srcnn3d(Upsampling.PRE, new int[] {2, 2, 2}, 8),
                Architecture.edsr3d(Upsampling.PRE, new int[] {2, 2, 2}, 4, 2),
                Architecture.edsr3d(Upsampling.SUBPIXEL, new int[] {2, 2, 2}, 2, 1)}) {
            Module net = NetTesting.randomNetwork(arch, 7);
            int h = arch.halo(), s = arch.scale(), n = 2 * h + 3, c = h + 1;
            int[] shape = {n, 1, 1};
            float[] x = NetTesting.randomVolume(shape, 8);
            float[] before = NetTesting.wholeVolume(net, x, shape);
            x[c] += 1;
            float[] after = NetTesting.wholeVolume(net, x, shape);
            int across = s * s; // the output is [n·s, s, s]: s×s values per output position along axis 0
            boolean changedAtHalo = false;
            for (int o = 0; o < n * s; o++) {
                int distance = Math.abs(o / s - c);
                for (int q = 0; q < across; q++) {
                    float b = before[o * across + q], a = after[o * across + q];
                    if (distance > h) assertThat(a).as("%s output %d", arch, o).isEqualTo(b);
                    if (distance == h && a != b) changedAtHalo = true; // the farthest affected outputs
                }
            }
            assertThat(changedAtHalo).as("%s changes outputs at distance %d", arch, h).isTrue();
        }
    }

    @Test
    void macsFollowTheLayerFormulas() {
        // EDSR, sub-pixel x2, C = 4, B = 1 on a 3³ patch: per voxel 27·(1·4 + 2·4·4 + 4·4 + 4·8) MACs
        Module edsr = Architecture.edsr3d(Upsampling.SUBPIXEL, new int[] {2, 2, 2}, 4, 1).build(new Rng(1));
        assertThat(edsr.macs(1, 1, 3, 3, 3)).isEqualTo(27L * 27 * (4 + 32 + 16 + 32));
        // SRCNN 9-1-5 with 4 and 2 features, pre-upsampling: per voxel 729·4 + 4·2 + 125·2
        Module srcnn = Architecture.srcnn3d(Upsampling.PRE, new int[] {1, 1, 2}, 4).build(new Rng(1));
        assertThat(srcnn.macs(1, 1, 2, 2, 2)).isEqualTo(8L * (729 * 4 + 8 + 125 * 2));
    }

    @Test
    void architectureRoundTripsThroughMetadata() {
        Architecture a = new Architecture(Architecture.EDSR3D, Upsampling.PRE, new int[] {1, 2, 4}, 12, 5, 0.1);
        Map<String, String> m = a.metadata();
        assertThat(m).containsEntry("method", "edsr3d").containsEntry("upsampling", "pre").containsEntry("factor", "1,2,4")
                .containsEntry("features", "12").containsEntry("blocks", "5").containsEntry("residual_scale", "0.1");
        assertThat(Architecture.fromMetadata(m, "x")).isEqualTo(a);
        assertThatThrownBy(() -> Architecture.fromMetadata(Map.of("method", "edsr3d"), "--model m.safetensors"))
                .isInstanceOf(ModelException.class).hasMessage("--model m.safetensors: not an mrisr network model (metadata lacks 'upsampling')");
    }

    @Test
    void invalidArchitecturesAreRefusedWithReasons() {
        assertThatThrownBy(() -> Architecture.edsr3d(Upsampling.SUBPIXEL, new int[] {1, 1, 4}, 8, 1)).isInstanceOf(ModelException.class)
                .hasMessageContaining("sub-pixel upsampling needs the same factor on every axis, got 1,1,4; use --upsampling pre");
        assertThatThrownBy(() -> Architecture.edsr3d(Upsampling.PRE, new int[] {1, 1, 1}, 8, 1)).hasMessageContaining("factors 1,1,1");
        assertThatThrownBy(() -> new Architecture("unet", Upsampling.PRE, new int[] {2, 2, 2}, 8, 0, 1))
                .hasMessage("unknown network 'unet', expected one of srcnn3d, edsr3d");
        assertThatThrownBy(() -> new Architecture("srcnn3d", Upsampling.PRE, new int[] {2, 2, 2}, 8, 2, 1))
                .hasMessage("srcnn3d has no residual blocks; --blocks applies to edsr3d");
        assertThatThrownBy(() -> Architecture.edsr3d(Upsampling.PRE, new int[] {2, 2, 2}, 0, 1)).hasMessageContaining("--features 0");
    }

    @Test
    void defaultUpsamplingIsSubPixelOnlyForEqualFactors() {
        assertThat(Upsampling.defaultFor(new int[] {2, 2, 2})).isEqualTo(Upsampling.SUBPIXEL);
        assertThat(Upsampling.defaultFor(new int[] {1, 1, 4})).isEqualTo(Upsampling.PRE);
        assertThat(Upsampling.parse("SubPixel")).isEqualTo(Upsampling.SUBPIXEL);
        assertThatThrownBy(() -> Upsampling.parse("post")).hasMessage("--upsampling 'post' is not one of pre, subpixel");
    }

    @Test
    void intensityScaleIsTheNearestRankPercentile() {
        float[] v = new float[1000];
        for (int i = 0; i < v.length; i++) v[i] = (i * 7919) % 1000; // a permutation of 0..999
        assertThat(IntensityScale.of(v)).isEqualTo(994.0); // rank ⌈0.995·1000⌉ = 995 → value 994
        assertThat(IntensityScale.of(new float[] {0, 0, -3})).isEqualTo(3.0);
        assertThat(IntensityScale.of(new float[] {0, 0})).isEqualTo(1.0);
    }
}
