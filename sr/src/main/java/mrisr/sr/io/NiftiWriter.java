package mrisr.sr.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;
import mrisr.engine.Tensor;
import mrisr.engine.cpu.CpuStorage;
import mrisr.engine.cpu.CpuBackend;
import mrisr.sr.volume.Volume;

/**
 * Writes a volume as a little-endian single-file NIfTI through {@link AtomicFiles}: header, empty
 * extension flag, then the voxels in NIfTI order ({@code i} fastest), gzip-compressed when the name
 * ends in {@code .gz}.
 *
 * <p>Integer datatypes: values that are all whole numbers within the type's range are stored as
 * they are ({@code scl_slope = 1, scl_inter = 0}); otherwise the range {@code [lo, hi]} is mapped
 * linearly onto the type's range, {@code stored = round((v − inter)/slope)} with
 * {@code slope = (hi − lo)/(typeMax − typeMin)}, {@code inter = lo − typeMin·slope}, so a reader
 * recovers each value within {@code slope/2}. NaN or infinite values cannot be stored in an integer
 * type and are refused.
 */
final class NiftiWriter {
    private static final int CHUNK = 1 << 16;
    private static final int NIFTI1_MAX_DIM = Short.MAX_VALUE;

    private NiftiWriter() {}

    static void write(Volume volume, Path file, NiftiDatatype type) {
        String name = file.toString();
        Tensor t = volume.data();
        int[] shape = t.shape();
        float[] src;
        int offset;
        int[] strides;
        if (t.storage() instanceof CpuStorage) {
            src = CpuBackend.data(t);
            offset = t.offset();
            strides = t.strides();
        } else {
            src = t.toArray();
            offset = 0;
            strides = contiguousStrides(shape);
        }
        Voxels voxels = new Voxels(shape, src, offset, strides);

        double[][] affine = volume.affine();
        double[] spacing = volume.spacing();
        for (int c = 0; c < 3; c++) {
            if (!(spacing[c] > 0)) {
                throw new NiftiException("cannot write " + name + ": affine column " + c
                        + " is zero, so voxel axis " + c + " has no direction");
            }
        }
        int version = 1;
        for (int n : shape) if (n > NIFTI1_MAX_DIM) version = 2;

        double slope = 1;
        double inter = 0;
        if (type.isInteger()) {
            double[] si = integerScaling(voxels, type, name, version);
            slope = si[0];
            inter = si[1];
        }
        byte[] header = NiftiHeader.encode(version, shape, type, slope, inter, affine, "mrisr");
        boolean gz = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz");
        double s = slope, b = inter;
        AtomicFiles.write(file, out -> {
            if (gz) {
                GZIPOutputStream z = new GZIPOutputStream(out, CHUNK);
                z.write(header);
                writeVoxels(z, voxels, type, s, b);
                z.finish();
            } else {
                out.write(header);
                writeVoxels(out, voxels, type, s, b);
            }
        });
    }

    private static int[] contiguousStrides(int[] shape) {
        int[] st = new int[shape.length];
        int s = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            st[d] = s;
            s *= shape[d];
        }
        return st;
    }

    /** A strided {@code [nx, ny, nz(, nt)]} float view, visited in NIfTI order. */
    private record Voxels(int nx, int ny, int nz, int nt, float[] src, int offset, int si, int sj, int sk, int st) {
        Voxels(int[] shape, float[] src, int offset, int[] strides) {
            this(shape[0], shape[1], shape[2], shape.length > 3 ? shape[3] : 1, src, offset, strides[0], strides[1],
                    strides[2], shape.length > 3 ? strides[3] : 0);
        }

        /** Source index of the first voxel of row {@code (j, k, t)}. */
        int row(int j, int k, int t) {
            return offset + j * sj + k * sk + t * st;
        }
    }

    /** {slope, inter} for storing the values in an integer type (see the class comment). */
    private static double[] integerScaling(Voxels v, NiftiDatatype type, String name, int version) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        boolean whole = true;
        for (int t = 0; t < v.nt; t++) {
            for (int k = 0; k < v.nz; k++) {
                for (int j = 0; j < v.ny; j++) {
                    int p = v.row(j, k, t);
                    for (int i = 0; i < v.nx; i++, p += v.si) {
                        float x = v.src[p];
                        if (!Float.isFinite(x)) {
                            throw new NiftiException("cannot write " + name + " as " + type + ": voxel (" + i + ", " + j
                                    + ", " + k + (v.nt > 1 ? ", " + t : "") + ") is " + x
                                    + ", which an integer type cannot store; use float32");
                        }
                        lo = Math.min(lo, x);
                        hi = Math.max(hi, x);
                        whole &= x == Math.rint(x);
                    }
                }
            }
        }
        if (whole && lo >= type.minValue() && hi <= type.maxValue()) return new double[] {1, 0};
        if (hi == lo) return new double[] {1, lo};
        double slope = (hi - lo) / (type.maxValue() - type.minValue());
        double inter = lo - type.minValue() * slope;
        // NIfTI-1 stores the scaling in float32: quantise with exactly the values a reader will use.
        return version == 1 ? new double[] {(float) slope, (float) inter} : new double[] {slope, inter};
    }

    private static void writeVoxels(OutputStream out, Voxels v, NiftiDatatype type, double slope, double inter)
            throws IOException {
        int item = type.bytes();
        ByteBuffer bb = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        boolean identity = slope == 1 && inter == 0;
        double lo = type.minValue(), hi = type.maxValue();
        for (int t = 0; t < v.nt; t++) {
            for (int k = 0; k < v.nz; k++) {
                for (int j = 0; j < v.ny; j++) {
                    int p = v.row(j, k, t);
                    for (int i = 0; i < v.nx; i++, p += v.si) {
                        if (bb.remaining() < item) {
                            out.write(bb.array(), 0, bb.position());
                            bb.clear();
                        }
                        float x = v.src[p];
                        switch (type) {
                            case FLOAT32 -> bb.putFloat(x);
                            case FLOAT64 -> bb.putDouble(x);
                            default -> {
                                double q = identity ? x : Math.min(hi, Math.max(lo, Math.rint((x - inter) / slope)));
                                long s = (long) q;
                                switch (type) {
                                    case UINT8, INT8 -> bb.put((byte) s);
                                    case INT16, UINT16 -> bb.putShort((short) s);
                                    default -> bb.putInt((int) s);
                                }
                            }
                        }
                    }
                }
            }
        }
        out.write(bb.array(), 0, bb.position());
    }
}
