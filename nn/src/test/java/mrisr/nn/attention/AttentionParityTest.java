package mrisr.nn.attention;

import java.io.IOException;
import java.util.Map;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.Module;
import mrisr.nn.ParityFixture;
import mrisr.nn.Sequential;
import org.junit.jupiter.api.Test;

/**
 * The attention blocks against PyTorch 1.13 reference implementations ({@code make_parity_fixtures.py}:
 * RCAN's CALayer, CBAM, timm's Attention, Swin's shifted-window blocks in 2-D with and without
 * padding, Video Swin's 3-D block, a pre-norm cross-attention block), loaded from PyTorch state
 * dicts by name: outputs within 1e-4 and gradients of the inputs and every parameter within 1e-3,
 * relative.
 */
class AttentionParityTest {
    /** The script's Gates: RCAN channel attention, then CBAM, then self-attention over the positions. */
    static final class Gates extends Module {
        final ChannelAttention ca;
        final Cbam cbam;
        final MultiHeadSelfAttention msa;

        Gates(Rng rng) {
            ca = registerModule("ca", new ChannelAttention(2, 8, 4, rng));
            cbam = registerModule("cbam", new Cbam(2, 8, 2, 3, rng));
            msa = registerModule("msa", new MultiHeadSelfAttention(8, 2, rng));
        }

        @Override
        public Tensor forward(Tensor x) {
            Tensor y = cbam.forward(ca.forward(x));
            return Tokens.toMap(msa.forward(Tokens.fromMap(y)), Tokens.spatialOf(y));
        }
    }

    @Test
    void channelSpatialAndSelfAttentionMatchPyTorch() throws IOException {
        Gates net = new Gates(new Rng(0));
        ParityFixture.load(net, "gates");
        ParityFixture.checkCase("gates", net, ParityFixture.read("gates_io"), "a", new String[] {"input"},
                xs -> net.forward(xs[0]));
    }

    @Test
    void swin2dStageWithShiftedWindowsMatchesPyTorch() throws IOException {
        Rng rng = new Rng(0);
        Sequential stage = new Sequential(
                new SwinTransformerBlock(8, 2, new int[] {4, 4}, new int[] {0, 0}, 2.0, true, rng),
                new SwinTransformerBlock(8, 2, new int[] {4, 4}, new int[] {2, 2}, 2.0, true, rng));
        ParityFixture.load(stage, "swin2d");
        Map<String, Tensor> io = ParityFixture.read("swin2d_io");
        // a: 8×8, two windows per axis; b: 6×7, padded to 8×8
        ParityFixture.checkCase("swin2d 8x8", stage, io, "a", new String[] {"input"}, xs -> stage.forward(xs[0]));
        ParityFixture.checkCase("swin2d 6x7", stage, io, "b", new String[] {"input"}, xs -> stage.forward(xs[0]));
    }

    @Test
    void swin3dBlockWithNonCubicShiftedWindowsMatchesVideoSwin() throws IOException {
        SwinTransformerBlock block = new SwinTransformerBlock(8, 2, new int[] {2, 3, 4}, new int[] {1, 1, 2}, 2.0, true,
                new Rng(0));
        ParityFixture.load(block, "swin3d");
        Map<String, Tensor> io = ParityFixture.read("swin3d_io");
        ParityFixture.checkCase("swin3d 4x6x8", block, io, "a", new String[] {"input"}, xs -> block.forward(xs[0]));
        ParityFixture.checkCase("swin3d 3x5x7", block, io, "b", new String[] {"input"}, xs -> block.forward(xs[0]));
    }

    @Test
    void crossAttentionBlockMatchesPyTorch() throws IOException {
        CrossAttentionBlock block = new CrossAttentionBlock(8, 6, 2, 2.0, new Rng(0));
        ParityFixture.load(block, "cross");
        ParityFixture.checkCase("cross", block, ParityFixture.read("cross_io"), "a", new String[] {"input", "context"},
                xs -> block.forward(xs[0], xs[1]));
    }
}
