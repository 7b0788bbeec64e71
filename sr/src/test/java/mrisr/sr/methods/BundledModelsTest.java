package mrisr.sr.methods;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import mrisr.engine.Tensor;
import mrisr.nn.Module;
import mrisr.sr.methods.BundledModels.Model;
import mrisr.sr.methods.deq.DeqPrior;
import mrisr.sr.methods.pnp.DenoiserException;
import mrisr.sr.methods.pnp.LearnedDenoiser;
import mrisr.sr.nets.DnCnn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundledModelsTest {
    @TempDir
    Path dir;

    @Test
    void namesTheThreeShippedFiles() {
        assertThat(List.of(Model.values())).extracting(Model::fileName)
                .containsExactly("dncnn.safetensors", "unfolded.safetensors", "deq.safetensors");
        assertThat(BundledModels.RESOURCE_ROOT).isEqualTo("/mrisr/sr/models/");
        assertThat(BundledModels.in(dir).describe(Model.DNCNN)).isEqualTo("bundled dncnn.safetensors");
        assertThat(BundledModels.classpath()).isSameAs(BundledModels.classpath());
        assertThat(BundledModels.classpath().toString()).contains("classpath", "/mrisr/sr/models/");
    }

    @Test
    void aFolderWithoutModelsHasNone() {
        BundledModels none = BundledModels.in(dir.resolve("missing"));
        for (Model m : Model.values()) {
            assertThat(none.contains(m)).isFalse();
            assertThat(none.read(m, f -> {
                throw new AssertionError("reader called for " + f);
            })).isEmpty();
        }
    }

    @Test
    void aFolderModelIsReadInPlace() throws IOException {
        Path file = TinyModels.dncnn(dir);
        BundledModels models = BundledModels.in(dir);
        assertThat(models.contains(Model.DNCNN)).isTrue();
        assertThat(models.contains(Model.DEQ)).isFalse();
        List<Path> seen = new ArrayList<>();
        DnCnn net = models.read(Model.DNCNN, f -> {
            seen.add(f);
            return LearnedDenoiser.load(f);
        }).map(d -> (DnCnn) d.network()).orElseThrow();
        assertThat(seen).containsExactly(file);
        assertSameWeights(net, DnCnn.load(file));
    }

    /** A jar on the class path: the resource is copied to a private temporary folder, read and deleted. */
    @Test
    void aResourceInAJarIsReadFromAPrivateTemporaryCopy() throws IOException {
        Path models = Files.createDirectories(dir.resolve("src"));
        Path deq = TinyModels.deq(models);
        Path jar = dir.resolve("models.jar");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
            zip.putNextEntry(new ZipEntry("mrisr/sr/models/deq.safetensors"));
            Files.copy(deq, zip);
            zip.closeEntry();
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            BundledModels bundled = BundledModels.classpath(loader);
            assertThat(bundled.contains(Model.DEQ)).isTrue();
            assertThat(bundled.contains(Model.DNCNN)).isFalse();
            assertThat(bundled.read(Model.DNCNN, f -> {
                throw new AssertionError("reader called for " + f);
            })).isEmpty();
            List<Path> seen = new ArrayList<>();
            List<String> permissions = new ArrayList<>();
            DeqPrior prior = bundled.read(Model.DEQ, f -> {
                seen.add(f);
                if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                    try {
                        permissions.add(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.getParent())));
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }
                return DeqPrior.load(f);
            }).orElseThrow();
            assertSameWeights(prior, TinyModels.deqPrior());
            assertThat(seen).singleElement().satisfies(f -> {
                assertThat(f.getFileName()).hasToString("deq.safetensors");
                assertThat(f).doesNotExist();
                assertThat(f.getParent()).doesNotExist();
            });
            permissions.forEach(p -> assertThat(p).isEqualTo("rwx------"));
        }
    }

    @Test
    void anUnusableShippedModelIsADefectNamingTheFile() throws IOException {
        Files.writeString(dir.resolve("dncnn.safetensors"), "not a model");
        BundledModels models = BundledModels.in(dir);
        assertThatThrownBy(() -> models.read(Model.DNCNN, LearnedDenoiser::load)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bundled dncnn.safetensors (" + dir.resolve("dncnn.safetensors") + ") cannot be used")
                .hasCauseInstanceOf(DenoiserException.class);
    }

    private static void assertSameWeights(Module a, Module b) {
        Map<String, Tensor> x = a.stateDict(), y = b.stateDict();
        assertThat(x.keySet()).containsExactlyElementsOf(y.keySet());
        for (String k : x.keySet()) assertThat(x.get(k).toArray()).as(k).containsExactly(y.get(k).toArray());
    }
}
