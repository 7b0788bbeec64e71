package mrisr.sr.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import mrisr.sr.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private String[] listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    @Test
    void writesTheWholeFileAndNothingElse() throws Exception {
        Path target = dir.resolve("out.txt");
        AtomicFiles.write(target, out -> out.write("hello".getBytes(StandardCharsets.US_ASCII)));
        assertThat(target).hasContent("hello");
        assertThat(listing()).containsExactly("out.txt");
        AtomicFiles.write(target, out -> out.write("replaced".getBytes(StandardCharsets.US_ASCII)));
        assertThat(target).hasContent("replaced");
        assertThat(listing()).containsExactly("out.txt");
    }

    @Test
    void aWriteInterruptedByAnIoErrorLeavesNoFile() throws Exception {
        Path target = dir.resolve("out.nii");
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write(new byte[100_000]);
            throw new IOException("disk full");
        })).isInstanceOf(UncheckedIOException.class).hasMessage("cannot write " + target + ": disk full");
        assertThat(listing()).isEmpty();
    }

    @Test
    void aFailedWriteKeepsThePreviousFile() throws Exception {
        Path target = dir.resolve("out.nii");
        Files.writeString(target, "old");
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write(new byte[200_000]);
            throw new IllegalStateException("interrupted");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(target).hasContent("old");
        assertThat(listing()).containsExactly("out.nii");
    }

    @Test
    void missingDirectoryOrDirectoryTargetIsAnInputError() {
        Path target = dir.resolve("no/such/dir/out.nii");
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> out.write(1))).isInstanceOf(InputException.class)
                .hasMessageContaining("cannot write " + target + ": directory").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> AtomicFiles.write(dir, out -> out.write(1))).isInstanceOf(InputException.class)
                .hasMessage("cannot write " + dir + ": it is a directory");
    }
}
