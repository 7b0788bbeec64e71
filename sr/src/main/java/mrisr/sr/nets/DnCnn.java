package mrisr.sr.nets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mrisr.engine.Rng;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.nn.Conv3d;
import mrisr.nn.Cost;
import mrisr.nn.Module;
import mrisr.nn.ReLU;
import mrisr.nn.Sequential;
import mrisr.nn.StateDictException;
import mrisr.nn.io.SafeTensors;

/**
 * A 3-D DnCNN denoiser (Zhang et al. 2017) with the noise level as an input channel (as FFDNet and
 * DPIR's denoisers take it), for the plug-and-play methods ({@code mrisr.sr.methods.pnp.LearnedDenoiser}).
 *
 * <pre>
 *   input  [N, 2, D, H, W] = (noisy volume v, noise map σ)      output [N, 1, D, H, W]
 *   D(v, σ) = v − body(v, σ)                                    (residual learning: body predicts the noise)
 *   body = conv(2→c) ReLU, (depth − 2) × [conv(c→c) ReLU], conv(c→1)     all 3×3×3, zero padding 1, with bias
 * </pre>
 *
 * <p>The paper's network has 17 layers of 64 channels and batch normalisation in the middle
 * layers; the default here is smaller ({@value #DEFAULT_DEPTH} layers × {@value #DEFAULT_WIDTH}
 * channels) because 3-D convolutions on a CPU are costly — plug-and-play runs the denoiser on the
 * whole volume at every iteration, and one call on a 181×217×181 volume took 10.0 s with 6 × 16
 * against 16.7 s with 5 × 24 and 23.6 s with 6 × 24 (two cores shared with other jobs, load about 5)
 * — and has no batch normalisation (as DRUNet,
 * Zhang et al. 2021), so training with small batches of 3-D patches is stable and inference needs no
 * running statistics. The receptive field is {@code (2·depth + 1)³} voxels ({@link #receptiveRadius()}
 * voxels to each side). Intensities are expected normalised to about {@code [0, 1]}, with σ in the
 * same units.
 *
 * <p>State-dict keys (PyTorch's for {@code nn.Sequential} named {@code body}):
 * {@code body.0.weight [c, 2, 3, 3, 3]}, {@code body.0.bias}, {@code body.2.weight}, …,
 * {@code body.(2·depth − 2).weight [1, c, 3, 3, 3]}. {@link #save} writes them as safetensors with
 * metadata {@code architecture = dncnn3d}, {@code depth}, {@code width}; {@link #load} rebuilds the
 * network from the tensor shapes alone, so a file written by PyTorch with the same layout loads too.
 *
 * <pre>{@code
 * DnCnn net = new DnCnn(6, 16, new Rng(1));               // train it with mrisr train --method dncnn
 * net.save(Path.of("dncnn.safetensors"), Map.of("sigma_max", "0.1"));
 * DnCnn back = DnCnn.load(Path.of("dncnn.safetensors"));
 * }</pre>
 */
public final class DnCnn extends Module {
    /** Default number of convolution layers. */
    public static final int DEFAULT_DEPTH = 6;
    /** Default number of feature channels. */
    public static final int DEFAULT_WIDTH = 16;
    /** The architecture name written to and checked in a model file's metadata. */
    public static final String ARCHITECTURE = "dncnn3d";
    /** Input channels: the volume and the noise-level map. */
    public static final int INPUT_CHANNELS = 2;

    private final int depth, width;
    private final Sequential body;

    /**
     * A network with PyTorch's default initialisation drawn from {@code rng}.
     *
     * @param depth number of convolution layers (≥ 2)
     * @param width feature channels of the hidden layers (≥ 1)
     * @param rng   draws the initial weights
     */
    public DnCnn(int depth, int width, Rng rng) {
        if (depth < 2) throw new IllegalArgumentException("DnCNN: depth is " + depth + ", must be >= 2");
        if (width < 1) throw new IllegalArgumentException("DnCNN: width is " + width + ", must be >= 1");
        this.depth = depth;
        this.width = width;
        List<Module> layers = new ArrayList<>();
        for (int l = 0; l < depth; l++) {
            int in = l == 0 ? INPUT_CHANNELS : width, out = l == depth - 1 ? 1 : width;
            layers.add(new Conv3d(in, out, 3, 1, 1, rng));
            if (l < depth - 1) layers.add(new ReLU());
        }
        body = registerModule("body", new Sequential(layers));
    }

    /** The default network: {@value #DEFAULT_DEPTH} layers × {@value #DEFAULT_WIDTH} channels. */
    public static DnCnn small(Rng rng) {
        return new DnCnn(DEFAULT_DEPTH, DEFAULT_WIDTH, rng);
    }

    /** Number of convolution layers. */
    public int depth() {
        return depth;
    }

    /** Feature channels of the hidden layers. */
    public int width() {
        return width;
    }

    /** Voxels each output voxel sees to each side: one per 3×3×3 layer. */
    public int receptiveRadius() {
        return depth;
    }

    /**
     * {@code v − body(v, σ)}.
     *
     * @param x {@code [N, 2, D, H, W]}: channel 0 the noisy volume, channel 1 the noise level (not modified)
     * @return {@code [N, 1, D, H, W]}
     */
    @Override
    public Tensor forward(Tensor x) {
        checkInput(x.shape());
        return x.narrow(1, 0, 1).sub(body.forward(x));
    }

    @Override
    public Cost cost(int... inputShape) {
        checkInput(inputShape);
        return body.cost(inputShape);
    }

    private static void checkInput(int[] s) {
        if (s.length != 5 || s[1] != INPUT_CHANNELS) {
            throw new ShapeException("DnCNN", "input " + Shape.format(s) + " must be [N, 2, D, H, W] (volume, noise level)");
        }
    }

    /**
     * Writes the weights as float32 safetensors, with {@code architecture}, {@code depth} and
     * {@code width} added to {@code metadata} (atomically: a failed write leaves no file).
     *
     * @param metadata extra string pairs, e.g. the training noise range (not modified)
     */
    public void save(Path file, Map<String, String> metadata) throws IOException {
        Map<String, String> all = new LinkedHashMap<>(metadata);
        all.put("architecture", ARCHITECTURE);
        all.put("depth", Integer.toString(depth));
        all.put("width", Integer.toString(width));
        SafeTensors.save(file, this, all);
    }

    /**
     * Reads a network saved by {@link #save} (or by PyTorch with the same keys): depth and width come
     * from the tensor shapes.
     *
     * @throws IOException              when the file cannot be read or is not valid safetensors
     * @throws IllegalArgumentException when the tensors do not form a DnCNN (the message says which)
     */
    public static DnCnn load(Path file) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(file);
        String arch = c.metadata().get("architecture");
        if (arch != null && !arch.equals(ARCHITECTURE)) {
            throw new IllegalArgumentException("metadata says architecture '" + arch + "', expected '" + ARCHITECTURE + "'");
        }
        return fromStateDict(c.tensors());
    }

    /**
     * A network holding the weights of {@code state} (keys as described on the class).
     *
     * @param state tensors by name (not modified; copied into the network)
     * @throws IllegalArgumentException when the tensors do not form a DnCNN
     */
    public static DnCnn fromStateDict(Map<String, Tensor> state) {
        Tensor first = state.get("body.0.weight");
        if (first == null) throw new IllegalArgumentException("no tensor 'body.0.weight': not a DnCNN state dict");
        int[] s0 = first.shape();
        if (s0.length != 5 || s0[1] != INPUT_CHANNELS || s0[2] != 3 || s0[3] != 3 || s0[4] != 3) {
            throw new IllegalArgumentException("'body.0.weight' has shape " + Shape.format(s0) + ", expected [width, 2, 3, 3, 3]");
        }
        int depth = 0;
        while (state.containsKey("body." + (2 * depth) + ".weight")) depth++;
        if (depth < 2) throw new IllegalArgumentException("found " + depth + " convolution layer(s), a DnCNN has at least 2");
        DnCnn net = new DnCnn(depth, s0[0], new Rng(0));
        try {
            net.loadStateDict(state, true);
        } catch (StateDictException e) {
            throw new IllegalArgumentException("tensors do not match a DnCNN of depth " + depth + " and width " + s0[0]
                    + ": " + e.getMessage().replace('\n', ' ').replace('\t', ' '), e);
        }
        return net;
    }

    @Override
    protected String extraRepr() {
        return "depth=" + depth + ", width=" + width;
    }
}
