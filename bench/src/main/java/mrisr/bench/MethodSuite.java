package mrisr.bench;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import mrisr.sr.InputException;
import mrisr.sr.data.Phantoms;
import mrisr.sr.demo.Experiments;
import mrisr.sr.io.Nifti;
import mrisr.sr.methods.LearnedMethod;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.SrMethod;
import mrisr.sr.metrics.Hfen;
import mrisr.sr.metrics.Psnr;
import mrisr.sr.metrics.Ssim;
import mrisr.sr.physics.Degradation;
import mrisr.sr.physics.LinearOperator;
import mrisr.sr.physics.SliceProfile;
import mrisr.sr.volume.Volume;

/**
 * The leaderboard of {@code mrisr bench methods}: every SR method on every dataset under two
 * standard acquisitions, scored against the truth.
 *
 * <p>For one dataset {@code x} (a 1 mm volume) and one {@link Acquisition}: {@code x} is cropped at
 * the far end of each axis to a multiple of the factors ({@link Experiments#cropToMultiple}), the
 * low-resolution volume {@code y = H x + n} is simulated with {@link Degradation} (1 % Rician noise,
 * the run's seed), and each method gets {@code y} and an {@link SrContext} with the same factors,
 * seed and {@code Degradation}, so methods that invert the acquisition use the exact forward model.
 * A row then holds the prior or model a learned method used ({@link LearnedMethod#prior()}: e.g.
 * {@code "bundled dncnn"} or {@code "tv fallback"}) and, against the cropped truth: PSNR and 3-D
 * SSIM (data range = truth max − min),
 * HFEN, the data-consistency residual {@code ‖H(x̂) − y‖/‖y‖}, the wall time of the one call to
 * {@link SrMethod#run} and its peak JVM heap ({@link HeapSampler}).
 *
 * <p>Outcomes: a method that declines the job with an {@link InputException} (a network without
 * its model file, factors it does not support; these exceptions name what is missing) is
 * {@link Status#SKIPPED} with that message; any other exception or error from the method, or an
 * output the metrics cannot score (wrong grid, non-finite values), makes the row
 * {@link Status#FAILED} with its message. Either way the suite goes on with the next method.
 *
 * <p>Metrics are reproducible: the same datasets, seed and methods give bit-identical PSNR, SSIM,
 * HFEN and residuals (the methods, the degradation and the metrics are deterministic for any thread
 * count); times and memory are not.
 *
 * <pre>{@code
 * Dataset phantom = MethodSuite.phantom(new int[] {160, 192, 160}, 0);
 * Section s = MethodSuite.run(phantom, Acquisition.B, Methods.all(), 0, new PrintWriter(System.err, true));
 * }</pre>
 */
final class MethodSuite {
    private MethodSuite() {}

    /** Noise level of both acquisitions: σ = 1 % of the clean low-resolution image's range, Rician. */
    static final double NOISE = 0.01;

    /** Where Debian's {@code mricron-data} installs the ch2 template (a 1 mm T1 brain). */
    static final Path CH2 = Path.of("/usr/share/mricron/templates/ch2.nii.gz");

    /** The two standard acquisitions, by their one-letter ids. */
    enum Acquisition {
        /** 2× in-plane (i, j) k-space truncation; slices untouched. */
        A("a", "2x in-plane k-space truncation", new double[] {2, 2, 1}),
        /** 4× fewer slices along k with a Gaussian slice profile of FWHM = slice thickness (4 voxels). */
        B("b", "4x through-plane, Gaussian slice profile (FWHM = slice thickness)", new double[] {1, 1, 4});

        final String id;
        final String title;
        private final double[] factors;

        Acquisition(String id, String title, double[] factors) {
            this.id = id;
            this.title = title;
            this.factors = factors;
        }

        /** The factors along i, j, k (a copy). */
        double[] factors() {
            return factors.clone();
        }

        /**
         * The acquisition with id {@code id} ({@code a} or {@code b}, case-insensitive).
         *
         * @throws InputException naming {@code option} and the ids otherwise
         */
        static Acquisition byId(String id, String option) {
            for (Acquisition a : values()) if (a.id.equalsIgnoreCase(id.trim())) return a;
            throw new InputException(option + ": unknown degradation '" + id.trim() + "', expected "
                    + String.join(" or ", java.util.Arrays.stream(values()).map(a -> a.id).toList()));
        }

        /** The acquisition with 1 % Rician noise drawn from {@code seed}. */
        Degradation degradation(long seed) {
            Degradation.Builder b = Degradation.builder().factors(factors).noise(NOISE).rician(true).seed(seed);
            return this == A ? b.kspace(true).build() : b.profile(SliceProfile.Kind.GAUSSIAN).build();
        }
    }

    /**
     * A ground-truth volume.
     *
     * @param name        the id in reports ({@code phantom}, {@code ch2})
     * @param description one line: what it is, its grid and voxel size
     * @param truth       the 3-D volume
     */
    record Dataset(String name, String description, Volume truth) {}

    /** The brain phantom on a 1 mm grid of {@code size} voxels, its folding pattern and bias field from {@code seed}. */
    static Dataset phantom(int[] size, long seed) {
        Volume v = Phantoms.brain(size, new double[] {1, 1, 1}, seed).image();
        return new Dataset("phantom", "brain phantom " + grid(v) + ", seed " + seed, v);
    }

    /**
     * A real volume read from {@code file}.
     *
     * @throws InputException when the file cannot be read or is not a 3-D volume
     */
    static Dataset real(String name, Path file) {
        Volume v = Nifti.read(file);
        if (v.shape().length != 3) {
            throw new InputException(file + ": need a 3-D volume, got shape " + Arrays.toString(v.shape()));
        }
        return new Dataset(name, name + " (" + file + ") " + grid(v), v);
    }

    private static String grid(Volume v) {
        int[] s = v.shape();
        double[] sp = v.spacing();
        return String.format(Locale.ROOT, "%dx%dx%d at %sx%sx%s mm", s[0], s[1], s[2], mm(sp[0]), mm(sp[1]), mm(sp[2]));
    }

    private static String mm(double v) {
        return Math.abs(v - Math.rint(v)) < 1e-6 ? Long.toString(Math.round(v)) : String.format(Locale.ROOT, "%.3f", v);
    }

    /** How a method's row ended. */
    enum Status {
        OK, SKIPPED, FAILED;

        /** The JSON and table spelling. */
        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One method on one dataset and acquisition. Scores and costs are NaN unless {@code status} is
     * {@link Status#OK}.
     *
     * @param method     registry name
     * @param model      the prior or model a learned method used ({@link LearnedMethod#prior()}), else null
     * @param status     outcome
     * @param reason     why the method was skipped or failed, else null
     * @param psnr       dB
     * @param ssim       3-D SSIM
     * @param hfen       high-frequency error norm
     * @param dcResidual {@code ‖H(x̂) − y‖/‖y‖}
     * @param seconds    wall time of {@link SrMethod#run}
     * @param peakMb     peak JVM heap above the pre-run baseline, MB
     */
    record Row(String method, String model, Status status, String reason, double psnr, double ssim, double hfen, double dcResidual,
            double seconds, double peakMb) {

        static Row ok(String method, String model, double psnr, double ssim, double hfen, double dc, double seconds, double peakMb) {
            return new Row(method, model, Status.OK, null, psnr, ssim, hfen, dc, seconds, peakMb);
        }

        static Row notRun(String method, String model, Status status, String reason) {
            double n = Double.NaN;
            return new Row(method, model, status, reason, n, n, n, n, n, n);
        }
    }

    /**
     * All methods on one dataset under one acquisition.
     *
     * @param dataset     dataset name
     * @param acquisition the acquisition
     * @param degradation {@link Degradation#describe} of the simulated acquisition
     * @param hrShape     the cropped truth's grid
     * @param lrShape     the simulated low-resolution grid
     * @param rows        one per method, in the order given
     */
    record Section(String dataset, Acquisition acquisition, String degradation, int[] hrShape, int[] lrShape,
            List<Row> rows) {}

    /**
     * Simulates {@code a} on {@code d} and runs every method on the result.
     *
     * @param methods  the methods, in row order
     * @param seed     seed of the noise and of the methods' randomness
     * @param progress receives one line per step and the methods' progress lines
     */
    static Section run(Dataset d, Acquisition a, List<SrMethod> methods, long seed, PrintWriter progress) {
        String tag = d.name() + "/" + a.id;
        Volume hr = Experiments.cropToMultiple(d.truth(), a.factors());
        Degradation degradation = a.degradation(seed);
        String description = degradation.describe(hr.spacing());
        say(progress, tag + ": simulating " + description);
        Volume lr = degradation.apply(hr);
        Scorer scorer = new Scorer(hr, lr, degradation.operator(hr.shape(), hr.spacing()));
        SrContext base = new SrContext(a.factors(), seed).withDegradation(degradation);
        List<Row> rows = new ArrayList<>();
        for (SrMethod m : methods) {
            say(progress, tag + ": running " + m.name() + (m instanceof LearnedMethod l ? " (" + l.prior() + ")" : ""));
            SrContext ctx = base.withProgress(line -> say(progress, tag + ": " + line));
            Row row = runOne(m, lr, ctx, scorer);
            rows.add(row);
            say(progress, tag + ": " + m.name() + " " + summary(row));
        }
        return new Section(d.name(), a, description, hr.shape(), lr.shape(), List.copyOf(rows));
    }

    /** Runs and scores one method; never throws for a method's exception or error. */
    static Row runOne(SrMethod m, Volume lr, SrContext ctx, Scorer scorer) {
        String model = m instanceof LearnedMethod l ? l.prior() : null;
        Volume sr;
        double seconds, peakMb;
        HeapSampler heap = HeapSampler.start();
        try {
            long t0 = System.nanoTime();
            sr = m.run(lr, ctx);
            seconds = (System.nanoTime() - t0) / 1e9;
        } catch (InputException e) {
            return Row.notRun(m.name(), model, Status.SKIPPED, message(e));
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            return Row.notRun(m.name(), model, Status.FAILED, e.getClass().getSimpleName() + ": " + message(e));
        } finally {
            peakMb = heap.stop();
        }
        try {
            return scorer.score(m.name(), model, sr, seconds, peakMb);
        } catch (RuntimeException e) {
            return Row.notRun(m.name(), model, Status.FAILED, "cannot score the output: " + message(e));
        }
    }

    /** Scores outputs against one truth and measurement. */
    static final class Scorer {
        private final int[] shape;
        private final float[] truth, measured;
        private final double range;
        private final LinearOperator h;

        /**
         * @param hr the truth (not modified)
         * @param lr the measurement (not modified)
         * @param h  the noise-free forward model from {@code hr}'s grid to {@code lr}'s
         */
        Scorer(Volume hr, Volume lr, LinearOperator h) {
            this.shape = hr.shape();
            this.truth = hr.data().toArray();
            this.measured = lr.data().toArray();
            this.range = Experiments.dataRange(truth);
            this.h = h;
        }

        Row score(String method, String model, Volume sr, double seconds, double peakMb) {
            if (!Arrays.equals(sr.shape(), shape)) {
                throw new IllegalStateException("the output grid is " + Arrays.toString(sr.shape()) + ", the truth's is "
                        + Arrays.toString(shape));
            }
            float[] values = sr.data().toArray();
            double psnr = Psnr.compute(truth, values, shape, null, range);
            double ssim = Ssim.compute(truth, values, shape, null, range);
            double hfen = Hfen.compute(truth, values, shape, null);
            double dc = Experiments.dataConsistency(h, sr.data(), measured);
            return Row.ok(method, model, psnr, ssim, hfen, dc, seconds, peakMb);
        }
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.replace('\n', ' ');
    }

    private static String summary(Row r) {
        return switch (r.status()) {
            case OK -> String.format(Locale.ROOT, "PSNR %.2f dB, SSIM %.4f, %.2f s, %.1f MB", r.psnr(), r.ssim(), r.seconds(),
                    r.peakMb());
            case SKIPPED -> "skipped: " + r.reason();
            case FAILED -> "failed: " + r.reason();
        };
    }

    private static void say(PrintWriter progress, String line) {
        progress.println("bench methods: " + line);
        progress.flush();
    }
}
