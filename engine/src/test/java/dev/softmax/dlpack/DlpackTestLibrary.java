package dev.softmax.dlpack;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The tests' DLPack producer and consumer in C ({@code src/test/resources/dlpack}), compiled with gcc: the 0.x one
 * against Debian's libdlpack-dev 0.6 header, the 1.x one against the vendored 1.1 header. Deleter calls are counted
 * on the C side. GCC and the 0.6 header are required: without them the tests fail, they do not skip.
 */
final class DlpackTestLibrary {

    /** DLPack constants as the tests pass them to C (the bindings' values are what is under test). */
    static final int CPU = 1;

    static final int CUDA = 2;
    static final int INT = 0;
    static final int FLOAT = 2;
    static final int BFLOAT = 4;

    /** System property: a folder holding already compiled libraries (the child JVMs reuse the parent's). */
    static final String LIBRARY_FOLDER_PROPERTY = "softmax.test.dlpackLibraries";

    private static final String[] SOURCES = {"dlpack_test_common.h", "dlpack_v0_test.c", "dlpack_v1_test.c"};
    private static final Linker LINKER = Linker.nativeLinker();
    private static volatile DlpackTestLibrary shared;

    final Path folder;
    private final SymbolLookup v0;
    private final SymbolLookup v1;

    private final MethodHandle v0Make;
    private final MethodHandle v1Make;

    private DlpackTestLibrary(Path folder) {
        this.folder = folder;
        this.v0 = SymbolLookup.libraryLookup(folder.resolve("libdlpack_v0_test.so"), Arena.global());
        this.v1 = SymbolLookup.libraryLookup(folder.resolve("libdlpack_v1_test.so"), Arena.global());
        this.v0Make = handle(
                v0,
                "v0_make",
                FunctionDescriptor.of(
                        ADDRESS,
                        JAVA_INT,
                        ADDRESS,
                        ADDRESS,
                        JAVA_LONG,
                        JAVA_BYTE,
                        JAVA_BYTE,
                        JAVA_SHORT,
                        JAVA_INT,
                        ADDRESS,
                        JAVA_INT));
        this.v1Make = handle(
                v1,
                "v1_make",
                FunctionDescriptor.of(
                        ADDRESS,
                        JAVA_INT,
                        ADDRESS,
                        ADDRESS,
                        JAVA_LONG,
                        JAVA_BYTE,
                        JAVA_BYTE,
                        JAVA_SHORT,
                        JAVA_INT,
                        ADDRESS,
                        JAVA_LONG,
                        JAVA_INT,
                        JAVA_INT));
    }

    /** Compiles once per JVM (or reuses the folder named by {@value #LIBRARY_FOLDER_PROPERTY}). */
    static synchronized DlpackTestLibrary get() {
        if (shared == null) {
            String given = System.getProperty(LIBRARY_FOLDER_PROPERTY);
            try {
                Path folder = given != null ? Path.of(given) : compile(Files.createTempDirectory("softmax-dlpack"));
                shared = new DlpackTestLibrary(folder);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    static Path compile(Path folder) throws IOException {
        for (String source : SOURCES) {
            copyResource("dlpack/" + source, folder.resolve(source));
        }
        Path v1Include = Files.createDirectories(folder.resolve("include-1.1/dlpack"));
        copyResource("dlpack-1.1/dlpack/dlpack.h", v1Include.resolve("dlpack.h"));
        Path v0Header = Path.of(
                        Optional.ofNullable(System.getenv("DLPACK_V0_INCLUDE")).orElse("/usr/include"))
                .resolve("dlpack/dlpack.h");
        if (!Files.isRegularFile(v0Header)) {
            throw new IllegalStateException(v0Header + " is missing: the DLPack 0.x test producer is compiled against"
                    + " Debian's libdlpack-dev (0.6) header; install it with 'apt-get install libdlpack-dev' "
                    + "(ci/test.sh does) or set DLPACK_V0_INCLUDE");
        }
        Path v0Include = Files.createDirectories(folder.resolve("include-0.6/dlpack"));
        Files.copy(v0Header, v0Include.resolve("dlpack.h"));
        gcc(folder, folder.resolve("include-0.6"), "dlpack_v0_test.c", "libdlpack_v0_test.so");
        gcc(folder, folder.resolve("include-1.1"), "dlpack_v1_test.c", "libdlpack_v1_test.so");
        return folder;
    }

    private static void gcc(Path folder, Path include, String source, String library) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                "gcc",
                "-std=gnu11",
                "-O1",
                "-Wall",
                "-Wextra",
                "-Werror",
                "-shared",
                "-fPIC",
                "-I" + include,
                "-o",
                folder.resolve(library).toString(),
                folder.resolve(source).toString()));
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .directory(folder.toFile())
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("the DLPack tests need gcc on the PATH to compile their C producer", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IllegalStateException("gcc failed on " + source + ":\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void copyResource(String resource, Path target) throws IOException {
        try (InputStream in = DlpackTestLibrary.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the test class path");
            }
            Files.write(target, in.readAllBytes());
        }
    }

    private static MethodHandle handle(SymbolLookup lookup, String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(
                lookup.find(name).orElseThrow(() -> new IllegalStateException(name + " is not exported")), descriptor);
    }

    private MethodHandle v0(String name, FunctionDescriptor descriptor) {
        return handle(v0, name, descriptor);
    }

    private MethodHandle v1(String name, FunctionDescriptor descriptor) {
        return handle(v1, name, descriptor);
    }

    /** The producer's parameters: a tensor of {@code values} (logical row-major; null leaves garbage). */
    record Spec(
            long[] shape,
            long[] strides,
            long byteOffset,
            int code,
            int bits,
            int lanes,
            int device,
            float[] values,
            long flags,
            int major,
            int minor) {

        static Spec f32(long[] shape, long[] strides, long byteOffset, float[] values) {
            return new Spec(shape, strides, byteOffset, FLOAT, 32, 1, CPU, values, 0, 1, 1);
        }

        Spec withType(int newCode, int newBits) {
            return new Spec(shape, strides, byteOffset, newCode, newBits, lanes, device, values, flags, major, minor);
        }

        Spec withLanes(int newLanes) {
            return new Spec(shape, strides, byteOffset, code, bits, newLanes, device, values, flags, major, minor);
        }

        Spec withDevice(int newDevice) {
            return new Spec(shape, strides, byteOffset, code, bits, lanes, newDevice, values, flags, major, minor);
        }

        Spec withFlags(long newFlags) {
            return new Spec(shape, strides, byteOffset, code, bits, lanes, device, values, newFlags, major, minor);
        }

        Spec withVersion(int newMajor, int newMinor) {
            return new Spec(shape, strides, byteOffset, code, bits, lanes, device, values, flags, newMajor, newMinor);
        }
    }

    MemorySegment v0Make(Spec spec, boolean withDeleter) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment strides = strides(spec, arena);
            MemorySegment values = values(spec, arena);
            MemorySegment result = (MemorySegment) v0Make.invokeExact(
                    spec.shape().length,
                    arena.allocateFrom(JAVA_LONG, spec.shape()),
                    strides,
                    spec.byteOffset(),
                    (byte) spec.code(),
                    (byte) spec.bits(),
                    (short) spec.lanes(),
                    spec.device(),
                    values,
                    withDeleter ? 1 : 0);
            return requireMade(result);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    MemorySegment v1Make(Spec spec) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment strides = strides(spec, arena);
            MemorySegment values = values(spec, arena);
            MemorySegment result = (MemorySegment) v1Make.invokeExact(
                    spec.shape().length,
                    arena.allocateFrom(JAVA_LONG, spec.shape()),
                    strides,
                    spec.byteOffset(),
                    (byte) spec.code(),
                    (byte) spec.bits(),
                    (short) spec.lanes(),
                    spec.device(),
                    values,
                    spec.flags(),
                    spec.major(),
                    spec.minor());
            return requireMade(result);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    private static MemorySegment strides(Spec spec, Arena arena) {
        return spec.strides() == null ? MemorySegment.NULL : arena.allocateFrom(JAVA_LONG, spec.strides());
    }

    private static MemorySegment values(Spec spec, Arena arena) {
        return spec.values() == null ? MemorySegment.NULL : arena.allocateFrom(JAVA_FLOAT, spec.values());
    }

    private static MemorySegment requireMade(MemorySegment managed) {
        if (managed.address() == 0) {
            throw new IllegalStateException("the C producer returned NULL");
        }
        return managed;
    }

    long v0Data(MemorySegment managed) {
        return address(v0("v0_data", FunctionDescriptor.of(ADDRESS, ADDRESS)), managed);
    }

    long v1Data(MemorySegment managed) {
        return address(v1("v1_data", FunctionDescriptor.of(ADDRESS, ADDRESS)), managed);
    }

    /** The C consumer's read of the 0.x tensor: its elements in logical row-major order. */
    float[] v0Read(MemorySegment managed, int count) {
        return read(v0("v0_read", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG)), managed, count);
    }

    /** The C consumer's read of a 1.x tensor (the engine's exports included). */
    float[] v1Read(MemorySegment managed, int count) {
        return read(v1("v1_read", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG)), managed, count);
    }

    /** The C consumer writes through the tensor (returns -5 when it is flagged read-only). */
    int v1Scale(MemorySegment managed, float factor) {
        try {
            return (int) v1("v1_scale", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_FLOAT))
                    .invokeExact(managed, factor);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    /** The header fields as the C consumer sees them (see {@code v1_describe}). */
    long[] v1Describe(MemorySegment managed) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_LONG, 12 + 2 * 16);
            v1("v1_describe", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS)).invokeExact(managed, out);
            return out.toArray(JAVA_LONG);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    void v0CallDeleter(MemorySegment managed) {
        call(v0("v0_call_deleter", FunctionDescriptor.ofVoid(ADDRESS)), managed);
    }

    void v1CallDeleter(MemorySegment managed) {
        call(v1("v1_call_deleter", FunctionDescriptor.ofVoid(ADDRESS)), managed);
    }

    void v0FreeWithoutDeleter(MemorySegment managed) {
        call(v0("v0_free_without_deleter", FunctionDescriptor.ofVoid(ADDRESS)), managed);
    }

    long v0Made() {
        return counter(v0, "v0_made");
    }

    long v0Deleted() {
        return counter(v0, "v0_deleted");
    }

    long v0BadDeletes() {
        return counter(v0, "v0_bad_deletes");
    }

    long v0FreedWithoutDeleter() {
        return counter(v0, "v0_freed_without_deleter");
    }

    long v1Made() {
        return counter(v1, "v1_made");
    }

    long v1Deleted() {
        return counter(v1, "v1_deleted");
    }

    long v1BadDeletes() {
        return counter(v1, "v1_bad_deletes");
    }

    private static long counter(SymbolLookup lookup, String name) {
        try {
            return (long) handle(lookup, name, FunctionDescriptor.of(JAVA_LONG)).invokeExact();
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    private static long address(MethodHandle handle, MemorySegment managed) {
        try {
            return ((MemorySegment) handle.invokeExact(managed)).address();
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    private static void call(MethodHandle handle, MemorySegment managed) {
        try {
            handle.invokeExact(managed);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    private static float[] read(MethodHandle handle, MemorySegment managed, int count) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_FLOAT, Math.max(1, count));
            int status = (int) handle.invokeExact(managed, out, (long) count);
            if (status != 0) {
                throw new IllegalStateException("the C consumer refused the tensor: status " + status);
            }
            return count == 0 ? new float[0] : out.toArray(JAVA_FLOAT);
        } catch (Throwable e) {
            throw rethrow(e);
        }
    }

    private static RuntimeException rethrow(Throwable e) {
        if (e instanceof RuntimeException runtime) {
            return runtime;
        }
        if (e instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(e);
    }
}
