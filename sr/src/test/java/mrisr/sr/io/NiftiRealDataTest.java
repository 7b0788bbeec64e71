package mrisr.sr.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mrisr.sr.io.NiftiTestFiles.Record;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real MRI templates from Debian's {@code mricron-data} (skipped when it is not installed): shape,
 * affine, orientation, sum, range and sample voxels agree with nibabel, and a write/read round trip
 * keeps them.
 */
class NiftiRealDataTest {
    static final Path TEMPLATES = Path.of("/usr/share/mricron/templates");

    static List<Record> templates() {
        return NiftiTestFiles.records("mricron_templates.txt");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("templates")
    void readsTheTemplateLikeNibabel(Record r, @TempDir Path dir) {
        Path file = TEMPLATES.resolve(r.name());
        assumeTrue(Files.isRegularFile(file), () -> file + " not installed (apt-get install mricron-data); skipped");
        NiftiImage img = Nifti.load(file);
        assertThat(img.header().datatype().code()).isEqualTo(Integer.parseInt(r.text("datatype")));
        Volume v = img.volume();
        assertThat(v.shape()).containsExactly(r.ints("shape"));
        assertThat(v.affine()).isDeepEqualTo(r.matrix("affine"));
        assertThat(Affines.axisCodes(v.affine())).isEqualTo(r.text("axcodes"));

        float[] data = v.data().toArray();
        double sum = 0, min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (float x : data) {
            sum += x;
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        double want = r.numbers("sum")[0];
        assertThat(sum).isCloseTo(want, within(1e-9 * Math.abs(want)));
        assertThat(min).isEqualTo(r.numbers("min")[0]);
        assertThat(max).isEqualTo(r.numbers("max")[0]);
        int[] idx = r.ints("sample_index");
        double[] values = r.numbers("sample_value");
        for (int s = 0; s < values.length; s++) {
            assertThat((double) v.data().get(idx[3 * s], idx[3 * s + 1], idx[3 * s + 2])).isEqualTo(values[s]);
        }

        // written in the template's own datatype and read back: the same values and affine
        Path copy = dir.resolve("copy.nii");
        Nifti.write(v, copy, img.header().datatype());
        Volume back = Nifti.read(copy);
        NiftiTestFiles.assertSameValues(back.data().toArray(), data);
        assertThat(back.affine()).isDeepEqualTo(v.affine());
    }
}
