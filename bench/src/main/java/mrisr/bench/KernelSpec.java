package mrisr.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import mrisr.engine.Attention;
import mrisr.engine.Conv;
import mrisr.engine.Fft;
import mrisr.engine.Grad;
import mrisr.engine.Ops;
import mrisr.engine.Resample;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.kernels.KernelInfo;

/**
 * One benchmarked operation at one shape (float32): what it computes, how much work it is, which
 * kernel path runs it, how to build its inputs and timed body, and the parameters the peer script
 * needs to time the same thing in PyTorch ({@link #peerCase()}, whose {@code kind} names the
 * script's builder).
 *
 * <p>Work conventions (also printed under the report): GEMM {@code 2mnk}; convolution
 * {@code 2·MACs} forward, ×3 for forward+backward (input and weight gradients); attention
 * {@code 4·B·H·L·S·d} forward, ×3.5 for forward+backward; FFT {@code 5·N·log₂N}; trilinear
 * upsampling in bytes moved (input read once, output written once); the SR training step
 * {@code 2·MACs·3} of its convolutions.
 */
sealed interface KernelSpec {

    /** Operation, e.g. {@code conv3d fwd+bwd}. */
    String op();

    /** Shapes in the report, e.g. {@code x[1,32,64^3] w[32,32,3^3] pad 1}. */
    String shape();

    /** Floating-point operations of one run by the suite's convention, or 0 when bytes are the measure. */
    double flops();

    /** Bytes moved by one run, for memory-bound ops; 0 otherwise. */
    default double bytes() {
        return 0;
    }

    /** The kernel path that runs this op, as {@link KernelInfo#path} reports it. */
    String kernel();

    /** Parameters for the peer script: {@code kind} plus the shape. */
    Map<String, Object> peerCase();

    /** Builds inputs from {@code rng} (outside the timing) and returns one timed run. */
    Supplier<?> prepare(Rng rng);

    /** {@code C = A·B}, square {@code n×n} matrices, through {@link Ops#matmul}. */
    record Sgemm(int n) implements KernelSpec {
        @Override
        public String op() {
            return "sgemm";
        }

        @Override
        public String shape() {
            return "[" + n + "," + n + "]@[" + n + "," + n + "]";
        }

        @Override
        public double flops() {
            return 2.0 * n * n * n;
        }

        @Override
        public String kernel() {
            return KernelInfo.path(KernelInfo.Family.GEMM);
        }

        @Override
        public Map<String, Object> peerCase() {
            return params("sgemm", "n", n);
        }

        @Override
        public Supplier<?> prepare(Rng rng) {
            Tensor a = Tensor.randn(rng, n, n), b = Tensor.randn(rng, n, n);
            return () -> {
                try (Grad g = Grad.off()) {
                    return Ops.matmul(a, b);
                }
            };
        }
    }

    /**
     * Convolution with a 3-wide kernel per axis, padding 1, stride 1, no bias, over {@code dims}
     * spatial axes of length {@code size}; forward only, or forward then backward for the input
     * and weight gradients with a fixed random output gradient.
     */
    record Convolution(int dims, int batch, int inChannels, int outChannels, int size, boolean backward)
            implements KernelSpec {
        @Override
        public String op() {
            return "conv" + dims + "d " + (backward ? "fwd+bwd" : "fwd");
        }

        @Override
        public String shape() {
            String sp = size + "^" + dims, k = "3^" + dims;
            return "x[" + batch + "," + inChannels + "," + sp + "] w[" + outChannels + "," + inChannels + "," + k + "] pad 1";
        }

        long macs() {
            long voxels = 1, taps = 1;
            for (int i = 0; i < dims; i++) {
                voxels *= size;
                taps *= 3;
            }
            return (long) batch * outChannels * voxels * inChannels * taps;
        }

        @Override
        public double flops() {
            return 2.0 * macs() * (backward ? 3 : 1);
        }

        @Override
        public String kernel() {
            return KernelInfo.path(KernelInfo.Family.CONVOLUTION);
        }

        @Override
        public Map<String, Object> peerCase() {
            return params("conv", "dims", dims, "batch", batch, "in_channels", inChannels, "out_channels", outChannels,
                    "size", size, "backward", backward);
        }

        @Override
        public Supplier<?> prepare(Rng rng) {
            int[] xs = new int[dims + 2], ws = new int[dims + 2], ys = new int[dims + 2];
            xs[0] = batch;
            xs[1] = inChannels;
            ws[0] = outChannels;
            ws[1] = inChannels;
            ys[0] = batch;
            ys[1] = outChannels;
            for (int i = 2; i < dims + 2; i++) {
                xs[i] = size;
                ws[i] = 3;
                ys[i] = size;
            }
            Tensor x = Tensor.randn(rng, xs), w;
            try (Grad g = Grad.off()) {
                w = Tensor.randn(rng, ws).mul(1.0 / Math.sqrt(inChannels * Math.pow(3, dims)));
            }
            if (!backward) return () -> {
                try (Grad g = Grad.off()) {
                    return convolve(x, w);
                }
            };
            Tensor gy = Tensor.randn(rng, ys);
            x.requiresGrad(true);
            w.requiresGrad(true);
            return () -> {
                x.zeroGrad();
                w.zeroGrad();
                convolve(x, w).backward(gy, false);
                return w.grad();
            };
        }

        private Tensor convolve(Tensor x, Tensor w) {
            return dims == 3 ? Conv.conv3d(x, w, null, 1, 1) : Conv.conv2d(x, w, null, 1, 1);
        }
    }

    /**
     * Scaled dot-product attention without mask, {@code q, k, v [batch, heads, length, headDim]}
     * (self-attention shapes, {@code S = L}); forward, or forward then backward for all three.
     */
    record ScaledDotProductAttention(int batch, int heads, int length, int headDim, boolean backward)
            implements KernelSpec {
        @Override
        public String op() {
            return "attention " + (backward ? "fwd+bwd" : "fwd");
        }

        @Override
        public String shape() {
            return "q,k,v[" + batch + "," + heads + "," + length + "," + headDim + "]";
        }

        @Override
        public double flops() {
            return 4.0 * batch * heads * (double) length * length * headDim * (backward ? 3.5 : 1);
        }

        @Override
        public String kernel() {
            return KernelInfo.path(KernelInfo.Family.ATTENTION);
        }

        @Override
        public Map<String, Object> peerCase() {
            return params("attention", "batch", batch, "heads", heads, "length", length, "head_dim", headDim,
                    "backward", backward);
        }

        @Override
        public Supplier<?> prepare(Rng rng) {
            Tensor q = Tensor.randn(rng, batch, heads, length, headDim), k = Tensor.randn(rng, batch, heads, length, headDim);
            Tensor v = Tensor.randn(rng, batch, heads, length, headDim);
            if (!backward) return () -> {
                try (Grad g = Grad.off()) {
                    return Attention.scaledDotProductAttention(q, k, v);
                }
            };
            Tensor gy = Tensor.randn(rng, batch, heads, length, headDim);
            for (Tensor t : new Tensor[] {q, k, v}) t.requiresGrad(true);
            return () -> {
                for (Tensor t : new Tensor[] {q, k, v}) t.zeroGrad();
                Attention.scaledDotProductAttention(q, k, v).backward(gy, false);
                return q.grad();
            };
        }
    }

    /** Trilinear ×2 upsampling of a {@code [1, 1, size³]} volume, {@code align_corners = false}. */
    record TrilinearUpsample(int size) implements KernelSpec {
        @Override
        public String op() {
            return "interpolate trilinear x2";
        }

        @Override
        public String shape() {
            return "[1,1," + size + "^3] -> " + 2 * size + "^3";
        }

        @Override
        public double flops() {
            return 0;
        }

        @Override
        public double bytes() {
            double in = (double) size * size * size;
            return 4.0 * (in + 8 * in);
        }

        @Override
        public String kernel() {
            return KernelInfo.path(KernelInfo.Family.INTERPOLATION);
        }

        @Override
        public Map<String, Object> peerCase() {
            return params("trilinear", "size", size);
        }

        @Override
        public Supplier<?> prepare(Rng rng) {
            Tensor x = Tensor.randn(rng, 1, 1, size, size, size);
            return () -> {
                try (Grad g = Grad.off()) {
                    return Resample.interpolate(x, new double[] {2}, Resample.Mode.LINEAR, false);
                }
            };
        }
    }

    /** Forward 3-D complex FFT of a {@code size³} complex64 volume (a float {@code [size³, 2]} tensor). */
    record Fft3d(int size) implements KernelSpec {
        @Override
        public String op() {
            return "fftn c64";
        }

        @Override
        public String shape() {
            return "[" + size + "^3] complex";
        }

        @Override
        public double flops() {
            double n = (double) size * size * size;
            return 5.0 * n * (Math.log(n) / Math.log(2));
        }

        @Override
        public String kernel() {
            return KernelInfo.path(KernelInfo.Family.FFT);
        }

        @Override
        public Map<String, Object> peerCase() {
            return params("fft3d", "size", size);
        }

        @Override
        public Supplier<?> prepare(Rng rng) {
            Tensor x = Tensor.randn(rng, size, size, size, 2);
            return () -> {
                try (Grad g = Grad.off()) {
                    return Fft.fftn(x, null, null);
                }
            };
        }
    }

    /** One SGD training step of {@link SrNet} on a {@code [1, 1, size³]} patch. */
    record SrNetTrainStep(int size, int channels, int blocks) implements KernelSpec {
        static final double LEARNING_RATE = 1e-3;

        @Override
        public String op() {
            return "srnet train step";
        }

        @Override
        public String shape() {
            return "x[1,1," + size + "^3] C=" + channels + " blocks=" + blocks;
        }

        @Override
        public double flops() {
            return 2.0 * SrNet.forwardMacs(size, channels, blocks) * 3;
        }

        @Override
        public String kernel() {
            return KernelInfo.path(KernelInfo.Family.CONVOLUTION);
        }

        @Override
        public Map<String, Object> peerCase() {
            return params("srnet", "size", size, "channels", channels, "blocks", blocks, "lr", LEARNING_RATE);
        }

        @Override
        public Supplier<?> prepare(Rng rng) {
            SrNet net = new SrNet(rng, channels, blocks);
            Tensor x = Tensor.randn(rng, 1, 1, size, size, size), target = Tensor.randn(rng, 1, 1, size, size, size);
            return () -> net.trainStep(x, target, LEARNING_RATE);
        }
    }

    private static Map<String, Object> params(String kind, Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return m;
    }
}
