package mrisr.engine;

import static mrisr.engine.TestTensors.randn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import mrisr.engine.Index.PadMode;
import org.junit.jupiter.api.Test;

/**
 * {@link Index} against naive double-precision formulas written here: coordinates are mapped by
 * hand, padded index lists are built by concatenation, and adjoints are scatter-adds over the
 * forward map.
 */
class IndexOpsTest {

    // ------------------------------------------------------------------ cat, stack, split

    @Test
    void catMatchesNaiveConcatenationAlongEveryDimension() {
        int[] base = {2, 3, 5};
        for (int dim = -3; dim < 3; dim++) {
            int d = dim < 0 ? dim + 3 : dim;
            int[] sizes = {base[d], 1, 4};
            Tensor[] parts = new Tensor[3];
            for (int i = 0; i < 3; i++) {
                int[] s = base.clone();
                s[d] = sizes[i];
                parts[i] = randn(10 + i, s);
            }
            Tensor out = Index.cat(parts, dim);
            int[] outShape = base.clone();
            outShape[d] = sizes[0] + sizes[1] + sizes[2];
            assertThat(out.shape()).isEqualTo(outShape);
            float[] got = out.toArray();
            for (int flat = 0; flat < got.length; flat++) {
                int[] c = unravel(flat, outShape);
                int part = 0, local = c[d];
                while (local >= sizes[part]) local -= sizes[part++];
                c[d] = local;
                assertThat(got[flat]).as("dim %d flat %d", dim, flat).isEqualTo(parts[part].get(c));
            }
        }
    }

    @Test
    void catOfStridedViewsAndEmptyPieces() {
        Tensor a = randn(20, 5, 3);
        Tensor empty = Tensor.zeros(3, 0);
        Tensor b = randn(21, 3, 2);
        Tensor out = Index.cat(List.of(a.transpose(0, 1), empty, b), 1);
        assertThat(out.shape()).containsExactly(3, 7);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 7; j++) assertThat(out.get(i, j)).isEqualTo(j < 5 ? a.get(j, i) : b.get(i, j - 5));
        }
    }

    @Test
    void catBackwardSlicesTheGradient() {
        Tensor a = randn(22, 2, 3).requiresGrad(true), b = randn(23, 2, 4).requiresGrad(true);
        Tensor out = Index.cat(List.of(a, b), -1);
        Tensor r = randn(24, 2, 7);
        out.backward(r, false);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 7; j++) {
                float expected = r.get(i, j);
                assertThat(j < 3 ? a.grad().get(i, j) : b.grad().get(i, j - 3)).isEqualTo(expected);
            }
        }
    }

    @Test
    void catRejectsMismatchedShapes() {
        assertThatThrownBy(() -> Index.cat(List.of(Tensor.zeros(2, 3), Tensor.zeros(3, 3)), 1))
                .isInstanceOf(ShapeException.class)
                .hasMessageStartingWith("cat: ")
                .hasMessageContaining("tensor 1 of shape [3,3]")
                .hasMessageContaining("[2,3]");
        assertThatThrownBy(() -> Index.cat(List.of(Tensor.zeros(2, 3), Tensor.zeros(2, 3, 1)), 0))
                .isInstanceOf(ShapeException.class).hasMessageContaining("[2,3,1]");
        assertThatThrownBy(() -> Index.cat(List.of(), 0)).isInstanceOf(ShapeException.class)
                .hasMessage("cat: needs at least one tensor");
        assertThatThrownBy(() -> Index.cat(List.of(Tensor.scalar(1)), 0)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("zero-dimensional");
        assertThatThrownBy(() -> Index.cat(List.of(Tensor.zeros(2, 3)), 2)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("dimension 2 out of range");
    }

    @Test
    void stackMatchesNaiveAtEveryPosition() {
        Tensor[] parts = {randn(30, 3, 5), randn(31, 3, 5)};
        for (int dim = -3; dim < 3; dim++) {
            int d = dim < 0 ? dim + 3 : dim;
            Tensor out = Index.stack(parts, dim);
            int[] shape = {3, 5};
            int[] expectedShape = new int[3];
            for (int i = 0, k = 0; i < 3; i++) expectedShape[i] = i == d ? 2 : shape[k++];
            assertThat(out.shape()).isEqualTo(expectedShape);
            float[] got = out.toArray();
            for (int flat = 0; flat < got.length; flat++) {
                int[] c = unravel(flat, expectedShape);
                int[] inner = new int[2];
                for (int i = 0, k = 0; i < 3; i++) if (i != d) inner[k++] = c[i];
                assertThat(got[flat]).isEqualTo(parts[c[d]].get(inner));
            }
        }
    }

    @Test
    void stackRejectsDifferentShapes() {
        assertThatThrownBy(() -> Index.stack(List.of(Tensor.zeros(2, 3), Tensor.zeros(2, 4)), 0))
                .isInstanceOf(ShapeException.class)
                .hasMessageStartingWith("stack: ")
                .hasMessageContaining("[2,4]")
                .hasMessageContaining("[2,3]");
    }

    @Test
    void splitGivesPiecesThatCarryGradients() {
        Tensor x = randn(40, 3, 7, 2).requiresGrad(true);
        List<Tensor> pieces = Index.split(x, 3, -2);
        assertThat(pieces).hasSize(3);
        assertThat(pieces.get(0).shape()).containsExactly(3, 3, 2);
        assertThat(pieces.get(2).shape()).containsExactly(3, 1, 2);
        Tensor loss = Tensor.scalar(0);
        for (int i = 0; i < pieces.size(); i++) loss = loss.add(pieces.get(i).sum().mul(i + 1));
        loss.backward();
        for (int a = 0; a < 3; a++) {
            for (int j = 0; j < 7; j++) {
                for (int b = 0; b < 2; b++) {
                    assertThat(pieces.get(j / 3).get(a, j % 3, b)).isEqualTo(x.get(a, j, b));
                    assertThat(x.grad().get(a, j, b)).isEqualTo(j / 3 + 1f);
                }
            }
        }
    }

    @Test
    void splitBySizes() {
        Tensor x = randn(41, 6, 2);
        List<Tensor> pieces = Index.split(x, new int[] {1, 0, 5}, 0);
        assertThat(pieces).extracting(p -> p.size(0)).containsExactly(1, 0, 5);
        assertThat(pieces.get(2).get(4, 1)).isEqualTo(x.get(5, 1));
        assertThatThrownBy(() -> Index.split(x, new int[] {2, 3}, 0)).isInstanceOf(ShapeException.class)
                .hasMessageStartingWith("split: ").hasMessageContaining("sum to 5").hasMessageContaining("[6,2]");
        assertThatThrownBy(() -> Index.split(x, 0, 0)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("split size must be >= 1");
    }

    // ------------------------------------------------------------------ pad

    @Test
    void padKnownValuesInOneDimension() {
        Tensor x = Tensor.fromArray(new float[] {1, 2, 3}, 3);
        assertThat(Index.pad(x, new int[] {2, 2}, PadMode.REFLECT).toArray()).containsExactly(3, 2, 1, 2, 3, 2, 1);
        assertThat(Index.pad(x, new int[] {2, 2}, PadMode.REPLICATE).toArray()).containsExactly(1, 1, 1, 2, 3, 3, 3);
        assertThat(Index.pad(x, new int[] {1, 2}, PadMode.CONSTANT, 9).toArray()).containsExactly(9, 1, 2, 3, 9, 9);
        assertThat(Index.pad(x, new int[] {-1, 1}).toArray()).containsExactly(2, 3, 0);
    }

    @Test
    void padOnThreeDimensionsMatchesNaiveForEveryMode() {
        int[] shape = {2, 3, 4, 5};
        int[] pad = {2, 1, 1, 2, 1, 1};
        for (PadMode mode : PadMode.values()) {
            float value = mode == PadMode.CONSTANT ? -2.5f : 0f;
            checkPadAgainstNaive(randn(50, shape), pad, mode, value);
        }
    }

    @Test
    void padConstantWithCroppingMatchesNaive() {
        checkPadAgainstNaive(randn(51, 3, 4, 5), new int[] {-2, 1, 3, -1}, PadMode.CONSTANT, 0.75f);
    }

    @Test
    void padReflectAndReplicateOfWholeDimensionsMatchNaive() {
        // largest legal reflect padding (size - 1 on both sides), replicate much wider than the input
        checkPadAgainstNaive(randn(52, 2, 3), new int[] {2, 2, 1, 1}, PadMode.REFLECT, 0f);
        checkPadAgainstNaive(randn(53, 2, 3), new int[] {5, 4, 0, 3}, PadMode.REPLICATE, 0f);
    }

    private static void checkPadAgainstNaive(Tensor x0, int[] pad, PadMode mode, float value) {
        Tensor x = x0.requiresGrad(true);
        int[] inShape = x.shape();
        int nd = inShape.length;
        int[][] lists = new int[nd][];
        for (int d = 0; d < nd; d++) {
            int k = nd - 1 - d;
            lists[d] = k < pad.length / 2 ? paddedIndexList(inShape[d], pad[2 * k], pad[2 * k + 1], mode) : identity(inShape[d]);
        }
        int[] outShape = new int[nd];
        for (int d = 0; d < nd; d++) outShape[d] = lists[d].length;
        Tensor y = Index.pad(x, pad, mode, value);
        assertThat(y.shape()).as("%s output shape", mode).isEqualTo(outShape);
        Tensor r = randn(54, outShape);
        y.backward(r, false);
        float[] got = y.toArray(), rv = r.toArray(), xv = x.toArray();
        double[] expectedGrad = new double[xv.length];
        for (int flat = 0; flat < got.length; flat++) {
            int[] c = unravel(flat, outShape);
            int[] src = new int[nd];
            boolean fill = false;
            for (int d = 0; d < nd; d++) {
                src[d] = lists[d][c[d]];
                fill |= src[d] < 0;
            }
            if (fill) {
                assertThat(got[flat]).as("%s fill at %d", mode, flat).isEqualTo(value);
            } else {
                int s = ravel(src, inShape);
                assertThat(got[flat]).as("%s value at %d", mode, flat).isEqualTo(xv[s]);
                expectedGrad[s] += rv[flat];
            }
        }
        float[] grad = x.grad().toArray();
        for (int i = 0; i < grad.length; i++) assertThat((double) grad[i]).as("%s grad %d", mode, i).isCloseTo(expectedGrad[i], within(1e-5));
    }

    /**
     * The input index each padded position reads, built by concatenation: {@code -1} for a constant
     * fill. Reflect mirrors about the edge without repeating it, replicate repeats the edge.
     */
    private static int[] paddedIndexList(int n, int before, int after, PadMode mode) {
        List<Integer> list = new ArrayList<>();
        for (int k = before; k >= 1; k--) list.add(mode == PadMode.REFLECT ? k : mode == PadMode.REPLICATE ? 0 : -1);
        for (int i = 0; i < n; i++) list.add(i);
        for (int k = 1; k <= after; k++) list.add(mode == PadMode.REFLECT ? n - 1 - k : mode == PadMode.REPLICATE ? n - 1 : -1);
        List<Integer> cropped = list.subList(Math.max(0, -before), list.size() - Math.max(0, -after));
        return cropped.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] identity(int n) {
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = i;
        return v;
    }

    @Test
    void padRejectsBadArguments() {
        Tensor x = Tensor.zeros(2, 3, 4);
        assertThatThrownBy(() -> Index.pad(x, new int[] {4, 0}, PadMode.REFLECT))
                .isInstanceOf(ShapeException.class)
                .hasMessageStartingWith("pad: ")
                .hasMessageContaining("padding (4, 0) of dimension 2 of [2,3,4]")
                .hasMessageContaining("less than the dimension size 4");
        assertThatThrownBy(() -> Index.pad(x, new int[] {0, 0, 1, 3}, PadMode.REFLECT))
                .isInstanceOf(ShapeException.class).hasMessageContaining("dimension 1");
        assertThatThrownBy(() -> Index.pad(x, new int[] {1, 1, 1})).isInstanceOf(ShapeException.class)
                .hasMessageContaining("even length");
        assertThatThrownBy(() -> Index.pad(x, new int[] {1, 1, 1, 1, 1, 1, 1, 1})).isInstanceOf(ShapeException.class)
                .hasMessageContaining("covers 4 dimensions, input [2,3,4] has 3");
        assertThatThrownBy(() -> Index.pad(x, new int[] {-3, -2})).isInstanceOf(ShapeException.class)
                .hasMessageContaining("gives size -1");
        assertThatThrownBy(() -> Index.pad(x, new int[] {1, 1}, PadMode.REPLICATE, 2f)).isInstanceOf(ShapeException.class)
                .hasMessageContaining("mode replicate takes no fill value");
        assertThatThrownBy(() -> Index.pad(Tensor.zeros(2, 0), new int[] {1, 0}, PadMode.REPLICATE))
                .isInstanceOf(ShapeException.class).hasMessageContaining("cannot replicate an empty dimension");
    }

    // ------------------------------------------------------------------ index_select

    @Test
    void indexSelectWithRepeatedIndicesMatchesNaiveForwardAndBackward() {
        int[] index = {4, 0, 4, 4, 2, 0};
        for (int dim = -3; dim < 3; dim++) {
            int d = dim < 0 ? dim + 3 : dim;
            int[] shape = {3, 5, 4};
            shape[d] = 5;
            Tensor x = randn(60, shape).requiresGrad(true);
            Tensor y = Index.indexSelect(x, dim, index);
            int[] outShape = shape.clone();
            outShape[d] = index.length;
            assertThat(y.shape()).isEqualTo(outShape);
            Tensor r = randn(61, outShape);
            y.backward(r, false);
            float[] got = y.toArray(), rv = r.toArray(), xv = x.toArray();
            double[] expectedGrad = new double[xv.length];
            for (int flat = 0; flat < got.length; flat++) {
                int[] c = unravel(flat, outShape);
                c[d] = index[c[d]];
                int s = ravel(c, shape);
                assertThat(got[flat]).isEqualTo(xv[s]);
                expectedGrad[s] += rv[flat];
            }
            float[] grad = x.grad().toArray();
            for (int i = 0; i < grad.length; i++) {
                assertThat((double) grad[i]).as("dim %d grad %d", dim, i).isCloseTo(expectedGrad[i], within(1e-5));
            }
        }
    }

    @Test
    void indexSelectAcceptsIndexTensors() {
        Tensor x = randn(62, 3, 4);
        Tensor y = Index.indexSelect(x, 1, Tensor.fromArray(new float[] {3, 1}, 2));
        assertThat(y.toArray()).containsExactly(x.get(0, 3), x.get(0, 1), x.get(1, 3), x.get(1, 1), x.get(2, 3), x.get(2, 1));
        Tensor z = Index.indexSelect(x, 0, Tensor.scalar(2));
        assertThat(z.shape()).containsExactly(1, 4);
        assertThat(z.get(0, 3)).isEqualTo(x.get(2, 3));
    }

    @Test
    void indexSelectRejectsBadIndices() {
        Tensor x = Tensor.zeros(3, 5);
        assertThatThrownBy(() -> Index.indexSelect(x, 1, new int[] {0, 5}))
                .isInstanceOf(ShapeException.class)
                .hasMessage("index_select: index 5 at position 1 is out of range for dimension 1 of size 5 in [3,5]");
        assertThatThrownBy(() -> Index.indexSelect(x, 0, new int[] {-1})).isInstanceOf(ShapeException.class)
                .hasMessageContaining("index -1");
        assertThatThrownBy(() -> Index.indexSelect(x, 0, Tensor.fromArray(new float[] {0.5f}, 1)))
                .isInstanceOf(ShapeException.class).hasMessageContaining("0.5").hasMessageContaining("not an integer");
        assertThatThrownBy(() -> Index.indexSelect(x, 0, Tensor.zeros(1, 1))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("0-d or 1-d");
    }

    // ------------------------------------------------------------------ gather

    @Test
    void gatherWithRepeatedIndicesMatchesNaiveForwardAndBackward() {
        int[] xShape = {4, 5, 3};
        Rng rng = new Rng(70);
        for (int dim = -3; dim < 3; dim++) {
            int d = dim < 0 ? dim + 3 : dim;
            int[] indexShape = {3, 4, 2};
            indexShape[d] = 7; // longer than x along dim: indices must repeat
            float[] idx = new float[Shape.numel(indexShape)];
            for (int i = 0; i < idx.length; i++) idx[i] = rng.nextInt(xShape[d]);
            Tensor x = randn(71, xShape).requiresGrad(true);
            Tensor y = Index.gather(x, dim, Tensor.fromArray(idx, indexShape));
            assertThat(y.shape()).isEqualTo(indexShape);
            Tensor r = randn(72, indexShape);
            y.backward(r, false);
            float[] got = y.toArray(), rv = r.toArray(), xv = x.toArray();
            double[] expectedGrad = new double[xv.length];
            for (int flat = 0; flat < got.length; flat++) {
                int[] c = unravel(flat, indexShape);
                c[d] = (int) idx[flat];
                int s = ravel(c, xShape);
                assertThat(got[flat]).isEqualTo(xv[s]);
                expectedGrad[s] += rv[flat];
            }
            float[] grad = x.grad().toArray();
            for (int i = 0; i < grad.length; i++) {
                assertThat((double) grad[i]).as("dim %d grad %d", dim, i).isCloseTo(expectedGrad[i], within(1e-5));
            }
        }
    }

    @Test
    void gatherTwoDimensionalExample() {
        // torch.gather(torch.tensor([[1, 2], [3, 4]]), 1, torch.tensor([[0, 0], [1, 0]])) == [[1, 1], [4, 3]]
        Tensor x = Tensor.fromArray(new float[] {1, 2, 3, 4}, 2, 2);
        assertThat(Index.gather(x, 1, new int[] {0, 0, 1, 0}, new int[] {2, 2}).toArray()).containsExactly(1, 1, 4, 3);
    }

    @Test
    void gatherRejectsBadIndices() {
        Tensor x = Tensor.zeros(3, 4);
        assertThatThrownBy(() -> Index.gather(x, 1, new int[] {0, 4}, new int[] {1, 2}))
                .isInstanceOf(ShapeException.class)
                .hasMessage("gather: index 4 at flat position 1 is out of range for dimension 1 of size 4 in [3,4]");
        assertThatThrownBy(() -> Index.gather(x, 1, Tensor.zeros(4, 1))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("index of shape [4,1] is larger than input [3,4] in dimension 0");
        assertThatThrownBy(() -> Index.gather(x, 1, Tensor.zeros(3))).isInstanceOf(ShapeException.class)
                .hasMessageContaining("must have the rank of input [3,4]");
        assertThatThrownBy(() -> Index.gather(x, 0, new int[] {0, 1}, new int[] {1, 3})).isInstanceOf(ShapeException.class)
                .hasMessageContaining("2 indices cannot fill index shape [1,3]");
    }

    // ------------------------------------------------------------------ coordinates

    private static int[] unravel(int flat, int[] shape) {
        int[] c = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            c[d] = flat % shape[d];
            flat /= shape[d];
        }
        return c;
    }

    private static int ravel(int[] c, int[] shape) {
        int flat = 0;
        for (int d = 0; d < shape.length; d++) flat = flat * shape[d] + c[d];
        return flat;
    }
}
