package mrisr.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A 3-D convolution stack with group norm, GELU, a 3-D pixel shuffle and a strided transposed
 * convolution against PyTorch 1.13 ({@code make_parity_fixtures.py}, network {@code upsampler3d},
 * whose pixel shuffle is written with {@code view/permute}): outputs within 1e-4 and gradients of
 * the input and every parameter within 1e-3, relative.
 */
class UpsamplerParityTest {
    /** The Java twin of the script's Upsampler3d; registration names are PyTorch's attribute names. */
    static final class Upsampler3d extends Module {
        final Conv3d head, expand;
        final GroupNorm norm;
        final GELU act;
        final PixelShuffle3d shuffle;
        final ConvTranspose3d up;

        Upsampler3d(Rng rng) {
            head = registerModule("head", new Conv3d(1, 8, 3, 1, 1, rng));
            norm = registerModule("norm", new GroupNorm(4, 8));
            act = registerModule("act", new GELU());
            expand = registerModule("expand", new Conv3d(8, 16, 3, 1, 1, rng));
            shuffle = registerModule("shuffle", new PixelShuffle3d(2));
            up = registerModule("up", new ConvTranspose3d(2, 2, 3, 2, 1, 1, rng));
        }

        @Override
        public Tensor forward(Tensor x) {
            return up.forward(shuffle.forward(expand.forward(act.forward(norm.forward(head.forward(x))))));
        }
    }

    @Test
    void matchesPyTorch() throws IOException {
        Upsampler3d net = new Upsampler3d(new Rng(0));
        ParityFixture.load(net, "upsampler3d");
        Map<String, Tensor> io = ParityFixture.read("upsampler3d_io");
        Tensor out = io.get("a.output");
        assertThat(out.shape()).containsExactly(2, 2, 8, 12, 12);
        ParityFixture.checkCase("upsampler3d", net, io, "a", new String[] {"input"}, xs -> net.forward(xs[0]));
    }
}
