package dev.softmax.cli.npy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@code .npy} file being written: the header is written and the file sized up front, then the caller maps the
 * data region read-write ({@link #data(Arena)} or {@link #mapRange}) and writes the elements straight into the
 * file, row-major (C order). Nothing is visible at the target until {@link #commit()}:
 *
 * <pre>{@code
 * try (NpyOutput out = NpyOutput.create(target, NpyDType.F4, shape); Arena arena = Arena.ofConfined()) {
 *     engine.softmax(input, TensorView.wrap(out.data(arena), DType.F32, shape));
 *     out.commit();   // flush to disk, then atomically rename onto the target
 * }                   // without commit(): the temporary file is deleted, the target left as it was
 * }</pre>
 *
 * <p>The data goes to a temporary file {@code .<name>.<pid>-<counter>.partial} next to the target, so that the final
 * rename is atomic (same file system): a reader of the target sees the old file or the complete new one, never a
 * partial one; a crash leaves at worst a hidden {@code .partial} file. Because the target is replaced by a rename,
 * an input mapped from the same path keeps reading the old data, so {@code --in X.npy --out X.npy} is safe. The
 * new file gets the existing target's permissions, or the usual ones for a new file (mode 0666 minus the umask).
 */
public final class NpyOutput implements AutoCloseable {

    private static final Set<PosixFilePermission> NEW_FILE_PERMISSIONS = PosixFilePermissions.fromString("rw-rw-rw-");

    private final Path target;
    private final Path temporary;
    private final NpyHeader header;
    private final FileChannel channel;
    private final List<MemorySegment> mapped = new ArrayList<>();
    private boolean committed;
    private boolean closed;

    private NpyOutput(Path target, Path temporary, NpyHeader header, FileChannel channel) {
        this.target = target;
        this.temporary = temporary;
        this.header = header;
        this.channel = channel;
    }

    /**
     * Starts writing a C-order array of {@code shape} (empty for a 0-d scalar) to {@code target}. The target itself
     * is not touched until {@link #commit()}.
     *
     * @throws IOException if the temporary file cannot be created or sized, or the target's file system has less
     *     free space than the file needs (checked up front: running out of space while writing into a mapping
     *     would crash the write instead of failing it)
     * @throws IllegalArgumentException if the shape has a negative dimension or is too large
     */
    public static NpyOutput create(Path target, NpyDType dtype, long[] shape) throws IOException {
        return create(target, dtype, shape, false, null);
    }

    /** {@link #create(Path, NpyDType, long[])} with the memory order and format version chosen (null: as NumPy). */
    static NpyOutput create(Path target, NpyDType dtype, long[] shape, boolean fortranOrder, NpyVersion version)
            throws IOException {
        Objects.requireNonNull(target, "target");
        byte[] headerBytes = NpyHeader.format(dtype, fortranOrder, shape, version);
        // Parse what was just formatted: the header the caller sees is exactly the one a reader will see.
        NpyHeader header = NpyHeader.parse(MemorySegment.ofArray(headerBytes), target.toString());
        long fileSize = header.dataOffset() + header.dataBytes();

        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        if (Files.isDirectory(absolute)) {
            throw new FileSystemException(target.toString(), null, "is a directory");
        }
        long usable = usableSpace(directory);
        if (usable >= 0 && usable < fileSize) {
            throw new FileSystemException(
                    target.toString(),
                    null,
                    "not enough free space: the file needs " + fileSize + " bytes, " + usable + " are available in "
                            + directory);
        }
        String name = absolute.getFileName().toString();
        String prefix = "." + (name.length() > 100 ? name.substring(0, 100) : name) + ".";
        boolean posix = Files.getFileStore(directory).supportsFileAttributeView(PosixFileAttributeView.class);
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(NEW_FILE_PERMISSIONS)}
                : new FileAttribute<?>[0];
        Path temporary;
        try {
            temporary = createTemporary(directory, prefix, attributes);
        } catch (FileSystemException e) {
            throw aboutTarget(e, target); // e names the .partial file, not the target
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(temporary, StandardOpenOption.READ, StandardOpenOption.WRITE);
            writeFully(channel, ByteBuffer.wrap(headerBytes), 0);
            reserve(channel, headerBytes.length, fileSize);
            return new NpyOutput(target, temporary, header, channel);
        } catch (IOException | RuntimeException | Error e) {
            try {
                if (channel != null) {
                    channel.close();
                }
                Files.deleteIfExists(temporary);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof FileSystemException problem) {
                throw aboutTarget(problem, target);
            }
            if (e instanceof IOException io) {
                // "No space left on device", "File too large" (RLIMIT_FSIZE): about the target, on one line.
                FileSystemException told = new FileSystemException(target.toString(), null, io.getMessage());
                told.initCause(io);
                throw told;
            }
            throw e;
        }
    }

    /** Temporary files this process has named, so that two outputs created at once get different names. */
    private static final AtomicLong TEMPORARY_FILES = new AtomicLong();

    /**
     * Creates the temporary file {@code <prefix><pid>-<counter>.partial} (O_EXCL: an existing file or link of that
     * name is never opened, the next counter is tried). Why not {@link Files#createTempFile}: its random name seeds
     * a {@code SecureRandom} first, 14 ms of a 0.65 s {@code softmax apply} (this host, 2026-12-06); the name need
     * not be secret, since creation never follows a link.
     */
    private static Path createTemporary(Path directory, String prefix, FileAttribute<?>[] attributes)
            throws IOException {
        long pid = ProcessHandle.current().pid();
        for (int attempt = 0; ; attempt++) {
            Path candidate = directory.resolve(prefix + pid + "-" + TEMPORARY_FILES.incrementAndGet() + ".partial");
            try {
                return Files.createFile(candidate, attributes);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 99) {
                    throw e;
                }
            }
        }
    }

    /**
     * The temporary file's name means nothing to the caller, who named the target: {@code problem} (about the
     * temporary file) told about the target instead, with the same reason and type, and {@code problem} as cause.
     */
    private static FileSystemException aboutTarget(FileSystemException problem, Path target) {
        String file = target.toString();
        FileSystemException told = switch (problem) {
            case NoSuchFileException _ -> new NoSuchFileException(file, null, problem.getReason());
            case AccessDeniedException _ -> new AccessDeniedException(file, null, problem.getReason());
            case FileAlreadyExistsException _ -> new FileAlreadyExistsException(file, null, problem.getReason());
            default -> new FileSystemException(file, null, problem.getReason());
        };
        told.initCause(problem);
        return told;
    }

    private static long usableSpace(Path directory) {
        try {
            return Files.getFileStore(directory).getUsableSpace();
        } catch (IOException | UnsupportedOperationException e) {
            return -1; // unknown: let the writes fail if they must
        }
    }

    /**
     * Gives the file its final size by writing zeros, so that every data block exists before anything is written
     * through a mapping. A sparse file (the file extended by its last byte only) passed the free-space check above
     * and then, when another writer filled the disk first, faulted mid-write: a store into a mapped page the file
     * system cannot back raises SIGBUS, which the JDK turns into an InternalError in Java code and which kills the
     * JVM in native code (oneDNN writing a 16-bit output). Found by RELIABILITY.md's disk-full fault (two outputs
     * racing for a 2 MB tmpfs). Written this way, a full disk is an ordinary IOException here, before any data is
     * computed. Costs one sequential write of the output's size (the page cache absorbs most of it); copy-on-write
     * file systems (btrfs, ZFS) may still need blocks when the data overwrites the zeros.
     */
    private static void reserve(FileChannel channel, long from, long size) throws IOException {
        ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
        for (long position = from; position < size; ) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), size - position));
            while (zeros.hasRemaining()) {
                position += channel.write(zeros, position);
            }
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
    }

    /** The header this file will have. */
    public NpyHeader header() {
        return header;
    }

    /** The file {@link #commit()} replaces. */
    public Path target() {
        return target;
    }

    /** The hidden temporary file the data is written to until {@link #commit()}. */
    public Path temporaryFile() {
        return temporary;
    }

    public NpyDType dtype() {
        return header.dtype();
    }

    /** A copy of the shape. */
    public long[] shape() {
        return header.shape();
    }

    public long elementCount() {
        return header.elementCount();
    }

    /** Bytes of data: {@code elementCount() * dtype().itemSize()}. */
    public long dataBytes() {
        return header.dataBytes();
    }

    /** See {@link NpyHeader#stridesInElements()}. */
    public long[] stridesInElements() {
        return header.stridesInElements();
    }

    /**
     * Maps the whole data region read-write in {@code arena}: writes to the segment go to the file. The segment
     * starts on a 64-byte boundary. Keep the arena open until {@link #commit()} (or let commit flush through the
     * file if it is closed before).
     */
    public MemorySegment data(Arena arena) throws IOException {
        return mapRange(0, header.dataBytes(), arena);
    }

    /**
     * Maps {@code byteLength} bytes of the data region read-write, starting {@code dataByteOffset} bytes into the
     * data (not into the file): for writing outputs too large to map at once, chunk by chunk.
     *
     * @throws IndexOutOfBoundsException if the range is not inside the data
     */
    public synchronized MemorySegment mapRange(long dataByteOffset, long byteLength, Arena arena) throws IOException {
        ensureWritable();
        Objects.checkFromIndexSize(dataByteOffset, byteLength, header.dataBytes());
        MemorySegment segment =
                channel.map(MapMode.READ_WRITE, header.dataOffset() + dataByteOffset, byteLength, arena);
        mapped.removeIf(s -> !s.scope().isAlive());
        mapped.add(segment);
        return segment;
    }

    /**
     * Forces the data to disk, then atomically renames the temporary file onto the target (replacing it only now)
     * and forces the directory entry to disk where the platform allows. After a commit the output is finished:
     * the data segments stay mapped (to the same, now renamed, file) until their arena is closed.
     *
     * @throws IOException if the data cannot be flushed or the rename fails; the target is then unchanged and
     *     {@link #close()} deletes the temporary file
     */
    public synchronized void commit() throws IOException {
        ensureWritable();
        for (MemorySegment segment : mapped) {
            if (segment.scope().isAlive()) {
                try {
                    segment.force();
                } catch (WrongThreadException | IllegalStateException e) {
                    // mapped in another thread's confined arena, or its arena was just closed: on Linux the
                    // channel.force below writes those pages back as well (one page cache per file)
                }
            }
        }
        channel.force(true); // also writes back pages dirtied through mappings whose arena is already closed
        channel.close();
        copyPermissionsOfExistingTarget();
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new FileSystemException(
                    target.toString(), null, "cannot replace the file atomically: " + e.getMessage());
        } catch (FileSystemException e) {
            throw aboutTarget(e, target); // e names the temporary file (and the target as the other file)
        }
        committed = true;
        mapped.clear();
        forceDirectory(temporary.toAbsolutePath().getParent());
    }

    private void copyPermissionsOfExistingTarget() {
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(target, PosixFileAttributeView.class);
            if (view != null && Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                Files.setPosixFilePermissions(temporary, view.readAttributes().permissions());
            }
        } catch (IOException | UnsupportedOperationException e) {
            // keep the new-file permissions
        }
    }

    private static void forceDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform can open or sync a directory; the rename itself has happened
        }
    }

    /** True once {@link #commit()} has replaced the target. */
    public synchronized boolean isCommitted() {
        return committed;
    }

    private void ensureWritable() {
        if (committed) {
            throw new IllegalStateException(target + ": already committed");
        }
        if (closed) {
            throw new IllegalStateException(target + ": output closed without commit");
        }
    }

    /**
     * Without {@link #commit()}: discards the output, deleting the temporary file and leaving the target as it
     * was. After a commit: does nothing more. Safe to call twice.
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (committed) {
            return;
        }
        try {
            channel.close();
        } finally {
            mapped.clear();
            Files.deleteIfExists(temporary);
        }
    }

    @Override
    public String toString() {
        return "NpyOutput[" + target + ", " + header + (committed ? ", committed" : "") + "]";
    }
}
