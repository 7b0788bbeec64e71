package mrisr.sr.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import mrisr.sr.InputException;
import mrisr.sr.data.Phantoms;
import mrisr.sr.demo.Demo;
import mrisr.sr.io.Nifti;
import mrisr.sr.methods.Methods;
import mrisr.sr.methods.SrMethod;
import mrisr.sr.volume.Volume;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mrisr demo}: the main job on the embedded phantom, and on a real T1 volume when one is installed. */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        header = "The main job: simulate a low-resolution scan, run every SR method, score them, write a report.",
        description = {
            "Simulates a 4x through-plane acquisition (Gaussian slice profile, FWHM = slice thickness, 1% Rician noise) "
                + "of a brain phantom and, when installed, of the real T1 brain ch2 (Debian package mricron-data), "
                + "runs every SR method, prints PSNR / SSIM / HFEN / data-consistency / time per method, and writes "
                + "the volumes (NIfTI), a labelled figure (PNG) and report.md under the output directory."},
        footer = {"", "Examples:",
            "  mrisr demo                               phantom (+ ch2 when present) into demo-out/",
            "  mrisr demo --no-real --size 96,112,96    a quicker run on a smaller phantom",
            "  mrisr demo --methods bspline,sinc        only some methods",
            "  mrisr demo --methods all                 every registered method (slower)"})
public final class DemoCommand implements Callable<Integer> {
    static final Path DEFAULT_REAL = Path.of("/usr/share/mricron/templates/ch2.nii.gz");

    @Spec
    CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path out = Path.of("demo-out");

    @Option(names = "--size", paramLabel = "NX,NY,NZ", split = ",", description = "Phantom grid (default: 160,192,160 at 1 mm).")
    int[] size = {160, 192, 160};

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the phantom and the noise (default: ${DEFAULT-VALUE}).")
    long seed = 0;

    /**
     * What the demo runs by default: every method that finishes in seconds on a 1 mm brain, so the whole demo
     * stays within two minutes on two cores. Slower or model-based ones run with {@code --methods all} or by name.
     */
    static final List<String> DEFAULT_METHODS = List.of("nearest", "linear", "cubic", "bspline", "lanczos", "sinc",
            "tikhonov", "tv");

    @Option(names = "--methods", paramLabel = "LIST", split = ",",
            description = "Methods to run, or 'all' for every registered one (default: the interpolation baselines, tikhonov and tv).")
    List<String> methodNames;

    @Option(names = "--real", paramLabel = "FILE", description = "A real 1 mm volume to run as well (default: ch2.nii.gz from mricron-data when installed).")
    Path real;

    @Option(names = "--no-real", description = "Run on the phantom only.")
    boolean noReal;

    @Override
    public Integer call() throws Exception {
        if (size.length != 3) throw new InputException("--size: need 3 values NX,NY,NZ, got " + size.length);
        for (int s : size) {
            if (s < 16 || s > 1024) throw new InputException("--size: each dimension must be in 16..1024, got " + s);
        }
        List<SrMethod> methods = new ArrayList<>();
        if (methodNames != null && methodNames.size() == 1 && methodNames.get(0).trim().equals("all")) {
            // the network methods need a trained model, which the demo does not have
            Methods.all().stream().filter(m -> !(m instanceof mrisr.sr.nets.NetworkMethod)).forEach(methods::add);
        } else {
            for (String n : methodNames == null ? DEFAULT_METHODS : methodNames) methods.add(Methods.get(n.trim()));
        }
        Path realFile = real;
        if (real != null && !Files.isRegularFile(real)) throw new InputException("--real: no such file: " + real);
        if (realFile == null && !noReal) realFile = Files.isRegularFile(DEFAULT_REAL) ? DEFAULT_REAL : null;

        var err = spec.commandLine().getErr();
        var outWriter = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        Demo demo = new Demo(out, seed, methods, err);
        List<Demo.Result> results = new ArrayList<>();
        err.println("demo: building a " + size[0] + "x" + size[1] + "x" + size[2] + " brain phantom (seed " + seed + ")");
        Volume phantom = Phantoms.brain(size, new double[] {1, 1, 1}, seed).image();
        results.add(demo.run("phantom", phantom));
        if (realFile != null) {
            err.println("demo: reading " + realFile);
            results.add(demo.run("ch2", Nifti.read(realFile)));
        } else if (!noReal) {
            err.println("demo: real data not found (" + DEFAULT_REAL + "); install it with 'apt-get install mricron-data' to add ch2");
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Path report = demo.writeReport(results, seconds);
        for (Demo.Result r : results) {
            outWriter.println();
            outWriter.println(r.dataset() + " — " + r.description());
            outWriter.print(Demo.table(r.rows(), false));
        }
        outWriter.println();
        outWriter.printf(java.util.Locale.ROOT, "Wrote %s (volumes, figure.png per dataset) in %.1f s; report: %s%n", out, seconds, report);
        return 0;
    }
}
