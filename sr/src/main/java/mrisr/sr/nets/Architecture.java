package mrisr.sr.nets;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mrisr.engine.Rng;
import mrisr.nn.Module;

/**
 * What a super-resolution network is: its method ({@value #SRCNN3D} or {@value #EDSR3D}), where it
 * upsamples ({@link Upsampling}), the integer factors it was built for and its size. Enough to
 * rebuild the network from a model file's metadata ({@link #metadata()}, {@link #fromMetadata}).
 *
 * <p>Geometry: the network maps an input tile of {@code P} voxels per axis to an output tile of
 * {@code scale()·P} voxels, where {@code scale()} is {@code r} for sub-pixel networks and 1 for
 * pre-upsampling ones (whose input is already on the high-resolution grid). An output voxel depends
 * on the input voxels within {@link #halo()} input voxels of it (the receptive-field radius), which is
 * what lets {@link SlidingWindow} reproduce whole-volume inference exactly.
 *
 * <pre>{@code
 * Architecture a = Architecture.edsr3d(Upsampling.SUBPIXEL, new int[] {2, 2, 2}, 8, 2);
 * Module net = a.build(new Rng(1));     // [N, 1, P, P, P] -> [N, 1, 2P, 2P, 2P] residual
 * }</pre>
 *
 * @param method        {@value #SRCNN3D} or {@value #EDSR3D}
 * @param upsampling    pre-upsampling or sub-pixel
 * @param factors       integer factors ≥ 1 along i, j, k (copied)
 * @param features      channels of the first layer (SRCNN: then {@code features/2}) or of every layer (EDSR), ≥ 1
 * @param blocks        EDSR residual blocks (≥ 0); 0 for SRCNN
 * @param residualScale EDSR's scale on each block's residual branch (1 for small networks); 1 for SRCNN
 */
public record Architecture(String method, Upsampling upsampling, int[] factors, int features, int blocks,
        double residualScale) {
    /** SRCNN-3D: three convolutions 9³-1³-5³ with ReLUs (Dong et al.; 3-D as in Pham et al. 2017). */
    public static final String SRCNN3D = "srcnn3d";
    /** A small EDSR in 3-D: head, residual blocks without normalisation, long skip, tail (Lim et al. 2017). */
    public static final String EDSR3D = "edsr3d";
    /** The method names, in listing order. */
    public static final List<String> METHODS = List.of(SRCNN3D, EDSR3D);

    /** SRCNN's kernel sizes. */
    static final int[] SRCNN_KERNELS = {9, 1, 5};

    /** Validates everything and copies the factors. */
    public Architecture {
        if (!METHODS.contains(method)) {
            throw new ModelException("unknown network '" + method + "', expected one of " + String.join(", ", METHODS));
        }
        if (factors == null || factors.length != 3) {
            throw new ModelException(method + ": need 3 integer factors, got " + Arrays.toString(factors));
        }
        factors = factors.clone();
        for (int a = 0; a < 3; a++) {
            if (factors[a] < 1) throw new ModelException(method + ": factor along axis " + a + " is " + factors[a] + ", must be >= 1");
        }
        if (factors[0] * factors[1] * factors[2] == 1) throw new ModelException(method + ": factors 1,1,1 leave nothing to super-resolve");
        if (upsampling == Upsampling.SUBPIXEL && !(factors[0] == factors[1] && factors[1] == factors[2])) {
            throw new ModelException(method + ": sub-pixel upsampling needs the same factor on every axis, got "
                    + format(factors) + "; use --upsampling pre for anisotropic factors");
        }
        if (features < 1 || features > 1024) throw new ModelException(method + ": --features " + features + " must be in 1..1024");
        if (method.equals(SRCNN3D) && blocks != 0) throw new ModelException("srcnn3d has no residual blocks; --blocks applies to edsr3d");
        if (blocks < 0 || blocks > 256) throw new ModelException(method + ": --blocks " + blocks + " must be in 0..256");
        if (!(residualScale > 0) || Double.isInfinite(residualScale)) {
            throw new ModelException(method + ": residual scale " + residualScale + " must be finite and > 0");
        }
    }

    /** SRCNN-3D with {@code features} and {@code features/2} channels. */
    public static Architecture srcnn3d(Upsampling upsampling, int[] factors, int features) {
        return new Architecture(SRCNN3D, upsampling, factors, features, 0, 1);
    }

    /** EDSR-3D with {@code blocks} residual blocks of {@code features} channels and residual scale 1. */
    public static Architecture edsr3d(Upsampling upsampling, int[] factors, int features, int blocks) {
        return new Architecture(EDSR3D, upsampling, factors, features, blocks, 1);
    }

    /**
     * The defaults of {@code mrisr train}: SRCNN-3D with 32 features; EDSR-3D with 8 features and 2
     * blocks — small enough to train to +1.5 dB over B-spline interpolation on the brain phantoms at
     * {@code 2,2,2} in 1000 steps on two cores (measured: wider and deeper variants gained no more
     * per step, so the budget goes into steps; see {@code mrisr.sr.nets}).
     */
    public static Architecture defaults(String method, Upsampling upsampling, int[] factors) {
        return method.equals(SRCNN3D) ? srcnn3d(upsampling, factors, 32) : edsr3d(upsampling, factors, 8, 2);
    }

    @Override
    public int[] factors() {
        return factors.clone();
    }

    /** Output voxels per input voxel along each axis: {@code r} (sub-pixel) or 1 (pre-upsampling). */
    public int scale() {
        return upsampling == Upsampling.SUBPIXEL ? factors[0] : 1;
    }

    /** Receptive-field radius in input voxels: SRCNN {@code 4 + 0 + 2}; EDSR {@code 2·blocks + 3} 3³ convolutions. */
    public int halo() {
        if (method.equals(SRCNN3D)) {
            int h = 0;
            for (int k : SRCNN_KERNELS) h += k / 2;
            return h;
        }
        return 2 * blocks + 3;
    }

    /** A freshly initialised network (PyTorch's default initialisation drawn from {@code rng}). */
    public Module build(Rng rng) {
        int r = scale();
        return method.equals(SRCNN3D)
                ? new Srcnn3d(features, Math.max(1, features / 2), r, rng)
                : new Edsr3d(features, blocks, residualScale, r, rng);
    }

    /** The hyper-parameters as model-file metadata. */
    public Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("method", method);
        m.put("upsampling", upsampling.cliName());
        m.put("factor", format(factors));
        m.put("features", Integer.toString(features));
        m.put("blocks", Integer.toString(blocks));
        m.put("residual_scale", Double.toString(residualScale));
        return m;
    }

    /**
     * Rebuilds the description from model-file metadata.
     *
     * @param source names the file in messages
     * @throws ModelException when a key is missing or invalid
     */
    public static Architecture fromMetadata(Map<String, String> meta, String source) {
        String method = required(meta, "method", source);
        String upsampling = required(meta, "upsampling", source);
        Upsampling u;
        try {
            u = Upsampling.parse(upsampling);
        } catch (mrisr.sr.InputException e) {
            throw new ModelException(source + ": metadata 'upsampling' = '" + meta.get("upsampling") + "' is not pre or subpixel");
        }
        int[] f = parseFactors(required(meta, "factor", source), source);
        String features = required(meta, "features", source), blocks = required(meta, "blocks", source);
        String scale = required(meta, "residual_scale", source);
        try {
            return new Architecture(method, u, f, Integer.parseInt(features), Integer.parseInt(blocks), Double.parseDouble(scale));
        } catch (NumberFormatException e) {
            throw new ModelException(source + ": metadata has a malformed number (" + e.getMessage() + ")");
        } catch (ModelException e) {
            throw new ModelException(source + ": " + e.getMessage());
        }
    }

    static String required(Map<String, String> meta, String key, String source) {
        String v = meta.get(key);
        if (v == null) throw new ModelException(source + ": not an mrisr network model (metadata lacks '" + key + "')");
        return v;
    }

    static int[] parseFactors(String s, String source) {
        String[] parts = s.split(",", -1);
        if (parts.length != 3) throw new ModelException(source + ": factor '" + s + "' must have 3 integers");
        int[] f = new int[3];
        for (int a = 0; a < 3; a++) {
            try {
                f[a] = Integer.parseInt(parts[a].trim());
            } catch (NumberFormatException e) {
                throw new ModelException(source + ": factor '" + s + "' must have 3 integers");
            }
        }
        return f;
    }

    /** {@code 2,2,2}. */
    public static String format(int[] factors) {
        return factors[0] + "," + factors[1] + "," + factors[2];
    }

    /** One line, e.g. {@code edsr3d (subpixel x2,2,2, 16 features, 3 blocks)}. */
    public String describe() {
        return method + " (" + upsampling.cliName() + " x" + format(factors) + ", " + features + " features"
                + (method.equals(EDSR3D) ? ", " + blocks + " blocks" : "") + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Architecture a && a.method.equals(method) && a.upsampling == upsampling
                && Arrays.equals(a.factors, factors) && a.features == features && a.blocks == blocks
                && Double.compare(a.residualScale, residualScale) == 0;
    }

    @Override
    public int hashCode() {
        return method.hashCode() * 31 + Arrays.hashCode(factors) * 7 + features * 3 + blocks;
    }

    @Override
    public String toString() {
        return describe();
    }
}
