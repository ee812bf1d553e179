package dev.softmax.cli.npy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Objects;

/**
 * A {@code .npy} file mapped read-only into memory: the data is never copied onto the Java heap.
 *
 * <p>{@link #data()} is a zero-copy slice of the mapping holding {@link #elementCount()} elements of
 * {@link #dtype()}; element {@code (i0, ..., ik)} is at element offset {@code sum(i_j * stridesInElements()[j])}
 * (row-major for C order, column-major for {@code fortran_order: True}: Fortran files are served through their
 * strides, never transposed). The mapping lives as long as the {@link Arena} it was made in; for files too large
 * to map at once, {@link #openHeader(Path)} and {@link #mapRange} map the data chunk by chunk.
 *
 * <p>Like every memory-mapped file, the mapping assumes nobody truncates the file while it is in use: the JVM then
 * throws an {@link InternalError} on access from Java code, but a Vector API load in compiled code, or native code,
 * crashes the process; the commands therefore copy the data out of the mapping before the engine reads it
 * ({@code NpyTensors.input}). Instances are immutable and can be shared between threads when the
 * arena allows it.
 */
public final class NpyArray implements AutoCloseable {

    private final Path path;
    private final NpyHeader header;
    private final MemorySegment data;
    private final long trailingBytes;
    private final Arena ownedArena;

    private NpyArray(Path path, NpyHeader header, MemorySegment data, long trailingBytes, Arena ownedArena) {
        this.path = path;
        this.header = header;
        this.data = data;
        this.trailingBytes = trailingBytes;
        this.ownedArena = ownedArena;
    }

    /**
     * Maps {@code path} read-only in {@code arena}, then reads and validates its header and checks that the data is
     * all there. {@link #close()} leaves the arena alone: the mapping is released when the caller closes it.
     *
     * @throws NpyFormatException if the file is not a supported {@code .npy} file, or is truncated
     * @throws IOException if the file cannot be opened or mapped
     */
    public static NpyArray open(Path path, Arena arena) throws IOException {
        return open(path, arena, null);
    }

    /** {@link #open(Path, Arena)} in an arena of its own (shared between threads), released by {@link #close()}. */
    public static NpyArray open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            return open(path, arena, arena);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    private static NpyArray open(Path path, Arena arena, Arena ownedArena) throws IOException {
        Objects.requireNonNull(arena, "arena");
        String source = path.toString();
        try (FileChannel channel = openForReading(path)) {
            long size = channel.size();
            MemorySegment file = size == 0 ? MemorySegment.NULL : channel.map(MapMode.READ_ONLY, 0, size, arena);
            NpyHeader header = NpyHeader.parse(file, source);
            long trailing = header.checkFileSize(source, size);
            MemorySegment data = file.asSlice(header.dataOffset(), header.dataBytes());
            return new NpyArray(path, header, data, trailing, ownedArena);
        }
    }

    /**
     * Reads and validates only the header of {@code path} (and checks that the file is long enough for the data):
     * the first step of a chunk-by-chunk read with {@link #mapRange}.
     */
    public static NpyHeader openHeader(Path path) throws IOException {
        String source = path.toString();
        try (FileChannel channel = openForReading(path);
                Arena arena = Arena.ofConfined()) {
            long size = channel.size();
            // Mapping costs address space only; just the header's pages are read.
            MemorySegment file = size == 0 ? MemorySegment.NULL : channel.map(MapMode.READ_ONLY, 0, size, arena);
            NpyHeader header = NpyHeader.parse(file, source);
            header.checkFileSize(source, size);
            return header;
        }
    }

    /**
     * Maps {@code byteLength} bytes of {@code path}'s data, starting {@code dataByteOffset} bytes into the data (not
     * into the file), read-only in {@code arena}.
     *
     * @param header the file's header, from {@link #openHeader(Path)}
     * @throws IndexOutOfBoundsException if the range is not inside the data
     * @throws NpyFormatException if the file has become shorter than its header says
     */
    public static MemorySegment mapRange(Path path, NpyHeader header, long dataByteOffset, long byteLength, Arena arena)
            throws IOException {
        Objects.checkFromIndexSize(dataByteOffset, byteLength, header.dataBytes());
        try (FileChannel channel = openForReading(path)) {
            header.checkFileSize(path.toString(), channel.size());
            return channel.map(MapMode.READ_ONLY, header.dataOffset() + dataByteOffset, byteLength, arena);
        }
    }

    private static FileChannel openForReading(Path path) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
        if (attributes.isDirectory()) {
            throw new NpyFormatException(path.toString(), "is a directory, not a .npy file");
        }
        if (!attributes.isRegularFile()) {
            throw new NpyFormatException(
                    path.toString(),
                    "is not a regular file (.npy input is memory-mapped, so it cannot be a pipe or a device)");
        }
        return FileChannel.open(path, StandardOpenOption.READ);
    }

    /** The file as given to {@link #open}. */
    public Path path() {
        return path;
    }

    public NpyHeader header() {
        return header;
    }

    /** A copy of the shape; empty for a 0-d array. */
    public long[] shape() {
        return header.shape();
    }

    public NpyDType dtype() {
        return header.dtype();
    }

    public boolean fortranOrder() {
        return header.fortranOrder();
    }

    public long elementCount() {
        return header.elementCount();
    }

    /**
     * The data, {@code elementCount() * dtype().itemSize()} bytes, a read-only zero-copy slice of the mapped file.
     * It starts on a 64-byte boundary for files NumPy wrote; other writers may leave it less aligned, so read it
     * with {@link NpyDType#layout()} or check {@code data().address()} before using aligned layouts.
     */
    public MemorySegment data() {
        return data;
    }

    /** See {@link NpyHeader#stridesInElements()}. */
    public long[] stridesInElements() {
        return header.stridesInElements();
    }

    /** Bytes after the data. NumPy ignores them when loading and so does this class; commands may warn about them. */
    public long trailingBytes() {
        return trailingBytes;
    }

    /**
     * The element offset (in elements from the start of {@link #data()}) of the element at {@code index}, one
     * index per dimension (none for a 0-d array).
     *
     * @throws IndexOutOfBoundsException if the index is outside the shape
     */
    public long elementIndex(long... index) {
        long[] shape = header.shape();
        if (index.length != shape.length) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " has " + index.length
                    + " entries; the array has " + shape.length + " dimensions");
        }
        long[] strides = header.stridesInElements();
        long offset = 0;
        for (int i = 0; i < index.length; i++) {
            offset += Objects.checkIndex(index[i], shape[i]) * strides[i];
        }
        return offset;
    }

    /** The element at {@code index} as a double (binary16 widened; i8 rounded beyond 2^53). */
    public double getDouble(long... index) {
        return readAsDouble(data, header.dtype(), elementIndex(index));
    }

    static double readAsDouble(MemorySegment data, NpyDType dtype, long element) {
        long byteOffset = element * dtype.itemSize();
        return switch (dtype) {
            case F4 -> data.get((ValueLayout.OfFloat) dtype.layout(), byteOffset);
            case F2 -> Float.float16ToFloat(data.get((ValueLayout.OfShort) dtype.layout(), byteOffset));
            case F8 -> data.get((ValueLayout.OfDouble) dtype.layout(), byteOffset);
            case I4 -> data.get((ValueLayout.OfInt) dtype.layout(), byteOffset);
            case I8 -> data.get((ValueLayout.OfLong) dtype.layout(), byteOffset);
            case B1, U1 -> data.get(ValueLayout.JAVA_BYTE, byteOffset) & 0xFF;
        };
    }

    /** Releases the mapping if {@link #open(Path)} made it; with a caller's arena, the caller releases it. */
    @Override
    public void close() {
        if (ownedArena != null && ownedArena.scope().isAlive()) {
            ownedArena.close();
        }
    }

    @Override
    public String toString() {
        return "NpyArray[" + path + ", " + header + "]";
    }
}
