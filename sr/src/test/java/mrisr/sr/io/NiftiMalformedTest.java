package mrisr.sr.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import mrisr.engine.Memory;
import mrisr.sr.io.NiftiTestFiles.Case;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The reader refuses each malformed file with a NiftiException naming the file, field and value. */
class NiftiMalformedTest {
    @TempDir
    Path dir;

    static List<Case> malformed() {
        return NiftiTestFiles.malformed();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedFileIsRefusedWithATypedError(Case c) {
        Path file = c.writeTo(dir);
        assertThatThrownBy(() -> Nifti.load(file))
                .isExactlyInstanceOf(NiftiException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining(c.message())
                .hasMessageNotContaining("\n");
    }

    /** The hand-built base files the cases corrupt are themselves valid, in both byte orders. */
    @ParameterizedTest
    @EnumSource(names = {"LE1", "BE1", "LE2", "BE2"})
    void uncorruptedBaseFilesRead(Base base) throws Exception {
        ByteBuffer b = base.version == 1 ? NiftiTestFiles.nifti1(base.order) : NiftiTestFiles.nifti2(base.order);
        Path file = Files.write(dir.resolve("base.nii"), b.array());
        NiftiImage img = Nifti.load(file);
        assertThat(img.header().version()).isEqualTo(base.version);
        assertThat(img.header().byteOrder()).isEqualTo(base.order);
        assertHandBuiltValues(img.volume());
        assertThat(img.volume().affine()).isDeepEqualTo(Volume.diagonalAffine(1, 1, 1));
    }

    enum Base {
        LE1(1, ByteOrder.LITTLE_ENDIAN), BE1(1, ByteOrder.BIG_ENDIAN), LE2(2, ByteOrder.LITTLE_ENDIAN), BE2(2, ByteOrder.BIG_ENDIAN);

        final int version;
        final ByteOrder order;

        Base(int version, ByteOrder order) {
            this.version = version;
            this.order = order;
        }
    }

    static void assertHandBuiltValues(Volume v) {
        assertThat(v.shape()).containsExactly(NiftiTestFiles.NX, NiftiTestFiles.NY, NiftiTestFiles.NZ);
        for (int i = 0; i < NiftiTestFiles.NX; i++) {
            for (int j = 0; j < NiftiTestFiles.NY; j++) {
                for (int k = 0; k < NiftiTestFiles.NZ; k++) {
                    assertThat(v.data().get(i, j, k)).as("[%d,%d,%d]", i, j, k).isEqualTo(NiftiTestFiles.value(i, j, k));
                }
            }
        }
    }

    @Test
    void missingFileAndDirectoryAreRefused() {
        Path missing = dir.resolve("nope.nii.gz");
        assertThatThrownBy(() -> Nifti.read(missing)).isExactlyInstanceOf(NiftiException.class)
                .hasMessage(missing + ": no such file");
        assertThatThrownBy(() -> Nifti.readHeader(dir)).isExactlyInstanceOf(NiftiException.class)
                .hasMessage(dir + ": not a regular file");
    }

    @Test
    void gigabyteClaimsInTinyFilesAreRefusedBeforeAllocating() throws Exception {
        // 1024x1024x256 voxels = 1 GiB of float32, under the one-tensor limit; let the budget allow it
        // so that only the file-size checks can refuse it (an allocation would exhaust a test heap).
        ByteBuffer b = NiftiTestFiles.nifti1(ByteOrder.LITTLE_ENDIAN);
        b.putShort(42, (short) 1024).putShort(44, (short) 1024).putShort(46, (short) 256);
        b.putShort(70, (short) 2).putShort(72, (short) 8);
        Path plain = Files.write(dir.resolve("claim.nii"), b.array());
        Path gz = Files.write(dir.resolve("claim.nii.gz"), NiftiTestFiles.gzip(b.array()));
        long budget = Memory.budgetBytes();
        Memory.setBudgetBytes(64L << 30);
        try {
            assertThatThrownBy(() -> Nifti.read(plain)).isExactlyInstanceOf(NiftiException.class)
                    .hasMessage(plain + ": truncated data: 1024x1024x256 uint8 voxels need 268435456 bytes at offset 352,"
                            + " the file has only 48 after it");
            long size = Files.size(gz);
            assertThatThrownBy(() -> Nifti.read(gz)).isExactlyInstanceOf(NiftiException.class)
                    .hasMessage(gz + ": truncated data: 1024x1024x256 uint8 voxels need 268435456 bytes at offset 352,"
                            + " but a gzip file of " + size + " bytes decompresses to at most " + size * 1032
                            + " (deflate's limit is 1032:1)");
        } finally {
            Memory.setBudgetBytes(budget);
        }
    }

    @Test
    void dims4096CubedAreRefusedForBothPlainAndGzip() throws Exception {
        ByteBuffer b = NiftiTestFiles.nifti1(ByteOrder.BIG_ENDIAN);
        b.putShort(42, (short) 4096).putShort(44, (short) 4096).putShort(46, (short) 4096);
        for (String name : new String[] {"big.nii", "big.nii.gz"}) {
            byte[] bytes = name.endsWith(".gz") ? NiftiTestFiles.gzip(b.array()) : b.array();
            Path file = Files.write(dir.resolve(name), bytes);
            assertThat(Files.size(file)).isLessThan(1000);
            assertThatThrownBy(() -> Nifti.read(file)).isExactlyInstanceOf(NiftiException.class)
                    .hasMessage(file + ": NIfTI data 4096x4096x4096 float32: 68719476736 elements exceed the limit of one"
                            + " tensor (2147483631)");
            // the header alone is valid: a claim is only refused when the data are to be read
            assertThat(Nifti.readHeader(file).voxelCount()).isEqualTo(1L << 36);
        }
    }

    @Test
    void volumeOverTheMemoryBudgetIsRefused() {
        Path file = NiftiTestFiles.fixture("u8_sform.nii");
        long budget = Memory.budgetBytes();
        Memory.setBudgetBytes(512);
        try {
            assertThatThrownBy(() -> Nifti.read(file)).isExactlyInstanceOf(NiftiException.class)
                    .hasMessage(file + ": NIfTI data 7x6x5 uint8: needs 840 B, over the memory budget of 512 B"
                            + " (raise it with --max-memory or -Xmx)");
        } finally {
            Memory.setBudgetBytes(budget);
        }
    }

    @Test
    void seriesIsRefusedByTheThreeDimensionalReader() {
        Path file = NiftiTestFiles.fixture("f32_4d.nii.gz");
        assertThatThrownBy(() -> Nifti.read(file)).isExactlyInstanceOf(NiftiException.class)
                .hasMessage(file + ": is a 4-D series of 3 volumes (7x6x5x3), expected a single 3-D volume");
        assertThat(Nifti.readSeries(file).shape()).containsExactly(7, 6, 5, 3);
    }

    /** Tolerated like nibabel: fields a reader does not use, or that nibabel fixes silently. */
    @Test
    void harmlessOddFieldsAreTolerated() throws Exception {
        ByteBuffer b = NiftiTestFiles.nifti1(ByteOrder.LITTLE_ENDIAN);
        b.putFloat(84, 0f).putFloat(88, Float.NaN); // pixdim unused: the sform gives the affine
        b.putShort(252, (short) 77);                 // not an xform code: ignored
        b.putFloat(112, 0f).putFloat(116, Float.NaN); // slope 0: no scaling, so the intercept is unused
        b.putShort(48, (short) -5);                  // dim[4] beyond dim[0] = 3: ignored
        Path file = Files.write(dir.resolve("odd.nii"), b.array());
        assertHandBuiltValues(Nifti.read(file));

        // qfac (pixdim[0]) other than -1 counts as 1, and an unused pixdim[3] of a 2-D qform image as 1
        ByteBuffer q = NiftiTestFiles.nifti1(ByteOrder.LITTLE_ENDIAN);
        q.putShort(252, (short) 1).putShort(254, (short) 0).putFloat(76, 0f).putFloat(80, 2f);
        Path qfile = Files.write(dir.resolve("qfac.nii"), q.array());
        assertThat(Nifti.read(qfile).affine()).isDeepEqualTo(Volume.diagonalAffine(2, 1, 1));
        q.putShort(40, (short) 2).putShort(46, (short) 1).putFloat(88, 0f);
        Files.write(qfile, Arrays.copyOf(q.array(), 352 + NiftiTestFiles.NX * NiftiTestFiles.NY * 4));
        assertThat(Nifti.read(qfile).affine()).isDeepEqualTo(Volume.diagonalAffine(2, 1, 1));
    }

    /** Gzip is recognised by its magic bytes whatever the name; extensions and trailing bytes are skipped. */
    @Test
    void containerDetailsDoNotMatter() throws Exception {
        byte[] valid = NiftiTestFiles.nifti1(ByteOrder.LITTLE_ENDIAN).array();
        Path gzNamedNii = Files.write(dir.resolve("a.nii"), NiftiTestFiles.gzip(valid));
        Path plainNamedGz = Files.write(dir.resolve("b.nii.gz"), valid);
        assertThat(Nifti.readHeader(gzNamedNii).gzipped()).isTrue();
        assertThat(Nifti.readHeader(plainNamedGz).gzipped()).isFalse();
        assertHandBuiltValues(Nifti.read(gzNamedNii));
        assertHandBuiltValues(Nifti.read(plainNamedGz));

        // a 16-byte extension (flag 1, esize 16, ecode 6 "comment") before data at 368, then junk
        ByteBuffer ext = ByteBuffer.allocate(valid.length + 16 + 7).order(ByteOrder.LITTLE_ENDIAN);
        ext.put(valid, 0, 348).put(new byte[] {1, 0, 0, 0}).putInt(16).putInt(6).put("hi\0\0\0\0\0\0".getBytes());
        ext.put(valid, 352, valid.length - 352).put(new byte[7]);
        ext.putFloat(108, 368f);
        Path withExt = Files.write(dir.resolve("ext.nii"), ext.array());
        assertHandBuiltValues(Nifti.read(withExt));
        Path withExtGz = Files.write(dir.resolve("ext.nii.gz"), NiftiTestFiles.gzip(ext.array()));
        assertHandBuiltValues(Nifti.read(withExtGz));
    }
}
