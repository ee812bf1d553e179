package dev.softmax.cli.npy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.softmax.cli.testing.NpyBytes;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyArrayTest {

    private static final ValueLayout.OfFloat F4 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** a = [[1, 2, 3], [4, 5, 6]] stored column-major, as np.save(np.asfortranarray(a)) writes it. */
    private static final byte[] FORTRAN_2x3 = NpyBytes.concat(
            NpyBytes.v1("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", new byte[0]),
            NpyBytes.floatsLE(1, 4, 2, 5, 3, 6));

    private static final float[][] A = {{1, 2, 3}, {4, 5, 6}};

    @TempDir
    Path dir;

    @Test
    void fortranFileIsReadThroughStrides() throws IOException {
        Path file = NpyBytes.write(dir, "f.npy", FORTRAN_2x3);
        try (Arena arena = Arena.ofConfined()) {
            NpyArray array = NpyArray.open(file, arena);
            assertThat(array.fortranOrder()).isTrue();
            assertThat(array.header().dataOffset()).isEqualTo(128);
            long[] strides = array.stridesInElements();
            assertThat(strides).containsExactly(1, 2);
            MemorySegment data = array.data();
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    long element = i * strides[0] + j * strides[1];
                    assertThat(data.get(F4, element * 4)).as("a[%d][%d]", i, j).isEqualTo(A[i][j]);
                    assertThat(array.elementIndex(i, j)).isEqualTo(element);
                    assertThat(array.getDouble(i, j)).isEqualTo(A[i][j]);
                }
            }
        }
        assertThat(NpyIO.readFloats(file)).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void cOrderFileOfTheSameValues() throws IOException {
        Path file = NpyBytes.write(
                dir, "c.npy", NpyBytes.concat(NpyHeaderTest.GOLDEN_F4_2x3, NpyBytes.floatsLE(1, 2, 3, 4, 5, 6)));
        try (NpyArray array = NpyArray.open(file)) {
            assertThat(array.stridesInElements()).containsExactly(3, 1);
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    assertThat(array.getDouble(i, j)).isEqualTo(A[i][j]);
                }
            }
            assertThatThrownBy(() -> array.getDouble(2, 0)).isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> array.getDouble(0)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void fortranWriterPlacesElementsColumnMajor() throws IOException {
        Path file = dir.resolve("w.npy");
        NpyIO.write(file, NpyDType.F4, new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}, true, null);
        assertThat(Files.readAllBytes(file)).isEqualTo(FORTRAN_2x3);
    }

    @Test
    void dataIsAReadOnlyZeroCopyView() throws IOException {
        Path file = NpyBytes.write(
                dir, "c.npy", NpyBytes.concat(NpyHeaderTest.GOLDEN_F4_2x3, NpyBytes.floatsLE(1, 2, 3, 4, 5, 6)));
        try (NpyArray array = NpyArray.open(file)) {
            assertThat(array.data().isReadOnly()).isTrue();
            assertThat(array.data().isMapped()).isTrue();
            assertThat(array.data().isNative()).isTrue();
            assertThatThrownBy(() -> array.data().set(F4, 0, 9f)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void closeReleasesAnOwnedMappingButNotACallersArena() throws IOException {
        Path file = NpyBytes.write(
                dir, "c.npy", NpyBytes.concat(NpyHeaderTest.GOLDEN_F4_2x3, NpyBytes.floatsLE(1, 2, 3, 4, 5, 6)));
        NpyArray owned = NpyArray.open(file);
        MemorySegment ownedData = owned.data();
        owned.close();
        owned.close();
        assertThat(ownedData.scope().isAlive()).isFalse();

        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data;
            try (NpyArray array = NpyArray.open(file, arena)) {
                data = array.data();
            }
            assertThat(data.get(F4, 20)).isEqualTo(6f);
        }
    }

    @Test
    void headerOnlyAndChunkedMapping() throws IOException {
        Path file = dir.resolve("big.npy");
        int rows = 1000;
        int cols = 37;
        float[] values = new float[rows * cols];
        for (int k = 0; k < values.length; k++) {
            values[k] = k;
        }
        NpyIO.write(file, NpyDType.F4, new long[] {rows, cols}, values);

        NpyHeader header = NpyArray.openHeader(file);
        assertThat(header.shape()).containsExactly(rows, cols);
        long rowBytes = (long) cols * 4;
        int chunkRows = 128;
        try (Arena arena = Arena.ofConfined()) {
            for (long row = 0; row < rows; row += chunkRows) {
                long n = Math.min(chunkRows, rows - row);
                MemorySegment chunk = NpyArray.mapRange(file, header, row * rowBytes, n * rowBytes, arena);
                assertThat(chunk.byteSize()).isEqualTo(n * rowBytes);
                assertThat(chunk.isReadOnly()).isTrue();
                assertThat(chunk.get(F4, 0)).isEqualTo(row * cols);
                assertThat(chunk.get(F4, n * rowBytes - 4)).isEqualTo((row + n) * cols - 1);
            }
            assertThatThrownBy(() -> NpyArray.mapRange(file, header, header.dataBytes() - 4, 8, arena))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            assertThatThrownBy(() -> NpyArray.mapRange(file, header, -1, 4, arena))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void mapRangeNoticesAFileThatShrank() throws IOException {
        Path file = dir.resolve("s.npy");
        NpyIO.write(file, NpyDType.F4, new long[] {2, 3}, new float[6]);
        NpyHeader header = NpyArray.openHeader(file);
        try (var channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE);
                Arena arena = Arena.ofConfined()) {
            channel.truncate(130);
            assertThatThrownBy(() -> NpyArray.mapRange(file, header, 0, 4, arena))
                    .isInstanceOf(NpyFormatException.class)
                    .hasMessage(file + ": truncated data: the header's shape (2, 3) of <f4 needs 24 bytes after the"
                            + " 128-byte header, the file has 2");
        }
    }

    @Test
    void unalignedDataFromForeignWritersIsReadable() throws IOException {
        byte[] file = NpyBytes.npy(1, 0, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}", new byte[] {
            0, 0, 0, 0, 0, 0, (byte) 0xf8, 0x3f, 0, 0, 0, 0, 0, 0, 0, (byte) 0xc0
        });
        Path path = NpyBytes.write(dir, "u.npy", file);
        try (NpyArray array = NpyArray.open(path)) {
            assertThat(array.header().dataOffset()).isEqualTo(65);
            assertThat(array.getDouble(0)).isEqualTo(1.5);
            assertThat(array.getDouble(1)).isEqualTo(-2.0);
        }
        assertThat(NpyIO.readDoubles(path)).containsExactly(1.5, -2.0);
    }

    @Test
    void halfPrecisionAndIntegersThroughGetDouble() throws IOException {
        Path h = NpyBytes.write(
                dir,
                "h.npy",
                NpyBytes.concat(
                        NpyBytes.v1("{'descr': '<f2', 'fortran_order': False, 'shape': (3,), }", new byte[0]),
                        new byte[] {0x00, 0x3c, 0x00, (byte) 0xc0, 0x00, 0x7c})); // 1.0, -2.0, +inf in binary16
        try (NpyArray array = NpyArray.open(h)) {
            assertThat(array.getDouble(0)).isEqualTo(1.0);
            assertThat(array.getDouble(1)).isEqualTo(-2.0);
            assertThat(array.getDouble(2)).isEqualTo(Double.POSITIVE_INFINITY);
        }
        Path i = NpyBytes.write(
                dir,
                "i.npy",
                NpyBytes.concat(
                        NpyBytes.v1("{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", new byte[0]),
                        new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01, 0x02, 0x00, 0x00}));
        assertThat(NpyIO.readInts(i)).containsExactly(-1, 0x0201);
    }

    /**
     * A 4 GiB + 12 byte array (sparse on disk: only three elements are ever written): offsets beyond 2^31 and 2^32
     * bytes through the whole-file mapping, the chunked mapping and the writer's mapRange.
     */
    @Test
    void filesLargerThanFourGibibytes() throws IOException {
        long n = (1L << 30) + 3;
        Assumptions.assumeTrue(
                Files.getFileStore(dir).getUsableSpace() > 3 * n * 4, "needs a file system with room for a 4 GiB file");
        Path file = dir.resolve("huge.npy");
        try (NpyOutput out = NpyOutput.create(file, NpyDType.F4, new long[] {n});
                Arena arena = Arena.ofConfined()) {
            out.mapRange(0, 4, arena).set(F4, 0, 1f);
            out.mapRange((1L << 29) * 4, 4, arena).set(F4, 0, 2f); // at 2^31 bytes
            out.mapRange((n - 1) * 4, 4, arena).set(F4, 0, 3f); // past 2^32 bytes
            out.commit();
        }
        assertThat(Files.size(file)).isEqualTo(128 + n * 4);
        try (NpyArray array = NpyArray.open(file)) {
            assertThat(array.elementCount()).isEqualTo(n);
            assertThat(array.data().byteSize()).isEqualTo(n * 4);
            assertThat(array.getDouble(0)).isEqualTo(1.0);
            assertThat(array.getDouble(1L << 29)).isEqualTo(2.0);
            assertThat(array.getDouble(n - 1)).isEqualTo(3.0);
            assertThat(array.getDouble(n - 2)).isZero();
        }
        NpyHeader header = NpyArray.openHeader(file);
        try (Arena arena = Arena.ofConfined()) {
            assertThat(NpyArray.mapRange(file, header, (n - 1) * 4, 4, arena).get(F4, 0))
                    .isEqualTo(3f);
        }
        Files.delete(file);
    }
}
