package mrisr.sr.methods.pnp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import mrisr.engine.Grad;
import mrisr.engine.Memory;
import mrisr.engine.Shape;
import mrisr.engine.ShapeException;
import mrisr.engine.Tensor;
import mrisr.engine.cpu.CpuBackend;
import mrisr.nn.Module;
import mrisr.sr.nets.DnCnn;

/**
 * A trained network as a plug-and-play denoiser: {@code D_σ(v) = net([v, σ·𝟙])}.
 *
 * <p>The network takes {@code [1, 2, nx, ny, nz]} (channel 0 the noisy volume, channel 1 a constant
 * map of σ, in the same intensity units) and returns {@code [1, 1, nx, ny, nz]}, as {@link DnCnn}
 * does. Inference runs without autograd, in eval mode, over slabs of {@value #DEFAULT_SLAB_PLANES}
 * planes along {@code i} extended by a halo of {@code halo} planes on each side and cropped back, so
 * memory stays bounded for whole brains. With the halo at least the network's receptive radius
 * (one voxel per 3×3×3 layer) the slabs give the same voxels as one pass over the whole volume.
 *
 * <pre>{@code
 * LearnedDenoiser d = LearnedDenoiser.load(Path.of("dncnn.safetensors"));   // a DnCnn file
 * Tensor clean = d.denoise(noisy, 0.03);
 * LearnedDenoiser custom = new LearnedDenoiser(myNet, 12);                    // any [1,2,…] → [1,1,…] module
 * }</pre>
 */
public final class LearnedDenoiser implements Denoiser {
    /** Output planes per slab along {@code i}. */
    public static final int DEFAULT_SLAB_PLANES = 16;

    private final Module net;
    private final int halo, slabPlanes;
    private final String label;
    private final String origin; // where the weights came from (a file name), or null

    /**
     * @param net  maps {@code [1, 2, a, ny, nz]} to {@code [1, 1, a, ny, nz]} for any {@code a ≥ 1};
     *             switched to eval mode, its weights are not modified
     * @param halo planes added on each side of a slab (≥ 0): the network's receptive radius
     */
    public LearnedDenoiser(Module net, int halo) {
        this(net, halo, DEFAULT_SLAB_PLANES, net.getClass().getSimpleName(), null);
    }

    /** A {@link DnCnn} with its receptive radius as the halo. */
    public LearnedDenoiser(DnCnn net) {
        this(net, net.receptiveRadius(), DEFAULT_SLAB_PLANES, "DnCNN " + net.depth() + "x" + net.width(), null);
    }

    private LearnedDenoiser(Module net, int halo, int slabPlanes, String label, String origin) {
        if (net == null) throw new IllegalArgumentException("learned denoiser: no network");
        this.net = net;
        this.halo = Checks.atLeast("learned denoiser", "halo", halo, 0);
        this.slabPlanes = Checks.atLeast("learned denoiser", "slab planes", slabPlanes, 1);
        this.label = label;
        this.origin = origin;
        net.eval();
    }

    /**
     * The {@link DnCnn} stored in {@code file} (a safetensors file written by {@link DnCnn#save} or
     * {@code mrisr train --method dncnn}).
     *
     * @throws DenoiserException naming the file when it is missing, unreadable or not a DnCNN
     */
    public static LearnedDenoiser load(Path file) {
        if (!Files.isRegularFile(file)) throw new DenoiserException("denoiser model " + file + ": no such file");
        try {
            return new LearnedDenoiser(DnCnn.load(file)).withOrigin(String.valueOf(file.getFileName()));
        } catch (IOException e) {
            throw new DenoiserException("denoiser model " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new DenoiserException("denoiser model " + file + ": not a 3-D DnCNN (" + e.getMessage() + ")", e);
        }
    }

    /** This denoiser with slabs of {@code planes} output planes (≥ 1). */
    public LearnedDenoiser withSlabPlanes(int planes) {
        return new LearnedDenoiser(net, halo, planes, label, origin);
    }

    /** This denoiser described as coming from {@code where} (e.g. {@code "bundled dncnn.safetensors"}). */
    LearnedDenoiser withOrigin(String where) {
        return new LearnedDenoiser(net, halo, slabPlanes, label, where);
    }

    /** Where the weights came from: the file name for {@link #load}, else null. */
    public String origin() {
        return origin;
    }

    /** The wrapped network. */
    public Module network() {
        return net;
    }

    @Override
    public String describe() {
        return "learned denoiser (" + (origin == null ? "" : origin + ", ") + label + ", slabs of " + slabPlanes + " planes + " + halo
                + " halo)";
    }

    @Override
    public Tensor denoise(Tensor volume, double sigma) {
        int[] shape = Checks.volume("learned denoiser", volume);
        Checks.sigma("learned denoiser", sigma);
        int nx = shape[0], plane = Math.multiplyExact(shape[1], shape[2]);
        float[] v = volume.toArray();
        float[] out = new float[v.length];
        float s = (float) sigma;
        for (int i0 = 0; i0 < nx; i0 += slabPlanes) {
            int i1 = Math.min(nx, i0 + slabPlanes);
            int lo = Math.max(0, i0 - halo), hi = Math.min(nx, i1 + halo), planes = hi - lo;
            int count = Math.multiplyExact(planes, plane);
            int[] inShape = {1, 2, planes, shape[1], shape[2]};
            Memory.check(2L * count, "learned denoiser input " + Shape.format(inShape));
            float[] in = new float[2 * count];
            System.arraycopy(v, lo * plane, in, 0, count);
            Arrays.fill(in, count, 2 * count, s);
            Tensor y;
            try (var _ = Grad.off()) {
                y = net.forward(CpuBackend.wrap(in, inShape));
            }
            int[] expected = {1, 1, planes, shape[1], shape[2]};
            if (!Arrays.equals(y.shape(), expected)) {
                throw new ShapeException("learned denoiser", "the network returned " + Shape.format(y.shape())
                        + " for input " + Shape.format(inShape) + ", expected " + Shape.format(expected));
            }
            float[] ys = CpuBackend.denseData(y);
            System.arraycopy(ys, (i0 - lo) * plane, out, i0 * plane, (i1 - i0) * plane);
        }
        return CpuBackend.wrap(out, shape);
    }
}
