package mrisr.engine;

import static mrisr.engine.TestTensors.randn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Gradient-check and determinism cases for the Fourier ops: every transform on 2-D odd/even and 3-D
 * shapes under all three norms, partial and reordered dimensions, size-1 dimensions, the padding and
 * trimming of {@code irfftn}'s output sizes, and the shifts on odd and even sizes.
 */
public final class FftOpCases implements OpCases {
    /** Complex (or real) signal shapes for the gradient checks: ≤ 120 values each. */
    private static final int[][] SHAPES = {{3, 4}, {5, 6}, {3, 4, 5}};

    @Override
    public List<OpCase> cases() {
        List<OpCase> cases = new ArrayList<>();
        long seed = 500;
        for (Fft.Norm norm : Fft.Norm.values()) {
            for (int[] s : SHAPES) {
                String tag = Arrays.toString(s) + " " + norm.name().toLowerCase(java.util.Locale.ROOT);
                int[] large = s.length == 2 ? new int[] {40, 48} : new int[] {12, 16, 21};
                long sd = seed++;
                cases.add(OpCase.of("fftn", "fftn " + tag, x -> Fft.fftn(x[0], null, norm),
                        () -> new Tensor[] {randn(sd, complex(s))})
                        .large(() -> new Tensor[] {randn(sd, complex(large))}));
                cases.add(OpCase.of("ifftn", "ifftn " + tag, x -> Fft.ifftn(x[0], null, norm),
                        () -> new Tensor[] {randn(sd + 100, complex(s))})
                        .large(() -> new Tensor[] {randn(sd + 100, complex(large))}));
                cases.add(OpCase.of("rfftn", "rfftn " + tag, x -> Fft.rfftn(x[0], null, norm),
                        () -> new Tensor[] {randn(sd + 200, s)})
                        .large(() -> new Tensor[] {randn(sd + 200, large)}));
                // m = n/2+1 input bins along the last dimension; odd n needs the explicit output sizes
                boolean odd = s[s.length - 1] % 2 == 1;
                cases.add(OpCase.of("irfftn", "irfftn to " + tag, x -> Fft.irfftn(x[0], null, outSizes(x[0], odd), norm),
                        () -> new Tensor[] {randn(sd + 300, complex(half(s)))})
                        .large(() -> new Tensor[] {randn(sd + 300, complex(half(large)))}));
            }
        }
        cases.addAll(List.of(
                OpCase.of("fftn", "fftn over dim -1 of [3,5]", x -> Fft.fftn(x[0], new int[] {-1}, Fft.Norm.ORTHO),
                        () -> new Tensor[] {randn(601, 3, 5, 2)})
                        .large(() -> new Tensor[] {randn(601, 50, 67, 2)}),
                OpCase.of("fftn", "fftn over dims 2,0 of [3,1,4] (size-1 dim kept)",
                        x -> Fft.fftn(x[0], new int[] {2, 0}, null), () -> new Tensor[] {randn(602, 3, 1, 4, 2)}),
                OpCase.of("fftn", "fftn with size-1 dims", x -> Fft.fftn(x[0], null, Fft.Norm.FORWARD),
                        () -> new Tensor[] {randn(603, 1, 7, 1, 2)}),
                OpCase.of("ifftn", "ifftn over dim 0 of [7,3]", x -> Fft.ifftn(x[0], new int[] {0}, null),
                        () -> new Tensor[] {randn(604, 7, 3, 2)}),
                OpCase.of("rfftn", "rfftn over dims 1,0 halves dim 0", x -> Fft.rfftn(x[0], new int[] {1, 0}, null),
                        () -> new Tensor[] {randn(605, 5, 4)})
                        .large(() -> new Tensor[] {randn(605, 63, 40)}),
                OpCase.of("rfftn", "rfftn over dim 1 of [3,7,2]", x -> Fft.rfftn(x[0], new int[] {1}, Fft.Norm.ORTHO),
                        () -> new Tensor[] {randn(606, 3, 7, 2)}),
                OpCase.of("rfftn", "rfftn length 1", x -> Fft.rfftn(x[0], new int[] {-1}, null),
                        () -> new Tensor[] {randn(607, 3, 1)}),
                OpCase.of("irfftn", "irfftn default even length", x -> Fft.irfftn(x[0], null, null, null),
                        () -> new Tensor[] {randn(608, 3, 4, 2)}),
                OpCase.of("irfftn", "irfftn over dims 1,0 restores dim 0", x -> Fft.irfftn(x[0], new int[] {1, 0},
                        new int[] {4, 5}, Fft.Norm.ORTHO), () -> new Tensor[] {randn(609, 3, 4, 2)}),
                OpCase.of("irfftn", "irfftn zero-padding sizes", x -> Fft.irfftn(x[0], null, new int[] {6, 7}, null),
                        () -> new Tensor[] {randn(610, 4, 3, 2)}),
                OpCase.of("irfftn", "irfftn trimming sizes", x -> Fft.irfftn(x[0], null, new int[] {3, 2}, null),
                        () -> new Tensor[] {randn(611, 4, 3, 2)}),
                OpCase.of("irfftn", "irfftn output length 1", x -> Fft.irfftn(x[0], new int[] {1}, new int[] {1}, null),
                        () -> new Tensor[] {randn(612, 3, 2, 2)}),
                OpCase.of("fftshift", "fftshift all dims of [3,4]", x -> Fft.fftshift(x[0]),
                        () -> new Tensor[] {randn(613, 3, 4)})
                        .large(() -> new Tensor[] {randn(613, 64, 600)}),
                OpCase.of("fftshift", "fftshift of complex [5,6] over 0,1", x -> Fft.fftshift(x[0], 0, 1),
                        () -> new Tensor[] {randn(614, 5, 6, 2)}),
                OpCase.of("fftshift", "fftshift dims 0,2 of [3,4,5]", x -> Fft.fftshift(x[0], 0, -1),
                        () -> new Tensor[] {randn(615, 3, 4, 5)}),
                OpCase.of("ifftshift", "ifftshift all dims of [3,4]", x -> Fft.ifftshift(x[0]),
                        () -> new Tensor[] {randn(616, 3, 4)})
                        .large(() -> new Tensor[] {randn(616, 64, 601)}),
                OpCase.of("ifftshift", "ifftshift of complex [5,6] over 0,1", x -> Fft.ifftshift(x[0], 0, 1),
                        () -> new Tensor[] {randn(617, 5, 6, 2)}),
                OpCase.of("ifftshift", "ifftshift dims 1,2 of [3,4,5]", x -> Fft.ifftshift(x[0], 1, 2),
                        () -> new Tensor[] {randn(618, 3, 4, 5)})));
        return cases;
    }

    /** {@code shape} with a trailing (re, im) pair. */
    private static int[] complex(int[] shape) {
        int[] c = Arrays.copyOf(shape, shape.length + 1);
        c[shape.length] = 2;
        return c;
    }

    /** Output sizes of irfftn for half spectrum {@code z}: its sizes, and {@code 2m−1} or {@code 2m−2} last. */
    private static int[] outSizes(Tensor z, boolean odd) {
        int[] n = Arrays.copyOf(z.shape(), z.dim() - 1);
        n[n.length - 1] = 2 * n[n.length - 1] - (odd ? 1 : 2);
        return n;
    }

    /** The half-spectrum shape of a real signal shape: {@code n/2 + 1} along the last dimension. */
    private static int[] half(int[] shape) {
        int[] h = shape.clone();
        h[h.length - 1] = h[h.length - 1] / 2 + 1;
        return h;
    }
}
