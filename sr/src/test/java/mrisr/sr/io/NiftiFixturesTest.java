package mrisr.sr.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteOrder;
import java.util.List;
import mrisr.sr.io.NiftiTestFiles.Record;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reads the nibabel-written fixtures (sr/src/test/python/make_nifti_fixtures.py) and compares with
 * what nibabel itself reads from them: header fields, {@code img.affine}, {@code aff2axcodes} and
 * every value of {@code img.get_fdata()}.
 */
class NiftiFixturesTest {

    static List<Record> fixtures() {
        return NiftiTestFiles.records("expected.txt");
    }

    @Test
    void everyFeatureIsCovered() {
        List<Record> all = fixtures();
        assertThat(all).extracting(r -> r.text("datatype")).contains("2", "4", "8", "16", "64", "256", "512");
        assertThat(all).extracting(r -> r.text("version")).contains("1", "2");
        assertThat(all).extracting(r -> r.text("endian")).contains("little", "big");
        assertThat(all).extracting(r -> r.text("gzip")).contains("true", "false");
        assertThat(all).extracting(r -> r.values("shape").length).contains(2, 3, 4);
        assertThat(all).extracting(r -> r.text("qform_code") + "/" + r.text("sform_code")).contains("1/0", "0/2", "1/2", "0/0");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void readsWhatNibabelReads(Record r) {
        NiftiImage img = Nifti.load(NiftiTestFiles.fixture(r.name()));
        NiftiHeader h = img.header();
        assertThat(h.version()).isEqualTo(Integer.parseInt(r.text("version")));
        assertThat(h.gzipped()).isEqualTo(Boolean.parseBoolean(r.text("gzip")));
        assertThat(h.byteOrder()).isEqualTo(r.text("endian").equals("big") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        assertThat(h.datatype().code()).isEqualTo(Integer.parseInt(r.text("datatype")));
        assertThat(h.qformCode()).isEqualTo(Integer.parseInt(r.text("qform_code")));
        assertThat(h.sformCode()).isEqualTo(Integer.parseInt(r.text("sform_code")));
        double[] scaling = r.numbers("scaling");
        assertThat(Double.valueOf(h.sclSlope())).isEqualTo(Double.valueOf(scaling[0])); // NaN equals NaN here
        assertThat(Double.valueOf(h.sclInter())).isEqualTo(Double.valueOf(scaling[1]));

        int[] shape = r.ints("shape");
        long[] dims = h.dims();
        assertThat(dims).hasSize(shape.length);
        for (int d = 0; d < shape.length; d++) assertThat(dims[d]).isEqualTo(shape[d]);

        Volume v = img.volume();
        double[][] expected = r.matrix("affine");
        double[][] affine = v.affine();
        for (int row = 0; row < 4; row++) {
            for (int c = 0; c < 4; c++) {
                // nibabel builds a qform affine in float32; sform and pixdim affines agree exactly
                double tol = h.affineSource() == NiftiHeader.AffineSource.QFORM ? 2e-6 * Math.max(1, Math.abs(expected[row][c])) : 0;
                assertThat(affine[row][c]).as("affine[%d][%d]", row, c).isCloseTo(expected[row][c], within(tol));
            }
        }
        assertThat(Affines.axisCodes(affine)).isEqualTo(r.text("axcodes"));

        // nibabel's data in C order over its shape; ours is [nx, ny, nz(, nt)] with size-1 axes for 2-D
        double[] data = r.numbers("data");
        float[] ours = v.data().toArray();
        assertThat(ours).hasSize(data.length);
        for (int n = 0; n < data.length; n++) {
            float want = (float) data[n];
            assertThat(ours[n]).as("value %d", n).isCloseTo(want, within(Math.ulp(want)));
        }
    }

    @Test
    void threeDimensionalReadersAgreeOnShape() {
        assertThat(Nifti.read(NiftiTestFiles.fixture("f32_2d.nii")).shape()).containsExactly(7, 6, 1);
        assertThat(Nifti.read(NiftiTestFiles.fixture("u8_sform.nii.gz")).shape()).containsExactly(7, 6, 5);
        assertThat(Nifti.readSeries(NiftiTestFiles.fixture("u8_sform.nii.gz")).shape()).containsExactly(7, 6, 5, 1);
        assertThat(Nifti.load(NiftiTestFiles.fixture("f32_4d.nii.gz")).volume().shape()).containsExactly(7, 6, 5, 3);
    }

    @Test
    void affineSourceFollowsTheCodes() {
        assertThat(Nifti.readHeader(NiftiTestFiles.fixture("i32_qform.nii")).affineSource()).isEqualTo(NiftiHeader.AffineSource.QFORM);
        assertThat(Nifti.readHeader(NiftiTestFiles.fixture("f32_sform_oblique.nii")).affineSource())
                .isEqualTo(NiftiHeader.AffineSource.SFORM);
        assertThat(Nifti.readHeader(NiftiTestFiles.fixture("noxform.nii")).affineSource()).isEqualTo(NiftiHeader.AffineSource.PIXDIM);
    }
}
