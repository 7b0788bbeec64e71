package mrisr.sr.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.sr.io.NiftiTestFiles.Record;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class NiftiWriterTest {
    @TempDir
    Path dir;

    /** An oblique affine whose entries are float32 values, so NIfTI-1's float32 sform keeps it exactly. */
    static final double[][] OBLIQUE = {
        {0.8125, -0.3203125, 0.75, -31.5},
        {0.296875, 1.03125, -0.1875, 12.25},
        {-0.234375, 0.1875, 2.375, 40.0},
        {0, 0, 0, 1}};

    static Volume random(Rng rng, double[][] affine, int... shape) {
        return Volume.of(Tensor.randn(rng, shape).mul(100), affine);
    }

    static List<Record> nibabelHeaders() {
        return NiftiTestFiles.records("writer_header.txt");
    }

    private static ByteBuffer bytes(Path file) throws Exception {
        return ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Our header fields for an affine equal those nibabel's set_qform/set_sform store for it. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("nibabelHeaders")
    void headerFieldsMatchNibabel(Record r) throws Exception {
        double[][] affine = r.matrix("affine");
        float[] values = new float[4 * 3 * 2];
        for (int n = 0; n < values.length; n++) values[n] = n;
        Path file = dir.resolve(r.name() + ".nii");
        Nifti.write(Volume.of(Tensor.fromArray(values, 4, 3, 2), affine), file);
        ByteBuffer b = bytes(file);

        assertThat(b.getInt(0)).isEqualTo(348);
        assertThat(new String(b.array(), 344, 4, "US-ASCII")).isEqualTo("n+1\0");
        short[] dim = new short[8];
        for (int i = 0; i < 8; i++) dim[i] = b.getShort(40 + 2 * i);
        assertThat(dim).containsExactly(3, 4, 3, 2, 1, 1, 1, 1);
        assertThat(b.getShort(70)).isEqualTo((short) 16);
        assertThat(b.getShort(72)).isEqualTo((short) 32);
        assertThat(b.getFloat(108)).isEqualTo(352f);
        assertThat(b.getInt(348)).isZero(); // empty extension flag
        assertThat(b.get(123)).isEqualTo((byte) 2); // mm
        assertThat(b.getShort(252)).isEqualTo((short) 1);
        assertThat(b.getShort(254)).isEqualTo((short) 1);
        assertThat(file).hasSize(352 + 4L * values.length);

        double[] srow = r.numbers("srow");
        for (int n = 0; n < 12; n++) assertThat((double) b.getFloat(280 + 4 * n)).as("srow %d", n).isEqualTo(srow[n]);
        double[] qoffset = r.numbers("qoffset");
        for (int n = 0; n < 3; n++) assertThat((double) b.getFloat(268 + 4 * n)).as("qoffset %d", n).isEqualTo(qoffset[n]);
        double[] pixdim = r.numbers("pixdim");
        assertThat((double) b.getFloat(76)).as("qfac").isEqualTo(pixdim[0]);
        for (int n = 1; n < 4; n++) assertThat((double) b.getFloat(76 + 4 * n)).as("pixdim %d", n).isCloseTo(pixdim[n], within(1e-6));

        double[] quat = r.numbers("quatern");
        double[] ours = {b.getFloat(256), b.getFloat(260), b.getFloat(264)};
        // With w = 0 (a 180° turn) q and -q are the same rotation; nibabel's sign then comes from an eigensolver.
        double w2 = 1 - (quat[0] * quat[0] + quat[1] * quat[1] + quat[2] * quat[2]);
        double sign = w2 < 1e-6 && ours[0] * quat[0] + ours[1] * quat[1] + ours[2] * quat[2] < 0 ? -1 : 1;
        for (int n = 0; n < 3; n++) assertThat(sign * ours[n]).as("quatern %d", n).isCloseTo(quat[n], within(1e-6));

        // The qform alone (sform_code set to 0) reads back as nibabel's get_qform()
        b.putShort(254, (short) 0);
        Files.write(file, b.array());
        NiftiImage img = Nifti.load(file);
        assertThat(img.header().affineSource()).isEqualTo(NiftiHeader.AffineSource.QFORM);
        double[][] q = img.volume().affine();
        double[][] want = r.matrix("qform_affine");
        for (int row = 0; row < 4; row++) {
            for (int c = 0; c < 4; c++) assertThat(q[row][c]).as("qform[%d][%d]", row, c).isCloseTo(want[row][c], within(2e-6));
        }
        assertThat(Affines.axisCodes(affine)).isEqualTo(r.text("axcodes"));
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT32", "FLOAT64"})
    void floatRoundTripIsExact(NiftiDatatype type) {
        Rng rng = new Rng(7);
        for (String name : new String[] {"a.nii", "a.nii.gz"}) {
            for (int[] shape : new int[][] {{5, 4, 3}, {1, 7, 1}, {3, 4, 5, 2}}) {
                Volume v = random(rng, OBLIQUE, shape);
                Path file = dir.resolve(name);
                Nifti.write(v, file, type);
                NiftiImage back = Nifti.load(file);
                assertThat(back.header().datatype()).isEqualTo(type);
                assertThat(back.volume().shape()).containsExactly(shape);
                NiftiTestFiles.assertSameValues(back.volume().data().toArray(), v.data().toArray());
                assertThat(back.volume().affine()).isDeepEqualTo(OBLIQUE);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"UINT8", "INT8", "INT16", "UINT16", "INT32", "UINT32"})
    void integerRoundTrip(NiftiDatatype type) {
        // whole numbers within range are stored as they are
        float[] whole = new float[6 * 5 * 4];
        for (int n = 0; n < whole.length; n++) whole[n] = (float) (type.minValue() == 0 ? n * 2 : n * 2 - 120);
        Volume v = Volume.of(Tensor.fromArray(whole, 6, 5, 4), Volume.diagonalAffine(1, 2, 3));
        Path file = dir.resolve("int.nii.gz");
        Nifti.write(v, file, type);
        NiftiImage back = Nifti.load(file);
        assertThat(back.header().hasScaling()).isTrue();
        assertThat(back.header().sclSlope()).isEqualTo(1.0);
        assertThat(back.header().sclInter()).isEqualTo(0.0);
        NiftiTestFiles.assertSameValues(back.volume().data().toArray(), whole);

        // other values are scaled into the type's range and come back within slope/2
        Volume r = random(new Rng(11), Volume.diagonalAffine(1, 1, 1), 6, 5, 4);
        Nifti.write(r, file, type);
        back = Nifti.load(file);
        float[] want = r.data().toArray();
        double lo = Double.MAX_VALUE, hi = -Double.MAX_VALUE;
        for (float x : want) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        double step = (hi - lo) / (type.maxValue() - type.minValue());
        assertThat(back.header().sclSlope()).isCloseTo(step, within(step * 1e-6));
        float[] got = back.volume().data().toArray();
        for (int n = 0; n < want.length; n++) {
            assertThat((double) got[n]).isCloseTo(want[n], within(step * 0.5001 + Math.ulp(want[n]) * 2));
        }
    }

    /** Voxel (i, j, k) lands at byte 352 + 4·(i + nx·(j + ny·k)): checked on the raw bytes. */
    @Test
    void dataAreStoredWithIFastest() throws Exception {
        int nx = 3, ny = 4, nz = 5, nt = 2;
        float[] values = new float[nx * ny * nz * nt];
        for (int i = 0; i < nx; i++) {
            for (int j = 0; j < ny; j++) {
                for (int k = 0; k < nz; k++) {
                    for (int t = 0; t < nt; t++) values[((i * ny + j) * nz + k) * nt + t] = i + 10 * j + 100 * k + 1000 * t;
                }
            }
        }
        Path file = dir.resolve("layout.nii");
        Nifti.write(Volume.of(Tensor.fromArray(values, nx, ny, nz, nt), Volume.diagonalAffine(1, 1, 1)), file);
        ByteBuffer b = bytes(file);
        assertThat(b.getShort(40)).isEqualTo((short) 4);
        assertThat(b.getShort(48)).isEqualTo((short) nt);
        for (int t = 0; t < nt; t++) {
            for (int k = 0; k < nz; k++) {
                for (int j = 0; j < ny; j++) {
                    for (int i = 0; i < nx; i++) {
                        int pos = 352 + 4 * (i + nx * (j + ny * (k + nz * t)));
                        assertThat(b.getFloat(pos)).isEqualTo((float) (i + 10 * j + 100 * k + 1000 * t));
                    }
                }
            }
        }
    }

    @Test
    void stridedViewIsWrittenByValue() {
        Tensor base = Tensor.randn(new Rng(3), 4, 6, 5);
        Tensor view = base.permute(1, 2, 0).narrow(0, 1, 4); // [4, 5, 4], not contiguous
        assertThat(view.isContiguous()).isFalse();
        Path file = dir.resolve("view.nii");
        Nifti.write(Volume.of(view, Volume.diagonalAffine(1, 1, 1)), file);
        NiftiTestFiles.assertSameValues(Nifti.read(file).data().toArray(), view.contiguous().toArray());
    }

    @Test
    void dimensionOverNifti1LimitSwitchesToNifti2() throws Exception {
        Volume v = random(new Rng(5), OBLIQUE, 32768, 2, 1);
        Path file = dir.resolve("long.nii");
        Nifti.write(v, file);
        ByteBuffer b = bytes(file);
        assertThat(b.getInt(0)).isEqualTo(540);
        assertThat(b.getLong(168)).isEqualTo(544);
        assertThat(b.getLong(24)).isEqualTo(32768);
        NiftiImage back = Nifti.load(file);
        assertThat(back.header().version()).isEqualTo(2);
        NiftiTestFiles.assertSameValues(back.volume().data().toArray(), v.data().toArray());
        assertThat(back.volume().affine()).isDeepEqualTo(OBLIQUE);
    }

    @Test
    void gzipOnlyWhenTheNameSaysSo() throws Exception {
        Volume v = random(new Rng(1), OBLIQUE, 3, 3, 3);
        Nifti.write(v, dir.resolve("x.nii.gz"));
        Nifti.write(v, dir.resolve("y.NII.GZ"));
        Nifti.write(v, dir.resolve("z.nii"));
        assertThat(Files.readAllBytes(dir.resolve("x.nii.gz"))).startsWith((byte) 0x1f, (byte) 0x8b);
        assertThat(Files.readAllBytes(dir.resolve("y.NII.GZ"))).startsWith((byte) 0x1f, (byte) 0x8b);
        assertThat(Files.readAllBytes(dir.resolve("z.nii"))).startsWith((byte) 92, (byte) 1, (byte) 0, (byte) 0);
    }

    @Test
    void refusedWritesLeaveNoFile() throws Exception {
        float[] values = new float[8];
        values[5] = Float.NaN;
        Volume withNan = Volume.of(Tensor.fromArray(values, 2, 2, 2), Volume.diagonalAffine(1, 1, 1));
        Path file = dir.resolve("nan.nii");
        assertThatThrownBy(() -> Nifti.write(withNan, file, NiftiDatatype.INT16)).isExactlyInstanceOf(NiftiException.class)
                .hasMessage("cannot write " + file + " as int16: voxel (1, 0, 1) is NaN, which an integer type cannot store;"
                        + " use float32");
        double[][] flat = Volume.diagonalAffine(1, 1, 1);
        flat[1][1] = 0;
        Volume singular = Volume.of(Tensor.fromArray(new float[8], 2, 2, 2), flat);
        assertThatThrownBy(() -> Nifti.write(singular, file)).isExactlyInstanceOf(NiftiException.class)
                .hasMessage("cannot write " + file + ": affine column 1 is zero, so voxel axis 1 has no direction");
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s).isEmpty();
        }
    }
}
