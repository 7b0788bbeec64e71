package mrisr.sr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mrisr.engine.Rng;
import mrisr.engine.Tensor;
import mrisr.nn.io.SafeTensors;
import mrisr.nn.train.Checkpoint;
import mrisr.sr.io.Nifti;
import mrisr.sr.methods.SrContext;
import mrisr.sr.methods.deq.DeqMethod;
import mrisr.sr.methods.deq.DeqPrior;
import mrisr.sr.methods.pnp.LearnedDenoiser;
import mrisr.sr.methods.unfolding.UnfoldedTraining;
import mrisr.sr.nets.DnCnn;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code mrisr train} for the learned parts of the physics-driven methods: dncnn, unfolded, deq. */
class TrainMethodsTest {
    @TempDir
    Path dir;

    private Path lr;

    /** A 24³ brain phantom degraded 4× through-plane, for {@code mrisr sr} with the trained models. */
    @BeforeEach
    void lowResolutionVolume() {
        String hr = dir.resolve("hr.nii.gz").toString();
        lr = dir.resolve("lr.nii.gz");
        assertThat(CliRunner.run("phantom", "--out", hr, "--size", "24,24,24", "--seed", "3").exitCode()).isZero();
        assertThat(CliRunner.run("degrade", "--in", hr, "--out", lr.toString(), "--factor", "1,1,4", "--noise", "0.01").exitCode()).isZero();
    }

    /**
     * A tiny run of {@code method} on two 32³ phantoms; {@code overrides} are option-value pairs
     * replacing or adding to the defaults (a null value drops the option).
     */
    private List<String> tiny(String method, String... overrides) {
        Map<String, String> o = new LinkedHashMap<>();
        List<String> defaults = new ArrayList<>(List.of("--method", method, "--data", "phantom", "--phantoms", "2", "--phantom-size", "32,32,32",
                "--steps", "3", "--patch", "12", "--batch", "1", "--checkpoint-every", "2", "--validate-every", "2",
                "--out", dir.resolve("m.safetensors").toString()));
        switch (method) {
            case "dncnn" -> defaults.addAll(List.of("--depth", "3", "--features", "4", "--batch", "2"));
            case "unfolded" -> defaults.addAll(List.of("--factor", "1,1,4", "--noise", "0.01", "--rician", "true", "--stages", "2",
                    "--features", "3"));
            case "deq" -> defaults.addAll(List.of("--factor", "1,1,4", "--noise", "0.01", "--rician", "true", "--features", "3"));
            default -> throw new IllegalArgumentException(method);
        }
        for (int i = 0; i < defaults.size(); i += 2) o.put(defaults.get(i), defaults.get(i + 1));
        for (int i = 0; i < overrides.length; i += 2) {
            if (overrides[i + 1] == null) o.remove(overrides[i]);
            else o.put(overrides[i], overrides[i + 1]);
        }
        List<String> a = new ArrayList<>(List.of("train"));
        o.forEach((k, v) -> {
            if (k.equals("--rician")) {
                if (v.equals("true")) a.add(k);
            } else {
                a.addAll(List.of(k, v));
            }
        });
        return a;
    }

    private static CliRunner run(List<String> args) {
        return CliRunner.run(args.toArray(String[]::new));
    }

    private static List<float[]> weights(Path model) throws IOException {
        List<float[]> out = new ArrayList<>();
        for (Tensor t : SafeTensors.read(model).tensors().values()) out.add(t.toArray());
        return out;
    }

    @Test
    void dncnnWritesADenoiserThatThePlugAndPlayMethodsLoad() throws IOException {
        CliRunner r = run(tiny("dncnn"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path model = dir.resolve("m.safetensors");
        assertThat(r.out()).startsWith("wrote " + model + ": dncnn (depth 3, width 4, sigma <= 0.100), 3 of 3 steps")
                .contains("vs noisy input").contains("sigma 0.0100: ").contains("sigma 0.0300: ").contains("sigma 0.100: ");
        assertThat(r.err()).contains("clean patches 12^3 divided by the volume's maximum, sigma ~ U(0, 0.100]");
        Map<String, String> meta = SafeTensors.readHeader(model).metadata();
        assertThat(meta).containsEntry("architecture", "dncnn3d").containsEntry("depth", "3").containsEntry("width", "4")
                .containsEntry("sigma_max", "0.1").containsEntry("normalisation", "max-abs").containsEntry("train.method", "dncnn")
                .containsEntry("train.sigma_max", "0.1").containsEntry("train.depth", "3").containsEntry("trained_steps", "3")
                .containsKey("val_psnr").containsKey("val_psnr_noisy");
        assertThat(Checkpoint.read(dir.resolve("m.ckpt.safetensors")).step()).isEqualTo(3);

        LearnedDenoiser d = LearnedDenoiser.load(model);
        assertThat(d.describe()).contains("DnCNN 3x4");
        assertThat(d.denoise(Tensor.rand(new Rng(1), 7, 6, 5), 0.05).shape()).containsExactly(7, 6, 5);
        Path sr = dir.resolve("sr.nii.gz");
        CliRunner s = CliRunner.run("sr", "--in", lr.toString(), "--out", sr.toString(), "--method", "pnp-hqs", "--denoiser", model.toString(),
                "--factor", "1,1,4", "--iters", "2");
        assertThat(s.exitCode()).as(s.err()).isZero();
        assertThat(s.err()).contains("DnCNN 3x4");
        assertThat(Nifti.read(sr).shape()).containsExactly(24, 24, 24);
    }

    @Test
    void unfoldedWritesStagesThatMrisrSrRuns() throws IOException {
        CliRunner r = run(tiny("unfolded"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path model = dir.resolve("m.safetensors");
        assertThat(r.out()).startsWith("wrote " + model + ": unfolded (2 stages of 3 features), 3 of 3 steps").contains("vs B-spline")
                .contains("learned mu_k/gamma");
        assertThat(r.err()).contains("patches 12,12,12 -> 12,12,3, each degraded alone (factor 1,1,4, gaussian profile, Rician noise");
        UnfoldedTraining t = UnfoldedTraining.load(model);
        assertThat(t.hyper()).isEqualTo(new UnfoldedTraining.Hyper(2, 3));
        assertThat(t.notes()).containsEntry("factor", "1,1,4").containsEntry("rician", "true").containsEntry("train.method", "unfolded")
                .containsEntry("train.stages", "2").containsKey("val_psnr_bspline");
        Path sr = dir.resolve("sr.nii.gz");
        CliRunner s = CliRunner.run("sr", "--in", lr.toString(), "--out", sr.toString(), "--method", "unfolded", "--model", model.toString(),
                "--factor", "1,1,4");
        assertThat(s.exitCode()).as(s.err()).isZero();
        assertThat(s.err()).contains("2 learned stages of 3 features");
        assertThat(Nifti.read(sr).shape()).containsExactly(24, 24, 24);
    }

    /** {@code --prior dncnn}: the stages share a DnCNN started from {@code --init-denoiser}; the model runs in {@code mrisr sr}. */
    @Test
    void unfoldedStagesCanShareADenoiser() throws IOException {
        Path denoiser = dir.resolve("d.safetensors");
        new DnCnn(3, 4, new Rng(5)).save(denoiser, Map.of());
        CliRunner r = run(tiny("unfolded", "--prior", "dncnn", "--init-denoiser", denoiser.toString(), "--stages", "3", "--lr", "1e-4",
                "--features", null));
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path model = dir.resolve("m.safetensors");
        assertThat(r.out()).startsWith("wrote " + model + ": unfolded (3 stages sharing a DnCNN of 3 layers x 4 features), 3 of 3 steps");
        assertThat(UnfoldedTraining.load(model).hyper()).isEqualTo(new UnfoldedTraining.Hyper(3, 4, 3));
        Path sr = dir.resolve("sr.nii.gz");
        CliRunner s = CliRunner.run("sr", "--in", lr.toString(), "--out", sr.toString(), "--method", "unfolded", "--model", model.toString(),
                "--factor", "1,1,4");
        assertThat(s.exitCode()).as(s.err()).isZero();
        assertThat(s.err()).contains("3 learned stages sharing a DnCNN of 3 layers x 4 features");

        r = run(tiny("unfolded", "--prior", "dncnn", "--init-denoiser", denoiser.toString()));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--features: with --prior dncnn the width is the --init-denoiser's");
        r = run(tiny("unfolded", "--init-denoiser", denoiser.toString()));
        assertThat(r.err()).contains("--init-denoiser needs --prior dncnn");
        r = run(tiny("unfolded", "--prior", "dncnn", "--init-denoiser", dir.resolve("none.safetensors").toString(), "--features", null));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--init-denoiser " + dir.resolve("none.safetensors"));
    }

    /**
     * A deq prior trained with a large learning rate (so its weights move far from the smoothing
     * prior it starts as) still gives a map whose iteration converges: relative residual below
     * 1e-3 within 50 Anderson iterations on a phantom, as {@code mrisr sr} runs it.
     */
    @Test
    void deqWritesAPriorWhoseIterationStillConverges() throws IOException {
        CliRunner r = run(tiny("deq", "--lr", "0.005", "--steps", "8"));
        assertThat(r.exitCode()).as(r.err()).isZero();
        Path model = dir.resolve("m.safetensors");
        assertThat(r.out()).startsWith("wrote " + model + ": deq (prior of 3 hidden channels, implicit gradient), 8 of 8 steps")
                .contains("vs B-spline").containsPattern("fixed points of the 16 validation patches: 16 converged");
        DeqPrior prior = DeqPrior.load(model);
        assertThat(prior.hidden()).isEqualTo(3);
        DeqPrior start = DeqPrior.trainable(3, new double[] {1, 1, 4}, DeqMethod.DEFAULT_STRENGTH, new Rng(0));
        double moved = 0;
        float[] a = prior.weights()[2].toArray(), b = start.weights()[2].toArray();
        for (int i = 0; i < a.length; i++) moved = Math.max(moved, Math.abs(a[i] - b[i]));
        assertThat(moved).as("largest change of a second-layer weight").isGreaterThan(0.01);

        List<String> log = new ArrayList<>();
        Volume out = DeqMethod.withModel(model).run(Nifti.read(lr), SrContext.of(1, 1, 4).withProgress(log::add));
        assertThat(out.shape()).containsExactly(24, 24, 24);
        String line = log.stream().filter(l -> l.startsWith("deq: anderson")).findFirst().orElseThrow();
        assertThat(line).contains("converged in ");
        int iterations = Integer.parseInt(line.replaceAll(".*converged in (\\d+) iterations.*", "$1"));
        double residual = Double.parseDouble(line.replaceAll(".*relative residual ([0-9.eE+-]+).*", "$1"));
        assertThat(iterations).isLessThanOrEqualTo(50);
        assertThat(residual).isLessThan(1e-3);

        Path sr = dir.resolve("sr.nii.gz");
        CliRunner s = CliRunner.run("sr", "--in", lr.toString(), "--out", sr.toString(), "--method", "deq", "--model", model.toString(),
                "--factor", "1,1,4");
        assertThat(s.exitCode()).as(s.err()).isZero();
        assertThat(Files.exists(sr)).isTrue();
    }

    /** A run paused after 2 steps and resumed from its checkpoint ends with the weights of an uninterrupted run. */
    @ParameterizedTest
    @ValueSource(strings = {"dncnn", "unfolded", "deq"})
    void pausedAndResumedRunEqualsAnUninterruptedOne(String method) throws IOException {
        List<String> straight = tiny(method, "--steps", "4", "--validate-every", "4");
        assertThat(run(straight).exitCode()).isZero();
        List<float[]> expected = weights(dir.resolve("m.safetensors"));

        CliRunner first = run(tiny(method, "--steps", "4", "--validate-every", "4", "--stop-after", "2", "--out",
                dir.resolve("p.safetensors").toString()));
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("2 of 4 steps").contains("paused after step 2");
        CliRunner second = CliRunner.run("train", "--resume", dir.resolve("p.ckpt.safetensors").toString());
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains("4 of 4 steps");
        List<float[]> resumed = weights(dir.resolve("p.safetensors"));
        assertThat(resumed).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) assertThat(resumed.get(i)).containsExactly(expected.get(i));
    }

    @Test
    void optionsOfOtherMethodsAreExitCode2NamingBoth() {
        String out = dir.resolve("x.safetensors").toString();
        String[][] cases = {
            {"dncnn", "--factor", "1,1,4", "--factor applies to srcnn3d, edsr3d, unfolded and deq, not to dncnn"},
            {"dncnn", "--stages", "3", "--stages applies to unfolded, not to dncnn"},
            {"edsr3d", "--sigma-max", "0.1", "--sigma-max applies to dncnn, not to edsr3d"},
            {"unfolded", "--depth", "4", "--depth applies to dncnn, not to unfolded"},
            {"unfolded", "--gradient", "implicit", "--gradient applies to deq, not to unfolded"},
            {"deq", "--blocks", "2", "--blocks applies to srcnn3d and edsr3d, not to deq"},
            {"deq", "--upsampling", "pre", "--upsampling applies to srcnn3d and edsr3d, not to deq"},
            {"srcnn3d", "--contraction", "0.9", "--contraction applies to deq, not to srcnn3d"},
        };
        for (String[] c : cases) {
            CliRunner r = CliRunner.run("train", "--method", c[0], "--data", "phantom", c[1], c[2], "--out", out);
            assertThat(r.exitCode()).as(String.join(" ", c)).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", c)).contains(c[3]);
        }
        CliRunner r = CliRunner.run("train", "--method", "dncnn", "--data", "phantom", "--rician", "--out", out);
        assertThat(r.err()).contains("--rician applies to srcnn3d, edsr3d, unfolded and deq, not to dncnn");
        assertThat(Files.exists(Path.of(out))).isFalse();
    }

    @Test
    void badValuesAreExitCode2WithTheReason() {
        String out = dir.resolve("x.safetensors").toString();
        String[][] cases = {
            {"dncnn", "--sigma-max", "0", "--sigma-max 0.0 must be a finite number > 0"},
            {"dncnn", "--sigma-max", "1.5", "--sigma-max 1.5 must be <= 1"},
            {"dncnn", "--depth", "1", "--depth 1 must be in 2..64"},
            {"dncnn", "--features", "0", "--features 0 must be in 1..1024"},
            {"unfolded", "--stages", "0", "--stages 0 must be in 1..64"},
            {"unfolded", "--features", "300", "--features 300 must be in 1..256"},
            {"unfolded", "--factor", "1,1,1", "--factor 1,1,1 leaves nothing to learn"},
            {"deq", "--gradient", "exact", "--gradient 'exact' is not one of implicit, jacobian-free"},
            {"deq", "--contraction", "1.5", "--contraction 1.5 must be in (0, 1]"},
            {"deq", "--features", "1", "--features 1 must be in 2..1024"},
            {"deq", "--loss", "huber", "--loss 'huber' is not one of l1, mse, charbonnier"},
        };
        for (String[] c : cases) {
            CliRunner r = CliRunner.run("train", "--method", c[0], "--data", "phantom", c[1], c[2], "--out", out);
            assertThat(r.exitCode()).as(String.join(" ", c)).isEqualTo(2);
            assertThat(r.err()).as(String.join(" ", c)).contains(c[3]);
        }
        assertThat(Files.exists(Path.of(out))).isFalse();
    }

    @Test
    void aResumedRunRefusesAnotherValueOfAMethodOption() {
        assertThat(run(tiny("dncnn", "--stop-after", "1")).exitCode()).isZero();
        Path ckpt = dir.resolve("m.ckpt.safetensors");
        CliRunner r = CliRunner.run("train", "--resume", ckpt.toString(), "--sigma-max", "0.05");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--resume " + ckpt + " continues a run with --sigma-max 0.1, but --sigma-max 0.05 was given");
        r = CliRunner.run("train", "--resume", ckpt.toString(), "--stages", "2");
        assertThat(r.err()).contains("--stages applies to unfolded, not to dncnn");
    }

    @Test
    void helpListsTheMethodsWithAnExampleEach() {
        CliRunner r = CliRunner.run("train", "--help");
        assertThat(r.out()).contains("--sigma-max", "--depth", "--stages", "--gradient", "--contraction",
                "mrisr train --method dncnn --data phantom", "mrisr train --method unfolded --data phantom",
                "mrisr train --method deq --data phantom");
        assertThat(r.out().lines().filter(l -> l.length() > 80)).isEmpty();
    }
}
