package mrisr.sr.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import mrisr.kernels.KernelInfo;
import mrisr.sr.io.AtomicFiles;
import mrisr.sr.io.Figure;
import mrisr.sr.io.Nifti;
import mrisr.sr.methods.Methods;
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
 * The main job, end to end on one high-resolution volume: simulate a 4× through-plane acquisition
 * (Gaussian slice profile with FWHM = slice thickness, 1% Rician noise), super-resolve it with every
 * registered method, score each against the truth, and write the volumes, a figure and a markdown
 * report.
 *
 * <p>Scores: PSNR and 3-D SSIM (data range = truth max − min), HFEN, and the data-consistency residual
 * {@code ‖H(x̂) − y‖ / ‖y‖}: how far the method's output is from explaining the measured LR volume
 * under the same forward model (the noise alone gives about 1%).
 */
public final class Demo {
    /** The simulated acquisition: 4× fewer slices along k. */
    public static final double[] FACTORS = {1, 1, 4};
    public static final double NOISE = 0.01;

    /** One method's scores on one dataset. */
    public record Row(String method, double psnr, double ssim, double hfen, double dcResidual, double seconds) {}

    /** Everything the demo produced for one dataset. */
    public record Result(String dataset, String description, List<Row> rows, Path figure) {}

    private final Path outDir;
    private final long seed;
    private final List<SrMethod> methods;
    private final PrintWriter log;

    /**
     * @param outDir  where volumes, figures and the report go (created if missing)
     * @param methods the methods to run, in table order
     * @param log     receives one progress line per step
     */
    public Demo(Path outDir, long seed, List<SrMethod> methods, PrintWriter log) {
        this.outDir = outDir;
        this.seed = seed;
        this.methods = List.copyOf(methods);
        this.log = log;
    }

    /**
     * Simulates, super-resolves and scores one volume; writes {@code outDir/name/*.nii.gz} and the
     * figure. The truth is cropped at the far end of k so that its slice count is a multiple of 4.
     */
    public Result run(String name, Volume truth) throws IOException {
        Path dir = outDir.resolve(name);
        Files.createDirectories(dir);
        Volume hr = Experiments.cropToMultiple(truth, FACTORS);
        int[] shape = hr.shape();
        Degradation degradation = Degradation.builder().factors(FACTORS).profile(SliceProfile.Kind.GAUSSIAN)
                .noise(NOISE).rician(true).seed(seed).build();
        String description = degradation.describe(hr.spacing());
        step(name + ": simulating " + description);
        Volume lr = degradation.apply(hr);
        LinearOperator h = degradation.operator(shape, hr.spacing());
        float[] truthValues = hr.data().toArray();
        float[] measured = lr.data().toArray();
        double range = Experiments.dataRange(truthValues);
        write(hr, dir.resolve("hr.nii.gz"));
        write(lr, dir.resolve("lr.nii.gz"));

        List<Row> rows = new ArrayList<>();
        List<float[]> outputs = new ArrayList<>();
        SrContext ctx = SrContext.of(FACTORS[0], FACTORS[1], FACTORS[2]).withDegradation(degradation)
                .withProgress(line -> step(name + ": " + line));
        for (SrMethod m : methods) {
            step(name + ": running " + m.name());
            long t0 = System.nanoTime();
            Volume sr = m.run(lr, ctx);
            double seconds = (System.nanoTime() - t0) / 1e9;
            float[] values = sr.data().toArray();
            double psnr = Psnr.compute(truthValues, values, shape, null, range);
            double ssim = Ssim.compute(truthValues, values, shape, null, range);
            double hfen = Hfen.compute(truthValues, values, shape, null);
            double dc = Experiments.dataConsistency(h, sr.data(), measured);
            rows.add(new Row(m.name(), psnr, ssim, hfen, dc, seconds));
            outputs.add(values);
            write(sr, dir.resolve(m.name() + ".nii.gz"));
        }
        step(name + ": drawing the figure");
        Path figure = dir.resolve("figure.png");
        byte[] png = figure(name, hr, lr, truthValues, outputs, rows, range);
        AtomicFiles.write(figure, o -> o.write(png));
        return new Result(name, description, rows, figure);
    }

    private byte[] figure(String name, Volume hr, Volume lr, float[] truth, List<float[]> outputs, List<Row> rows,
            double range) {
        int[] shape = hr.shape();
        double lo = Views.quantile(truth, 0.005), hi = Views.quantile(truth, 0.995);
        double errHi = 0.25 * range;
        List<String> columns = new ArrayList<>();
        for (Views.Plane p : Views.Plane.values()) columns.add(p.label);
        for (Views.Plane p : Views.Plane.values()) columns.add("error " + p.label);
        Figure f = new Figure(name + ": 4x through-plane, gaussian profile, 1% rician noise", columns, 1);
        // the LR volume is shown on the HR grid by nearest-neighbour repetition of its slices
        float[] lrShown = Methods.get("nearest").run(lr, SrContext.of(FACTORS[0], FACTORS[1], FACTORS[2])).data().toArray();
        addRow(f, "HR (truth)", truth, truth, shape, lo, hi, errHi);
        addRow(f, "LR", lrShown, truth, shape, lo, hi, errHi);
        for (int m = 0; m < outputs.size(); m++) {
            Row r = rows.get(m);
            String label = String.format(Locale.ROOT, "%s %.2f dB", r.method(), r.psnr());
            addRow(f, label, outputs.get(m), truth, shape, lo, hi, errHi);
        }
        return f.toPng();
    }

    private static void addRow(Figure f, String label, float[] values, float[] truth, int[] shape, double lo,
            double hi, double errHi) {
        float[] err = Views.absDiff(values, truth);
        List<Figure.Panel> panels = new ArrayList<>();
        for (Views.Plane p : Views.Plane.values()) panels.add(Views.slice(values, shape, p, lo, hi, Figure.Colormap.GRAY));
        for (Views.Plane p : Views.Plane.values()) panels.add(Views.slice(err, shape, p, 0, errHi, Figure.Colormap.HOT));
        f.addRow(label, panels);
    }

    /** The markdown report for all datasets; embeds each figure by its path relative to {@code outDir}. */
    public String report(List<Result> results, double totalSeconds) {
        StringBuilder b = new StringBuilder("# mrisr demo\n\n");
        b.append("Simulated acquisition: ").append((int) FACTORS[2]).append("x fewer slices along k, Gaussian slice profile ")
                .append("(FWHM = slice thickness), ").append(Math.round(NOISE * 100)).append("% Rician noise, seed ")
                .append(seed).append(".\n\n");
        b.append("Columns: PSNR and SSIM (3-D, data range = truth max - min; higher is better), HFEN (lower is better), ")
                .append("DC = data-consistency residual ||H(x) - y|| / ||y|| against the measured LR volume (the noise alone ")
                .append("accounts for about ").append(Math.round(NOISE * 100)).append("% of the signal range), seconds of wall time.\n\n");
        for (Result r : results) {
            b.append("## ").append(r.dataset()).append("\n\n").append(r.description()).append("\n\n");
            b.append(table(r.rows(), true)).append('\n');
            b.append("![").append(r.dataset()).append("](").append(outDir.relativize(r.figure()).toString().replace('\\', '/'))
                    .append(")\n\n");
        }
        b.append(String.format(Locale.ROOT, "Total time %.1f s. %s%n", totalSeconds, KernelInfo.describe()));
        return b.toString();
    }

    /** The results as an aligned text table (markdown when {@code markdown}). */
    public static String table(List<Row> rows, boolean markdown) {
        StringBuilder b = new StringBuilder();
        String fmt = markdown ? "| %-10s | %8s | %7s | %7s | %8s | %8s |%n" : "%-10s %9s %8s %8s %9s %9s%n";
        b.append(String.format(Locale.ROOT, fmt, "method", "PSNR dB", "SSIM", "HFEN", "DC", "seconds"));
        if (markdown) b.append("|------------|---------:|--------:|--------:|---------:|---------:|\n");
        for (Row r : rows) {
            b.append(String.format(Locale.ROOT, fmt, r.method(), String.format(Locale.ROOT, "%.2f", r.psnr()),
                    String.format(Locale.ROOT, "%.4f", r.ssim()), String.format(Locale.ROOT, "%.4f", r.hfen()),
                    String.format(Locale.ROOT, "%.4f", r.dcResidual()), String.format(Locale.ROOT, "%.2f", r.seconds())));
        }
        return b.toString();
    }

    private void step(String message) {
        log.println("demo: " + message);
        log.flush();
    }

    private static void write(Volume v, Path path) throws IOException {
        Nifti.write(v, path);
    }

    /** Writes the report as {@code outDir/report.md}. */
    public Path writeReport(List<Result> results, double totalSeconds) throws IOException {
        Path p = outDir.resolve("report.md");
        byte[] text = report(results, totalSeconds).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(p, o -> o.write(text));
        return p;
    }
}
