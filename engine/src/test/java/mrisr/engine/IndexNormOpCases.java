package mrisr.engine;

import static mrisr.engine.TestTensors.randn;

import java.util.ArrayList;
import java.util.List;
import mrisr.engine.Index.PadMode;

/** Gradient-check and determinism cases for the IndexNorm op family. */
public final class IndexNormOpCases implements OpCases {
    @Override
    public List<OpCase> cases() {
        List<OpCase> c = new ArrayList<>();
        joining(c);
        padding(c);
        indexing(c);
        softmax(c);
        normalisation(c);
        dropout(c);
        return c;
    }

    private static void joining(List<OpCase> c) {
        c.add(OpCase.of("cat", "cat three tensors along dim 1", x -> Index.cat(List.of(x[0], x[1], x[2]), 1),
                () -> new Tensor[] {randn(101, 2, 3, 4), randn(102, 2, 1, 4), randn(103, 2, 2, 4)})
                .large(() -> new Tensor[] {randn(101, 64, 300, 7), randn(102, 64, 1, 7), randn(103, 64, 155, 7)}));
        c.add(OpCase.of("cat", "cat along dim -1 with a transposed input",
                x -> Index.cat(new Tensor[] {x[0].transpose(0, 1), x[1]}, -1),
                () -> new Tensor[] {randn(104, 3, 5), randn(105, 5, 2)})
                .large(() -> new Tensor[] {randn(104, 301, 400), randn(105, 400, 77)}));
        c.add(OpCase.of("cat", "cat of a tensor with itself along dim 0", x -> Index.cat(List.of(x[0], x[0].mul(2)), 0),
                () -> new Tensor[] {randn(106, 3, 2)}));
        c.add(OpCase.of("stack", "stack along a new middle dim", x -> Index.stack(List.of(x[0], x[1], x[2]), 1),
                () -> new Tensor[] {randn(107, 3, 4), randn(108, 3, 4), randn(109, 3, 4)})
                .large(() -> new Tensor[] {randn(107, 300, 301), randn(108, 300, 301), randn(109, 300, 301)}));
        c.add(OpCase.of("stack", "stack along dim -1", x -> Index.stack(new Tensor[] {x[0], x[1]}, -1),
                () -> new Tensor[] {randn(110, 2, 3), randn(111, 2, 3)}));
        c.add(OpCase.of("split", "split by size 2 (uneven) along dim 1, pieces rejoined in reverse",
                x -> reversedWeighted(Index.split(x[0], 2, 1), 1), () -> new Tensor[] {randn(112, 3, 5, 2)})
                .large(() -> new Tensor[] {randn(112, 64, 301, 33)}));
        c.add(OpCase.of("split", "split by sizes {1,3,0,2} along dim -1, pieces rejoined in reverse",
                x -> reversedWeighted(Index.split(x[0], new int[] {1, 3, 0, 2}, -1), -1),
                () -> new Tensor[] {randn(113, 4, 6)}));
    }

    /** Concatenates pieces in reverse order, piece {@code i} scaled by {@code i + 1}. */
    private static Tensor reversedWeighted(List<Tensor> pieces, int dim) {
        Tensor[] r = new Tensor[pieces.size()];
        for (int i = 0; i < r.length; i++) r[r.length - 1 - i] = pieces.get(i).mul(i + 1);
        return Index.cat(r, dim);
    }

    private static void padding(List<OpCase> c) {
        c.add(OpCase.of("pad", "pad constant 1.5 on the last dim", x -> Index.pad(x[0], new int[] {2, 1}, PadMode.CONSTANT, 1.5f),
                () -> new Tensor[] {randn(120, 3, 4)}));
        c.add(OpCase.of("pad", "pad constant on 3 dims with cropping",
                x -> Index.pad(x[0], new int[] {1, -1, -1, 2, 2, 0}, PadMode.CONSTANT, -0.5f),
                () -> new Tensor[] {randn(121, 2, 3, 4, 5)})
                .large(() -> new Tensor[] {randn(121, 4, 20, 30, 41)}));
        c.add(OpCase.of("pad", "pad reflect 1-d", x -> Index.pad(x[0], new int[] {3, 2}, PadMode.REFLECT),
                () -> new Tensor[] {randn(122, 2, 2, 5)}));
        c.add(OpCase.of("pad", "pad reflect 2-d", x -> Index.pad(x[0], new int[] {2, 1, 1, 2}, PadMode.REFLECT),
                () -> new Tensor[] {randn(123, 1, 2, 4, 3)}));
        c.add(OpCase.of("pad", "pad reflect 3-d", x -> Index.pad(x[0], new int[] {2, 1, 1, 2, 1, 1}, PadMode.REFLECT),
                () -> new Tensor[] {randn(124, 1, 2, 3, 4, 5)})
                .large(() -> new Tensor[] {randn(124, 2, 4, 20, 30, 40)}));
        c.add(OpCase.of("pad", "pad replicate 2-d", x -> Index.pad(x[0], new int[] {3, 1, 0, 2}, PadMode.REPLICATE),
                () -> new Tensor[] {randn(125, 2, 3, 4)}));
        c.add(OpCase.of("pad", "pad replicate 3-d", x -> Index.pad(x[0], new int[] {1, 2, 2, 1, 3, 1}, PadMode.REPLICATE),
                () -> new Tensor[] {randn(126, 1, 2, 3, 4, 2)})
                .large(() -> new Tensor[] {randn(126, 2, 4, 20, 30, 40)}));
    }

    private static void indexing(List<OpCase> c) {
        int[] repeated = {2, 0, 2, 2, 1};
        c.add(OpCase.of("index_select", "index_select dim 1 with repeated indices",
                x -> Index.indexSelect(x[0], 1, repeated), () -> new Tensor[] {randn(130, 3, 4, 2)})
                .large(() -> new Tensor[] {randn(130, 600, 4, 40)}));
        c.add(OpCase.of("index_select", "index_select dim -1 with a tensor index",
                x -> Index.indexSelect(x[0], -1, x[1]),
                () -> new Tensor[] {randn(131, 3, 5), Tensor.fromArray(new float[] {4, 4, 0, 3}, 4)})
                .large(() -> new Tensor[] {randn(131, 3000, 50), repeatedIndices(400, 50)})
                .options(GradCheck.Options.defaults().only(true, false)));
        c.add(OpCase.of("index_select", "index_select dim 0 of a strided view",
                x -> Index.indexSelect(x[0].transpose(0, 1), 0, new int[] {1, 1, 0}),
                () -> new Tensor[] {randn(132, 3, 2)}));
        int[] gatherShape = {2, 6, 3};
        int[] gatherIndex = {3, 0, 3, 1, 1, 2, 0, 0, 0, 3, 2, 1, 2, 2, 3, 1, 0, 1,
                             0, 1, 2, 3, 3, 3, 1, 0, 2, 2, 2, 0, 1, 3, 0, 0, 1, 1};
        c.add(OpCase.of("gather", "gather dim 1, index smaller in other dims, repeated indices",
                x -> Index.gather(x[0], 1, gatherIndex, gatherShape), () -> new Tensor[] {randn(133, 3, 4, 5)})
                .large(() -> new Tensor[] {randn(133, 20, 300, 50), randomIndices(134, 300, 20, 200, 45)}));
        c.add(OpCase.of("gather", "gather dim 0 with a tensor index",
                x -> Index.gather(x[0], 0, x[1]),
                () -> new Tensor[] {randn(135, 3, 4), Tensor.fromArray(new float[] {2, 0, 0, 1, 2, 2, 1, 0}, 2, 4)})
                .options(GradCheck.Options.defaults().only(true, false)));
        c.add(OpCase.of("gather", "gather dim -1 with a tensor index",
                x -> Index.gather(x[0], -1, x[1]),
                () -> new Tensor[] {randn(136, 2, 3, 4), randomIndices(137, 4, 2, 3, 7)})
                .large(() -> new Tensor[] {randn(136, 50, 60, 70), randomIndices(137, 70, 50, 60, 90)})
                .options(GradCheck.Options.defaults().only(true, false)));
    }

    /** {@code 0, 1, …, n-1, 0, 1, …} as a 1-d index tensor of length {@code count}. */
    private static Tensor repeatedIndices(int count, int n) {
        float[] v = new float[count];
        for (int i = 0; i < count; i++) v[i] = (i * 7) % n;
        return Tensor.fromArray(v, count);
    }

    /** Uniform integers in {@code [0, bound)} as a tensor of {@code shape}. */
    private static Tensor randomIndices(long seed, int bound, int... shape) {
        Rng rng = new Rng(seed);
        float[] v = new float[Shape.numel(shape)];
        for (int i = 0; i < v.length; i++) v[i] = rng.nextInt(bound);
        return Tensor.fromArray(v, shape);
    }

    private static void softmax(List<OpCase> c) {
        c.add(OpCase.of("softmax", "softmax along the last dim", x -> Norm.softmax(x[0], -1),
                () -> new Tensor[] {randn(140, 3, 5)}).large(() -> new Tensor[] {randn(140, 300, 301)}));
        c.add(OpCase.of("softmax", "softmax along a middle dim", x -> Norm.softmax(x[0], 1),
                () -> new Tensor[] {randn(141, 2, 4, 3)}).large(() -> new Tensor[] {randn(141, 20, 301, 30)}));
        c.add(OpCase.of("softmax", "softmax of values near 1000", x -> Norm.softmax(x[0].add(1000), 0),
                () -> new Tensor[] {randn(142, 4, 3)}).options(GradCheck.Options.defaults().withEps(0.05)));
        c.add(OpCase.of("log_softmax", "log_softmax along the last dim", x -> Norm.logSoftmax(x[0], -1),
                () -> new Tensor[] {randn(143, 3, 5)}).large(() -> new Tensor[] {randn(143, 300, 301)}));
        c.add(OpCase.of("log_softmax", "log_softmax along dim 0 of a strided view",
                x -> Norm.logSoftmax(x[0].transpose(1, 2), 0), () -> new Tensor[] {randn(144, 3, 2, 4)})
                .large(() -> new Tensor[] {randn(144, 301, 20, 30)}));
    }

    private static void normalisation(List<OpCase> c) {
        GradCheck.Options loose = GradCheck.Options.defaults().withTolerance(2e-3, 2e-2);
        c.add(OpCase.of("layer_norm", "layer_norm over 2 trailing dims with weight and bias",
                x -> Norm.layerNorm(x[0], x[1].shape(), x[1], x[2]),
                () -> new Tensor[] {randn(150, 3, 4, 5), randn(151, 4, 5), randn(152, 4, 5)})
                .large(() -> new Tensor[] {randn(150, 200, 7, 43), randn(151, 7, 43), randn(152, 7, 43)})
                .options(loose));
        c.add(OpCase.of("layer_norm", "layer_norm over the last dim without affine, eps 1e-3",
                x -> Norm.layerNorm(x[0], new int[] {x[0].size(-1)}, null, null, 1e-3), () -> new Tensor[] {randn(153, 2, 3, 7)})
                .large(() -> new Tensor[] {randn(153, 300, 301)}).options(loose));
        c.add(OpCase.of("layer_norm", "layer_norm with weight only",
                x -> Norm.layerNorm(x[0], x[1].shape(), x[1], null), () -> new Tensor[] {randn(154, 4, 5), randn(155, 5)})
                .options(loose));
        c.add(OpCase.of("group_norm", "group_norm 4-d, 1 group, weight and bias",
                x -> Norm.groupNorm(x[0], 1, x[1], x[2]),
                () -> new Tensor[] {randn(160, 2, 6, 3, 2), randn(161, 6), randn(162, 6)}).options(loose));
        c.add(OpCase.of("group_norm", "group_norm 4-d, 2 groups, weight and bias",
                x -> Norm.groupNorm(x[0], 2, x[1], x[2]),
                () -> new Tensor[] {randn(163, 2, 6, 3, 2), randn(164, 6), randn(165, 6)})
                .large(() -> new Tensor[] {randn(163, 8, 32, 17, 19), randn(164, 32), randn(165, 32)})
                .options(loose));
        c.add(OpCase.of("group_norm", "group_norm 4-d, C groups, no affine",
                x -> Norm.groupNorm(x[0], 6, null, null), () -> new Tensor[] {randn(166, 2, 6, 3, 2)}).options(loose));
        c.add(OpCase.of("group_norm", "group_norm 5-d, 2 groups, weight and bias",
                x -> Norm.groupNorm(x[0], 2, x[1], x[2]),
                () -> new Tensor[] {randn(167, 2, 4, 2, 3, 3), randn(168, 4), randn(169, 4)})
                .large(() -> new Tensor[] {randn(167, 3, 16, 8, 15, 17), randn(168, 16), randn(169, 16)})
                .options(loose));
        c.add(OpCase.of("group_norm", "group_norm 5-d, C groups, bias only",
                x -> Norm.groupNorm(x[0], 4, null, x[1]),
                () -> new Tensor[] {randn(170, 1, 4, 3, 2, 3), randn(171, 4)}).options(loose));
    }

    private static void dropout(List<OpCase> c) {
        c.add(OpCase.of("dropout", "dropout p 0.3 training", x -> Norm.dropout(x[0], 0.3, true, new Rng(180)),
                () -> new Tensor[] {randn(181, 4, 7)}).large(() -> new Tensor[] {randn(181, 300, 301)}));
        c.add(OpCase.of("dropout", "dropout p 1 gives zeros", x -> Norm.dropout(x[0], 1, true, new Rng(182)),
                () -> new Tensor[] {randn(183, 3, 4)}));
        c.add(OpCase.of("dropout", "dropout in evaluation is the identity",
                x -> Norm.dropout(x[0], 0.5, false, new Rng(184)), () -> new Tensor[] {randn(185, 3, 4)}));
    }
}
