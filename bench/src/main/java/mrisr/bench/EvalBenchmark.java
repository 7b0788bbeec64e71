package mrisr.bench;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import mrisr.sr.data.Phantoms;
import mrisr.sr.methods.baseline.Interpolation;
import mrisr.sr.metrics.Evaluation;
import mrisr.sr.metrics.Hfen;
import mrisr.sr.metrics.MsSsim;
import mrisr.sr.metrics.Ssim;
import mrisr.sr.metrics.Vif;
import mrisr.sr.physics.Degradation;
import mrisr.sr.volume.Volume;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code mrisr eval}'s computation ({@link Evaluation#evaluate}: PSNR, SSIM, MS-SSIM, NRMSE, HFEN,
 * VIF) on one 181×217×181 pair, the size of a 1 mm MNI-space brain, plus the four filtering metrics
 * alone so that the one that dominates is visible. {@link EvalVsSkimage} times the same pair against
 * scikit-image's SSIM.
 *
 * <p>The pair is fixed: the reference is {@code Phantoms.brain} (1 mm voxels, seed {@value #SEED});
 * the test volume is that phantom degraded to 4 mm slices ({@code Degradation} factors 1,1,4,
 * Gaussian slice profile, 1 % Gaussian noise, seed {@value #SEED}) and cubic-interpolated back onto
 * the 181-slice grid — a typical super-resolution baseline output.
 *
 * <pre>
 *   java -jar bench/target/benchmarks.jar EvalBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsPrepend = {"--add-modules=jdk.incubator.vector"}, jvmArgsAppend = {"-Xmx8g", "-XX:+UseParallelGC"})
@Warmup(iterations = 3)
@Measurement(iterations = 7)
public class EvalBenchmark {
    /** Grid of the pair: 1 mm MNI-space brain size. */
    static final int[] SHAPE = {181, 217, 181};
    /** Seed of the phantom and of the noise. */
    static final long SEED = 1;

    /** The fixed reference/test pair. */
    record Pair(Volume ref, Volume test) {
        /** {@code max − min} of the reference: the data range every metric uses. */
        double dataRange() {
            float[] r = ref.data().toArray();
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (float v : r) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            return hi - lo;
        }
    }

    /** Builds the pair described on the class (a few seconds). */
    static Pair pair() {
        Volume ref = Phantoms.brain(SHAPE, new double[] {1, 1, 1}, SEED).image();
        Volume lr = Degradation.builder().factors(1, 1, 4).noise(0.01).seed(SEED).build().apply(ref);
        int[] m = lr.shape();
        double[] back = new double[3];
        for (int a = 0; a < 3; a++) back[a] = (double) SHAPE[a] / m[a];
        Volume up = Interpolation.cubic().resample(lr, back);
        if (!Arrays.equals(up.shape(), SHAPE)) throw new IllegalStateException("upsampled grid " + Arrays.toString(up.shape()));
        return new Pair(ref, ref.withData(up.data()));
    }

    Pair pair;

    @Setup
    public void setup() {
        pair = pair();
    }

    /** Every metric of {@code mrisr eval} (no mask, so no CNR). */
    @Benchmark
    public Evaluation.Report evaluate() {
        return Evaluation.evaluate(pair.ref(), pair.test(), null, Evaluation.Options.defaults(), null);
    }

    @Benchmark
    public double ssim() {
        return Ssim.compute(pair.ref(), pair.test(), null);
    }

    @Benchmark
    public double msSsim() {
        return MsSsim.compute(pair.ref(), pair.test(), null);
    }

    @Benchmark
    public double hfen() {
        return Hfen.compute(pair.ref(), pair.test(), null);
    }

    @Benchmark
    public double vif() {
        return Vif.compute(pair.ref(), pair.test(), null);
    }
}
