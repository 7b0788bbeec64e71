package mrisr.sr.methods.deq;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import mrisr.engine.Conv;
import mrisr.engine.Index;
import mrisr.engine.Rng;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.nn.Conv3d;
import mrisr.nn.ConvNd;
import mrisr.nn.Cost;
import mrisr.nn.Module;
import mrisr.nn.StateDictException;
import mrisr.nn.io.SafeTensors;

/**
 * The learned prior {@code R_θ} of the DEQ method: a small 3-D residual CNN
 * <pre>
 *   R_θ(u) = u + W₂ ∗ relu(W₁ ∗ u + b₁) + b₂
 * </pre>
 * on {@code [N, 1, D, H, W]} volumes, with {@code W₁ : [C, 1, 3, 3, 3]}, {@code W₂ : [1, C, 3, 3, 3]},
 * stride 1 and replicate padding (so a constant volume is a fixed point of every smoothing
 * filter, including at the borders). Parameters are named {@code conv1.weight}, {@code conv1.bias},
 * {@code conv2.weight}, {@code conv2.bias}, as in the PyTorch module
 * {@code u + conv2(relu(conv1(u)))} with {@code padding_mode='replicate'}.
 *
 * <p><b>The fixed smoothing prior</b> ({@link #smoothing}), the default when no trained model is
 * given: with {@code C = 2}, {@code W₁ = [h, −h]}, {@code W₂ = [−α δ, +α δ]} and zero biases, the
 * identity {@code relu(t) − relu(−t) = t} makes the network exactly linear,
 * <pre>
 *   R(u) = u − α·(h ∗ u),   h = (1/|S|) Σ_{a ∈ S} (δ − G_a),   G_a = [1, 2, 1]/4 along axis a,
 * </pre>
 * where {@code S} is the set of super-resolved axes (factor &gt; 1). {@code h} is a scaled second
 * difference along those axes only: {@code R} damps the frequencies the low-resolution data cannot
 * see (its frequency response {@code 1 − α(1 − cos²(ω/2))} lies in {@code [1 − α, 1]}, equal to 1
 * only for constants along those axes) and leaves the well-sampled in-plane axes alone. Because
 * {@code ‖R‖ ≤ 1} and {@code R} is strictly contractive on everything the forward model cannot see,
 * the DEQ map built on it has a unique fixed point (see {@link DeqMethod}).
 *
 * <p><b>The trainable initialisation</b> ({@link #trainable}) is the same smoothing prior in
 * channels 0 and 1 plus {@code C − 2} more channels whose first-layer weights are drawn small
 * (PyTorch's default initialisation scaled by 0.1) and whose second-layer weights are zero: the
 * network starts as the smoothing prior, yet every weight receives a gradient from the first step.
 *
 * <pre>{@code
 * DeqPrior r = DeqPrior.smoothing(new double[] {1, 1, 4}, 0.5);   // damp along k only
 * Tensor out = r.forward(volume.reshape(1, 1, nx, ny, nz));
 * r.save(Path.of("deq.safetensors"));
 * DeqPrior same = DeqPrior.load(Path.of("deq.safetensors"));
 * }</pre>
 */
public final class DeqPrior extends Module {
    /** The most hidden channels a model file may declare. */
    public static final int MAX_HIDDEN = 1024;
    /** The {@code method} metadata entry written by {@link #save} and checked by {@link #load}. */
    public static final String METHOD = "deq";

    private static final int[] REPLICATE_PAD = {1, 1, 1, 1, 1, 1};
    private final Conv3d conv1, conv2;
    /** The metadata of the file this prior was read from; empty for a new one. */
    private Map<String, String> fileMetadata = Map.of();

    /**
     * A prior with {@code hidden} channels and PyTorch's default (random) initialisation, drawn from
     * {@code rng}; not contractive in general: use {@link #smoothing} or {@link #trainable} to start.
     *
     * @param hidden channels of the hidden layer, 1 to {@value #MAX_HIDDEN}
     */
    public DeqPrior(int hidden, Rng rng) {
        if (hidden < 1 || hidden > MAX_HIDDEN) {
            throw new IllegalArgumentException("deq prior: hidden channels = " + hidden + ", must be in 1.." + MAX_HIDDEN);
        }
        int[] k = {3, 3, 3}, one = {1, 1, 1};
        conv1 = registerModule("conv1", new Conv3d(1, hidden, k, one, one, one, 1, true, ConvNd.PaddingMode.REPLICATE, rng));
        conv2 = registerModule("conv2", new Conv3d(hidden, 1, k, one, one, one, 1, true, ConvNd.PaddingMode.REPLICATE, rng));
    }

    /**
     * The fixed smoothing prior {@code R(u) = u − α h ∗ u} (see the class comment), with 2 hidden channels.
     *
     * @param factors  super-resolution factor per axis; axes with a factor &gt; 1 are smoothed
     * @param strength {@code α ∈ [0, 1]}; 0 gives the identity
     */
    public static DeqPrior smoothing(double[] factors, double strength) {
        DeqPrior p = new DeqPrior(2, new Rng(0));
        p.setSmoothing(factors, strength, 2);
        return p;
    }

    /**
     * The smoothing prior in channels 0 and 1 plus {@code hidden − 2} channels ready to be trained
     * (small random first layer, zero second layer); outputs equal {@link #smoothing}'s until trained.
     *
     * @param hidden ≥ 2
     */
    public static DeqPrior trainable(int hidden, double[] factors, double strength, Rng rng) {
        if (hidden < 2) throw new IllegalArgumentException("deq prior: a trainable prior needs >= 2 hidden channels, got " + hidden);
        DeqPrior p = new DeqPrior(hidden, rng);
        float[] w1 = p.conv1.weight().data().toArray();
        for (int i = 0; i < w1.length; i++) w1[i] *= 0.1f;
        p.conv1.weight().copyFrom(Tensor.fromArray(w1, p.conv1.weight().shape()));
        p.conv1.bias().copyFrom(Tensor.zeros(hidden));
        p.setSmoothing(factors, strength, 2);
        return p;
    }

    /** Writes the smoothing weights into channels {@code 0, 1}; clears the second layer of every other channel. */
    private void setSmoothing(double[] factors, double strength, int channels) {
        if (factors == null || factors.length != 3) {
            throw new IllegalArgumentException("deq prior: need 3 factors, got " + Arrays.toString(factors));
        }
        if (!(strength >= 0 && strength <= 1)) {
            throw new IllegalArgumentException("deq prior: smoothing strength = " + strength + ", must be in [0, 1]");
        }
        int hidden = hidden();
        float[] h = secondDifference(factors);
        float[] w1 = conv1.weight().data().toArray();
        float[] b1 = conv1.bias().data().toArray();
        for (int c = 0; c < channels; c++) {
            float sign = c == 0 ? 1 : -1;
            for (int t = 0; t < 27; t++) w1[c * 27 + t] = sign * h[t];
            b1[c] = 0;
        }
        float[] w2 = new float[hidden * 27];
        w2[13] = (float) -strength; // centre tap (1,1,1) of channel 0
        w2[27 + 13] = (float) strength;
        conv1.weight().copyFrom(Tensor.fromArray(w1, conv1.weight().shape()));
        conv1.bias().copyFrom(Tensor.fromArray(b1, hidden));
        conv2.weight().copyFrom(Tensor.fromArray(w2, conv2.weight().shape()));
        conv2.bias().copyFrom(Tensor.zeros(1));
    }

    /** {@code h = (1/|S|) Σ_{a∈S} (δ − [1,2,1]/4 along a)} as a 3×3×3 kernel (zero when S is empty). */
    static float[] secondDifference(double[] factors) {
        int axes = 0;
        for (double f : factors) if (f > 1) axes++;
        float[] h = new float[27];
        if (axes == 0) return h;
        int[] stride = {9, 3, 1};
        for (int a = 0; a < 3; a++) {
            if (!(factors[a] > 1)) continue;
            h[13] += (float) (0.5 / axes);
            h[13 - stride[a]] += (float) (-0.25 / axes);
            h[13 + stride[a]] += (float) (-0.25 / axes);
        }
        return h;
    }

    /**
     * Reads a prior saved by {@link #save} (or by PyTorch as a safetensors state dict with the
     * parameter names above); the hidden width comes from {@code conv1.weight}.
     *
     * @throws DeqModelException naming the file when it cannot be read, is not a DEQ prior, or its
     *     tensors have other names or shapes
     */
    public static DeqPrior load(Path file) {
        SafeTensors.Contents contents;
        try {
            contents = SafeTensors.read(file);
        } catch (IOException e) {
            throw new DeqModelException("--model " + file + ": " + (e instanceof NoSuchFileException ? "no such file" : e.getMessage()), e);
        }
        String method = contents.metadata().get("method");
        if (method != null && !method.equals(METHOD)) {
            throw new DeqModelException("--model " + file + ": a model for method '" + method + "', expected '" + METHOD + "'");
        }
        Tensor w1 = contents.tensors().get("conv1.weight");
        if (w1 == null) {
            throw new DeqModelException("--model " + file + ": no tensor 'conv1.weight' (expected conv1.weight, conv1.bias, "
                    + "conv2.weight, conv2.bias); found " + contents.tensors().keySet());
        }
        int[] s = w1.shape();
        if (s.length != 5 || s[1] != 1 || s[2] != 3 || s[3] != 3 || s[4] != 3 || s[0] < 1 || s[0] > MAX_HIDDEN) {
            throw new DeqModelException("--model " + file + ": conv1.weight has shape " + Shape.format(s)
                    + ", expected [C,1,3,3,3] with 1 <= C <= " + MAX_HIDDEN);
        }
        DeqPrior p = new DeqPrior(s[0], new Rng(0));
        try {
            p.loadStateDict(contents.tensors(), true);
        } catch (StateDictException e) {
            throw new DeqModelException("--model " + file + ": " + e.getMessage(), e);
        }
        p.fileMetadata = Map.copyOf(contents.metadata());
        return p;
    }

    /**
     * The metadata of the file {@link #load} read (the training settings {@code mrisr train} records,
     * such as the acquisition), or an empty map for a prior that was not loaded.
     */
    public Map<String, String> fileMetadata() {
        return fileMetadata;
    }

    /**
     * Saves the parameters as float32 safetensors with metadata {@code method = deq} and the hidden width.
     *
     * @throws IOException when the file cannot be written
     */
    public void save(Path file) throws IOException {
        save(file, Map.of());
    }

    /**
     * Saves the parameters as {@link #save(Path)} does, with {@code notes} (e.g. the training settings
     * of {@code mrisr train --method deq}) added to the metadata.
     *
     * @param notes extra string pairs (not modified); must not redefine {@code method} or {@code hidden}
     * @throws IOException when the file cannot be written
     */
    public void save(Path file, Map<String, String> notes) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("method", METHOD);
        meta.put("hidden", Integer.toString(hidden()));
        for (var e : notes.entrySet()) {
            if (meta.containsKey(e.getKey())) throw new IllegalArgumentException("deq prior: note '" + e.getKey() + "' would overwrite " + e.getKey());
            meta.put(e.getKey(), e.getValue());
        }
        SafeTensors.save(file, this, meta);
    }

    /** Channels of the hidden layer. */
    public int hidden() {
        return conv1.outChannels();
    }

    /**
     * The parameter tensors {@code {W₁, b₁, W₂, b₂}} themselves (leaves requiring a gradient), in the
     * order {@link #apply(Tensor, Tensor[])} takes them.
     */
    public Tensor[] weights() {
        return new Tensor[] {conv1.weight().data(), conv1.bias().data(), conv2.weight().data(), conv2.bias().data()};
    }

    /** {@code R_θ(x)} for {@code x : [N, 1, D, H, W]} (not modified). */
    @Override
    public Tensor forward(Tensor x) {
        return apply(x, weights());
    }

    /**
     * {@code R(u) = u + W₂ ∗ relu(W₁ ∗ u + b₁) + b₂} with explicit weights, so a caller (the DEQ layer)
     * can substitute stand-ins for the parameters.
     *
     * @param u       {@code [N, 1, D, H, W]} (not modified)
     * @param weights {@code {W₁ [C,1,3,3,3], b₁ [C], W₂ [1,C,3,3,3], b₂ [1]}} (not modified)
     */
    public static Tensor apply(Tensor u, Tensor[] weights) {
        if (u.dim() != 5 || u.size(1) != 1) {
            throw new ShapeException("deq prior", "input " + Shape.format(u.shape()) + " must be [N, 1, D, H, W]");
        }
        Tensor hidden = Conv.conv3d(Index.pad(u, REPLICATE_PAD, Index.PadMode.REPLICATE), weights[0], weights[1], 1, 0).relu();
        Tensor residual = Conv.conv3d(Index.pad(hidden, REPLICATE_PAD, Index.PadMode.REPLICATE), weights[2], weights[3], 1, 0);
        return u.add(residual);
    }

    @Override
    public Cost cost(int... inputShape) {
        Cost c = conv1.cost(inputShape);
        return c.then(conv2.cost(c.outputShape()));
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "DeqPrior(hidden=%d)", hidden());
    }
}
