package mrisr.sr.methods.selfsup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import mrisr.engine.Tensor;
import mrisr.sr.data.Phantoms;
import mrisr.sr.io.Nifti;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.SrMethod;
import mrisr.sr.methods.baseline.Interpolation;
import mrisr.sr.metrics.Psnr;
import mrisr.sr.metrics.Ssim;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.SliceProfile;
import mrisr.sr.volume.Volume;

/**
 * The accuracy check of the self-supervised methods, too slow for the unit tests: simulates
 * degradation (b) of the issue — 4× through-plane, Gaussian slice profile (FWHM = 4 mm), 1 %
 * Rician noise — or 2× in-plane for ZSSR, on the brain phantom or on a real volume, and prints
 * PSNR/SSIM (data range and mask: the truth's max − min, whole grid) of cubic B-spline and of the
 * method with its time.
 *
 * <pre>
 * java -cp … mrisr.sr.methods.selfsup.SelfSupervisedBenchmark smore phantom 160,192,160 [steps channels blocks patch]
 * java -cp … mrisr.sr.methods.selfsup.SelfSupervisedBenchmark smore /usr/share/mricron/templates/ch2.nii.gz
 * java -cp … mrisr.sr.methods.selfsup.SelfSupervisedBenchmark zssr phantom 160,192,160
 * </pre>
 * The truth is cropped at the far end of each resampled axis to a multiple of the factor (as the
 * demo does) so that the super-resolved grid equals it. Phantom seed 1; noise and method seed 0.
 */
public final class SelfSupervisedBenchmark {
    private SelfSupervisedBenchmark() {}

    public static void main(String[] args) {
        String method = args[0];
        Volume truth;
        if (args[1].equals("phantom")) {
            String[] s = args[2].split(",");
            int[] size = {Integer.parseInt(s[0]), Integer.parseInt(s[1]), Integer.parseInt(s[2])};
            truth = Phantoms.brain(size, new double[] {1, 1, 1}, 1).image();
        } else {
            Path file = Path.of(args[1]);
            if (!Files.isRegularFile(file)) {
                System.out.println("no such file " + file + "; nothing to do");
                return;
            }
            truth = Nifti.read(file);
        }
        int first = args[1].equals("phantom") ? 3 : 2;
        SelfSupervisedMethod m = method.equals("smore") ? new Smore() : new Zssr();
        if (args.length > first) {
            m = m.withSteps(Integer.parseInt(args[first])).withChannels(Integer.parseInt(args[first + 1]))
                    .withBlocks(Integer.parseInt(args[first + 2])).withPatch(Integer.parseInt(args[first + 3]));
        }
        if (args.length > first + 4) m = m.withLearningRate(Double.parseDouble(args[first + 4]));
        double[] factors = method.equals("smore") ? new double[] {1, 1, 4} : new double[] {2, 2, 1};
        truth = crop(truth, factors);
        Degradation d = Degradation.builder().factors(factors).profile(SliceProfile.Kind.GAUSSIAN).noise(0.01).rician(true)
                .seed(0).build();
        Volume lr = d.apply(truth);
        SrContext ctx = new SrContext(factors, 0).withProgress(System.err::println);
        float[] ref = truth.data().toArray();
        double range = range(ref);
        System.out.println(m + " on " + args[1] + " " + java.util.Arrays.toString(truth.shape()) + ", " + d.describe(truth.spacing()));
        report(Interpolation.bspline(), lr, ctx, ref, truth.shape(), range);
        report(m, lr, ctx, ref, truth.shape(), range);
    }

    private static void report(SrMethod m, Volume lr, SrContext ctx, float[] ref, int[] shape, double range) {
        long t0 = System.nanoTime();
        float[] out = m.run(lr, ctx).data().toArray();
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%-8s PSNR %.3f dB  SSIM %.4f  %.1f s%n", m.name(), Psnr.compute(ref, out, shape, null, range),
                Ssim.compute(ref, out, shape, null, range), seconds);
    }

    private static double range(float[] v) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (float x : v) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        return hi - lo;
    }

    private static Volume crop(Volume v, double[] factors) {
        int[] s = v.shape();
        Tensor t = v.data();
        for (int a = 0; a < 3; a++) t = t.narrow(a, 0, s[a] - s[a] % (int) factors[a]);
        return Volume.of(t.contiguous(), v.affine());
    }
}
