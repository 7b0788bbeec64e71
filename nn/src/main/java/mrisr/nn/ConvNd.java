package mrisr.nn;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import mrisr.engine.Conv;
import mrisr.engine.Index;
import mrisr.engine.Rng;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;

/**
 * What the convolution layers share ({@link Conv2d}, {@link Conv3d}, {@link ConvTranspose2d},
 * {@link ConvTranspose3d}): hyper-parameters, the {@code weight} and optional {@code bias} parameters,
 * PyTorch's default initialisation and the cost model. The math and defaults are those of
 * {@link Conv}.
 *
 * <p>Weight shapes: {@code [C_out, C_in/groups, k…]} for a convolution, {@code [C_in, C_out/groups, k…]}
 * for a transposed one (PyTorch's layouts, so state dicts line up). Default initialisation:
 * Kaiming-uniform with {@code a = √5} on the weight, then bias {@code U(−1/√fanIn, 1/√fanIn)} with
 * PyTorch's {@code fanIn = weight.size(1)·Πk}. Convolutions may pad by reflection or replication
 * ({@link PaddingMode}) instead of zeros; transposed ones pad with zeros only, as in PyTorch.
 */
public abstract class ConvNd extends Module {
    /** How a (non-transposed) convolution pads its input: PyTorch's {@code padding_mode} without circular. */
    public enum PaddingMode {
        /** Zeros (PyTorch's default). */
        ZEROS,
        /** Mirror without repeating the edge ({@code 'reflect'}); padding must be smaller than the input. */
        REFLECT,
        /** Repeat the edge value ({@code 'replicate'}). */
        REPLICATE
    }

    private final int rank;
    private final boolean transposed;
    private final int inChannels, outChannels, groups;
    private final int[] kernel, stride, padding, dilation, outputPadding;
    private final PaddingMode paddingMode;
    private final Parameter weight, bias;

    ConvNd(int rank, boolean transposed, int inChannels, int outChannels, int[] kernel, int[] stride, int[] padding,
            int[] dilation, int[] outputPadding, int groups, boolean bias, PaddingMode paddingMode, Rng rng) {
        String name = getClass().getSimpleName();
        this.paddingMode = Objects.requireNonNull(paddingMode, "paddingMode");
        if (transposed && paddingMode != PaddingMode.ZEROS) {
            throw new IllegalArgumentException(name + ": only zero padding is supported, got " + paddingMode);
        }
        this.rank = rank;
        this.transposed = transposed;
        this.kernel = axes(name, "kernel size", kernel, rank, 1);
        this.stride = axes(name, "stride", stride, rank, 1);
        this.padding = axes(name, "padding", padding, rank, 0);
        this.dilation = axes(name, "dilation", dilation, rank, 1);
        this.outputPadding = axes(name, "output padding", outputPadding, rank, 0);
        if (inChannels < 1 || outChannels < 1) {
            throw new IllegalArgumentException(name + ": channels must be >= 1, got in=" + inChannels + " out=" + outChannels);
        }
        if (groups < 1 || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException(name + ": groups " + groups + " must be >= 1 and divide in=" + inChannels
                    + " and out=" + outChannels);
        }
        for (int a = 0; a < rank; a++) {
            if (this.outputPadding[a] >= Math.max(this.stride[a], this.dilation[a])) {
                throw new IllegalArgumentException(name + ": output padding " + Shape.format(this.outputPadding)
                        + " must be smaller than the stride " + Shape.format(this.stride) + " or the dilation "
                        + Shape.format(this.dilation));
            }
        }
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.groups = groups;
        int[] w = new int[rank + 2];
        w[0] = transposed ? inChannels : outChannels;
        w[1] = transposed ? outChannels / groups : inChannels / groups;
        System.arraycopy(this.kernel, 0, w, 2, rank);
        this.weight = registerParameter("weight", Tensor.zeros(w));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(outChannels)) : null;
        resetParameters(rng);
    }

    static int[] same(int rank, int v) {
        int[] a = new int[rank];
        Arrays.fill(a, v);
        return a;
    }

    private static int[] axes(String layer, String what, int[] values, int rank, int min) {
        if (values.length != rank) {
            throw new IllegalArgumentException(layer + ": " + what + " needs " + rank + " values, got " + Arrays.toString(values));
        }
        for (int v : values) {
            if (v < min) throw new IllegalArgumentException(layer + ": " + what + " " + Arrays.toString(values) + " must be >= " + min);
        }
        return values.clone();
    }

    /** Re-draws weight and bias with PyTorch's default initialisation (weight first). */
    public void resetParameters(Rng rng) {
        Init.kaimingUniform(weight, rng, Math.sqrt(5), Init.FanMode.FAN_IN, "leaky_relu");
        if (bias != null) {
            long fanIn = Init.fanIn(weight.shape());
            double bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
            Init.uniform(bias, rng, -bound, bound);
        }
    }

    public Parameter weight() {
        return weight;
    }

    /** The bias, or null when the layer has none. */
    public Parameter bias() {
        return bias;
    }

    public int inChannels() {
        return inChannels;
    }

    public int outChannels() {
        return outChannels;
    }

    public int groups() {
        return groups;
    }

    public int[] kernelSize() {
        return kernel.clone();
    }

    public int[] stride() {
        return stride.clone();
    }

    public int[] padding() {
        return padding.clone();
    }

    public int[] dilation() {
        return dilation.clone();
    }

    public PaddingMode paddingMode() {
        return paddingMode;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor w = weight.data(), b = bias == null ? null : bias.data();
        int[] convPadding = padding;
        if (paddingMode != PaddingMode.ZEROS) {
            // F.pad takes (before, after) pairs from the last axis backwards
            int[] pad = new int[2 * rank];
            for (int a = 0; a < rank; a++) pad[2 * (rank - 1 - a)] = pad[2 * (rank - 1 - a) + 1] = padding[a];
            x = Index.pad(x, pad, paddingMode == PaddingMode.REFLECT ? Index.PadMode.REFLECT : Index.PadMode.REPLICATE);
            convPadding = new int[rank];
        }
        if (transposed) {
            return rank == 2
                    ? Conv.convTranspose2d(x, w, b, stride, padding, outputPadding, groups, dilation)
                    : Conv.convTranspose3d(x, w, b, stride, padding, outputPadding, groups, dilation);
        }
        return rank == 2
                ? Conv.conv2d(x, w, b, stride, convPadding, dilation, groups)
                : Conv.conv3d(x, w, b, stride, convPadding, dilation, groups);
    }

    @Override
    public Cost cost(int... in) {
        String name = getClass().getSimpleName();
        if (in.length != rank + 2 || in[1] != inChannels) {
            throw new ShapeException(name, "input " + Shape.format(in) + " must be " + (rank + 2) + "-d with "
                    + inChannels + " channels");
        }
        int[] out = new int[rank + 2];
        out[0] = in[0];
        out[1] = outChannels;
        long kernelVolume = 1;
        for (int a = 0; a < rank; a++) {
            long size = transposed
                    ? Conv.transposedOutputSize(in[a + 2], kernel[a], stride[a], padding[a], outputPadding[a], dilation[a])
                    : Conv.outputSize(in[a + 2], kernel[a], stride[a], padding[a], dilation[a]);
            if (size < 1 || size > Integer.MAX_VALUE) {
                throw new ShapeException(name, "input " + Shape.format(in) + " gives output size " + size + " on spatial axis " + a);
            }
            out[a + 2] = (int) size;
            kernelVolume *= kernel[a];
        }
        // a convolution does one MAC per output voxel and weight tap; a transposed one per input voxel and tap
        long voxels = Shape.numelLong(transposed ? in : out) / (transposed ? inChannels : outChannels);
        long perVoxel = transposed ? (long) inChannels * (outChannels / groups) : (long) outChannels * (inChannels / groups);
        return new Cost(out, Math.multiplyExact(Math.multiplyExact(voxels, perVoxel), kernelVolume));
    }

    @Override
    protected String extraRepr() {
        StringBuilder b = new StringBuilder().append(inChannels).append(", ").append(outChannels)
                .append(", kernel_size=").append(Shape.format(kernel)).append(", stride=").append(Shape.format(stride));
        if (Arrays.stream(padding).anyMatch(p -> p != 0)) b.append(", padding=").append(Shape.format(padding));
        if (Arrays.stream(dilation).anyMatch(d -> d != 1)) b.append(", dilation=").append(Shape.format(dilation));
        if (Arrays.stream(outputPadding).anyMatch(p -> p != 0)) b.append(", output_padding=").append(Shape.format(outputPadding));
        if (groups != 1) b.append(", groups=").append(groups);
        if (paddingMode != PaddingMode.ZEROS) b.append(", padding_mode=").append(paddingMode.name().toLowerCase(Locale.ROOT));
        if (bias == null) b.append(", bias=false");
        return b.toString();
    }
}
