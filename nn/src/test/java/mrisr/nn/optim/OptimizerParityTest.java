package mrisr.nn.optim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import mrisr.engine.Tensor;
import mrisr.nn.Parameter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Parameter trajectories and learning rates against PyTorch 1.13, from fixtures written by
 * {@code nn/src/test/python/make_optimizer_fixtures.py}: the same initial parameters and the same
 * 20 gradients fed to both implementations, compared after every step.
 */
class OptimizerParityTest {
    private static final double RELATIVE = 1e-5;

    private static final Map<String, int[]> SHAPES = new LinkedHashMap<>();
    private static final Map<String, float[]> INITIAL = new LinkedHashMap<>();
    /** grads.get(step - 1).get(name). */
    private static final List<Map<String, float[]>> GRADS = new ArrayList<>();
    /** "case step name" → values. */
    private static final Map<String, float[]> TRAJECTORY = new HashMap<>();
    /** "case" → learning rates by epoch. */
    private static final Map<String, List<Double>> LRS = new HashMap<>();
    private static final Map<String, Double> CLIP_NORMS = new HashMap<>();
    private static final Map<String, float[]> CLIPPED = new HashMap<>();

    @BeforeAll
    static void load() throws IOException {
        try (var in = new BufferedReader(new InputStreamReader(
                OptimizerParityTest.class.getResourceAsStream("optimizer_fixtures.txt"), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) continue;
                String[] f = line.split(" ");
                switch (f[0]) {
                    case "param" -> {
                        SHAPES.put(f[1], Arrays.stream(f[2].split(",")).mapToInt(Integer::parseInt).toArray());
                        INITIAL.put(f[1], floats(f, 3));
                    }
                    case "grad" -> {
                        int step = Integer.parseInt(f[1]);
                        while (GRADS.size() < step) GRADS.add(new LinkedHashMap<>());
                        GRADS.get(step - 1).put(f[2], floats(f, 3));
                    }
                    case "traj" -> TRAJECTORY.put(f[1] + " " + f[2] + " " + f[3], floats(f, 4));
                    case "lr" -> LRS.computeIfAbsent(f[1], k -> new ArrayList<>()).add(Double.parseDouble(f[3]));
                    case "clip" -> CLIP_NORMS.put(f[1], Double.parseDouble(f[2]));
                    case "clipped" -> CLIPPED.put(f[1] + " " + f[2], floats(f, 3));
                    default -> throw new IllegalStateException("unknown fixture record " + f[0]);
                }
            }
        }
        assertThat(GRADS).hasSize(20);
    }

    private static float[] floats(String[] f, int from) {
        float[] v = new float[f.length - from];
        for (int i = 0; i < v.length; i++) v[i] = Float.parseFloat(f[from + i]);
        return v;
    }

    private static Map<String, Parameter> freshParameters() {
        Map<String, Parameter> p = new LinkedHashMap<>();
        for (var e : INITIAL.entrySet()) p.put(e.getKey(), new Parameter(Tensor.fromArray(e.getValue(), SHAPES.get(e.getKey()))));
        return p;
    }

    private static void follow(String name, Function<List<Parameter>, Optimizer> make, LrSchedule schedule) {
        Map<String, Parameter> params = freshParameters();
        Optimizer opt = make.apply(new ArrayList<>(params.values()));
        LrScheduler scheduler = schedule == null ? null : new LrScheduler(opt, schedule);
        double worst = 0;
        for (int step = 1; step <= GRADS.size(); step++) {
            for (var e : params.entrySet()) {
                e.getValue().setGrad(Tensor.fromArray(GRADS.get(step - 1).get(e.getKey()), SHAPES.get(e.getKey())));
            }
            opt.step();
            if (scheduler != null) scheduler.step();
            for (var e : params.entrySet()) {
                float[] want = TRAJECTORY.get(name + " " + step + " " + e.getKey());
                float[] got = e.getValue().data().toArray();
                double rms = rms(want);
                for (int i = 0; i < want.length; i++) {
                    double err = Math.abs(got[i] - want[i]) / Math.max(Math.abs(want[i]), rms);
                    worst = Math.max(worst, err);
                    assertThat(err).as("%s step %d %s[%d]: got %s, PyTorch %s", name, step, e.getKey(), i, got[i], want[i])
                            .isLessThanOrEqualTo(RELATIVE);
                }
            }
        }
        assertThat(worst).as(name).isLessThanOrEqualTo(RELATIVE);
    }

    /**
     * Errors are relative to the larger of the element and the tensor's RMS: an element that passes
     * near zero carries the rounding error of the larger terms it was computed from (PyTorch fuses
     * {@code p − lr·g} into one FMA, we round twice), which a purely element-relative bound would
     * magnify without limit.
     */
    private static double rms(float[] v) {
        double s = 0;
        for (float x : v) s += (double) x * x;
        return Math.sqrt(s / v.length);
    }

    @Test
    void plainSgd() {
        follow("sgd", p -> new Sgd(p, 0.1), null);
    }

    @Test
    void sgdWithMomentumDampeningAndWeightDecay() {
        follow("sgd_momentum", p -> new Sgd(p, 0.05, 0.9, 0.1, 0.01, false), null);
    }

    @Test
    void sgdWithNesterovMomentum() {
        follow("sgd_nesterov", p -> new Sgd(p, 0.05, 0.8, 0, 1e-3, true), null);
    }

    @Test
    void adamWithDefaults() {
        follow("adam", p -> new Adam(p, 1e-2), null);
    }

    @Test
    void adamWithL2DecayAndAmsgrad() {
        follow("adam_l2_amsgrad", p -> new Adam(p, 3e-3, 0.8, 0.95, 1e-6, 0.1, true), null);
    }

    @Test
    void adamWWithWeightDecayAndCosineSchedule() {
        follow("adamw_cosine", p -> new AdamW(p, 1e-2, 0.9, 0.99, 1e-8, 0.05, false), new CosineAnnealingLR(20, 1e-4));
    }

    @Test
    void adamWWithAmsgradAndWarmupThenCosine() {
        follow("adamw_warmup_cosine_amsgrad", p -> new AdamW(p, 2e-2, 0.9, 0.999, 1e-8, 0.2, true),
                new LinearLR(0.1, 1.0, 4).then(5, new CosineAnnealingLR(12, 1e-3)));
    }

    @Test
    void schedulesMatchPyTorch() {
        checkLrs("step", new StepLR(3, 0.5));
        checkLrs("cosine", new CosineAnnealingLR(7, 0.01));
        checkLrs("linear", new LinearLR(0.25, 1.0, 5));
        checkLrs("linear_decay", new LinearLR(1.0, 0.1, 8));
        checkLrs("warmup_cosine", new LinearLR(0.1, 1.0, 4).then(6, new CosineAnnealingLR(10, 0)));
    }

    private static void checkLrs(String name, LrSchedule schedule) {
        Optimizer opt = new Sgd(List.of(new Parameter(Tensor.zeros(1))), 0.5);
        LrScheduler s = new LrScheduler(opt, schedule);
        List<Double> want = LRS.get(name);
        for (int e = 0; e < want.size(); e++) {
            if (e > 0) s.step();
            assertThat(s.epoch()).isEqualTo(e);
            assertThat(opt.lr()).as("%s epoch %d", name, e).isCloseTo(want.get(e), org.assertj.core.data.Offset.offset(1e-12));
        }
    }

    @Test
    void clipGradNormMatchesPyTorch() {
        checkClip("l2", 1.0, 2);
        checkClip("l2_no_clip", 100.0, 2);
        checkClip("inf", 0.5, Double.POSITIVE_INFINITY);
        checkClip("l1", 2.0, 1);
    }

    private static void checkClip(String name, double maxNorm, double normType) {
        Map<String, Parameter> params = freshParameters();
        for (var e : params.entrySet()) e.getValue().setGrad(Tensor.fromArray(GRADS.get(0).get(e.getKey()), SHAPES.get(e.getKey())));
        double total = ClipGrad.clipGradNorm(new ArrayList<>(params.values()), maxNorm, normType);
        assertThat(total).as(name).isCloseTo(CLIP_NORMS.get(name), org.assertj.core.data.Percentage.withPercentage(1e-4));
        for (var e : params.entrySet()) {
            float[] want = CLIPPED.get(name + " " + e.getKey()), got = e.getValue().grad().toArray();
            for (int i = 0; i < want.length; i++) {
                assertThat((double) got[i]).as("%s %s[%d]", name, e.getKey(), i)
                        .isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-6 * Math.max(1, Math.abs(want[i]))));
            }
        }
    }
}
