package mrisr.sr.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import mrisr.engine.Memory;
import mrisr.engine.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random corruptions of valid files (seeded, so every failure replays): the reader either reads the
 * file or throws its own NiftiException, never another exception (index out of bounds, negative
 * array size, arithmetic, out of memory) and never allocates more than the budget.
 */
class NiftiFuzzTest {
    @TempDir
    Path dir;

    @Test
    void corruptedFilesGiveOnlyNiftiExceptions() throws Exception {
        List<byte[]> seeds = List.of(
                NiftiTestFiles.nifti1(ByteOrder.LITTLE_ENDIAN).array(),
                NiftiTestFiles.nifti1(ByteOrder.BIG_ENDIAN).array(),
                NiftiTestFiles.nifti2(ByteOrder.LITTLE_ENDIAN).array(),
                NiftiTestFiles.nifti2(ByteOrder.BIG_ENDIAN).array(),
                Files.readAllBytes(NiftiTestFiles.fixture("i16_scaled.nii")),
                Files.readAllBytes(NiftiTestFiles.fixture("i32_qform.nii")),
                Files.readAllBytes(NiftiTestFiles.fixture("f32_4d.nii.gz")),
                Files.readAllBytes(NiftiTestFiles.fixture("i16_nifti2_be.nii.gz")));
        Rng rng = new Rng(2024);
        Path file = dir.resolve("fuzz.nii");
        long budget = Memory.budgetBytes();
        Memory.setBudgetBytes(64L << 20);
        int read = 0, refused = 0;
        try {
            for (int trial = 0; trial < 1000; trial++) {
                int which = rng.nextInt(seeds.size());
                byte[] bytes = seeds.get(which).clone();
                boolean gz = bytes[0] == 0x1f;
                // mostly header bytes of plain files; anywhere in compressed ones
                int span = gz ? bytes.length : Math.min(bytes.length, 560);
                switch (rng.nextInt(4)) {
                    case 0 -> bytes[rng.nextInt(span)] = (byte) rng.nextInt(256);
                    case 1 -> {
                        for (int n = 1 + rng.nextInt(6); n > 0; n--) bytes[rng.nextInt(span)] ^= (byte) (1 << rng.nextInt(8));
                    }
                    case 2 -> bytes = Arrays.copyOf(bytes, rng.nextInt(bytes.length));
                    default -> {
                        // a large value in a size field: dims (v1 and v2), vox_offset, datatype
                        int[] fields = {40, 42, 44, 46, 48, 16, 24, 32, 40, 108, 168, 70, 12};
                        int at = fields[rng.nextInt(fields.length)];
                        if (!gz && at + 2 <= bytes.length) {
                            bytes[at] = (byte) rng.nextInt(256);
                            bytes[at + 1] = (byte) rng.nextInt(256);
                        }
                    }
                }
                Files.write(file, bytes);
                try {
                    Nifti.load(file);
                    read++;
                } catch (NiftiException e) {
                    refused++;
                    assertThat(e.getMessage()).startsWith(file + ": ").doesNotContain("\n");
                } catch (Throwable t) {
                    throw new AssertionError("trial " + trial + " (seed file " + which + "): " + t, t);
                }
            }
        } finally {
            Memory.setBudgetBytes(budget);
        }
        assertThat(read).as("some corruptions are harmless").isPositive();
        assertThat(refused).as("most are refused").isGreaterThan(read);
    }
}
