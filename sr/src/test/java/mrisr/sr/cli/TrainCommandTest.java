package mrisr.sr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mrisr.engine.Tensor;
import mrisr.nn.io.SafeTensors;
import mrisr.nn.train.Checkpoint;
import mrisr.sr.io.Nifti;
import mrisr.sr.volume.Volume;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {
    @TempDir
    Path dir;

    private Path data;

    /** Two 52³ volumes: enough for a 4-voxel patch at factor 2 with its margin (2 + 2·12 low-resolution voxels). */
    @BeforeEach
    void volumes() throws IOException {
        data = Files.createDirectory(dir.resolve("hr"));
        for (int v = 0; v < 2; v++) {
            float[] x = new float[52 * 52 * 52];
            for (int i = 0, p = 0; i < 52; i++) {
                for (int j = 0; j < 52; j++) {
                    for (int k = 0; k < 52; k++, p++) {
                        double r = Math.hypot(Math.hypot(i - 26, j - 24 - 2 * v), k - 26);
                        x[p] = (float) (100 + 50 * Math.sin(0.5 * i + v) * Math.cos(0.3 * j) + (r < 12 ? 400 : 0));
                    }
                }
            }
            Nifti.write(Volume.of(Tensor.fromArray(x, 52, 52, 52), Volume.diagonalAffine(1, 1, 1)), data.resolve("hr" + v + ".nii.gz"));
        }
    }

    /** A tiny, fast run; {@code overrides} are option-value pairs replacing or adding to the defaults. */
    private List<String> tiny(String... overrides) {
        Map<String, String> o = new java.util.LinkedHashMap<>();
        String[] defaults = {"--method", "edsr3d", "--data", data.toString(), "--features", "2", "--blocks", "0", "--patch", "4",
            "--batch", "1", "--steps", "4", "--checkpoint-every", "2", "--validate-every", "2", "--out", dir.resolve("m.safetensors").toString()};
        for (int i = 0; i < defaults.length; i += 2) o.put(defaults[i], defaults[i + 1]);
        for (int i = 0; i < overrides.length; i += 2) o.put(overrides[i], overrides[i + 1]);
        List<String> a = new ArrayList<>(List.of("train"));
        o.forEach((k, v) -> a.addAll(List.of(k, v)));
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
    void trainingWritesTheModelACheckpointAndAJsonLinesLog() throws IOException {
        CliRunner r = run(tiny());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("wrote " + dir.resolve("m.safetensors") + ": edsr3d (subpixel x2,2,2, 2 features, 0 blocks), 4 of 4 steps")
                .contains("validation PSNR").contains("vs B-spline");
        assertThat(r.err()).contains("train: step 1/4  loss ").contains("train: step 4/4").contains("B-spline");
        Map<String, String> meta = SafeTensors.readHeader(dir.resolve("m.safetensors")).metadata();
        assertThat(meta).containsEntry("mrisr.model", "1").containsEntry("method", "edsr3d").containsEntry("upsampling", "subpixel")
                .containsEntry("factor", "2,2,2").containsEntry("profile", "gaussian").containsEntry("noise", "0.0")
                .containsEntry("trained_steps", "4").containsKey("val_psnr").containsKey("val_psnr_bspline")
                .containsEntry("train.batch", "1");
        assertThat(Checkpoint.read(dir.resolve("m.ckpt.safetensors")).step()).isEqualTo(4);
        List<String> log = Files.readAllLines(dir.resolve("m.train.jsonl"));
        assertThat(log.getFirst()).startsWith("{\"event\":\"start\",\"step\":0,\"steps\":4,\"seed\":0,");
        assertThat(log.stream().filter(l -> l.startsWith("{\"event\":\"step\"")).count()).isEqualTo(4);
        assertThat(log.stream().filter(l -> l.startsWith("{\"event\":\"validation\"")).count()).isEqualTo(2);
        assertThat(log.stream().filter(l -> l.startsWith("{\"event\":\"checkpoint\"")).count()).isEqualTo(2);
        assertThat(log.getLast()).startsWith("{\"event\":\"end\",\"step\":4,");
    }

    /** A run paused after 2 steps and resumed from its checkpoint ends with the weights of an uninterrupted run. */
    @Test
    void pausedAndResumedRunEqualsAnUninterruptedOne() throws IOException {
        assertThat(run(tiny()).exitCode()).isZero();
        List<float[]> straight = weights(dir.resolve("m.safetensors"));
        Files.delete(dir.resolve("m.ckpt.safetensors"));

        CliRunner first = run(tiny("--stop-after", "2", "--out", dir.resolve("p.safetensors").toString()));
        assertThat(first.exitCode()).as(first.err()).isZero();
        Path ckpt = dir.resolve("p.ckpt.safetensors");
        assertThat(first.out()).contains("2 of 4 steps").contains("paused after step 2; continue with: mrisr train --resume " + ckpt);
        assertThat(Checkpoint.read(ckpt).step()).isEqualTo(2);

        CliRunner second = CliRunner.run("train", "--resume", ckpt.toString()); // writes p.safetensors beside p.ckpt.safetensors
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains("4 of 4 steps");
        List<float[]> resumed = weights(dir.resolve("p.safetensors"));
        assertThat(resumed).hasSameSizeAs(straight);
        for (int i = 0; i < straight.size(); i++) assertThat(resumed.get(i)).containsExactly(straight.get(i));
        assertThat(Files.readString(dir.resolve("p.train.jsonl"))).contains("{\"event\":\"paused\",\"step\":2,")
                .contains("{\"event\":\"resume\",\"step\":2,");
    }

    @Test
    void aResumedRunKeepsItsOptions() throws IOException {
        assertThat(run(tiny("--stop-after", "1")).exitCode()).isZero();
        CliRunner r = CliRunner.run("train", "--resume", dir.resolve("m.ckpt.safetensors").toString(), "--lr", "0.5");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--resume " + dir.resolve("m.ckpt.safetensors") + " continues a run with --lr 0.003, but --lr 0.5 was given");
    }

    /** A learning rate that overflows float32 (even after the warm-up's 1 %) makes the parameters non-finite at once. */
    @Test
    void aDivergingRunStopsNamingTheStep() {
        CliRunner r = run(tiny("--lr", "1e300", "--steps", "6", "--checkpoint-every", "1"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).containsPattern("mrisr train: [a-z ]+ is (NaN|-?Infinity) at step 1; training stopped, "
                + "no checkpoint was written; try a lower --lr");
        assertThat(Files.exists(dir.resolve("m.safetensors"))).isFalse();
        assertThat(Files.exists(dir.resolve("m.ckpt.safetensors"))).isFalse();
    }

    @Test
    void phantomDataAndEpochsWork() throws IOException {
        CliRunner r = CliRunner.run("train", "--method", "srcnn3d", "--data", "phantom", "--phantoms", "1", "--phantom-size", "52,52,52",
                "--features", "2", "--patch", "4", "--batch", "2", "--epochs", "1", "--stop-after", "1", "--upsampling", "pre",
                "--out", dir.resolve("s.safetensors").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        // one epoch = ⌈52³ voxels / (2 patches · 4³ voxels)⌉ steps
        long perEpoch = (52L * 52 * 52 + 127) / 128;
        assertThat(r.err()).contains("1 epochs of " + perEpoch + " steps = " + perEpoch + " steps")
                .contains("phantom: 1 brain phantoms 52x52x52 (seeds 1001-1001), validation seed 1002");
        assertThat(r.out()).contains("1 of " + perEpoch + " steps");
        assertThat(SafeTensors.readHeader(dir.resolve("s.safetensors")).metadata()).containsEntry("method", "srcnn3d")
                .containsEntry("upsampling", "pre").containsEntry("train.steps", Long.toString(perEpoch));
    }

    @Test
    void headPhantomsWithBlurAreRecordedInTheModel() throws IOException {
        Path model = dir.resolve("h.safetensors");
        CliRunner r = CliRunner.run("train", "--method", "srcnn3d", "--data", "phantom", "--phantom-kind", "head", "--phantom-blur", "1.5",
                "--phantoms", "2", "--phantom-size", "52,52,52", "--features", "2", "--patch", "4", "--batch", "2", "--steps", "1",
                "--out", model.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("phantom: 2 head phantoms 52x52x52 (seeds 1001-1002), validation seed 1003, "
                + "blurred by Gaussian FWHM 0-1.50 mm");
        assertThat(SafeTensors.readHeader(model).metadata()).containsEntry("train.phantom_kind", "head").containsEntry("train.phantom_blur", "1.5");
        String out = dir.resolve("x.safetensors").toString();
        r = CliRunner.run("train", "--method", "srcnn3d", "--data", "phantom", "--phantom-kind", "skull", "--out", out);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--phantom-kind 'skull' is not one of brain, head");
        r = CliRunner.run("train", "--method", "srcnn3d", "--data", "phantom", "--phantom-blur", "-1", "--out", out);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--phantom-blur -1.0 must be a finite number >= 0");
    }

    @Test
    void badOptionsAreExitCode2WithTheReason() {
        String out = dir.resolve("x.safetensors").toString();
        CliRunner r = CliRunner.run("train", "--method", "bspline", "--data", data.toString(), "--out", out);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--method 'bspline' is not a network; expected one of srcnn3d, edsr3d");
        r = CliRunner.run("train", "--method", "edsr3d", "--data", data.toString(), "--factor", "1.5,2,2", "--out", out);
        assertThat(r.err()).contains("--factor: value 1.5 along axis 0 must be an integer in 1..64");
        r = CliRunner.run("train", "--method", "edsr3d", "--data", data.toString(), "--factor", "1,1,2", "--upsampling", "subpixel", "--out", out);
        assertThat(r.err()).contains("sub-pixel upsampling needs the same factor on every axis, got 1,1,2; use --upsampling pre");
        r = CliRunner.run("train", "--method", "edsr3d", "--out", out);
        assertThat(r.err()).contains("--data is required");
        r = CliRunner.run("train", "--method", "edsr3d", "--data", data.toString(), "--steps", "3", "--epochs", "1", "--out", out);
        assertThat(r.err()).contains("give --steps or --epochs, not both");
        r = CliRunner.run("train", "--method", "edsr3d", "--data", dir.resolve("nowhere").toString(), "--out", out);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("is neither 'phantom' nor a directory of NIfTI volumes");
        r = CliRunner.run("train", "--method", "edsr3d", "--data", data.toString(), "--patch", "64", "--out", out);
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("use a smaller --patch or larger volumes");
        assertThat(Files.exists(Path.of(out))).isFalse();
    }

    @Test
    void learningRateWarmsUpLinearlyThenDecaysByACosine() {
        var s = TrainCommand.schedule(2000, 3e-3);
        assertThat(s.lr(3e-3, 0)).isCloseTo(3e-5, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s.lr(3e-3, 50)).isCloseTo(3e-3 * (0.01 + 0.99 * 0.5), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s.lr(3e-3, 100)).isCloseTo(3e-3, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s.lr(3e-3, 1050)).isCloseTo(3e-5 + (3e-3 - 3e-5) * (1 + Math.cos(Math.PI * 950 / 1900)) / 2,
                org.assertj.core.data.Offset.offset(1e-12));
        assertThat(TrainCommand.schedule(5, 1).lr(1, 0)).isEqualTo(0.01); // a one-step warm-up for short runs
    }

    @Test
    void helpTeachesWithExamples() {
        CliRunner r = CliRunner.run("train", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--method", "--data", "--steps", "--epochs", "--resume", "--factor", "--profile", "--noise",
                "--patch", "--batch", "--lr", "--seed", "mrisr train --method edsr3d --data phantom --out edsr3d.safetensors",
                "mrisr train --resume edsr3d.ckpt.safetensors");
        assertThat(r.out().lines().filter(l -> l.length() > 80)).isEmpty();
    }
}
