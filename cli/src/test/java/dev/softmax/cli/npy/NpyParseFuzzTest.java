package dev.softmax.cli.npy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.softmax.fuzzing.FuzzStats;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Fuzzes the .npy reader with arbitrary bytes, both parsed from memory ({@link NpyHeader#parse}) and written to a file
 * and mapped ({@link NpyArray#open}).
 *
 * <p>The property: the bytes are either a valid array, whose data slice is exactly {@code elementCount * itemSize}
 * bytes inside the file and whose first and last elements can be read through its strides, or they are refused with
 * {@link NpyFormatException}; never another exception type (an {@code IndexOutOfBoundsException},
 * {@code ArithmeticException}, {@code OutOfMemoryError} or {@code StackOverflowError} fails the run). Nothing is
 * allocated by the file's claims before they are checked: the header buffer is bounded by the file's size, and the
 * data is mapped, never copied, so an input claiming a shape of 2^62 elements must be refused, not allocated.
 *
 * <p>In CI: regression mode over {@code NpyParseFuzzTestInputs/} (valid files of every dtype, version 1/2/3 headers,
 * Fortran order, 0-d and empty arrays, and each refusal). Long run: {@code ci/fuzz-long.sh} (RELIABILITY.md).
 */
class NpyParseFuzzTest {

    private static final Path FILE = scratchFile();

    @FuzzTest
    void anyBytesParseOrGiveNpyFormatException(byte[] bytes) throws IOException {
        FuzzStats.count("NpyParseFuzzTest");
        NpyHeader parsed;
        try {
            parsed = NpyHeader.parse(MemorySegment.ofArray(bytes), "fuzz.npy");
        } catch (NpyFormatException refused) {
            assertThat(refused.getMessage()).startsWith("fuzz.npy: ");
            parsed = null;
        }
        Files.write(FILE, bytes);
        try (Arena arena = Arena.ofConfined()) {
            NpyArray array;
            try {
                array = NpyArray.open(FILE, arena);
            } catch (NpyFormatException refused) {
                // A header that parses in memory may still be refused from the file: its data is not all there.
                assertThat(refused.getMessage()).startsWith(FILE + ": ");
                if (parsed != null) {
                    assertThat(parsed.dataOffset() + parsed.dataBytes()).isGreaterThan(bytes.length);
                }
                return;
            }
            assertThat(parsed)
                    .as("the file opened, so its bytes parse in memory too")
                    .isNotNull();
            assertThat(array.header()).isEqualTo(parsed);
            long count = Arrays.stream(array.shape()).reduce(1, Math::multiplyExact);
            assertThat(array.elementCount()).isEqualTo(count);
            assertThat(array.data().byteSize()).isEqualTo(count * array.dtype().itemSize());
            assertThat(parsed.dataOffset() + array.data().byteSize() + array.trailingBytes())
                    .isEqualTo(bytes.length);
            if (count > 0) {
                long[] first = new long[array.shape().length];
                long[] last = Arrays.stream(array.shape()).map(d -> d - 1).toArray();
                // Both ends are inside the data through the file's strides (C or Fortran order).
                assertThat(array.elementIndex(first)).isZero();
                assertThat(array.elementIndex(last)).isEqualTo(count - 1);
                array.getDouble(first);
                array.getDouble(last);
            }
        }
    }

    private static Path scratchFile() {
        try {
            Path target = Path.of("target");
            Path folder = Files.isDirectory(target) ? target : Path.of(System.getProperty("java.io.tmpdir"));
            Path file = Files.createTempFile(folder, "npy-fuzz-", ".npy");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
