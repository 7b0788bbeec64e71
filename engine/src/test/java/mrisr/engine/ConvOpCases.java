package mrisr.engine;

import static mrisr.engine.TestTensors.distinct;
import static mrisr.engine.TestTensors.randn;

import java.util.List;

/**
 * Gradient-check and determinism cases for convolution and pooling: each variant (stride, padding,
 * dilation, groups, bias, output padding, ceil mode, count_include_pad) in 2-D and 3-D, with small
 * inputs for the gradient check and larger ones that split into several chunks.
 */
public final class ConvOpCases implements OpCases {
    private static final int[] ONE2 = {1, 1}, ONE3 = {1, 1, 1};

    @Override
    public List<OpCase> cases() {
        return List.of(
                // convolution
                OpCase.of("conv2d", "conv2d padding 1 with bias",
                        t -> Conv.conv2d(t[0], t[1], t[2], 1, 1),
                        () -> new Tensor[] {randn(101, 2, 3, 5, 4), randn(102, 4, 3, 3, 3), randn(103, 4)})
                        .large(() -> new Tensor[] {randn(101, 2, 8, 37, 41), randn(102, 8, 8, 3, 3), randn(103, 8)}),
                OpCase.of("conv2d", "conv2d stride 2 dilation 2 groups 2 padding [1,2]",
                        t -> Conv.conv2d(t[0], t[1], null, new int[] {2, 2}, new int[] {1, 2}, new int[] {2, 2}, 2),
                        () -> new Tensor[] {randn(104, 1, 4, 7, 6), randn(105, 4, 2, 2, 3)})
                        .large(() -> new Tensor[] {randn(104, 2, 4, 45, 39), randn(105, 6, 2, 3, 3)}),
                OpCase.of("conv3d", "conv3d stride [2,1,1] padding [1,0,1] with bias",
                        t -> Conv.conv3d(t[0], t[1], t[2], new int[] {2, 1, 1}, new int[] {1, 0, 1}, ONE3, 1),
                        () -> new Tensor[] {randn(106, 1, 2, 5, 4, 3), randn(107, 3, 2, 3, 2, 3), randn(108, 3)})
                        .large(() -> new Tensor[] {randn(106, 2, 4, 13, 12, 11), randn(107, 5, 4, 3, 2, 3),
                                randn(108, 5)}),
                OpCase.of("conv3d", "conv3d groups 2 dilation 2 padding 1",
                        t -> Conv.conv3d(t[0], t[1], null, 1, 1, 2, 2),
                        () -> new Tensor[] {randn(109, 1, 2, 5, 5, 4), randn(110, 2, 1, 2, 2, 2)})
                        .large(() -> new Tensor[] {randn(109, 1, 4, 12, 11, 13), randn(110, 6, 2, 3, 3, 3)}),
                // transposed convolution
                OpCase.of("conv_transpose2d", "conv_transpose2d stride 2 padding 1 output padding 1 with bias",
                        t -> Conv.convTranspose2d(t[0], t[1], t[2], 2, 1, 1),
                        () -> new Tensor[] {randn(111, 2, 3, 3, 4), randn(112, 3, 2, 3, 3), randn(113, 2)})
                        .large(() -> new Tensor[] {randn(111, 2, 6, 17, 19), randn(112, 6, 4, 3, 3), randn(113, 4)}),
                OpCase.of("conv_transpose2d", "conv_transpose2d groups 2 dilation 2",
                        t -> Conv.convTranspose2d(t[0], t[1], null, ONE2, new int[] {1, 0}, new int[] {1, 0}, 2,
                                new int[] {2, 2}),
                        () -> new Tensor[] {randn(114, 1, 4, 3, 3), randn(115, 4, 1, 2, 3)})
                        .large(() -> new Tensor[] {randn(114, 2, 4, 21, 23), randn(115, 4, 3, 3, 3)}),
                OpCase.of("conv_transpose3d", "conv_transpose3d stride [2,1,2] output padding [1,0,0] with bias",
                        t -> Conv.convTranspose3d(t[0], t[1], t[2], new int[] {2, 1, 2}, new int[] {0, 1, 1},
                                new int[] {1, 0, 0}, 1, ONE3),
                        () -> new Tensor[] {randn(116, 1, 2, 3, 2, 3), randn(117, 2, 3, 2, 3, 2), randn(118, 3)})
                        .large(() -> new Tensor[] {randn(116, 2, 4, 7, 6, 7), randn(117, 4, 3, 2, 3, 2),
                                randn(118, 3)}),
                OpCase.of("conv_transpose3d", "conv_transpose3d groups 2 dilation 2",
                        t -> Conv.convTranspose3d(t[0], t[1], null, 1, 1, 0, 2, 2),
                        () -> new Tensor[] {randn(119, 1, 2, 2, 3, 3), randn(120, 2, 2, 2, 2, 2)})
                        .large(() -> new Tensor[] {randn(119, 2, 4, 8, 9, 7), randn(120, 4, 2, 3, 3, 3)}),
                // average pooling
                OpCase.of("avg_pool2d", "avg_pool2d kernel 3 stride 2 padding 1",
                        t -> Pool.avgPool2d(t[0], 3, 2, 1),
                        () -> new Tensor[] {randn(121, 2, 3, 7, 6)})
                        .large(() -> new Tensor[] {randn(121, 2, 8, 67, 71)}),
                OpCase.of("avg_pool2d", "avg_pool2d ceil mode without padding in the count",
                        t -> Pool.avgPool2d(t[0], new int[] {3, 2}, new int[] {2, 2}, new int[] {1, 0}, true, false),
                        () -> new Tensor[] {randn(122, 1, 2, 8, 7)})
                        .large(() -> new Tensor[] {randn(122, 2, 4, 64, 67)}),
                OpCase.of("avg_pool3d", "avg_pool3d kernel 2 ceil mode",
                        t -> Pool.avgPool3d(t[0], new int[] {2, 2, 2}, new int[] {2, 2, 2}, new int[] {0, 0, 0}, true,
                                true),
                        () -> new Tensor[] {randn(123, 1, 2, 5, 4, 5)})
                        .large(() -> new Tensor[] {randn(123, 2, 3, 31, 30, 29)}),
                OpCase.of("avg_pool3d", "avg_pool3d kernel 3 stride [1,2,2] padding 1 without padding in the count",
                        t -> Pool.avgPool3d(t[0], new int[] {3, 3, 3}, new int[] {1, 2, 2}, new int[] {1, 1, 1}, false,
                                false),
                        () -> new Tensor[] {randn(124, 1, 1, 4, 5, 6)})
                        .large(() -> new Tensor[] {randn(124, 1, 3, 23, 25, 27)}),
                // max pooling: distinct values keep every window's maximum apart from the others by ≥ 0.1
                OpCase.of("max_pool2d", "max_pool2d kernel 3 stride 2 padding 1",
                        t -> Pool.maxPool2d(t[0], 3, 2, 1, 1),
                        () -> new Tensor[] {distinct(125, 2, 3, 7, 6)})
                        .large(() -> new Tensor[] {distinct(125, 2, 8, 61, 67)}),
                OpCase.of("max_pool2d", "max_pool2d dilation 2 ceil mode",
                        t -> Pool.maxPool2d(t[0], new int[] {2, 3}, new int[] {2, 1}, new int[] {1, 1},
                                new int[] {2, 2}, true),
                        () -> new Tensor[] {distinct(126, 1, 2, 8, 7)})
                        .large(() -> new Tensor[] {distinct(126, 2, 4, 57, 63)}),
                OpCase.of("max_pool3d", "max_pool3d kernel 2",
                        t -> Pool.maxPool3d(t[0], 2),
                        () -> new Tensor[] {distinct(127, 1, 2, 4, 6, 5)})
                        .large(() -> new Tensor[] {distinct(127, 2, 3, 30, 32, 31)}),
                OpCase.of("max_pool3d", "max_pool3d kernel 3 stride 2 padding 1 dilation [1,2,1]",
                        t -> Pool.maxPool3d(t[0], new int[] {3, 3, 3}, new int[] {2, 2, 2}, new int[] {1, 1, 1},
                                new int[] {1, 2, 1}, false),
                        () -> new Tensor[] {distinct(128, 1, 1, 5, 7, 6)})
                        .large(() -> new Tensor[] {distinct(128, 2, 2, 25, 27, 26)}));
    }
}
