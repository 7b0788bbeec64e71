package mrisr.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import mrisr.engine.Resample.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Resample#interpolate} against an independent double-precision implementation of PyTorch's
 * formulas written here, against hand-computed values, and as an adjoint pair with its backward.
 *
 * <p>The reference maps an output index to a source coordinate (PyTorch's
 * {@code area_pixel_compute_source_index}) and then weights input samples by distance: the hat
 * function {@code max(0, 1 − |src − i|)} after clamping {@code src} into {@code [0, in−1]} for
 * linear, Keys' kernel on {@code |src − j|} with clamped indices for cubic, {@code floor} for
 * nearest. PyTorch computes coordinates in float32; the sizes and scale factors here are chosen so
 * that no nearest coordinate lies within float rounding of an integer, where the two could differ.
 */
class InterpolateTest {

    // ------------------------------------------------------------------ independent reference

    /** One axis of the reference: for each output index, the weight of every input index. */
    private static double[][] referenceAxis(Mode mode, int in, int out, boolean alignCorners, double scaleFactor) {
        double[][] w = new double[out][in];
        double scale;
        if (alignCorners) scale = out > 1 ? (in - 1.0) / (out - 1.0) : 0;
        else scale = scaleFactor > 0 ? 1 / scaleFactor : (double) in / out;
        for (int o = 0; o < out; o++) {
            double src = alignCorners ? scale * o : scale * (o + 0.5) - 0.5;
            switch (mode) {
                case NEAREST -> {
                    // PyTorch's nearest_idx special-cases scale 1 and 2 to dodge float rounding in floor
                    int i = out == in ? o : out == 2 * in ? o / 2 : (int) Math.floor(o * scale);
                    w[o][Math.min(i, in - 1)] = 1;
                }
                case LINEAR -> {
                    if (in == out) { // PyTorch copies an axis whose size does not change
                        w[o][o] = 1;
                        break;
                    }
                    double clamped = Math.min(Math.max(src, 0), in - 1);
                    for (int i = 0; i < in; i++) w[o][i] = Math.max(0, 1 - Math.abs(clamped - i));
                }
                case CUBIC -> {
                    int base = (int) Math.floor(src);
                    for (int j = base - 1; j <= base + 2; j++) {
                        w[o][Math.min(Math.max(j, 0), in - 1)] += keys(Math.abs(src - j));
                    }
                }
            }
        }
        return w;
    }

    /** Keys' cubic convolution kernel with A = −0.75. */
    private static double keys(double x) {
        double a = -0.75;
        if (x <= 1) return (a + 2) * x * x * x - (a + 3) * x * x + 1;
        if (x < 2) return a * x * x * x - 5 * a * x * x + 8 * a * x - 4 * a;
        return 0;
    }

    /** Reference interpolation of a contiguous [N, C, spatial…] array; scaleFactors NaN = size given. */
    private static double[] reference(float[] x, int[] inShape, int[] outSize, Mode mode, boolean alignCorners,
            double[] scaleFactors) {
        int spatial = inShape.length - 2;
        int[] in = new int[3], out = new int[3];
        double[][][] axes = new double[3][][];
        for (int a = 0; a < 3; a++) {
            int s = a - (3 - spatial);
            in[a] = s < 0 ? 1 : inShape[2 + s];
            out[a] = s < 0 ? 1 : outSize[s];
            axes[a] = s < 0 ? new double[][] {{1}} : referenceAxis(mode, in[a], out[a], alignCorners, scaleFactors[s]);
        }
        int planes = inShape[0] * inShape[1];
        double[] y = new double[planes * out[0] * out[1] * out[2]];
        int k = 0;
        for (int p = 0; p < planes; p++) {
            for (int od = 0; od < out[0]; od++) {
                for (int oh = 0; oh < out[1]; oh++) {
                    for (int ow = 0; ow < out[2]; ow++, k++) {
                        double sum = 0;
                        for (int id = 0; id < in[0]; id++) {
                            for (int ih = 0; ih < in[1]; ih++) {
                                for (int iw = 0; iw < in[2]; iw++) {
                                    double weight = axes[0][od][id] * axes[1][oh][ih] * axes[2][ow][iw];
                                    sum += weight * x[((p * in[0] + id) * in[1] + ih) * in[2] + iw];
                                }
                            }
                        }
                        y[k] = sum;
                    }
                }
            }
        }
        return y;
    }

    private static double[] noScales(int spatial) {
        double[] s = new double[spatial];
        Arrays.fill(s, Double.NaN);
        return s;
    }

    private static void assertClose(float[] actual, double[] expected, double tolerance) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("element %d", i).isCloseTo(expected[i], within(tolerance));
        }
    }

    // ------------------------------------------------------------------ against the reference

    static Stream<Arguments> sizeCases() {
        List<Arguments> cases = new ArrayList<>();
        int[][][] shapes = {
                {{2, 3, 5}, {9}}, {{1, 2, 7}, {3}},
                {{1, 2, 3, 5}, {7, 11}}, {{2, 1, 9, 7}, {4, 3}}, {{1, 1, 5, 4}, {1, 9}}, {{1, 1, 6, 5}, {6, 13}},
                {{1, 2, 3, 4, 5}, {5, 7, 3}}, {{1, 1, 7, 5, 6}, {3, 2, 11}}, {{1, 1, 1, 3, 2}, {2, 5, 5}}};
        for (Mode mode : Mode.values()) {
            for (boolean align : new boolean[] {false, true}) {
                if (align && mode == Mode.NEAREST) continue;
                for (int[][] s : shapes) cases.add(Arguments.of(mode, align, s[0], s[1]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} alignCorners={1} {2} -> {3}")
    @MethodSource("sizeCases")
    void matchesReferenceForGivenSizes(Mode mode, boolean alignCorners, int[] inShape, int[] outSize) {
        Tensor x = TestTensors.randn(7, inShape);
        Tensor y = Resample.interpolate(x, outSize, mode, alignCorners);
        int[] expectedShape = Arrays.copyOf(inShape, inShape.length);
        System.arraycopy(outSize, 0, expectedShape, 2, outSize.length);
        assertThat(y.shape()).isEqualTo(expectedShape);
        assertClose(y.toArray(), reference(x.toArray(), inShape, outSize, mode, alignCorners,
                noScales(outSize.length)), 1e-5);
    }

    static Stream<Arguments> scaleCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            for (boolean align : new boolean[] {false, true}) {
                if (align && mode == Mode.NEAREST) continue;
                cases.add(Arguments.of(mode, align, new int[] {1, 2, 5, 7}, new double[] {1.7, 0.65}));
                cases.add(Arguments.of(mode, align, new int[] {1, 1, 4, 3, 6}, new double[] {2.5, 1.3, 0.45}));
                cases.add(Arguments.of(mode, align, new int[] {2, 1, 3}, new double[] {3.3}));
                // floor(5·1.1) = 5 and floor(4·2.2) = 8 = 2·4: PyTorch's special cases for nearest and linear
                cases.add(Arguments.of(mode, align, new int[] {1, 1, 5, 4}, new double[] {1.1, 2.2}));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} alignCorners={1} {2} x {3}")
    @MethodSource("scaleCases")
    void matchesReferenceForScaleFactors(Mode mode, boolean alignCorners, int[] inShape, double[] scale) {
        Tensor x = TestTensors.randn(8, inShape);
        Tensor y = Resample.interpolate(x, scale, mode, alignCorners);
        int[] outSize = new int[scale.length];
        for (int a = 0; a < scale.length; a++) outSize[a] = (int) Math.floor(inShape[2 + a] * scale[a]);
        assertThat(Arrays.copyOfRange(y.shape(), 2, y.dim())).isEqualTo(outSize);
        assertClose(y.toArray(), reference(x.toArray(), inShape, outSize, mode, alignCorners, scale), 1e-5);
    }

    @Test
    void scaleFactorMapsWithItsReciprocalNotTheSizeRatio() {
        // in = 5, scale 1.7 -> out 8; PyTorch maps with 1/1.7, not 5/8
        Tensor x = Tensor.fromArray(new float[] {0, 1, 2, 3, 4}, 1, 1, 5);
        float[] byScale = Resample.interpolate(x, new double[] {1.7}, Mode.LINEAR, false).toArray();
        float[] bySize = Resample.interpolate(x, new int[] {8}, Mode.LINEAR, false).toArray();
        // the input is a ramp, so the output is the clamped source coordinate itself
        for (int o = 0; o < 8; o++) {
            assertThat((double) byScale[o]).isCloseTo(Math.min(Math.max((o + 0.5) / 1.7 - 0.5, 0), 4), within(1e-6));
            assertThat((double) bySize[o]).isCloseTo(Math.min(Math.max((o + 0.5) * 5 / 8 - 0.5, 0), 4), within(1e-6));
        }
        assertThat(byScale[3]).isNotEqualTo(bySize[3]);
    }

    // ------------------------------------------------------------------ hand-computed values

    @Test
    void bilinearTwoByTwoUpsampledTwice() {
        Tensor x = Tensor.fromArray(new float[] {0, 1, 2, 3}, 1, 1, 2, 2);
        assertThat(Resample.interpolate(x, new double[] {2}, Mode.LINEAR, false).toArray()).containsExactly(
                0f, 0.25f, 0.75f, 1f,
                0.5f, 0.75f, 1.25f, 1.5f,
                1.5f, 1.75f, 2.25f, 2.5f,
                2f, 2.25f, 2.75f, 3f);
        assertThat(Resample.interpolate(x, new int[] {3, 3}, Mode.LINEAR, true).toArray()).containsExactly(
                0f, 0.5f, 1f,
                1f, 1.5f, 2f,
                2f, 2.5f, 3f);
    }

    @Test
    void bicubicRowUpsampledTwiceOvershootsLikePyTorch() {
        // src = -0.25, 0.25, 0.75, 1.25; e.g. o = 0: taps at -2..1 clamp to 0,0,0,1 and only
        // W(1.25) = -0.75·1.953125 + 3.75·1.5625 - 6·1.25 + 3 = -0.10546875 weights the 1
        Tensor x = Tensor.fromArray(new float[] {0, 1}, 1, 1, 1, 2);
        assertThat(Resample.interpolate(x, new int[] {1, 4}, Mode.CUBIC, false).toArray())
                .containsExactly(-0.10546875f, 0.2265625f, 0.7734375f, 1.10546875f);
    }

    @Test
    void nearestUsesFloorOfScaledIndex() {
        Tensor x = Tensor.fromArray(new float[] {10, 11, 12, 13, 14}, 1, 1, 5);
        // floor(o · 5/3) = 0, 1, 3
        assertThat(Resample.interpolate(x, new int[] {3}, Mode.NEAREST, false).toArray()).containsExactly(10f, 11f, 13f);
        Tensor three = Tensor.fromArray(new float[] {10, 11, 12}, 1, 1, 3);
        // floor(o · 3/5) = 0, 0, 1, 1, 2
        assertThat(Resample.interpolate(three, new int[] {5}, Mode.NEAREST, false).toArray())
                .containsExactly(10f, 10f, 11f, 11f, 12f);
        // scale factor 2.5 -> 7 outputs, floor(o / 2.5) = 0, 0, 0, 1, 1, 2, 2
        assertThat(Resample.interpolate(three, new double[] {2.5}, Mode.NEAREST, false).toArray())
                .containsExactly(10f, 10f, 10f, 11f, 11f, 12f, 12f);
    }

    @Test
    void alignCornersMapsCornersExactly() {
        for (Mode mode : new Mode[] {Mode.LINEAR, Mode.CUBIC}) {
            Tensor x = TestTensors.randn(9, 1, 2, 5, 7);
            Tensor y = Resample.interpolate(x, new int[] {13, 10}, mode, true);
            for (int c = 0; c < 2; c++) {
                assertThat(y.get(0, c, 0, 0)).isEqualTo(x.get(0, c, 0, 0));
                assertThat(y.get(0, c, 12, 0)).isCloseTo(x.get(0, c, 4, 0), within(1e-6f));
                assertThat(y.get(0, c, 0, 9)).isCloseTo(x.get(0, c, 0, 6), within(1e-6f));
                assertThat(y.get(0, c, 12, 9)).isCloseTo(x.get(0, c, 4, 6), within(1e-6f));
            }
            Tensor v = TestTensors.randn(10, 1, 1, 3, 4, 5);
            Tensor w = Resample.interpolate(v, new int[] {7, 2, 9}, mode, true);
            assertThat(w.get(0, 0, 0, 0, 0)).isEqualTo(v.get(0, 0, 0, 0, 0));
            assertThat(w.get(0, 0, 6, 1, 8)).isCloseTo(v.get(0, 0, 2, 3, 4), within(1e-6f));
        }
    }

    @Test
    void sameSizeIsTheIdentity() {
        Tensor x = TestTensors.randn(11, 2, 3, 4, 5, 6);
        for (Mode mode : Mode.values()) {
            for (boolean align : new boolean[] {false, true}) {
                if (align && mode == Mode.NEAREST) continue;
                assertThat(Resample.interpolate(x, new int[] {4, 5, 6}, mode, align).toArray())
                        .containsExactly(x.toArray());
            }
        }
    }

    // ------------------------------------------------------------------ adjoint

    static Stream<Arguments> adjointCases() {
        List<Arguments> cases = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            for (boolean align : new boolean[] {false, true}) {
                if (align && mode == Mode.NEAREST) continue;
                cases.add(Arguments.of(mode, align, new int[] {2, 3, 5, 7}, new int[] {9, 4}));
                cases.add(Arguments.of(mode, align, new int[] {1, 2, 4, 3, 5}, new int[] {3, 7, 9}));
                cases.add(Arguments.of(mode, align, new int[] {3, 1, 11}, new int[] {4}));
            }
        }
        return cases.stream();
    }

    /** {@code <A x, y> = <x, Aᵀ y>} with {@code Aᵀ y} from autograd. */
    @ParameterizedTest(name = "{0} alignCorners={1} {2} -> {3}")
    @MethodSource("adjointCases")
    void backwardIsTheAdjoint(Mode mode, boolean alignCorners, int[] inShape, int[] outSize) {
        Tensor x = TestTensors.randn(12, inShape).requiresGrad(true);
        Tensor ax = Resample.interpolate(x, outSize, mode, alignCorners);
        Tensor y = TestTensors.randn(13, ax.shape());
        ax.backward(y, false);
        double lhs = dot(ax.toArray(), y.toArray()), rhs = dot(x.toArray(), x.grad().toArray());
        assertThat(rhs).isCloseTo(lhs, within(1e-5 * (1 + Math.abs(lhs))));
        assertThat(ax.gradFnName()).isEqualTo("interpolate");
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    // ------------------------------------------------------------------ errors

    @Test
    void rejectsBadArguments() {
        Tensor x = Tensor.zeros(1, 2, 3, 4);
        assertThatThrownBy(() -> Resample.interpolate(Tensor.zeros(3, 4), new int[] {5}, Mode.LINEAR, false))
                .isInstanceOf(ShapeException.class).hasMessageContaining("interpolate").hasMessageContaining("[3,4]");
        assertThatThrownBy(() -> Resample.interpolate(x, new int[] {5, 6, 7}, Mode.LINEAR, false))
                .isInstanceOf(ShapeException.class).hasMessageContaining("3 sizes").hasMessageContaining("[1,2,3,4]");
        assertThatThrownBy(() -> Resample.interpolate(x, new int[] {0, 6}, Mode.CUBIC, false))
                .isInstanceOf(ShapeException.class).hasMessageContaining(">= 1");
        assertThatThrownBy(() -> Resample.interpolate(x, new int[] {5, 6}, Mode.NEAREST, true))
                .isInstanceOf(ShapeException.class).hasMessageContaining("NEAREST");
        assertThatThrownBy(() -> Resample.interpolate(x, new double[] {0.2}, Mode.LINEAR, false))
                .isInstanceOf(ShapeException.class).hasMessageContaining("scale factor 0.2");
        assertThatThrownBy(() -> Resample.interpolate(x, new double[] {Double.NaN}, Mode.LINEAR, false))
                .isInstanceOf(ShapeException.class).hasMessageContaining("scale factor NaN");
        assertThatThrownBy(() -> Resample.interpolate(Tensor.zeros(1, 1, 0, 4), new int[] {2, 2}, Mode.LINEAR, false))
                .isInstanceOf(ShapeException.class).hasMessageContaining("empty spatial axis");
    }
}
