package mrisr.engine;

import static mrisr.engine.TestTensors.randn;

import java.util.ArrayList;
import java.util.List;
import mrisr.engine.Resample.Mode;

/**
 * Gradient-check and determinism cases for the resampling and attention ops: interpolate in every
 * mode with and without align_corners, by size and by scale factor, 1-D to 3-D; pixel shuffle and
 * unshuffle in 2-D and 3-D; scaled dot-product attention with and without masks.
 */
public final class ResampleOpCases implements OpCases {
    private static final GradCheck.Options MASK_NOT_DIFFERENTIABLE =
            GradCheck.Options.defaults().only(true, true, true, false);

    @Override
    public List<OpCase> cases() {
        List<OpCase> cases = new ArrayList<>();
        interpolateCases(cases);
        pixelShuffleCases(cases);
        attentionCases(cases);
        return cases;
    }

    private static OpCase interpolate(String label, int[] size, Mode mode, boolean alignCorners, int[] small,
            int[] large) {
        return OpCase.of("interpolate", "interpolate " + label,
                x -> Resample.interpolate(x[0], size, mode, alignCorners), () -> new Tensor[] {randn(100, small)})
                .large(() -> new Tensor[] {randn(101, large)});
    }

    private static OpCase interpolateByScale(String label, double[] scale, Mode mode, boolean alignCorners,
            int[] small, int[] large) {
        return OpCase.of("interpolate", "interpolate " + label,
                x -> Resample.interpolate(x[0], scale, mode, alignCorners), () -> new Tensor[] {randn(102, small)})
                .large(() -> new Tensor[] {randn(103, large)});
    }

    /**
     * Large inputs have many planes: a case with a given output size does its work per plane, and
     * the determinism check needs several chunks in both the forward and the adjoint kernel.
     */
    private static void interpolateCases(List<OpCase> cases) {
        cases.add(interpolate("nearest 1d upsample 5 -> 8", new int[] {8}, Mode.NEAREST, false,
                new int[] {2, 1, 5}, new int[] {16, 1024, 5}));
        cases.add(interpolate("nearest 2d upsample [3,4] -> [5,7]", new int[] {5, 7}, Mode.NEAREST, false,
                new int[] {1, 2, 3, 4}, new int[] {4, 512, 3, 4}));
        cases.add(interpolateByScale("nearest 2d scale factor 0.6 (downsample)", new double[] {0.6}, Mode.NEAREST,
                false, new int[] {1, 1, 5, 7}, new int[] {4, 8, 100, 100}));
        cases.add(interpolate("nearest 3d [3,4,3] -> [4,5,2]", new int[] {4, 5, 2}, Mode.NEAREST, false,
                new int[] {1, 1, 3, 4, 3}, new int[] {4, 1024, 3, 4, 3}));
        cases.add(interpolate("linear 1d align_corners=true 5 -> 9", new int[] {9}, Mode.LINEAR, true,
                new int[] {2, 1, 5}, new int[] {8, 1024, 5}));
        cases.add(interpolate("bilinear align_corners=false [3,4] -> [5,7]", new int[] {5, 7}, Mode.LINEAR, false,
                new int[] {1, 2, 3, 4}, new int[] {4, 256, 3, 4}));
        cases.add(interpolate("bilinear align_corners=true downsample [7,6] -> [4,3]", new int[] {4, 3}, Mode.LINEAR,
                true, new int[] {1, 1, 7, 6}, new int[] {4, 512, 7, 6}));
        cases.add(interpolateByScale("bilinear scale factor 1.5 align_corners=false", new double[] {1.5},
                Mode.LINEAR, false, new int[] {1, 1, 4, 5}, new int[] {2, 4, 64, 64}));
        cases.add(OpCase.of("interpolate", "interpolate bilinear of a transposed view",
                x -> Resample.interpolate(x[0].transpose(2, 3), new int[] {6, 4}, Mode.LINEAR, false),
                () -> new Tensor[] {randn(104, 1, 2, 3, 5)}).large(() -> new Tensor[] {randn(105, 4, 512, 20, 15)}));
        cases.add(interpolate("trilinear align_corners=false [3,4,3] -> [4,5,5]", new int[] {4, 5, 5}, Mode.LINEAR,
                false, new int[] {1, 1, 3, 4, 3}, new int[] {4, 64, 3, 4, 3}));
        cases.add(interpolate("trilinear align_corners=true [2,3,3] -> [3,4,5]", new int[] {3, 4, 5}, Mode.LINEAR,
                true, new int[] {1, 2, 2, 3, 3}, new int[] {4, 64, 2, 3, 3}));
        cases.add(interpolate("bicubic align_corners=false [4,5] -> [7,8]", new int[] {7, 8}, Mode.CUBIC, false,
                new int[] {1, 1, 4, 5}, new int[] {4, 32, 4, 5}));
        cases.add(interpolate("bicubic align_corners=true [3,4] -> [5,6]", new int[] {5, 6}, Mode.CUBIC, true,
                new int[] {1, 2, 3, 4}, new int[] {4, 64, 3, 4}));
        cases.add(interpolateByScale("bicubic scale factor 0.7 (downsample)", new double[] {0.7, 0.7}, Mode.CUBIC,
                false, new int[] {1, 1, 7, 9}, new int[] {4, 4, 33, 31}));
        cases.add(interpolate("tricubic align_corners=false [3,3,4] -> [4,5,5]", new int[] {4, 5, 5}, Mode.CUBIC,
                false, new int[] {1, 1, 3, 3, 4}, new int[] {2, 16, 3, 3, 4}));
        cases.add(interpolate("tricubic align_corners=true [3,4,3] -> [2,5,4]", new int[] {2, 5, 4}, Mode.CUBIC, true,
                new int[] {1, 1, 3, 4, 3}, new int[] {2, 32, 3, 4, 3}));
    }

    private static void pixelShuffleCases(List<OpCase> cases) {
        cases.add(OpCase.of("pixel_shuffle", "pixel_shuffle 2d r=2", x -> Resample.pixelShuffle2d(x[0], 2),
                () -> new Tensor[] {randn(110, 2, 8, 2, 3)}).large(() -> new Tensor[] {randn(111, 2, 16, 64, 64)}));
        cases.add(OpCase.of("pixel_shuffle", "pixel_shuffle 2d r=3 with two leading dims",
                x -> Resample.pixelShuffle2d(x[0], 3), () -> new Tensor[] {randn(112, 2, 1, 9, 2, 3)}));
        cases.add(OpCase.of("pixel_shuffle", "pixel_shuffle 3d r=2", x -> Resample.pixelShuffle3d(x[0], 2),
                () -> new Tensor[] {randn(113, 1, 16, 2, 2, 3)}).large(() -> new Tensor[] {randn(114, 2, 16, 16, 16, 16)}));
        cases.add(OpCase.of("pixel_shuffle", "pixel_shuffle 3d r=3", x -> Resample.pixelShuffle3d(x[0], 3),
                () -> new Tensor[] {randn(115, 1, 27, 1, 2, 2)}));
        cases.add(OpCase.of("pixel_unshuffle", "pixel_unshuffle 2d r=2", x -> Resample.pixelUnshuffle2d(x[0], 2),
                () -> new Tensor[] {randn(116, 2, 2, 4, 6)}).large(() -> new Tensor[] {randn(117, 2, 4, 128, 128)}));
        cases.add(OpCase.of("pixel_unshuffle", "pixel_unshuffle 3d r=2", x -> Resample.pixelUnshuffle3d(x[0], 2),
                () -> new Tensor[] {randn(118, 1, 2, 4, 4, 2)}).large(() -> new Tensor[] {randn(119, 2, 2, 32, 32, 32)}));
    }

    private static void attentionCases(List<OpCase> cases) {
        String op = "scaled_dot_product_attention";
        cases.add(OpCase.of(op, "attention 3-d, no mask, default scale",
                x -> Attention.scaledDotProductAttention(x[0], x[1], x[2]),
                () -> new Tensor[] {randn(120, 2, 3, 4), randn(121, 2, 5, 4), randn(122, 2, 5, 3)})
                .large(() -> new Tensor[] {randn(120, 6, 40, 16), randn(121, 6, 50, 16), randn(122, 6, 50, 8)}));
        cases.add(OpCase.of(op, "attention 4-d heads, additive [L,S] mask, scale 0.7",
                x -> Attention.scaledDotProductAttention(x[0], x[1], x[2], x[3], 0.7),
                () -> new Tensor[] {randn(123, 1, 2, 3, 4), randn(124, 1, 2, 4, 4), randn(125, 1, 2, 4, 2),
                        randn(126, 3, 4)})
                .large(() -> new Tensor[] {randn(123, 2, 3, 40, 16), randn(124, 2, 3, 50, 16), randn(125, 2, 3, 50, 8),
                        randn(126, 40, 50)})
                .options(MASK_NOT_DIFFERENTIABLE));
        cases.add(OpCase.of(op, "attention, -inf mask broadcast over heads with a fully masked row",
                x -> Attention.scaledDotProductAttention(x[0], x[1], x[2], x[3], Double.NaN),
                () -> new Tensor[] {randn(127, 2, 2, 3, 3), randn(128, 2, 2, 4, 3), randn(129, 2, 2, 4, 2),
                        causalWithEmptyRow(2, 3, 4)})
                .large(() -> new Tensor[] {randn(127, 2, 3, 40, 16), randn(128, 2, 3, 50, 16),
                        randn(129, 2, 3, 50, 8), causalWithEmptyRow(2, 40, 50)})
                .options(MASK_NOT_DIFFERENTIABLE));
        cases.add(OpCase.of(op, "attention, boolean 0/1 mask, L=1",
                x -> Attention.scaledDotProductAttentionWithBooleanMask(x[0], x[1], x[2], x[3], 0.5),
                () -> new Tensor[] {randn(130, 3, 1, 4), randn(131, 3, 5, 4), randn(132, 3, 5, 3),
                        Tensor.fromArray(new float[] {1, 0, 1, 1, 0}, 5)})
                .options(MASK_NOT_DIFFERENTIABLE));
    }

    /**
     * An additive {@code [batch, 1, l, s]} mask: causal (key j visible to query i when j ≤ i), with the
     * first query row of batch entry 0 fully masked.
     */
    static Tensor causalWithEmptyRow(int batch, int l, int s) {
        float[] m = new float[batch * l * s];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < l; i++) {
                for (int j = 0; j < s; j++) {
                    boolean masked = j > i || (b == 0 && i == 0);
                    m[(b * l + i) * s + j] = masked ? Float.NEGATIVE_INFINITY : 0f;
                }
            }
        }
        return Tensor.fromArray(m, batch, 1, l, s);
    }
}
