package mrisr.sr.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import mrisr.kernels.Parallel;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.Test;

class PhantomsTest {
    private static final double[] ISO2 = {2, 2, 2};

    @Test
    void gridSpacingAndCentredAffine() {
        int[] shape = {40, 48, 36};
        double[] spacing = {1.5, 1, 2};
        Phantoms.Brain b = Phantoms.brain(shape, spacing, 3);
        for (Volume v : new Volume[] {b.image(), b.labels()}) {
            assertArrayEquals(shape, v.shape());
            assertArrayEquals(spacing, v.spacing(), 1e-12);
            assertArrayEquals(new double[] {0, 0, 0}, v.toWorld(19.5, 23.5, 17.5), 1e-12);
            assertArrayEquals(new double[] {-1.5 * 19.5, -23.5, -2 * 17.5}, v.toWorld(0, 0, 0), 1e-12);
        }
        Volume sl = Phantoms.sheppLogan(shape, spacing, Phantoms.SheppLoganVariant.MODIFIED);
        assertArrayEquals(new double[] {0, 0, 0}, sl.toWorld(19.5, 23.5, 17.5), 1e-12);
    }

    @Test
    void theSeedDecidesEverything() {
        int[] shape = {40, 48, 40};
        float[] a = Phantoms.brain(shape, ISO2, 5).image().data().toArray();
        float[] b = Phantoms.brain(shape, ISO2, 5).image().data().toArray();
        float[] c = Phantoms.brain(shape, ISO2, 6).image().data().toArray();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() {
        int[] shape = {37, 41, 29};
        int before = Parallel.threads();
        try {
            Parallel.setThreads(1);
            Phantoms.Brain one = Phantoms.brain(shape, ISO2, 9);
            Parallel.setThreads(2);
            Phantoms.Brain two = Phantoms.brain(shape, ISO2, 9);
            assertArrayEquals(one.image().data().toArray(), two.image().data().toArray());
            assertArrayEquals(one.labels().data().toArray(), two.labels().data().toArray());
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void tissuesHaveT1ContrastAndPlausibleVolumes() {
        int[] shape = {80, 96, 80};
        Phantoms.Brain b = Phantoms.brain(shape, ISO2, 1);
        float[] im = b.image().data().toArray(), lab = b.labels().data().toArray();
        double[] sum = new double[5];
        long[] count = new long[5];
        float max = 0, min = Float.MAX_VALUE;
        for (int i = 0; i < im.length; i++) {
            int l = Math.round(lab[i]);
            sum[l] += im[i];
            count[l]++;
            max = Math.max(max, im[i]);
            min = Math.min(min, im[i]);
            if (l == Tissue.BACKGROUND.code() && Math.abs(Phantoms.normalised(i / (96 * 80), 80)) > 0.95) assertEquals(0f, im[i]);
        }
        assertEquals(1f, max);
        assertTrue(min >= 0);
        double[] mean = new double[5];
        for (int l = 0; l < 5; l++) {
            assertTrue(count[l] > 0, "label " + l + " missing");
            mean[l] = sum[l] / count[l];
        }
        assertTrue(mean[3] > mean[2] && mean[2] > mean[4] && mean[4] > mean[1] && mean[1] > mean[0],
                "T1 order WM > GM > lesion > CSF > background: " + Arrays.toString(mean));
        long brain = count[1] + count[2] + count[3] + count[4];
        assertTrue(count[2] > 0.25 * brain && count[3] > 0.4 * brain && count[1] > 0.05 * brain, Arrays.toString(count));
    }

    /**
     * The head phantom wraps the same seed's brain, shrunk, in layers from the inside out, with fat
     * the brightest tissue; the brain phantom never uses the head's tissues.
     */
    @Test
    void headWrapsTheBrainInLayersWithBrightFat() {
        int[] shape = {80, 96, 80};
        Phantoms.Brain head = Phantoms.head(shape, ISO2, 1), brain = Phantoms.brain(shape, ISO2, 1);
        float[] im = head.image().data().toArray(), lab = head.labels().data().toArray(), brainLab = brain.labels().data().toArray();
        int tissues = Tissue.values().length;
        double[] sum = new double[tissues];
        long[] count = new long[tissues], brainCount = new long[tissues];
        float max = 0;
        for (int i = 0; i < im.length; i++) {
            int l = Math.round(lab[i]);
            sum[l] += im[i];
            count[l]++;
            brainCount[Math.round(brainLab[i])]++;
            max = Math.max(max, im[i]);
        }
        assertEquals(1f, max);
        double[] mean = new double[tissues];
        for (int l = 0; l < tissues; l++) {
            assertTrue(count[l] > 0, "head label " + l + " missing");
            mean[l] = sum[l] / count[l];
        }
        for (int l = Tissue.BONE.code(); l < tissues; l++) assertEquals(0, brainCount[l], "brain phantom has label " + l);
        int fat = Tissue.FAT.code(), marrow = Tissue.MARROW.code(), wm = Tissue.WHITE_MATTER.code();
        // the thin layers are mostly partial volume at 2 mm, so only the robust parts of the order
        for (int l = 0; l < tissues; l++) if (l != fat) assertTrue(mean[fat] > mean[l], "fat brightest: " + Arrays.toString(mean));
        assertTrue(mean[wm] > mean[Tissue.GREY_MATTER.code()] && mean[marrow] > mean[Tissue.BONE.code()], Arrays.toString(mean));
        // the brain shrinks by 1 + HEAD_EXTENT along each axis
        double ratio = (double) (count[2] + count[3]) / (brainCount[2] + brainCount[3]);
        double expected = Math.pow(1 + BrainPhantom.HEAD_EXTENT, -3);
        assertTrue(Math.abs(ratio - expected) < 0.15 * expected, "brain volume ratio " + ratio + ", expected about " + expected);
        // upwards from the centre: brain, then marrow before fat, and fat or skin last before the background
        int ci = shape[0] / 2 + 5, cj = shape[1] / 2;
        StringBuilder order = new StringBuilder();
        int last = -1;
        for (int k = shape[2] / 2; k < shape[2]; k++) {
            int l = Math.round(lab[(ci * shape[1] + cj) * shape[2] + k]);
            if (l != last) order.append(l);
            last = l;
        }
        String seq = order.toString();
        assertTrue(seq.matches(".*[23].*6.*8[9]?0"), "labels along the ray " + seq);
    }

    @Test
    void severalSmallSeparateLesions() {
        int[] shape = {160, 192, 160};
        float[] lab = Phantoms.brain(shape, new double[] {1, 1, 1}, 0).labels().data().toArray();
        int lesions = components(lab, shape, Tissue.LESION.code());
        assertTrue(lesions >= 5 && lesions <= 8, "lesions: " + lesions);
    }

    @Test
    void gridsOverTheSameFieldOfViewSampleTheSameObject() {
        float[] fine = Phantoms.brain(new int[] {96, 112, 96}, new double[] {1, 1, 1}, 2).image().data().toArray();
        float[] coarse = Phantoms.brain(new int[] {48, 56, 48}, ISO2, 2).image().data().toArray();
        double diff = 0, mean = 0;
        for (int i = 0; i < 48; i++) {
            for (int j = 0; j < 56; j++) {
                for (int k = 0; k < 48; k++) {
                    double s = 0;
                    for (int d = 0; d < 8; d++) s += fine[((2 * i + (d >> 2)) * 112 + 2 * j + (d >> 1 & 1)) * 96 + 2 * k + (d & 1)];
                    double v = coarse[(i * 56 + j) * 48 + k];
                    diff += Math.abs(s / 8 - v);
                    mean += v;
                }
            }
        }
        assertTrue(diff / mean < 0.05, "relative mean difference " + diff / mean);
    }

    @Test
    void sheppLoganHasTheTabulatedValues() {
        // n = 100: voxel centres at odd hundredths, u = (2i − 99)/100
        int[] shape = {100, 100, 100};
        float[] m = Phantoms.sheppLogan(shape, new double[] {1, 1, 1}, Phantoms.SheppLoganVariant.MODIFIED).data().toArray();
        float[] o = Phantoms.sheppLogan(shape, new double[] {1, 1, 1}, Phantoms.SheppLoganVariant.ORIGINAL).data().toArray();
        int centre = at(50, 50, 50); // (0.01, 0.01, 0.01): skull 1 + brain −0.8
        assertEquals(0.2f, m[centre], 1e-6);
        assertEquals(0.02f, o[centre], 1e-6);
        assertEquals(0.3f, m[at(50, 67, 42)], 1e-6); // (0.01, 0.35, −0.15): centre of ellipsoid 5
        assertEquals(1f, m[at(83, 50, 50)], 1e-6);   // x = 0.67: in the skull (a = 0.69), outside the brain (0.6624)
        assertEquals(0f, m[at(85, 50, 50)]);         // x = 0.71: outside
        assertEquals(0f, m[at(61, 50, 50)]);         // x = 0.23 ≈ 0.22 (ventricle, rotated about the origin): 1 − 0.8 − 0.2
        for (float v : m) assertTrue(v >= 0 && v <= 1);
    }

    private static int at(int i, int j, int k) {
        return (i * 100 + j) * 100 + k;
    }

    @Test
    void badGridsAreTypedErrorsBeforeAllocating() {
        PhantomException e = assertThrows(PhantomException.class, () -> Phantoms.brain(new int[] {160, 0, 160}, ISO2, 1));
        assertTrue(e.getMessage().contains("axis 1 is 0"), e.getMessage());
        e = assertThrows(PhantomException.class, () -> Phantoms.brain(new int[] {10, 10, 10}, new double[] {1, Double.NaN, 1}, 1));
        assertTrue(e.getMessage().contains("spacing"), e.getMessage());
        e = assertThrows(PhantomException.class, () -> Phantoms.sheppLogan(new int[] {100000, 100000, 100000}, ISO2, Phantoms.SheppLoganVariant.MODIFIED));
        assertTrue(e.getMessage().contains("voxels"), e.getMessage());
        assertThrows(PhantomException.class, () -> Phantoms.brain(new int[] {10, 10}, ISO2, 1));
    }

    /** Number of 6-connected components of one label. */
    static int components(float[] lab, int[] sh, int label) {
        boolean[] seen = new boolean[lab.length];
        int[] stack = new int[lab.length];
        int comps = 0;
        for (int s = 0; s < lab.length; s++) {
            if (seen[s] || Math.round(lab[s]) != label) continue;
            comps++;
            int sp = 0;
            stack[sp++] = s;
            seen[s] = true;
            while (sp > 0) {
                int v = stack[--sp];
                int k = v % sh[2], j = v / sh[2] % sh[1], i = v / (sh[1] * sh[2]);
                int[][] nb = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
                for (int[] d : nb) {
                    int ii = i + d[0], jj = j + d[1], kk = k + d[2];
                    if (ii < 0 || jj < 0 || kk < 0 || ii >= sh[0] || jj >= sh[1] || kk >= sh[2]) continue;
                    int w = (ii * sh[1] + jj) * sh[2] + kk;
                    if (!seen[w] && Math.round(lab[w]) == label) {
                        seen[w] = true;
                        stack[sp++] = w;
                    }
                }
            }
        }
        return comps;
    }
}
