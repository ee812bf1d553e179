package dev.softmax.cli.npy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softmax.cli.testing.NpyBytes;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyOutputTest {

    private static final ValueLayout.OfFloat F4 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    private String[] listing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    private void assertNoPartialFiles() throws IOException {
        assertThat(listing()).noneMatch(name -> name.endsWith(".partial"));
    }

    /**
     * The temporary name is the process id and a counter, created with O_EXCL: a file already holding the next name
     * (a crashed run's leftover, another process) is skipped and left as it was, and two outputs of one target
     * open at once get different files.
     */
    @Test
    void aTemporaryNameAlreadyTakenIsSkippedAndLeftAlone() throws IOException {
        Path target = dir.resolve("Y.npy");
        String first;
        try (NpyOutput out = NpyOutput.create(target, NpyDType.F4, new long[] {1})) {
            first = out.temporaryFile().getFileName().toString();
        }
        String prefix = ".Y.npy." + ProcessHandle.current().pid() + "-";
        assertThat(first).startsWith(prefix).endsWith(".partial");
        long counter = Long.parseLong(first.substring(prefix.length(), first.length() - ".partial".length()));
        Path taken = dir.resolve(prefix + (counter + 1) + ".partial");
        Files.writeString(taken, "someone else's");
        try (NpyOutput a = NpyOutput.create(target, NpyDType.F4, new long[] {1});
                NpyOutput b = NpyOutput.create(target, NpyDType.F4, new long[] {1})) {
            assertThat(a.temporaryFile()).isNotEqualTo(taken);
            assertThat(b.temporaryFile()).isNotEqualTo(taken).isNotEqualTo(a.temporaryFile());
            assertThat(Files.size(a.temporaryFile())).isEqualTo(Files.size(b.temporaryFile()));
        }
        assertThat(Files.readString(taken)).isEqualTo("someone else's");
        assertThat(listing()).containsExactly(taken.getFileName().toString());
    }

    @Test
    void committedOutputIsAValidFileWrittenThroughTheMapping() throws IOException {
        Path target = dir.resolve("Y.npy");
        try (NpyOutput out = NpyOutput.create(target, NpyDType.F4, new long[] {2, 3});
                Arena arena = Arena.ofConfined()) {
            assertThat(out.temporaryFile().getParent()).isEqualTo(dir);
            assertThat(out.temporaryFile().getFileName().toString())
                    .startsWith(".Y.npy.")
                    .endsWith(".partial");
            assertThat(target).doesNotExist();
            MemorySegment data = out.data(arena);
            assertThat(data.byteSize()).isEqualTo(24);
            assertThat(data.address() % 64).isZero();
            for (int k = 0; k < 6; k++) {
                data.set(F4, 4L * k, k + 1);
            }
            out.commit();
            assertThat(out.isCommitted()).isTrue();
        }
        assertThat(Files.readAllBytes(target))
                .isEqualTo(NpyBytes.concat(NpyHeaderTest.GOLDEN_F4_2x3, NpyBytes.floatsLE(1, 2, 3, 4, 5, 6)));
        assertThat(listing()).containsExactly("Y.npy");
    }

    @Test
    void closeWithoutCommitLeavesNoFile() throws IOException {
        Path target = dir.resolve("Y.npy");
        try (NpyOutput out = NpyOutput.create(target, NpyDType.F8, new long[] {1000});
                Arena arena = Arena.ofConfined()) {
            out.data(arena).fill((byte) 1);
            assertThat(Files.exists(out.temporaryFile())).isTrue();
        }
        assertThat(target).doesNotExist();
        assertThat(listing()).isEmpty();
    }

    @Test
    void failingWriterLeavesTheExistingTargetByteForByteUnchanged() throws IOException {
        Path target = dir.resolve("Y.npy");
        byte[] original = NpyBytes.concat(NpyHeaderTest.GOLDEN_F4_2x3, NpyBytes.floatsLE(9, 9, 9, 9, 9, 9));
        Files.write(target, original);
        var before = Files.getLastModifiedTime(target);

        assertThatThrownBy(() -> {
                    try (NpyOutput out = NpyOutput.create(target, NpyDType.F4, new long[] {2, 3});
                            Arena arena = Arena.ofConfined()) {
                        MemorySegment data = out.data(arena);
                        data.set(F4, 0, 42f);
                        throw new IllegalStateException("engine failed half way");
                    }
                })
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("engine failed half way");

        assertThat(Files.readAllBytes(target)).isEqualTo(original);
        assertThat(Files.getLastModifiedTime(target)).isEqualTo(before);
        assertThat(listing()).containsExactly("Y.npy");
    }

    @Test
    void commitReplacesTheExistingTarget() throws IOException {
        Path target = dir.resolve("Y.npy");
        Files.write(
                target, "an older, longer file that is not even .npy".repeat(10).getBytes());
        try (NpyOutput out = NpyOutput.create(target, NpyDType.I4, new long[] {2});
                Arena arena = Arena.ofConfined()) {
            MemorySegment data = out.data(arena);
            data.set(ValueLayout.JAVA_INT_UNALIGNED, 0, 7);
            data.set(ValueLayout.JAVA_INT_UNALIGNED, 4, -7);
            assertThat(Files.readString(target)).startsWith("an older"); // untouched until the commit
            out.commit();
        }
        assertThat(NpyIO.readInts(target)).containsExactly(7, -7);
        assertThat(Files.size(target)).isEqualTo(128 + 8);
        assertThat(listing()).containsExactly("Y.npy");
    }

    @Test
    void inputAndOutputMayBeTheSameFile() throws IOException {
        Path file = dir.resolve("X.npy");
        NpyIO.write(file, NpyDType.F4, new long[] {4}, new float[] {1, 2, 3, 4});
        try (Arena arena = Arena.ofConfined()) {
            NpyArray in = NpyArray.open(file, arena);
            try (NpyOutput out = NpyOutput.create(file, NpyDType.F4, in.shape())) {
                MemorySegment data = out.data(arena);
                for (int k = 0; k < 4; k++) {
                    data.set(F4, 4L * k, in.data().get(F4, 4L * k) * 10);
                }
                out.commit();
            }
            // The input mapping still sees the old file (the rename replaced the directory entry, not the data).
            assertThat(in.data().get(F4, 12)).isEqualTo(4f);
        }
        assertThat(NpyIO.readFloats(file)).containsExactly(10, 20, 30, 40);
        assertNoPartialFiles();
    }

    @Test
    void scalarOutput() throws IOException {
        Path target = dir.resolve("loss.npy");
        try (NpyOutput out = NpyOutput.create(target, NpyDType.F4, new long[0]);
                Arena arena = Arena.ofConfined()) {
            assertThat(out.elementCount()).isOne();
            assertThat(out.shape()).isEmpty();
            MemorySegment data = out.data(arena);
            assertThat(data.byteSize()).isEqualTo(4);
            data.set(F4, 0, 2.5f);
            out.commit();
        }
        try (NpyArray array = NpyArray.open(target)) {
            assertThat(array.shape()).isEmpty();
            assertThat(array.getDouble()).isEqualTo(2.5);
        }
        assertThat(Files.size(target)).isEqualTo(132);
    }

    @Test
    void emptyOutput() throws IOException {
        Path target = dir.resolve("empty.npy");
        try (NpyOutput out = NpyOutput.create(target, NpyDType.F8, new long[] {0, 5});
                Arena arena = Arena.ofConfined()) {
            assertThat(out.data(arena).byteSize()).isZero();
            out.commit();
        }
        assertThat(Files.size(target)).isEqualTo(128);
        try (NpyArray array = NpyArray.open(target)) {
            assertThat(array.shape()).containsExactly(0, 5);
            assertThat(array.elementCount()).isZero();
        }
        assertThat(NpyIO.readDoubles(target)).isEmpty();
    }

    @Test
    void chunkedWritesThroughMapRange() throws IOException {
        Path target = dir.resolve("chunks.npy");
        int rows = 300;
        int cols = 11;
        try (NpyOutput out = NpyOutput.create(target, NpyDType.F4, new long[] {rows, cols})) {
            long rowBytes = cols * 4L;
            for (int row = 0; row < rows; row += 64) {
                int n = Math.min(64, rows - row);
                try (Arena chunkArena = Arena.ofConfined()) { // released before the commit: commit still flushes
                    MemorySegment chunk = out.mapRange(row * rowBytes, n * rowBytes, chunkArena);
                    for (int k = 0; k < n * cols; k++) {
                        chunk.set(F4, 4L * k, row * cols + k);
                    }
                }
            }
            assertThatThrownBy(() -> out.mapRange(out.dataBytes() - 4, 8, Arena.global()))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            out.commit();
        }
        float[] values = NpyIO.readFloats(target);
        assertThat(values).hasSize(rows * cols);
        for (int k = 0; k < values.length; k++) {
            assertThat(values[k]).isEqualTo(k);
        }
        assertNoPartialFiles();
    }

    @Test
    void lifecycleMisuseIsRejected() throws IOException {
        Path target = dir.resolve("Y.npy");
        NpyOutput out = NpyOutput.create(target, NpyDType.F4, new long[] {1});
        out.commit();
        assertThatThrownBy(out::commit)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already committed");
        assertThatThrownBy(() -> out.data(Arena.global())).isInstanceOf(IllegalStateException.class);
        out.close();
        out.close();
        assertThat(target).exists();

        NpyOutput discarded = NpyOutput.create(dir.resolve("Z.npy"), NpyDType.F4, new long[] {1});
        discarded.close();
        assertThatThrownBy(discarded::commit)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed without commit");
        assertThat(dir.resolve("Z.npy")).doesNotExist();
        assertNoPartialFiles();
    }

    @Test
    void targetThatIsADirectoryIsRejectedBeforeAnythingIsCreated() throws IOException {
        Path target = Files.createDirectory(dir.resolve("out.npy"));
        assertThatThrownBy(() -> NpyOutput.create(target, NpyDType.F4, new long[] {1}))
                .isInstanceOf(FileSystemException.class)
                .hasMessageContaining("is a directory");
        assertThat(listing()).containsExactly("out.npy");
    }

    @Test
    void errorsAboutTheTemporaryFileNameTheTargetInstead() throws IOException {
        Files.writeString(dir.resolve("afile"), "not a folder");
        Path underAFile = dir.resolve("afile").resolve("out.npy");
        assertThatThrownBy(() -> NpyOutput.create(underAFile, NpyDType.F4, new long[] {1}))
                .isInstanceOfSatisfying(FileSystemException.class, e -> {
                    assertThat(e.getFile()).isEqualTo(underAFile.toString());
                    assertThat(e.getOtherFile()).isNull();
                    assertThat(e.getReason()).isNotBlank();
                    assertThat(e.getCause()).isInstanceOf(FileSystemException.class);
                })
                .message()
                .doesNotContain(".partial");

        // The target turns into a directory before the commit: the failed rename names the target.
        Path target = dir.resolve("Y.npy");
        try (NpyOutput out = NpyOutput.create(target, NpyDType.F4, new long[] {1})) {
            Files.createDirectory(target);
            assertThatThrownBy(out::commit)
                    .isInstanceOfSatisfying(FileSystemException.class, e -> {
                        assertThat(e.getFile()).isEqualTo(target.toString());
                        assertThat(e.getOtherFile()).isNull();
                    })
                    .message()
                    .doesNotContain(".partial");
        }
        assertNoPartialFiles();
    }

    @Test
    void outputLargerThanTheFreeSpaceIsRejectedUpFront() throws IOException {
        long huge = Long.MAX_VALUE / 8; // far beyond any disk, but a valid shape
        assertThatThrownBy(() -> NpyOutput.create(dir.resolve("huge.npy"), NpyDType.F4, new long[] {huge}))
                .isInstanceOf(FileSystemException.class)
                .hasMessageContaining("not enough free space");
        assertThat(listing()).isEmpty();
    }

    @Test
    void newFilesGetOrdinaryPermissionsAndReplacementsKeepTheOldOnes() throws IOException {
        if (!dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Path reference = Files.createFile(dir.resolve("reference"));
        Set<PosixFilePermission> ordinary = Files.getPosixFilePermissions(reference);
        Files.delete(reference);

        Path target = dir.resolve("Y.npy");
        NpyIO.write(target, NpyDType.F4, new long[] {1}, new float[] {1});
        // Not the 0600 of Files.createTempFile: the same as any file the user creates (0666 minus the umask).
        assertThat(Files.getPosixFilePermissions(target)).isEqualTo(ordinary);

        Set<PosixFilePermission> custom = PosixFilePermissions.fromString("rw-r-----");
        Files.setPosixFilePermissions(target, custom);
        NpyIO.write(target, NpyDType.F4, new long[] {1}, new float[] {2});
        assertThat(Files.getPosixFilePermissions(target)).isEqualTo(custom);
        assertThat(NpyIO.readFloats(target)).containsExactly(2f);
    }

    @Test
    void longTargetNamesStillGetATemporaryFile() throws IOException {
        String name = "n".repeat(200) + ".npy";
        Path target = dir.resolve(name);
        NpyIO.write(target, NpyDType.I8, new long[] {1}, new long[] {5});
        assertThat(NpyIO.readLongs(target)).containsExactly(5);
        assertThat(listing()).containsExactly(name);
    }

    @Test
    void versionAndOrderCanBeForcedForTests() throws IOException {
        Path target = dir.resolve("v3.npy");
        try (NpyOutput out = NpyOutput.create(target, NpyDType.F2, new long[] {2, 2}, true, NpyVersion.V3_0)) {
            assertThat(out.header().versionMajor()).isEqualTo(3);
            assertThat(out.stridesInElements()).containsExactly(1, 2);
            out.commit();
        }
        assertThat(NpyArray.openHeader(target))
                .isEqualTo(new NpyHeader(3, 0, NpyDType.F2, true, new long[] {2, 2}, 128));
    }
}
