package mrisr.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mrisr.bench.BenchCommandTest.Result;
import mrisr.bench.MethodSuite.Acquisition;
import mrisr.engine.Rng;
import mrisr.sr.methods.LearnedMethod;
import mrisr.sr.methods.Methods;
import mrisr.sr.methods.SrMethod;
import mrisr.sr.methods.deq.DeqPrior;
import mrisr.sr.methods.unfolding.UnfoldedTraining;
import mrisr.sr.nets.DnCnn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mrisr bench methods} runs every registered method by default, can rerun a subset of
 * methods and acquisitions, and says which prior or model each learned method used. A folder of tiny
 * models ({@code --models}) stands in for the shipped ones.
 */
class LearnedMethodsBenchTest {
    @TempDir
    Path dir;

    /** Writes a 2-layer DnCNN, a 2-stage unfolded model and a DEQ prior into {@code folder}. */
    private static Path tinyModels(Path folder) throws IOException {
        Files.createDirectories(folder);
        new DnCnn(2, 2, new Rng(1)).save(folder.resolve("dncnn.safetensors"), Map.of());
        UnfoldedTraining.create(new UnfoldedTraining.Hyper(2, 2), new Rng(2)).save(folder.resolve("unfolded.safetensors"), Map.of());
        DeqPrior.smoothing(new double[] {1, 1, 4}, 0.5).save(folder.resolve("deq.safetensors"));
        return folder;
    }

    @Test
    void byDefaultEveryRegisteredMethodRunsUnderBothAcquisitions() throws IOException {
        MethodsCommand c = new MethodsCommand();
        assertThat(c.methods()).extracting(SrMethod::name).containsExactlyElementsOf(Methods.names())
                .contains("pnp-hqs", "pnp-admm", "red", "deq", "unfolded", "smore", "zssr");
        assertThat(c.acquisitions()).containsExactly(Acquisition.A, Acquisition.B);
        c.modelsDir = tinyModels(dir.resolve("models"));
        List<String> priors = c.methods().stream().filter(m -> m instanceof LearnedMethod).map(m -> m.name() + ": " + ((LearnedMethod) m).prior())
                .toList();
        assertThat(priors).contains("pnp-hqs: bundled dncnn", "pnp-admm: bundled dncnn", "red: bundled dncnn", "unfolded: bundled unfolded",
                "deq: bundled deq", "smore: trained on the input, 1000 steps", "zssr: trained on the input, 1000 steps");
    }

    @Test
    @SuppressWarnings("unchecked")
    void rowsNameTheModelEachLearnedMethodUsed() throws IOException {
        Path models = tinyModels(dir.resolve("models")), empty = Files.createDirectories(dir.resolve("empty"));
        Path withModels = dir.resolve("with.json"), without = dir.resolve("without.json");
        String methods = "pnp-hqs,unfolded,deq,nearest";
        Result r = BenchCommandTest.cli("bench", "methods", "--datasets", "phantom", "--size", "16,16,16", "--methods", methods,
                "--degradations", "b", "--models", models.toString(), "--json", withModels.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("| pnp-hqs  | bundled dncnn    |").contains("| unfolded | bundled unfolded |")
                .contains("| deq      | bundled deq      |").contains("| nearest  | -                |")
                .contains("- degradation b: ").doesNotContain("- degradation a").doesNotContain("## phantom, degradation a");
        assertThat(r.err()).contains("bench methods: phantom/b: running pnp-hqs (bundled dncnn)")
                .contains("pnp-hqs: learned denoiser (bundled dncnn.safetensors");
        Map<String, Object> root = MethodsCommandTest.readJson(withModels);
        assertThat((Map<String, Object>) root.get("degradations")).containsOnlyKeys("b");
        assertThat(MethodsCommandTest.rows(root)).extracting(m -> m.get("degradation") + "/" + m.get("method") + "/" + m.get("model") + "/"
                + m.get("status")).containsExactly("b/pnp-hqs/bundled dncnn/ok", "b/unfolded/bundled unfolded/ok", "b/deq/bundled deq/ok",
                "b/nearest/null/ok");

        r = BenchCommandTest.cli("bench", "methods", "--datasets", "phantom", "--size", "16,16,16", "--methods", methods,
                "--degradations", "b", "--models", empty.toString(), "--json", without.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("| pnp-hqs  | tv fallback        |").contains("| deq      | smoothing fallback |");
        List<Map<String, Object>> rows = MethodsCommandTest.rows(MethodsCommandTest.readJson(without));
        assertThat(rows).extracting(m -> m.get("method") + "/" + m.get("model"))
                .containsExactly("pnp-hqs/tv fallback", "unfolded/tv fallback", "deq/smoothing fallback", "nearest/null");
        // the models change the learned rows, not the others
        List<Map<String, Object>> learned = MethodsCommandTest.rows(root);
        for (int i = 0; i < 3; i++) assertThat(rows.get(i).get("psnr")).as(rows.get(i).get("method").toString()).isNotEqualTo(learned.get(i).get("psnr"));
        assertThat(rows.get(3).get("psnr")).isEqualTo(learned.get(3).get("psnr"));
    }

    /** Rerunning one acquisition reproduces its rows of the full run exactly. */
    @Test
    void aSubsetOfAcquisitionsReproducesTheFullRun() throws IOException {
        Path full = dir.resolve("full.json"), onlyB = dir.resolve("b.json");
        assertThat(MethodsCommandTest.run(full, "--seed", "2").exitCode()).isZero();
        assertThat(MethodsCommandTest.run(onlyB, "--seed", "2", "--degradations", "B,b").exitCode()).isZero();
        List<Map<String, Object>> all = MethodsCommandTest.rows(MethodsCommandTest.readJson(full));
        List<Map<String, Object>> b = MethodsCommandTest.rows(MethodsCommandTest.readJson(onlyB));
        List<Map<String, Object>> bOfAll = all.stream().filter(m -> m.get("degradation").equals("b")).toList();
        assertThat(b).hasSize(2).hasSameSizeAs(bOfAll);
        for (int i = 0; i < b.size(); i++) {
            assertThat(b.get(i).get("method")).isEqualTo(bOfAll.get(i).get("method"));
            for (String k : MethodsCommandTest.METRICS) assertThat(b.get(i).get(k)).as(k).isEqualTo(bOfAll.get(i).get(k));
        }
    }

    @Test
    void badSelectionsAreInputErrors() {
        Result unknown = BenchCommandTest.cli("bench", "methods", "--degradations", "a,c");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("--degradations: unknown degradation 'c', expected a or b");
        Result models = BenchCommandTest.cli("bench", "methods", "--methods", "nearest", "--models", dir.resolve("none").toString());
        assertThat(models.exitCode()).isEqualTo(2);
        assertThat(models.err()).contains("--models " + dir.resolve("none") + ": no such folder");
        Result help = BenchCommandTest.cli("bench", "methods", "--help");
        assertThat(help.out()).contains("--degradations").doesNotContain("--models");
        assertThat(help.out().replaceAll("\\s+", " ")).contains("else their classical prior; the model column says which");
    }
}
