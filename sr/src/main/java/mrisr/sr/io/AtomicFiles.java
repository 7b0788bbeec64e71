package mrisr.sr.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import mrisr.sr.InputException;

/**
 * Writes a file all-or-nothing: readers see either the old file (or none) or the complete new
 * one, never a partial write.
 *
 * <p>The bytes go to a hidden temporary file in the target's own directory (a rename is atomic only
 * within one file system), are forced to disk, and the temporary file is then renamed over the
 * target with {@link StandardCopyOption#ATOMIC_MOVE}; finally the directory is forced so the rename
 * survives a crash. If the writer fails, or the rename is not supported, the temporary file is
 * deleted and the target is left as it was.
 *
 * <pre>{@code
 * AtomicFiles.write(Path.of("out/report.txt"), out -> out.write(bytes));
 * }</pre>
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Produces a file's bytes. */
    @FunctionalInterface
    public interface Body {
        /**
         * Writes everything to {@code out} (buffered; flushing and closing are done by the caller).
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code target} atomically.
     *
     * @throws InputException if the target's directory does not exist or the target is a directory
     * @throws UncheckedIOException if writing or renaming fails (the target is then unchanged)
     */
    public static void write(Path target, Body body) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new InputException("cannot write " + target + ": directory " + dir + " does not exist");
        }
        if (Files.isDirectory(abs)) throw new InputException("cannot write " + target + ": it is a directory");
        Path tmp = dir.resolve("." + abs.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
        boolean moved = false;
        try {
            // CREATE_NEW (not createTempFile) so the file gets the usual umask permissions, not 0600.
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                body.writeTo(out);
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
            forceDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (!moved) deleteQuietly(tmp);
        }
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some platforms and file systems cannot open or sync a directory; the rename itself is done.
        }
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            // Nothing more to do: the target is untouched, only a hidden temporary file may remain.
        }
    }
}
