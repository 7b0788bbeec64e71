package mrisr.sr.methods;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The trained models shipped with mrisr: what the learned methods use when {@code mrisr sr} gets no
 * {@code --model}.
 *
 * <p>A build ships any of three safetensors files on the classpath under {@value #RESOURCE_ROOT}
 * (the {@code sr} module's resources, hence the CLI jar), one per {@link Model}:
 * {@code dncnn.safetensors} (the plug-and-play denoiser, a {@link mrisr.sr.nets.DnCnn}),
 * {@code unfolded.safetensors} (the stages of {@link mrisr.sr.methods.unfolding.UnfoldedTraining}) and
 * {@code deq.safetensors} (a {@link mrisr.sr.methods.deq.DeqPrior}). A method whose file is absent
 * falls back to its classical prior and says so in its description and progress lines
 * ({@link LearnedMethod}). {@link #in(Path)} looks in a folder instead (tests, or models kept
 * outside the jar).
 *
 * <p>The model readers take a {@link Path}: a file in a folder (including the classes folder of a
 * development build) is read in place; a resource inside a jar is first copied into a new temporary
 * folder that only the current user can open (the JDK creates it {@code rwx------} on POSIX
 * systems), read, and deleted. Nothing is cached: each {@link #read} loads the file again, so
 * concurrent runs never share a network.
 *
 * <pre>{@code
 * BundledModels models = BundledModels.classpath();
 * if (models.contains(BundledModels.Model.DNCNN)) System.out.println(models.describe(BundledModels.Model.DNCNN));
 * Optional<LearnedDenoiser> d = models.read(BundledModels.Model.DNCNN, LearnedDenoiser::load);
 * }</pre>
 */
public final class BundledModels {
    /** The classpath folder of the shipped models. */
    public static final String RESOURCE_ROOT = "/mrisr/sr/models/";

    /** The shipped models, one file each. */
    public enum Model {
        /** The plug-and-play denoiser of {@code pnp-hqs}, {@code pnp-admm} and {@code red}. */
        DNCNN,
        /** The learned stages of {@code unfolded}. */
        UNFOLDED,
        /** The trained prior of {@code deq}. */
        DEQ;

        /** The short name used in reports: {@code dncnn}, {@code unfolded}, {@code deq}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The file name, e.g. {@code dncnn.safetensors}. */
        public String fileName() {
            return id() + ".safetensors";
        }
    }

    private static final BundledModels CLASSPATH = new BundledModels(null, BundledModels.class.getClassLoader());

    private final Path directory; // null: look in the class loader
    private final ClassLoader loader;

    private BundledModels(Path directory, ClassLoader loader) {
        this.directory = directory;
        this.loader = loader;
    }

    /** The models shipped on the classpath under {@value #RESOURCE_ROOT}. */
    public static BundledModels classpath() {
        return CLASSPATH;
    }

    /** The models {@code loader} finds under {@value #RESOURCE_ROOT} (tests: a jar of models). */
    static BundledModels classpath(ClassLoader loader) {
        return new BundledModels(null, Objects.requireNonNull(loader, "loader"));
    }

    /**
     * The models in {@code directory} (files named as {@link Model#fileName()}), used as if they were
     * shipped; the folder need not exist (then there are none).
     */
    public static BundledModels in(Path directory) {
        return new BundledModels(Objects.requireNonNull(directory, "directory"), null);
    }

    /** Whether model {@code m} is there. */
    public boolean contains(Model m) {
        return directory != null ? Files.isRegularFile(directory.resolve(m.fileName())) : resource(m) != null;
    }

    /** How reports name the shipped file: {@code "bundled dncnn.safetensors"}. */
    public String describe(Model m) {
        return "bundled " + m.fileName();
    }

    /**
     * Reads model {@code m} with {@code reader} (e.g. {@code DeqPrior::load}).
     *
     * @param reader reads a safetensors file; called at most once, with a path that exists only
     *               during the call
     * @return the model, or empty when it is not there
     * @throws IllegalStateException naming the file when {@code reader} fails: a shipped model that
     *     cannot be read is a defect of the build, not of the user's input
     * @throws UncheckedIOException when a resource cannot be copied to a temporary file
     */
    public <T> Optional<T> read(Model m, Function<Path, T> reader) {
        if (directory != null) {
            Path file = directory.resolve(m.fileName());
            return Files.isRegularFile(file) ? Optional.of(apply(m, reader, file, file.toString())) : Optional.empty();
        }
        URL url = resource(m);
        if (url == null) return Optional.empty();
        if (url.getProtocol().equals("file")) {
            try {
                return Optional.of(apply(m, reader, Path.of(url.toURI()), url.toString()));
            } catch (URISyntaxException e) {
                throw new IllegalStateException(describe(m) + ": unusable resource URL " + url, e);
            }
        }
        return Optional.of(readCopy(m, reader, url));
    }

    /** Copies a resource (inside a jar) to a private temporary folder, reads it and deletes both. */
    private <T> T readCopy(Model m, Function<Path, T> reader, URL url) {
        Path dir = null, file = null;
        try {
            dir = Files.createTempDirectory("mrisr-model-");
            file = dir.resolve(m.fileName());
            try (InputStream in = url.openStream()) {
                Files.copy(in, file);
            }
            return apply(m, reader, file, url.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(describe(m) + ": cannot copy " + url + " to a temporary file: " + e.getMessage(), e);
        } finally {
            try {
                if (file != null) Files.deleteIfExists(file);
                if (dir != null) Files.deleteIfExists(dir);
            } catch (IOException e) {
                // a leftover temporary copy of a shipped (public) model is harmless; the result stands
            }
        }
    }

    private <T> T apply(Model m, Function<Path, T> reader, Path file, String location) {
        try {
            return reader.apply(file);
        } catch (RuntimeException e) {
            throw new IllegalStateException(describe(m) + " (" + location + ") cannot be used: " + e.getMessage(), e);
        }
    }

    private URL resource(Model m) {
        return loader.getResource(RESOURCE_ROOT.substring(1) + m.fileName());
    }

    @Override
    public String toString() {
        return directory == null ? "the models on the classpath under " + RESOURCE_ROOT : "the models in " + directory;
    }
}
