package mrisr.sr.io;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import mrisr.engine.Memory;
import mrisr.engine.MemoryBudgetException;
import mrisr.engine.Tensor;
import mrisr.engine.cpu.CpuBackend;
import mrisr.sr.volume.Volume;

/**
 * Reads single-file NIfTI-1/2, plain or gzip-compressed, validating every size before allocating.
 *
 * <p>Order of checks: header length, {@code sizeof_hdr} (fixes version and byte order), the header
 * fields ({@link NiftiHeader#parse}), {@code vox_offset} against the file size, the memory budget for
 * the float32 result, the data length against the file size (for gzip: against 1032 times the
 * compressed size, deflate's largest expansion), then the data are
 * streamed in fixed-size chunks into the result, so a size claim is never trusted for an allocation
 * beyond the budget. For gzip input the rest of the stream is read after the data (up to 16 MiB)
 * so that a corrupt trailer (CRC) is reported.
 */
final class NiftiReader {
    private static final int CHUNK = 1 << 16;
    private static final long MAX_TRAILER_CHECK = 16L << 20;
    private static final long MAX_DEFLATE_RATIO = 1032;

    private NiftiReader() {}

    private interface StreamBody<T> {
        /** @param fileSize size of the file on disk (compressed size for gzip) */
        T read(InputStream in, boolean gzipped, long fileSize) throws IOException;
    }

    static NiftiHeader readHeader(Path file) {
        String name = file.toString();
        return open(file, (in, gz, size) -> header(in, gz, name));
    }

    static NiftiImage load(Path file) {
        String name = file.toString();
        return open(file, (in, gz, size) -> {
            NiftiHeader h = header(in, gz, name);
            return new NiftiImage(h, Volume.of(data(in, h, size, name), h.affine()));
        });
    }

    private static <T> T open(Path file, StreamBody<T> body) {
        String name = file.toString();
        if (!Files.exists(file)) throw new NiftiException(name + ": no such file");
        if (!Files.isRegularFile(file)) throw new NiftiException(name + ": not a regular file");
        boolean gz = false;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), CHUNK)) {
            long size = Files.size(file);
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            gz = b0 == 0x1f && b1 == 0x8b;
            InputStream in = gz ? new GZIPInputStream(raw, CHUNK) : raw;
            return body.read(in, gz, size);
        } catch (IOException e) {
            if (gz && (e instanceof ZipException || e instanceof EOFException)) {
                throw new NiftiException(name + ": corrupt or truncated gzip data (" + e.getMessage() + ")", e);
            }
            throw new NiftiException(name + ": cannot read: " + e, e);
        }
    }

    private static NiftiHeader header(InputStream in, boolean gz, String name) throws IOException {
        byte[] first = in.readNBytes(4);
        if (first.length < 4) {
            throw new NiftiException(name + ": " + lengthPhrase(gz, first.length) + ", shorter than a NIfTI header ("
                    + NiftiHeader.NIFTI1_HEADER_SIZE + " bytes for NIfTI-1, " + NiftiHeader.NIFTI2_HEADER_SIZE + " for NIfTI-2)");
        }
        int le = ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN).getInt();
        int be = ByteBuffer.wrap(first).order(ByteOrder.BIG_ENDIAN).getInt();
        int size;
        ByteOrder order;
        if (le == NiftiHeader.NIFTI1_HEADER_SIZE || le == NiftiHeader.NIFTI2_HEADER_SIZE) {
            size = le;
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (be == NiftiHeader.NIFTI1_HEADER_SIZE || be == NiftiHeader.NIFTI2_HEADER_SIZE) {
            size = be;
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw new NiftiException(name + ": NIfTI header: sizeof_hdr = " + le + " (byte-swapped " + be
                    + "), expected 348 (NIfTI-1) or 540 (NIfTI-2): not a NIfTI file");
        }
        int version = size == NiftiHeader.NIFTI1_HEADER_SIZE ? 1 : 2;
        byte[] block = new byte[size];
        System.arraycopy(first, 0, block, 0, 4);
        int got = in.readNBytes(block, 4, size - 4);
        if (got < size - 4) {
            throw new NiftiException(name + ": " + lengthPhrase(gz, 4 + got) + ", shorter than the " + size
                    + "-byte NIfTI-" + version + " header");
        }
        return NiftiHeader.parse(block, version, order, gz, name);
    }

    private static String lengthPhrase(boolean gz, long bytes) {
        return gz ? "decompressed data have only " + bytes + " bytes" : "file has only " + bytes + " bytes";
    }

    /** The voxel values as a float32 tensor {@code [nx, ny, nz]} or {@code [nx, ny, nz, nt]}. */
    private static Tensor data(InputStream in, NiftiHeader h, long fileSize, String name) throws IOException {
        long[] dims = h.dims();
        NiftiDatatype type = h.datatype();
        long nvox = h.voxelCount();
        long nbytes = nvox * type.bytes(); // cannot overflow: checked by NiftiHeader.parse
        long offset = h.voxOffset();
        String what = NiftiHeader.formatDims(dims) + " " + type;
        if (!h.gzipped() && offset > fileSize) {
            throw new NiftiException(name + ": NIfTI header: vox_offset = " + offset + " is beyond the end of the file ("
                    + fileSize + " bytes)");
        }
        try {
            Memory.check(nvox, name + ": NIfTI data " + what);
        } catch (MemoryBudgetException e) {
            throw new NiftiException(e.getMessage(), e);
        }
        if (!h.gzipped() && nbytes > fileSize - offset) {
            throw truncated(name, what, nbytes, offset, fileSize - offset, false);
        }
        // Deflate expands at most 1032:1, so a small .gz file cannot hold a large claim: refuse
        // before allocating for it.
        long maxStream = fileSize > Long.MAX_VALUE / MAX_DEFLATE_RATIO ? Long.MAX_VALUE : fileSize * MAX_DEFLATE_RATIO;
        if (h.gzipped() && nbytes > maxStream - offset) {
            throw new NiftiException(name + ": truncated data: " + what + " voxels need " + nbytes + " bytes at offset "
                    + offset + ", but a gzip file of " + fileSize + " bytes decompresses to at most " + maxStream
                    + " (deflate's limit is " + MAX_DEFLATE_RATIO + ":1)");
        }
        long headerSize = h.version() == 2 ? NiftiHeader.NIFTI2_HEADER_SIZE : NiftiHeader.NIFTI1_HEADER_SIZE;
        long skipped = skip(in, offset - headerSize);
        if (skipped < offset - headerSize) {
            throw new NiftiException(name + ": NIfTI header: vox_offset = " + offset + " is beyond the end of the "
                    + (h.gzipped() ? "decompressed data" : "file") + " (" + (headerSize + skipped) + " bytes)");
        }

        int nx = (int) dims[0];
        int ny = dims.length > 1 ? (int) dims[1] : 1;
        int nz = dims.length > 2 ? (int) dims[2] : 1;
        int nt = dims.length > 3 ? (int) dims[3] : 1;
        int[] shape = dims.length == 4 ? new int[] {nx, ny, nz, nt} : new int[] {nx, ny, nz};
        Tensor result = CpuBackend.empty("NIfTI data " + what, shape);
        float[] out = CpuBackend.data(result);
        new Scatter(nx, ny, nz, nt, h).run(in, out, nvox, name, what, offset);
        if (h.gzipped()) drain(in);
        return result;
    }

    private static NiftiException truncated(String name, String what, long need, long offset, long have, boolean gz) {
        return new NiftiException(name + ": truncated data: " + what + " voxels need " + need + " bytes at offset "
                + offset + ", the " + (gz ? "decompressed data have" : "file has") + " only " + Math.max(have, 0)
                + " after it");
    }

    /**
     * Converts the stored voxels (NIfTI order, {@code i} fastest) to scaled float32 values and writes
     * each to its place in the row-major {@code [i, j, k, t]} result ({@code t} fastest) in the same
     * pass: file voxel {@code (i, j, k, t)} goes to {@code ((i·ny + j)·nz + k)·nt + t}.
     */
    private static final class Scatter {
        private final int nx, ny, nz, nt;
        private final NiftiDatatype type;
        private final ByteOrder order;
        private final boolean scaled;
        private final double slope, inter;
        private final boolean gz;

        Scatter(int nx, int ny, int nz, int nt, NiftiHeader h) {
            this.nx = nx;
            this.ny = ny;
            this.nz = nz;
            this.nt = nt;
            this.type = h.datatype();
            this.order = h.byteOrder();
            this.scaled = h.hasScaling();
            this.slope = h.sclSlope();
            this.inter = h.sclInter();
            this.gz = h.gzipped();
        }

        void run(InputStream in, float[] out, long nvox, String name, String what, long offset) throws IOException {
            int item = type.bytes();
            byte[] buf = new byte[CHUNK];
            ByteBuffer bb = ByteBuffer.wrap(buf).order(order);
            double[] values = new double[CHUNK / item];
            int si = ny * nz * nt, sj = nz * nt, sk = nt;
            int i = 0, j = 0, k = 0, t = 0;
            int d = 0; // destination of (i, j, k, t)
            long done = 0;
            while (done < nvox) {
                int n = (int) Math.min(values.length, nvox - done);
                int got = in.readNBytes(buf, 0, n * item);
                if (got < n * item) {
                    throw truncated(name, what, nvox * item, offset, done * item + got, gz);
                }
                decode(bb, values, n);
                for (int e = 0; e < n; e++) {
                    double v = scaled ? values[e] * slope + inter : values[e];
                    out[d] = (float) v;
                    d += si;
                    if (++i == nx) {
                        i = 0;
                        if (++j == ny) {
                            j = 0;
                            if (++k == nz) {
                                k = 0;
                                t++;
                            }
                        }
                        d = j * sj + k * sk + t;
                    }
                }
                done += n;
            }
        }

        private void decode(ByteBuffer bb, double[] v, int n) {
            switch (type) {
                case UINT8 -> {
                    for (int e = 0; e < n; e++) v[e] = bb.get(e) & 0xff;
                }
                case INT8 -> {
                    for (int e = 0; e < n; e++) v[e] = bb.get(e);
                }
                case INT16 -> {
                    for (int e = 0; e < n; e++) v[e] = bb.getShort(2 * e);
                }
                case UINT16 -> {
                    for (int e = 0; e < n; e++) v[e] = bb.getShort(2 * e) & 0xffff;
                }
                case INT32 -> {
                    for (int e = 0; e < n; e++) v[e] = bb.getInt(4 * e);
                }
                case UINT32 -> {
                    for (int e = 0; e < n; e++) v[e] = bb.getInt(4 * e) & 0xffffffffL;
                }
                case FLOAT32 -> {
                    for (int e = 0; e < n; e++) v[e] = bb.getFloat(4 * e);
                }
                case FLOAT64 -> {
                    for (int e = 0; e < n; e++) v[e] = bb.getDouble(8 * e);
                }
            }
        }
    }

    /** Skips up to {@code n} bytes; returns how many were skipped (fewer only at the end of the stream). */
    private static long skip(InputStream in, long n) throws IOException {
        byte[] scratch = new byte[(int) Math.min(CHUNK, Math.max(n, 1))];
        long left = n;
        while (left > 0) {
            int got = in.readNBytes(scratch, 0, (int) Math.min(scratch.length, left));
            if (got == 0) break;
            left -= got;
        }
        return n - left;
    }

    /** Reads what follows the data so that GZIPInputStream checks the trailer's CRC and length. */
    private static void drain(InputStream in) throws IOException {
        byte[] scratch = new byte[CHUNK];
        long total = 0;
        while (total < MAX_TRAILER_CHECK) {
            int got = in.read(scratch);
            if (got < 0) return;
            total += got;
        }
    }
}
