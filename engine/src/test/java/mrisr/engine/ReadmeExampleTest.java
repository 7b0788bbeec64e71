package mrisr.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java example in the README compiles, runs, and fits the line it claims to fit. */
class ReadmeExampleTest {
    @Test
    void readmeExampleFitsTheLine(@TempDir Path dir) throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        Matcher m = Pattern.compile("```java\\n(.*?public class FitLine.*?)```", Pattern.DOTALL).matcher(readme);
        assertThat(m.find()).as("README has a ```java block with class FitLine").isTrue();
        Path src = dir.resolve("FitLine.java");
        Files.writeString(src, m.group(1));

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-cp", System.getProperty("java.class.path"), "-d",
                dir.toString(), src.toString());
        assertThat(rc).as("javac: %s", diagnostics.toString(StandardCharsets.UTF_8)).isZero();

        PrintStream original = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            loader.loadClass("FitLine").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(original);
        }
        String printed = out.toString(StandardCharsets.UTF_8).trim();
        assertThat(printed).isEqualTo("w = 2.000, b = 1.000");
        assertThat(readme).as("the README shows the output it prints").contains(printed);
        assertThat(List.of(readme.split("\n")).subList(0, 40).stream().anyMatch(l -> l.contains("./mrisr demo"))).isTrue();
    }
}
