package mrisr.sr.nets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import mrisr.engine.DType;
import mrisr.engine.Memory;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.Module;
import mrisr.nn.StateDictException;
import mrisr.nn.io.SafeTensors;
import mrisr.sr.data.IntensityScale;
import mrisr.sr.data.TrainingDegradation;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.baseline.Interpolation;
import mrisr.sr.physics.SliceProfile;
import mrisr.sr.volume.Volume;

/**
 * A trained super-resolution network with everything needed to use it: its {@link Architecture},
 * the {@link TrainingDegradation} it learned to invert, and the weights. Stored as one safetensors
 * file whose {@code __metadata__} holds {@value #FORMAT_KEY} = {@value #FORMAT}, the architecture
 * ({@code method}, {@code upsampling}, {@code factor}, {@code features}, {@code blocks},
 * {@code residual_scale}), the degradation ({@code profile}, {@code noise}, {@code rician}), the
 * intensity normalisation ({@code normalisation} = {@value IntensityScale#NAME}) and free-form
 * training notes (steps, seed, data, validation PSNR).
 *
 * <p>Inference ({@link #superResolve}): with {@code s} the input's intensity scale
 * ({@link IntensityScale}) and {@code U} the cubic B-spline interpolation by the requested factors,
 * <pre>
 *   x̂ = s · ( U(y/s) + R_θ(U(y/s)) )        pre-upsampling
 *   x̂ = s · ( U(y/s) + R_θ(y/s) )           sub-pixel
 * </pre>
 * with {@code R_θ} run by {@link SlidingWindow}, so volumes of any size fit in memory.
 *
 * <pre>{@code
 * SrModel m = SrModel.load(Path.of("edsr3d.safetensors"));
 * Volume sr = m.superResolve(lr, SrContext.of(2, 2, 2), 48, m.defaultOverlap());   // 48³ input-voxel tiles
 * }</pre>
 */
public final class SrModel {
    /** Metadata key that marks an mrisr network model and its format version. */
    public static final String FORMAT_KEY = "mrisr.model";
    /** The format version written and read. */
    public static final String FORMAT = "1";

    private final Architecture architecture;
    private final TrainingDegradation degradation;
    private final Module network;
    private final Map<String, String> notes;

    /**
     * @param architecture what the network is
     * @param degradation  what it was (or is being) trained for; its factors must be the architecture's
     * @param network      a module built by {@code architecture} (shared, not copied)
     * @param notes        extra metadata, e.g. training provenance (copied)
     */
    public SrModel(Architecture architecture, TrainingDegradation degradation, Module network, Map<String, String> notes) {
        if (!Arrays.equals(architecture.factors(), degradation.factors())) {
            throw new ModelException("architecture factors " + Architecture.format(architecture.factors())
                    + " differ from the degradation's " + Architecture.format(degradation.factors()));
        }
        this.architecture = architecture;
        this.degradation = degradation;
        this.network = network;
        this.notes = new LinkedHashMap<>(notes);
    }

    /** A new, freshly initialised model. */
    public static SrModel create(Architecture architecture, TrainingDegradation degradation, Rng rng) {
        return new SrModel(architecture, degradation, architecture.build(rng), Map.of());
    }

    public Architecture architecture() {
        return architecture;
    }

    public TrainingDegradation degradation() {
        return degradation;
    }

    /** The network {@code R_θ} (shared: training updates it in place). */
    public Module network() {
        return network;
    }

    /** The training notes (unmodifiable). */
    public Map<String, String> notes() {
        return Collections.unmodifiableMap(notes);
    }

    /** A copy with {@code extra} notes added (the network is shared). */
    public SrModel withNotes(Map<String, String> extra) {
        Map<String, String> n = new LinkedHashMap<>(notes);
        n.putAll(extra);
        return new SrModel(architecture, degradation, network, n);
    }

    /** The overlap that makes sliding-window inference exact: {@code 2·halo} input voxels. */
    public int defaultOverlap() {
        return 2 * architecture.halo();
    }

    /** Everything that goes into the file's {@code __metadata__}. */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(FORMAT_KEY, FORMAT);
        m.putAll(architecture.metadata());
        m.putAll(degradation.metadata());
        m.put("normalisation", IntensityScale.NAME);
        for (var e : notes.entrySet()) m.putIfAbsent(e.getKey(), e.getValue());
        return m;
    }

    /** Writes the model atomically (temporary file, fsync, rename). */
    public void save(Path file) throws IOException {
        SafeTensors.write(file, network.stateDict(), metadata(), DType.FLOAT32);
    }

    /**
     * Reads a model file.
     *
     * @throws ModelException when the file is missing, not safetensors, not an mrisr network model, or
     *     its weights do not fit the architecture its metadata describes
     */
    public static SrModel load(Path file) {
        if (!Files.isRegularFile(file)) throw new ModelException("--model: no such file: " + file);
        SafeTensors.Contents c;
        try {
            c = SafeTensors.read(file);
        } catch (IOException e) {
            throw new ModelException("--model " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> meta = c.metadata();
        String source = "--model " + file;
        String format = meta.get(FORMAT_KEY);
        if (format == null) throw new ModelException(source + ": not an mrisr network model (no '" + FORMAT_KEY + "' metadata)");
        if (!format.equals(FORMAT)) throw new ModelException(source + ": model format " + format + ", this build reads " + FORMAT);
        String norm = meta.get("normalisation");
        if (!IntensityScale.NAME.equals(norm)) {
            throw new ModelException(source + ": normalisation '" + norm + "', this build knows " + IntensityScale.NAME);
        }
        Architecture arch = Architecture.fromMetadata(meta, source);
        TrainingDegradation deg;
        try {
            deg = new TrainingDegradation(arch.factors(), SliceProfile.Kind.parse(Architecture.required(meta, "profile", source)),
                    Double.parseDouble(Architecture.required(meta, "noise", source)),
                    Boolean.parseBoolean(Architecture.required(meta, "rician", source)));
        } catch (NumberFormatException | mrisr.sr.InputException e) {
            if (e instanceof ModelException me) throw me;
            throw new ModelException(source + ": invalid degradation metadata (" + e.getMessage() + ")");
        }
        Module net = arch.build(new Rng(0));
        try {
            net.loadStateDict(c.tensors(), true);
        } catch (StateDictException e) {
            throw new ModelException(source + ": the weights do not fit " + arch.describe() + ": " + e.getMessage().replace('\n', ' '));
        }
        Map<String, String> notes = new LinkedHashMap<>(meta);
        for (String k : new SrModel(arch, deg, net, Map.of()).metadata().keySet()) notes.remove(k);
        return new SrModel(arch, deg, net, notes);
    }

    /**
     * What differs between this model's training and a request, as one line, or null when nothing
     * does. Only what the request states is compared.
     *
     * @param factors requested factors
     * @param profile requested slice profile, or null when unstated
     * @param noise   requested noise level, or null when unstated
     */
    public String mismatch(double[] factors, SliceProfile.Kind profile, Double noise) {
        return degradation.mismatch(factors, profile, noise);
    }

    /**
     * Super-resolves {@code lr} ({@code [nx, ny, nz]}, or {@code [nx, ny, nz, nt]} frame by frame)
     * onto the grid of {@code ctx} (see {@link mrisr.sr.methods.SrMethod}).
     *
     * @param lr      not modified
     * @param patch   sliding-window tile edge in input voxels of the network
     * @param overlap tile overlap (input voxels)
     * @throws ModelException when a sub-pixel model is asked for other factors than its own
     */
    public Volume superResolve(Volume lr, SrContext ctx, int patch, int overlap) {
        double[] f = ctx.factors();
        if (architecture.upsampling() == Upsampling.SUBPIXEL) {
            int r = architecture.factors()[0];
            if (f[0] != r || f[1] != r || f[2] != r) {
                throw new ModelException("the model is a sub-pixel network for factor " + Architecture.format(architecture.factors())
                        + " only; requested " + TrainingDegradation.formatFactors(f));
            }
        }
        SlidingWindow window = new SlidingWindow(patch, overlap, architecture.halo(), architecture.scale());
        int[] shape = lr.shape();
        int[] outShape = ctx.outputShape(shape);
        long outSize = 1;
        for (int s : outShape) outSize = Math.multiplyExact(outSize, (long) s);
        Memory.check(outSize, "super-resolved volume " + Arrays.toString(outShape));
        int[] s3 = {shape[0], shape[1], shape[2]};
        boolean series = shape.length == 4;
        int frames = series ? shape[3] : 1;
        float[] all = lr.data().toArray();
        float[] out = series ? new float[(int) outSize] : null;
        int nIn = s3[0] * s3[1] * s3[2];
        int nOut = outShape[0] * outShape[1] * outShape[2];
        network.eval();
        for (int t = 0; t < frames; t++) {
            float[] frame = all;
            if (series) {
                frame = new float[nIn];
                for (int i = 0; i < nIn; i++) frame[i] = all[i * frames + t];
            }
            String prefix = series ? "frame " + (t + 1) + "/" + frames + ", " : "";
            float[] sr = frame(frame, s3, f, window, line -> ctx.progress().accept(architecture.method() + ": " + prefix + line));
            if (series) {
                for (int i = 0; i < nOut; i++) out[i * frames + t] = sr[i];
            } else {
                out = sr;
            }
        }
        return lr.withGrid(Tensor.fromArray(out, outShape), Volume.resampledAffine(lr.affine(), f));
    }

    private float[] frame(float[] y, int[] shape, double[] f, SlidingWindow window, Consumer<String> progress) {
        double s = IntensityScale.of(y);
        float inv = (float) (1 / s);
        float[] yn = new float[y.length];
        for (int i = 0; i < y.length; i++) yn[i] = y[i] * inv;
        Volume lrNorm = Volume.of(Tensor.fromArray(yn, shape), Volume.diagonalAffine(1, 1, 1));
        Volume up = Interpolation.bspline().resample(lrNorm, f);
        float[] base = up.data().toArray();
        float[] residual = architecture.upsampling() == Upsampling.SUBPIXEL
                ? window.apply(network, yn, shape, progress)
                : window.apply(network, base, up.shape(), progress);
        for (int i = 0; i < base.length; i++) base[i] = (float) ((base[i] + residual[i]) * s);
        return base;
    }
}
